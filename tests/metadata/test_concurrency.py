"""Concurrent metadata changes on one workspace, with real transactions on two connections."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection, connections

from crm.schemas import use_public, use_workspace
from metadata.errors import SchemaBusy
from metadata.models import FieldMetadata, ObjectMetadata
from metadata.services.fields import FieldInput, create_field
from metadata.services.objects import ObjectInput, create_object
from tests.conftest import unique_subdomain
from tests.metadata.conftest import columns_of
from workspaces.models import Workspace
from workspaces.services.workspaces import create_workspace, delete_workspace


@pytest.fixture
def committed_workspace(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Workspace]:
    with django_db_blocker.unblock():
        use_public()
        workspace = create_workspace(unique_subdomain("conc"), "Concurrency")
        use_workspace(workspace)
        create_object(ObjectInput("rocket", "rockets", "Rocket", "Rockets"))
        use_public()
        yield workspace
        use_public()
        delete_workspace(workspace)


def in_thread(workspace: Workspace, work: Any, results: list[Any]) -> threading.Thread:
    def run() -> None:
        try:
            use_workspace(workspace)
            results.append(work())
        except Exception as exc:  # reported to the test
            results.append(exc)
        finally:
            connections.close_all()

    return threading.Thread(target=run)


def test_two_concurrent_changes_both_apply(
    committed_workspace: Workspace, django_db_blocker: Any
) -> None:
    with django_db_blocker.unblock():
        version = Workspace.objects.get(id=committed_workspace.id).metadata_version
        use_workspace(committed_workspace)
        rocket = ObjectMetadata.objects.get(name_singular="rocket")
        use_public()
        results: list[Any] = []
        threads = [
            in_thread(
                committed_workspace,
                lambda n=n: create_field(rocket.id, FieldInput(n, "TEXT", n)),
                results,
            )
            for n in ("alpha", "beta")
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert all(isinstance(r, FieldMetadata) for r in results), results
        use_workspace(committed_workspace)
        assert {"alpha", "beta"} <= set(columns_of(committed_workspace.schema_name, "rocket"))
        use_public()
        # Two bumps, each a fresh number from the sequence.
        assert Workspace.objects.get(id=committed_workspace.id).metadata_version >= version + 2


def test_a_change_that_cannot_get_its_lock_fails_cleanly(
    committed_workspace: Workspace, django_db_blocker: Any, settings: Any
) -> None:
    settings.METADATA_LOCK_TIMEOUT_MS = 300
    schema = committed_workspace.schema_name
    with django_db_blocker.unblock():
        use_workspace(committed_workspace)
        rocket = ObjectMetadata.objects.get(name_singular="rocket")
        # Another session holds the table: a long report, say.
        holder = connection.copy()
        holder.connect()
        holder.connection.autocommit = False
        holder.connection.execute(f'LOCK TABLE "{schema}".rocket IN ACCESS SHARE MODE')
        try:
            with pytest.raises(SchemaBusy) as info:
                create_field(rocket.id, FieldInput("gamma", "TEXT", "Gamma"))
            assert "try again" in info.value.message
        finally:
            holder.connection.rollback()
            holder.close()
        assert not FieldMetadata.objects.filter(name="gamma").exists()
        assert "gamma" not in columns_of(schema, "rocket")
        use_public()
