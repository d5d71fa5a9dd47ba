"""Workspace members: the workspaceMember record follows the membership (creation, name and
email changes, removal) in the same transaction; listing and removing members over HTTP;
the data-fix command."""

from __future__ import annotations

import json
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection
from django.test import Client
from psycopg import sql

from tests.conftest import SeededWorkspace, unique_subdomain
from tests.workspaces.conftest import STRONG, error_code, gql, new_email
from workspaces.models import Membership, MembershipRole, TokenFamily, User, Workspace
from workspaces.services.tokens import issue_tokens
from workspaces.services.users import update_user
from workspaces.services.workspaces import (
    AdminAccount,
    add_member,
    create_workspace,
    delete_workspace,
)

pytestmark = pytest.mark.django_db

MEMBERS = "{ currentWorkspaceMembers { id userId userEmail name { firstName lastName } role } }"
REMOVE = """mutation($id: String!) { deleteUserFromWorkspace(workspaceMemberIdToDelete: $id) {
  id userEmail } }"""


def records(workspace: Workspace) -> list[dict[str, Any]]:
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL(
                "SELECT id, user_id, user_email, name_first_name, name_last_name "
                "FROM {}.workspace_member ORDER BY user_email"
            ).format(sql.Identifier(workspace.schema_name))
        )
        columns = ["id", "user_id", "user_email", "first_name", "last_name"]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


@pytest.fixture
def team() -> Iterator[tuple[Workspace, User, str]]:
    email = new_email("owner")
    workspace = create_workspace(
        unique_subdomain("crew"), "Crew", admin=AdminAccount(email=email, password=STRONG)
    )
    owner = User.objects.get(email=email)
    yield workspace, owner, issue_tokens(owner, workspace).access
    delete_workspace(workspace)


def test_seeded_workspaces_have_their_admin_as_a_workspace_member(ws_a: SeededWorkspace) -> None:
    rows = records(ws_a.workspace)
    assert [(r["user_id"], r["user_email"]) for r in rows] == [(ws_a.admin.id, ws_a.admin.email)]


def test_the_record_is_served_by_the_workspace_graphql_api(
    client: Client, ws_a: SeededWorkspace
) -> None:
    response = client.post(
        "/graphql",
        {"query": "{ workspaceMembers { edges { node { id userEmail userId } } } }"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {ws_a.access_token}"},
    )
    assert response.status_code == 200, response.content
    nodes = [e["node"] for e in response.json()["data"]["workspaceMembers"]["edges"]]
    assert [(n["userEmail"], n["userId"]) for n in nodes] == [
        (ws_a.admin.email, str(ws_a.admin.id))
    ]


def test_add_member_and_sign_up_create_records(client: Client, team: tuple) -> None:
    workspace, _, _ = team
    user = User.objects.create_user(
        email=new_email("added"), password=STRONG, first_name="Ada", last_name="L"
    )
    add_member(workspace, user)
    add_member(workspace, user)  # idempotent: still one record
    mine = [r for r in records(workspace) if r["user_id"] == user.id]
    assert len(mine) == 1 and mine[0]["first_name"] == "Ada" and mine[0]["last_name"] == "L"

    email = new_email("signup")
    response = client.post(
        "/auth/sign-up",
        {"email": email, "password": STRONG, "firstName": "Sig"},
        content_type="application/json",
    )
    created = Workspace.objects.get(id=response.json()["workspace"]["id"])
    try:
        assert [(r["user_email"], r["first_name"]) for r in records(created)] == [(email, "Sig")]
    finally:
        delete_workspace(created)


def test_a_failed_record_write_leaves_no_membership(team: tuple) -> None:
    workspace, _, _ = team
    user = User.objects.create_user(email=new_email("orphan"), password=STRONG)
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL(
                "ALTER TABLE {}.workspace_member ADD CONSTRAINT no_new CHECK (user_id IS NULL) NOT VALID"
            ).format(sql.Identifier(workspace.schema_name))
        )
    with pytest.raises(DatabaseError):
        add_member(workspace, user)
    assert not Membership.objects.filter(user=user, workspace=workspace).exists()


def test_name_and_email_changes_follow_into_every_workspace(
    team: tuple, ws_a: SeededWorkspace
) -> None:
    workspace, _, _ = team
    user = User.objects.create_user(email=new_email("mover"), password=STRONG)
    add_member(workspace, user)
    add_member(ws_a.workspace, user)
    try:
        changed = new_email("moved")
        update_user(user, email=changed.upper(), first_name="New", last_name="Name")
        for ws in (workspace, ws_a.workspace):
            mine = [r for r in records(ws) if r["user_id"] == user.id]
            assert mine == [
                {
                    "id": mine[0]["id"],
                    "user_id": user.id,
                    "user_email": changed,
                    "first_name": "New",
                    "last_name": "Name",
                }
            ]
    finally:
        Membership.objects.filter(user=user, workspace=ws_a.workspace).delete()
        with connection.cursor() as cursor:
            cursor.execute(
                sql.SQL("DELETE FROM {}.workspace_member WHERE user_id = %s").format(
                    sql.Identifier(ws_a.workspace.schema_name)
                ),
                [user.id],
            )


