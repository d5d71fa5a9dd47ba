"""The operator commands, run as real processes: their output is a contract for scripts."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django_tenants.utils import schema_exists

from tests.conftest import SeededWorkspace, run_manage, unique_subdomain
from workspaces.models import Membership, Workspace

pytestmark = pytest.mark.django_db


def one_error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    return lines[0]


def test_create_workspace_prints_one_json_object() -> None:
    subdomain = unique_subdomain("cmd")
    result = run_manage(
        "create_workspace", subdomain, "--name", "Command Co",
        "--admin-email", f"boss@{subdomain}.test", "--admin-password", "Long-enough-pw-9",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["subdomain"] == subdomain
    assert data["schema"] == f"cmd_{subdomain[4:]}".replace("cmd_", "ws_cmd_", 1)
    workspace = Workspace.objects.get(id=data["id"])
    assert workspace.name == "Command Co"
    assert schema_exists(data["schema"])
    assert Membership.objects.filter(
        workspace=workspace, user__email=f"boss@{subdomain}.test"
    ).exists()

    listed = run_manage("list_workspaces", "--json")
    assert listed.returncode == 0
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert any(row["id"] == data["id"] and row["schema"] == data["schema"] for row in rows)

    table = run_manage("list_workspaces")
    assert table.stdout.splitlines()[0].split()[:2] == ["SUBDOMAIN", "NAME"]
    assert subdomain in table.stdout

    refused = run_manage("delete_workspace", subdomain)
    assert refused.returncode != 0
    assert "--yes" in one_error_line(refused.stderr)
    assert schema_exists(data["schema"])

    deleted = run_manage("delete_workspace", subdomain, "--yes")
    assert deleted.returncode == 0, deleted.stderr
    assert not schema_exists(data["schema"])
    assert not Workspace.objects.filter(id=data["id"]).exists()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["create_workspace", "Bad_Name", "--name", "X"], "not valid"),
        (["create_workspace", "admin", "--name", "X"], "reserved"),
        (
            ["create_workspace", "ok-name-1", "--name", "X", "--admin-password", "pw"],
            "--admin-email",
        ),
        (["create_api_key", "no-such-workspace", "--name", "k"], "No workspace"),
        (["delete_workspace", "no-such-workspace", "--yes"], "No workspace"),
        (["create_api_key", "no-such-workspace"], "--name"),
    ],
)
def test_bad_arguments_exit_non_zero_with_one_line(args: list[str], expected: str) -> None:
    result = run_manage(*args)
    assert result.returncode != 0
    assert expected in one_error_line(result.stderr)
    assert result.stdout == ""


def test_taken_subdomain(ws_a: SeededWorkspace) -> None:
    result = run_manage("create_workspace", ws_a.workspace.subdomain, "--name", "Again")
    assert result.returncode != 0
    assert "already taken" in one_error_line(result.stderr)


def test_failed_creation_through_the_command_leaves_nothing() -> None:
    subdomain = unique_subdomain("cmd")
    result = run_manage("create_workspace", subdomain, "--name", "X", "--admin-email", "broken")
    assert result.returncode != 0
    assert "not a valid email" in one_error_line(result.stderr)
    assert not Workspace.objects.filter(subdomain=subdomain).exists()
    assert not schema_exists("ws_" + subdomain.replace("-", "_"))


def test_create_api_key_prints_the_key_last(client: Client, ws_a: SeededWorkspace) -> None:
    result = run_manage(
        "create_api_key", ws_a.workspace.subdomain, "--name", "ci", "--expires-in-days", "7"
    )
    assert result.returncode == 0, result.stderr
    key = result.stdout.strip().splitlines()[-1]
    response = client.get("/auth/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    assert response.json()["workspace"]["id"] == str(ws_a.workspace.id)
    assert response.json()["apiKey"]["name"] == "ci"


def test_create_api_key_refuses_a_non_positive_expiry(ws_a: SeededWorkspace) -> None:
    result = run_manage(
        "create_api_key", ws_a.workspace.subdomain, "--name", "x", "--expires-in-days", "0"
    )
    assert result.returncode != 0
    assert "positive" in one_error_line(result.stderr)
