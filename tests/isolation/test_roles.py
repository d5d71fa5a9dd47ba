"""Workspace A's admin reaches none of workspace B's roles, members or API keys through
/metadata, even by id (standard roles share their ids across workspaces, being cloned from
the template: a change by such an id lands in A's own copy and never in B's)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from metadata import snapshot
from permissions.services import resolve
from tests.permissions.conftest import (
    ASSIGN_KEY,
    ASSIGN_MEMBER,
    UPSERT_FLAGS,
    UPSERT_OBJECTS,
    Member,
    Roles,
    api_key_id,
    code,
    make_member,
    stored_roles,
)
from tests.records.conftest import Api

UPDATE = "mutation($i: UpdateRoleInput!) { updateOneRole(updateRoleInput: $i) { id label } }"
DELETE = "mutation($id: UUID!) { deleteOneRole(roleId: $id) }"


@pytest.fixture(autouse=True)
def fresh_caches() -> Iterator[None]:
    resolve.cache.clear()
    snapshot._cache.clear()
    yield
    resolve.cache.clear()
    snapshot._cache.clear()


@pytest.fixture
def b_side(api_b: Api) -> dict[str, Any]:
    roles_b = Roles(api_b)
    role = roles_b.create("B secret role")
    member: Member = make_member(api_b)
    return {"roles": roles_b, "role": role, "member": member, "key": api_key_id(api_b.workspace),
            "guest": roles_b.by_label("Guest")["id"]}  # fmt: skip


def test_a_sees_only_its_roles(api: Api, b_side: dict[str, Any]) -> None:
    labels = [r["label"] for r in Roles(api).all()]
    assert "B secret role" not in labels
    assert b_side["role"] not in [r["id"] for r in Roles(api).all()]


def test_a_cannot_change_or_delete_b_roles(api: Api, b_side: dict[str, Any]) -> None:
    roles_a = Roles(api)
    before = stored_roles(b_side["roles"].api.workspace)
    error = roles_a.error(UPDATE, {"i": {"id": b_side["role"], "update": {"label": "pwned"}}})
    assert code(error) == "NOT_FOUND"
    assert code(roles_a.error(DELETE, {"id": b_side["role"]})) == "NOT_FOUND"
    flags = {"i": {"roleId": b_side["role"], "permissionFlagKeys": ["ROLES"]}}
    assert code(roles_a.error(UPSERT_FLAGS, flags)) == "NOT_FOUND"
    objects = {"i": {"roleId": b_side["role"], "objectPermissions": [
        {"objectMetadataId": roles_a.object_id("company"), "canReadObjectRecords": False}]}}  # fmt: skip
    assert code(roles_a.error(UPSERT_OBJECTS, objects)) == "NOT_FOUND"
    # B's Guest has the same id as A's (both cloned): the change lands in A only.
    roles_a.call(UPDATE, {"i": {"id": b_side["guest"], "update": {"label": "Visitor"}}})
    assert stored_roles(api.workspace)[b_side["guest"]] == "Visitor"
    assert stored_roles(b_side["roles"].api.workspace) == before
    b_guest = b_side["roles"].by_label("Guest")
    assert b_guest["permissionFlags"] == [] and b_guest["objectPermissions"] == []


def test_a_cannot_assign_to_b_members_or_keys(api: Api, b_side: dict[str, Any]) -> None:
    roles_a = Roles(api)
    a_role = roles_a.create("A role")
    error = roles_a.error(ASSIGN_MEMBER, {"m": b_side["member"].member_id, "r": a_role})
    assert code(error) == "NOT_FOUND"
    error = roles_a.error(ASSIGN_KEY, {"k": b_side["key"], "r": a_role})
    assert code(error) == "NOT_FOUND"
    # Nor with B's role id (unknown in A).
    error = roles_a.error(ASSIGN_MEMBER, {"m": str(uuid.uuid4()), "r": b_side["role"]})
    assert code(error) == "NOT_FOUND"
    # B's member and key keep their default roles.
    roles_b = b_side["roles"]
    assert b_side["member"].member_id in [
        m["id"] for m in roles_b.by_label("Member")["workspaceMembers"]
    ]
    assert b_side["key"] in [k["id"] for k in roles_b.by_label("Admin")["apiKeys"]]


def test_a_token_on_b_host_cannot_manage_roles(api: Api, b_side: dict[str, Any]) -> None:
    status, body = api.post(
        "/metadata", "{ getRoles { id } }", host=b_side["roles"].api.workspace.host
    )
    assert status == 403 and "data" not in body