def test_list_members_over_graphql_and_rest(client: Client, team: tuple) -> None:
    workspace, owner, token = team
    other = User.objects.create_user(email=new_email("second"), password=STRONG, first_name="Sec")
    add_member(workspace, other)
    status, body = gql(client, MEMBERS, token=token)
    assert status == 200
    listed = body["data"]["currentWorkspaceMembers"]
    assert [(m["userEmail"], m["role"]) for m in listed] == [
        (owner.email, "admin"),
        (other.email, "member"),
    ]
    ids = {r["user_id"]: str(r["id"]) for r in records(workspace)}
    assert listed[1]["id"] == ids[other.id] and listed[1]["name"]["firstName"] == "Sec"
    response = client.get("/auth/members", headers={"Authorization": f"Bearer {token}"})
    assert [m["userEmail"] for m in response.json()["members"]] == [owner.email, other.email]
    assert client.get("/auth/members").status_code == 401


def test_remove_a_member(client: Client, team: tuple) -> None:
    workspace, _, token = team
    leaving = User.objects.create_user(email=new_email("leaving"), password=STRONG)
    add_member(workspace, leaving)
    leaving_token = issue_tokens(leaving, workspace).access
    record_id = next(str(r["id"]) for r in records(workspace) if r["user_id"] == leaving.id)

    status, body = gql(client, REMOVE, {"id": record_id}, token=token)
    assert status == 200, body
    assert body["data"]["deleteUserFromWorkspace"]["userEmail"] == leaving.email
    assert not Membership.objects.filter(user=leaving, workspace=workspace).exists()
    assert all(r["user_id"] != leaving.id for r in records(workspace))
    assert not TokenFamily.objects.filter(
        user=leaving, workspace=workspace, revoked_at__isnull=True
    ).exists()
    assert (
        client.get("/auth/me", headers={"Authorization": f"Bearer {leaving_token}"}).status_code
        == 401
    )
    assert User.objects.filter(pk=leaving.pk).exists()  # the account itself stays

    status, body = gql(client, REMOVE, {"id": record_id}, token=token)
    assert status == 404 and error_code(body) == "NOT_FOUND"
    status, body = gql(client, REMOVE, {"id": "not-a-uuid"}, token=token)
    assert status == 400


def test_the_last_admin_cannot_be_removed_and_members_cannot_remove(
    client: Client, team: tuple
) -> None:
    workspace, owner, token = team
    owner_record = next(str(r["id"]) for r in records(workspace) if r["user_id"] == owner.id)
    status, body = gql(client, REMOVE, {"id": owner_record}, token=token)
    assert status == 409 and error_code(body) == "CONFLICT"
    assert Membership.objects.filter(user=owner, workspace=workspace).exists()

    plain = User.objects.create_user(email=new_email("plain"), password=STRONG)
    add_member(workspace, plain, MembershipRole.MEMBER)
    plain_token = issue_tokens(plain, workspace).access
    response = client.delete(
        f"/auth/members/{owner_record}", headers={"Authorization": f"Bearer {plain_token}"}
    )
    assert response.status_code == 403
    assert Membership.objects.filter(user=owner, workspace=workspace).exists()

    # with a second admin, the first may go
    second = User.objects.create_user(email=new_email("admin2"), password=STRONG)
    add_member(workspace, second, MembershipRole.ADMIN)
    response = client.delete(
        f"/auth/members/{owner_record}", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200
    assert not Membership.objects.filter(user=owner, workspace=workspace).exists()


def test_sync_command_repairs_records(team: tuple) -> None:
    workspace, owner, _ = team
    stranger = User.objects.create_user(email=new_email("gone"), password=STRONG)
    with connection.cursor() as cursor:
        table = sql.SQL("{}.workspace_member").format(sql.Identifier(workspace.schema_name))
        cursor.execute(sql.SQL("DELETE FROM {}").format(table))
        cursor.execute(
            sql.SQL("INSERT INTO {} (user_id, user_email) VALUES (%s, %s)").format(table),
            [stranger.id, stranger.email],
        )
    out = StringIO()
    call_command("sync_workspace_members", "--workspace", workspace.subdomain, stdout=out)
    assert json.loads(out.getvalue()) == {
        "subdomain": workspace.subdomain,
        "members": 1,
        "removed": 1,
    }
    assert [r["user_id"] for r in records(workspace)] == [owner.id]
    out = StringIO()
    call_command("sync_workspace_members", "--workspace", workspace.subdomain, stdout=out)
    assert json.loads(out.getvalue())["removed"] == 0
