"""Roles tests: members and API keys of workspace A with roles, over HTTP (/graphql and
/metadata with Django's test client), inside the test's transaction.

Role changes bump the workspace's metadata_version and roll back with the test, so the
version-keyed caches (permissions and metadata snapshots) are emptied around every test.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from psycopg import sql

from crm.schemas import use_public, use_workspace
from metadata import snapshot
from permissions.models import Role
from permissions.services import resolve
from tests.conftest import PASSWORD, SeededWorkspace
from tests.records.conftest import Api
from workspaces.models import ApiKey, MembershipRole, User
from workspaces.services.tokens import issue_tokens
from workspaces.services.workspaces import add_member


@pytest.fixture(autouse=True)
def fresh_caches() -> Iterator[None]:
    resolve.cache.clear()
    snapshot._cache.clear()
    yield
    resolve.cache.clear()
    snapshot._cache.clear()


@dataclass
class Member:
    user: User
    token: str
    member_id: str


def member_record(api: Api, user: User) -> str:
    """The user's workspaceMember id (made through /graphql when sign-up did not make one)."""
    schema = api.workspace.workspace.schema_name
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("SELECT id FROM {}.workspace_member WHERE user_id = %s").format(
                sql.Identifier(schema)
            ),
            [user.pk],
        )
        row = cursor.fetchone()
    if row is not None:
        return str(row[0])
    created = api.gql(
        "mutation($d: WorkspaceMemberCreateInput!) { createWorkspaceMember(data: $d) { id } }",
        {"d": {"userId": str(user.pk), "userEmail": user.email, "name": {"firstName": "M"}}},
    )
    return str(created["createWorkspaceMember"]["id"])


def make_member(api: Api, role: MembershipRole = MembershipRole.MEMBER) -> Member:
    user = User.objects.create_user(f"m-{uuid.uuid4().hex[:8]}@roles.test", PASSWORD)
    add_member(api.workspace.workspace, user, role)
    token = issue_tokens(user, api.workspace.workspace).access
    return Member(user, token, member_record(api, user))


class Roles:
    """/metadata role operations as workspace A's API key (an Admin)."""

    def __init__(self, api: Api) -> None:
        self.api = api

    def call(self, query: str, variables: dict[str, Any] | None = None,
             token: str | None = None) -> dict[str, Any]:  # fmt: skip
        status, body = self.api.post("/metadata", query, variables, token=token)
        assert status == 200 and "errors" not in body, body
        return dict(body["data"])

    def error(self, query: str, variables: dict[str, Any] | None = None,
              token: str | None = None) -> dict[str, Any]:  # fmt: skip
        _status, body = self.api.post("/metadata", query, variables, token=token)
        assert body.get("errors"), body
        return dict(body["errors"][0])

    def all(self, token: str | None = None) -> list[dict[str, Any]]:
        return list(self.call(GET_ROLES, token=token)["getRoles"])

    def by_label(self, label: str) -> dict[str, Any]:
        return next(r for r in self.all() if r["label"] == label)

    def create(self, label: str, **rights: Any) -> str:
        data = self.call(
            "mutation($i: CreateRoleInput!) { createOneRole(createRoleInput: $i) { id } }",
            {"i": {"label": label, **rights}},
        )
        return str(data["createOneRole"]["id"])

    def object_permission(self, role_id: str, object_name: str, **rights: Any) -> None:
        self.call(
            UPSERT_OBJECTS,
            {"i": {"roleId": role_id, "objectPermissions": [
                {"objectMetadataId": self.object_id(object_name), **rights}]}},
        )  # fmt: skip

    def field_permission(self, role_id: str, object_name: str, field: str, **rights: Any) -> None:
        obj = model_of(self.api.workspace).object(object_name)
        self.call(
            UPSERT_FIELDS,
            {"i": {"roleId": role_id, "fieldPermissions": [
                {"objectMetadataId": obj.id, "fieldMetadataId": obj.fields[field].id, **rights}]}},
        )  # fmt: skip

    def flags(self, role_id: str, flags: list[str]) -> None:
        self.call(UPSERT_FLAGS, {"i": {"roleId": role_id, "permissionFlagKeys": flags}})

    def assign(self, member: Member, role_id: str) -> None:
        self.call(ASSIGN_MEMBER, {"m": member.member_id, "r": role_id})

    def assign_key(self, key_id: str, role_id: str) -> None:
        self.call(ASSIGN_KEY, {"k": key_id, "r": role_id})

    def object_id(self, object_name: str) -> str:
        return model_of(self.api.workspace).object(object_name).id


GET_ROLES = """{ getRoles { id label description standardKey isEditable canUpdateAllSettings
  canReadAllObjectRecords canUpdateAllObjectRecords canSoftDeleteAllObjectRecords
  canDestroyAllObjectRecords canBeAssignedToUsers canBeAssignedToApiKeys
  workspaceMembers { id userId userEmail } apiKeys { id name }
  objectPermissions { objectMetadataId canReadObjectRecords canUpdateObjectRecords rowLevelFilter }
  fieldPermissions { fieldMetadataId canReadFieldValue canUpdateFieldValue }
  permissionFlags { flag } } }"""
UPSERT_OBJECTS = """mutation($i: UpsertObjectPermissionsInput!) {
  upsertObjectPermissions(upsertObjectPermissionsInput: $i) { id objectMetadataId rowLevelFilter } }"""
UPSERT_FIELDS = """mutation($i: UpsertFieldPermissionsInput!) {
  upsertFieldPermissions(upsertFieldPermissionsInput: $i) { id fieldMetadataId } }"""
UPSERT_FLAGS = """mutation($i: UpsertPermissionFlagsInput!) {
  upsertPermissionFlags(upsertPermissionFlagsInput: $i) { flag } }"""
ASSIGN_MEMBER = """mutation($m: UUID!, $r: UUID!) {
  updateWorkspaceMemberRole(workspaceMemberId: $m, roleId: $r) { id roleId } }"""
ASSIGN_KEY = """mutation($k: UUID!, $r: UUID!) { assignRoleToApiKey(apiKeyId: $k, roleId: $r) }"""


@pytest.fixture
def api(db: Any, client: Client, ws_a: SeededWorkspace) -> Api:
    return Api(client, ws_a)


@pytest.fixture
def roles(api: Api) -> Roles:
    return Roles(api)


@pytest.fixture
def member(api: Api) -> Member:
    return make_member(api)


def model_of(workspace: SeededWorkspace) -> snapshot.WorkspaceModel:
    use_workspace(workspace.workspace)
    try:
        return snapshot.for_workspace(workspace.workspace)
    finally:
        use_public()


def stored_roles(workspace: SeededWorkspace) -> dict[str, str]:
    """id -> label of the roles stored in the workspace's schema (read straight from it)."""
    use_workspace(workspace.workspace)
    try:
        return {str(i): label for i, label in Role.objects.values_list("id", "label")}
    finally:
        use_public()


def api_key_id(workspace: SeededWorkspace) -> str:
    return str(ApiKey.objects.filter(workspace=workspace.workspace).order_by("created_at")[0].pk)


def code(error: dict[str, Any]) -> str:
    return str(error["extensions"]["code"])
