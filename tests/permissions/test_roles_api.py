"""Role management through /metadata: default roles, custom role CRUD, permissions, flags,
assignments, and their error cases."""

from __future__ import annotations

import uuid

from tests.conftest import unique_subdomain
from tests.permissions.conftest import (
    GET_ROLES,
    Member,
    Roles,
    api_key_id,
    code,
    make_member,
    model_of,
    stored_roles,
)
from tests.records.conftest import Api
from workspaces.models import MembershipRole
from workspaces.services.api_keys import create_api_key
from workspaces.services.workspaces import create_workspace

CREATE = "mutation($i: CreateRoleInput!) { createOneRole(createRoleInput: $i) { id label } }"
UPDATE = """mutation($i: UpdateRoleInput!) { updateOneRole(updateRoleInput: $i) {
  id label canReadAllObjectRecords } }"""
DELETE = "mutation($id: UUID!) { deleteOneRole(roleId: $id) }"
CREATE_OBJECT = (
    """mutation($input: CreateOneObjectInput!) { createOneObject(input: $input) { id } }"""
)
ROCKET = {"object": {"nameSingular": "rocket", "namePlural": "rockets",
                     "labelSingular": "Rocket", "labelPlural": "Rockets"}}  # fmt: skip


def test_a_new_workspace_is_born_with_admin_member_and_guest(api: Api, roles: Roles) -> None:
    workspace = create_workspace(unique_subdomain("roles"), "Roles")
    key = create_api_key(workspace, "k").secret
    found = roles.all(token=key)
    by_label = {r["label"]: r for r in found}
    assert set(by_label) == {"Admin", "Member", "Guest"}
    admin, member, guest = by_label["Admin"], by_label["Member"], by_label["Guest"]
    assert admin["isEditable"] is False and admin["canUpdateAllSettings"] is True
    assert member["canUpdateAllObjectRecords"] is True and member["canUpdateAllSettings"] is False
    assert guest["canReadAllObjectRecords"] is True and guest["canUpdateAllObjectRecords"] is False
    # Without an assignment, the key acts as an Admin.
    assert [k["name"] for k in admin["apiKeys"]] == ["k"]


def test_members_appear_under_their_effective_role(api: Api, roles: Roles, member: Member) -> None:
    member_role = roles.by_label("Member")
    assert member.member_id in [m["id"] for m in member_role["workspaceMembers"]]
    guest = roles.by_label("Guest")
    roles.assign(member, guest["id"])
    assert member.member_id in [m["id"] for m in roles.by_label("Guest")["workspaceMembers"]]
    assert member.member_id not in [m["id"] for m in roles.by_label("Member")["workspaceMembers"]]


def test_custom_role_create_update_delete(api: Api, roles: Roles) -> None:
    role_id = roles.create("Sales", description="Sells", canReadAllObjectRecords=True)
    created = roles.by_label("Sales")
    assert created["id"] == role_id and created["description"] == "Sells"
    assert created["isEditable"] is True and created["canReadAllObjectRecords"] is True
    assert created["canUpdateAllObjectRecords"] is False

    updated = roles.call(UPDATE, {"i": {"id": role_id, "update": {
        "label": "Sales team", "canReadAllObjectRecords": False}}})["updateOneRole"]  # fmt: skip
    assert updated == {"id": role_id, "label": "Sales team", "canReadAllObjectRecords": False}
    assert stored_roles(api.workspace)[role_id] == "Sales team"

    assert roles.call(DELETE, {"id": role_id})["deleteOneRole"] == role_id
    assert "Sales team" not in [r["label"] for r in roles.all()]
    assert role_id not in stored_roles(api.workspace)


def test_role_errors(api: Api, roles: Roles, member: Member) -> None:
    roles.create("Sales")
    assert code(roles.error(CREATE, {"i": {"label": "Sales"}})) == "CONFLICT"
    assert code(roles.error(CREATE, {"i": {"label": "  "}})) == "BAD_USER_INPUT"
    admin = roles.by_label("Admin")
    error = roles.error(UPDATE, {"i": {"id": admin["id"], "update": {"label": "Boss"}}})
    assert code(error) == "FORBIDDEN"
    assert stored_roles(api.workspace)[admin["id"]] == "Admin"
    for standard in ("Admin", "Member", "Guest"):
        assert code(roles.error(DELETE, {"id": roles.by_label(standard)["id"]})) == "FORBIDDEN"
    assert code(roles.error(DELETE, {"id": str(uuid.uuid4())})) == "NOT_FOUND"
    missing = {"id": str(uuid.uuid4()), "update": {"label": "x"}}
    assert code(roles.error(UPDATE, {"i": missing})) == "NOT_FOUND"
    # A role still assigned cannot be deleted: CONFLICT, and it stays.
    assigned = roles.create("Assigned")
    roles.assign(member, assigned)
    assert code(roles.error(DELETE, {"id": assigned})) == "CONFLICT"
    assert assigned in stored_roles(api.workspace)


