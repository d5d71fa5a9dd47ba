"""sync_metadata and check_schemas over several workspaces, as real processes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection

from crm.schemas import use_public
from tests.conftest import run_manage, unique_subdomain
from workspaces.models import Workspace
from workspaces.services.workspaces import create_workspace, delete_workspace


@pytest.fixture
def three_workspaces(django_db_setup: Any, django_db_blocker: Any) -> Iterator[list[Workspace]]:
    with django_db_blocker.unblock():
        use_public()
        created = [create_workspace(unique_subdomain("fleet"), "Fleet") for _ in range(3)]
        yield created
        use_public()
        for workspace in created:
            if Workspace.objects.filter(id=workspace.id).exists():
                delete_workspace(workspace)


def test_sync_metadata_is_idempotent_and_parallel(three_workspaces: list[Workspace]) -> None:
    result = run_manage("sync_metadata", "--jobs", "2")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].endswith(": 0 changed, 0 failed")
    dry = run_manage("sync_metadata", "--dry-run", "--workspace", three_workspaces[0].subdomain)
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.strip() == "1 schema(s): 0 to change, 0 failed"


def test_sync_metadata_reports_a_broken_workspace_and_goes_on(
    three_workspaces: list[Workspace], django_db_blocker: Any
) -> None:
    broken = three_workspaces[1]
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(f'DROP TABLE "{broken.schema_name}".metadata_field CASCADE')
    result = run_manage("sync_metadata", "--jobs", "2")
    assert result.returncode != 0
    assert f"FAILED {broken.schema_name}" in result.stderr
    assert "1 failed" in result.stdout
    # The others were synced (they were in step, so nothing changed and nothing failed).
    assert result.stdout.count("FAILED") == 0


def test_check_schemas_finds_and_repairs_drift(
    three_workspaces: list[Workspace], django_db_blocker: Any
) -> None:
    workspace = three_workspaces[2]
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(f'ALTER TABLE "{workspace.schema_name}".company DROP COLUMN employees')
    found = run_manage("check_schemas", "--workspace", workspace.subdomain)
    assert found.returncode != 0
    assert "missing column company.employees" in found.stdout
    repaired = run_manage("check_schemas", "--workspace", workspace.subdomain, "--repair")
    assert repaired.returncode == 0, repaired.stderr
    clean = run_manage("check_schemas", "--workspace", workspace.subdomain)
    assert clean.returncode == 0
    assert "0 with drift" in clean.stdout