def test_permission_upsert_errors(api: Api, roles: Roles) -> None:
    role_id = roles.create("Limited")
    bad_object = {"i": {"roleId": role_id, "objectPermissions": [
        {"objectMetadataId": str(uuid.uuid4()), "canReadObjectRecords": True}]}}  # fmt: skip
    from tests.permissions.conftest import UPSERT_FIELDS, UPSERT_FLAGS, UPSERT_OBJECTS

    error = roles.error(UPSERT_OBJECTS, bad_object)
    assert code(error) == "NOT_FOUND" and error["extensions"]["field"] == "objectMetadataId"
    bad_filter = {"i": {"roleId": role_id, "objectPermissions": [
        {"objectMetadataId": roles.object_id("company"), "rowLevelFilter": {"nope": {"eq": 1}}}]}}  # fmt: skip
    error = roles.error(UPSERT_OBJECTS, bad_filter)
    assert code(error) == "BAD_USER_INPUT" and error["extensions"]["field"] == "rowLevelFilter"
    # A field of another object than the one named.
    person = model_of(api.workspace).object("person")
    wrong_object = {"i": {"roleId": role_id, "fieldPermissions": [{
        "objectMetadataId": roles.object_id("company"),
        "fieldMetadataId": person.fields["jobTitle"].id, "canReadFieldValue": False}]}}  # fmt: skip
    assert code(roles.error(UPSERT_FIELDS, wrong_object)) == "NOT_FOUND"
    unknown_role = {"i": {"roleId": str(uuid.uuid4()), "permissionFlagKeys": ["ROLES"]}}
    assert code(roles.error(UPSERT_FLAGS, unknown_role)) == "NOT_FOUND"
    bad_flag = {"i": {"roleId": role_id, "permissionFlagKeys": ["EVERYTHING"]}}
    assert code(roles.error(UPSERT_FLAGS, bad_flag)) == "BAD_USER_INPUT"
    admin = roles.by_label("Admin")["id"]
    assert code(roles.error(UPSERT_FLAGS, {"i": {"roleId": admin, "permissionFlagKeys": []}})) == (
        "FORBIDDEN"
    )
    assert roles.by_label("Limited")["objectPermissions"] == []


def test_assignment_errors(api: Api, roles: Roles, member: Member) -> None:
    from tests.permissions.conftest import ASSIGN_KEY, ASSIGN_MEMBER

    role_id = roles.create("Keys only", canBeAssignedToUsers=False)
    error = roles.error(ASSIGN_MEMBER, {"m": member.member_id, "r": role_id})
    assert code(error) == "BAD_USER_INPUT"
    users_only = roles.create("Users only", canBeAssignedToApiKeys=False)
    error = roles.error(ASSIGN_KEY, {"k": api_key_id(api.workspace), "r": users_only})
    assert code(error) == "BAD_USER_INPUT"
    error = roles.error(ASSIGN_MEMBER, {"m": str(uuid.uuid4()), "r": role_id})
    assert code(error) == "NOT_FOUND" and error["extensions"]["field"] == "workspaceMemberId"
    error = roles.error(ASSIGN_KEY, {"k": str(uuid.uuid4()), "r": role_id})
    assert code(error) == "NOT_FOUND" and error["extensions"]["field"] == "apiKeyId"
    error = roles.error(ASSIGN_MEMBER, {"m": member.member_id, "r": str(uuid.uuid4())})
    assert code(error) == "NOT_FOUND" and error["extensions"]["field"] == "roleId"


def test_managing_roles_needs_the_roles_flag(api: Api, roles: Roles, member: Member) -> None:
    assert code(roles.error(GET_ROLES, token=member.token)) == "FORBIDDEN"
    assert code(roles.error(CREATE, {"i": {"label": "Mine"}}, token=member.token)) == "FORBIDDEN"
    assert "Mine" not in stored_roles(api.workspace).values()
    managers = roles.create("Role managers", canReadAllObjectRecords=True)
    roles.flags(managers, ["ROLES"])
    roles.assign(member, managers)
    assert roles.call(CREATE, {"i": {"label": "Mine"}}, token=member.token)["createOneRole"]
    assert "Mine" in [r["label"] for r in roles.all(token=member.token)]


def test_the_data_model_flag(api: Api, roles: Roles, member: Member) -> None:
    error = roles.error(CREATE_OBJECT, {"input": ROCKET}, token=member.token)
    assert code(error) == "FORBIDDEN" and "DATA_MODEL" in error["message"]
    member_role = roles.by_label("Member")["id"]
    roles.flags(member_role, ["DATA_MODEL"])
    assert [f["flag"] for f in roles.by_label("Member")["permissionFlags"]] == ["DATA_MODEL"]
    assert roles.call(CREATE_OBJECT, {"input": ROCKET}, token=member.token)["createOneObject"]
    # The flag set is replaced as a whole.
    roles.flags(member_role, [])
    error = roles.error(CREATE_OBJECT, {"input": {"object": {**ROCKET["object"],
        "nameSingular": "probe", "namePlural": "probes"}}}, token=member.token)  # fmt: skip
    assert code(error) == "FORBIDDEN"


def test_flags_follow_settings_and_tools(api: Api, roles: Roles) -> None:
    from permissions.flags import PermissionFlag
    from permissions.services.checks import has_flag
    from workspaces.principal import authenticate_bearer

    admin_member = make_member(api, MembershipRole.ADMIN)
    plain = make_member(api)
    admin = authenticate_bearer(admin_member.token)
    other = authenticate_bearer(plain.token)
    assert all(has_flag(admin, flag) for flag in PermissionFlag)
    assert not any(has_flag(other, flag) for flag in PermissionFlag)
    tools = roles.create("Tools", canAccessAllTools=True)
    roles.assign(plain, tools)
    other = authenticate_bearer(plain.token)  # the workspace row carries the new version
    assert has_flag(other, PermissionFlag.EXPORT_CSV) and has_flag(other, PermissionFlag.WORKFLOWS)
    assert not has_flag(other, PermissionFlag.ROLES)


def test_the_last_admin_keeps_the_admin_role(api: Api) -> None:
    from django.test import Client

    from tests.conftest import PASSWORD, SeededWorkspace
    from tests.permissions.conftest import ASSIGN_MEMBER, member_record
    from workspaces.models import User
    from workspaces.services.tokens import issue_tokens
    from workspaces.services.workspaces import AdminAccount

    subdomain = unique_subdomain("last")
    workspace = create_workspace(
        subdomain, "Last", admin=AdminAccount(f"a@{subdomain}.test", PASSWORD)
    )
    admin = User.objects.get(email=f"a@{subdomain}.test")
    pair = issue_tokens(admin, workspace)
    seeded = SeededWorkspace(
        workspace, admin, pair.access, pair.refresh, create_api_key(workspace, "k").secret
    )
    other_api = Api(Client(), seeded)
    roles = Roles(other_api)
    admin_member = member_record(other_api, admin)
    guest = roles.by_label("Guest")["id"]
    error = roles.error(ASSIGN_MEMBER, {"m": admin_member, "r": guest})
    assert code(error) == "CONFLICT"
    assert admin_member in [m["id"] for m in roles.by_label("Admin")["workspaceMembers"]]
    # With a second admin, the first may step down.
    second = make_member(other_api, MembershipRole.ADMIN)
    assert second.member_id in [m["id"] for m in roles.by_label("Admin")["workspaceMembers"]]
    roles.call(ASSIGN_MEMBER, {"m": admin_member, "r": guest})
    assert admin_member in [m["id"] for m in roles.by_label("Guest")["workspaceMembers"]]


def test_a_role_held_only_by_a_revoked_key_can_be_deleted(api: Api, roles: Roles) -> None:
    from workspaces.services.api_keys import revoke_api_key

    issued = create_api_key(api.workspace.workspace, "temporary")
    role_id = roles.create("Temporary")
    roles.assign_key(str(issued.api_key.pk), role_id)
    assert code(roles.error(DELETE, {"id": role_id})) == "CONFLICT"
    revoke_api_key(issued.api_key)
    assert roles.call(DELETE, {"id": role_id})["deleteOneRole"] == role_id
    assert role_id not in stored_roles(api.workspace)
