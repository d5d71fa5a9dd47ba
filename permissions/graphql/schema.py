"""Roles on the metadata API (POST /metadata), with Twenty's names.

Query `getRoles`; mutations `createOneRole`, `updateOneRole`, `deleteOneRole`,
`upsertObjectPermissions`, `upsertFieldPermissions`, `upsertPermissionFlags`,
`updateWorkspaceMemberRole`, `assignRoleToApiKey`. All of them need the ROLES flag. Row-level
rules are the `rowLevelFilter` of an object permission: a filter in the language `/graphql`
takes as `filter`, where the string "me" stands for the caller's workspaceMember id. An upsert
sets an object or field permission whole: a right left out (null) follows the role's default.

Resolvers are thin: permissions.services.roles does the work. The Query and Mutation classes
here are mixed into the metadata API's root types (metadata.graphql.schema).
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

import graphene

from crm.graphql.scalars import JSON
from crm.graphql.view import GraphQLContext
from permissions.flags import PermissionFlag
from permissions.models import FieldPermission, ObjectPermission, PermissionFlagGrant, Role
from permissions.services import roles
from permissions.services.checks import require_flag

PermissionFlagType = graphene.Enum.from_enum(PermissionFlag, name="PermissionFlagType")


def _require_roles(info: Any) -> GraphQLContext:
    context: GraphQLContext = info.context
    require_flag(context.principal, PermissionFlag.ROLES)
    return context


class _Listing:
    """The workspace's members and API keys with their roles, read on first use: getRoles
    shares one between all the roles it returns instead of reading them again per role."""

    def __init__(self, workspace: Any) -> None:
        self.workspace = workspace

    @cached_property
    def members(self) -> list[dict[str, Any]]:
        return roles.members(self.workspace)

    @cached_property
    def api_keys(self) -> list[dict[str, Any]]:
        return roles.api_keys(self.workspace)


_LISTING = "_graphql_listing"


def _listing(role: Role, info: Any) -> _Listing:
    found = getattr(role, _LISTING, None)
    if isinstance(found, _Listing):
        return found
    context: GraphQLContext = info.context
    return _Listing(context.principal.workspace)


# --- output types -----------------------------------------------------------------------------


class FullName(graphene.ObjectType):
    first_name = graphene.String(required=True)
    last_name = graphene.String(required=True)


class WorkspaceMember(graphene.ObjectType):
    id = graphene.UUID(required=True)
    user_id = graphene.UUID()
    user_email = graphene.String(required=True)
    name = graphene.Field(FullName, required=True)
    role_id = graphene.UUID()


class ApiKey(graphene.ObjectType):
    id = graphene.UUID(required=True)
    name = graphene.String(required=True)
    expires_at = graphene.DateTime()
    role_id = graphene.UUID()


class ObjectPermissionType(graphene.ObjectType):
    class Meta:
        name = "ObjectPermission"

    id = graphene.UUID(required=True)
    role_id = graphene.UUID(required=True)
    object_metadata_id = graphene.UUID(required=True)
    can_read_object_records = graphene.Boolean()
    can_update_object_records = graphene.Boolean()
    can_soft_delete_object_records = graphene.Boolean()
    can_destroy_object_records = graphene.Boolean()
    row_level_filter = graphene.Field(JSON)

    @staticmethod
    def resolve_object_metadata_id(root: ObjectPermission, _info: Any) -> Any:
        return root.object_id


class FieldPermissionType(graphene.ObjectType):
    class Meta:
        name = "FieldPermission"

    id = graphene.UUID(required=True)
    role_id = graphene.UUID(required=True)
    object_metadata_id = graphene.UUID(required=True)
    field_metadata_id = graphene.UUID(required=True)
    can_read_field_value = graphene.Boolean()
    can_update_field_value = graphene.Boolean()

    @staticmethod
    def resolve_object_metadata_id(root: FieldPermission, _info: Any) -> Any:
        return root.object_id

    @staticmethod
    def resolve_field_metadata_id(root: FieldPermission, _info: Any) -> Any:
        return root.field_id


class PermissionFlagOutput(graphene.ObjectType):
    class Meta:
        name = "PermissionFlag"

    id = graphene.UUID(required=True)
    role_id = graphene.UUID(required=True)
    flag = graphene.Field(PermissionFlagType, required=True)

    @staticmethod
    def resolve_flag(root: PermissionFlagGrant, _info: Any) -> Any:
        return PermissionFlag(root.flag)


class RoleType(graphene.ObjectType):
    class Meta:
        name = "Role"

    id = graphene.UUID(required=True)
    standard_key = graphene.String()
    label = graphene.String(required=True)
    description = graphene.String(required=True)
    icon = graphene.String(required=True)
    is_editable = graphene.Boolean(required=True)
    can_update_all_settings = graphene.Boolean(required=True)
    can_access_all_tools = graphene.Boolean(required=True)
    can_read_all_object_records = graphene.Boolean(required=True)
    can_update_all_object_records = graphene.Boolean(required=True)
    can_soft_delete_all_object_records = graphene.Boolean(required=True)
    can_destroy_all_object_records = graphene.Boolean(required=True)
    can_be_assigned_to_users = graphene.Boolean(required=True)
    can_be_assigned_to_api_keys = graphene.Boolean(required=True)
    workspace_members = graphene.List(graphene.NonNull(WorkspaceMember), required=True)
    api_keys = graphene.List(graphene.NonNull(ApiKey), required=True)
    object_permissions = graphene.List(graphene.NonNull(ObjectPermissionType), required=True)
    field_permissions = graphene.List(graphene.NonNull(FieldPermissionType), required=True)
    permission_flags = graphene.List(graphene.NonNull(PermissionFlagOutput), required=True)

    @staticmethod
    def resolve_workspace_members(root: Role, info: Any) -> Any:
        return [m for m in _listing(root, info).members if m["role_id"] == root.id]

    @staticmethod
    def resolve_api_keys(root: Role, info: Any) -> Any:
        return [k for k in _listing(root, info).api_keys if k["role_id"] == root.id]

    @staticmethod
    def resolve_object_permissions(root: Role, _info: Any) -> Any:
        return list(root.object_permissions.all())

    @staticmethod
    def resolve_field_permissions(root: Role, _info: Any) -> Any:
        return list(root.field_permissions.all())

    @staticmethod
    def resolve_permission_flags(root: Role, _info: Any) -> Any:
        return list(root.permission_flags.all())


# --- inputs -----------------------------------------------------------------------------------


class RoleRights:
    description = graphene.String()
    icon = graphene.String()
    can_update_all_settings = graphene.Boolean()
    can_access_all_tools = graphene.Boolean()
    can_read_all_object_records = graphene.Boolean()
    can_update_all_object_records = graphene.Boolean()
    can_soft_delete_all_object_records = graphene.Boolean()
    can_destroy_all_object_records = graphene.Boolean()
    can_be_assigned_to_users = graphene.Boolean()
    can_be_assigned_to_api_keys = graphene.Boolean()


class CreateRoleInput(RoleRights, graphene.InputObjectType):
    id = graphene.UUID()
    label = graphene.String(required=True)


class UpdateRolePayload(RoleRights, graphene.InputObjectType):
    label = graphene.String()


class UpdateRoleInput(graphene.InputObjectType):
    id = graphene.UUID(required=True)
    update = graphene.Field(UpdateRolePayload, required=True)


class ObjectPermissionInput(graphene.InputObjectType):
    object_metadata_id = graphene.UUID(required=True)
    can_read_object_records = graphene.Boolean()
    can_update_object_records = graphene.Boolean()
    can_soft_delete_object_records = graphene.Boolean()
    can_destroy_object_records = graphene.Boolean()
    row_level_filter = graphene.Field(JSON)


class UpsertObjectPermissionsInput(graphene.InputObjectType):
    role_id = graphene.UUID(required=True)
    object_permissions = graphene.List(graphene.NonNull(ObjectPermissionInput), required=True)


class FieldPermissionInput(graphene.InputObjectType):
    object_metadata_id = graphene.UUID(required=True)
    field_metadata_id = graphene.UUID(required=True)
    can_read_field_value = graphene.Boolean()
    can_update_field_value = graphene.Boolean()


class UpsertFieldPermissionsInput(graphene.InputObjectType):
    role_id = graphene.UUID(required=True)
    field_permissions = graphene.List(graphene.NonNull(FieldPermissionInput), required=True)


class UpsertPermissionFlagsInput(graphene.InputObjectType):
    role_id = graphene.UUID(required=True)
    permission_flag_keys = graphene.List(graphene.NonNull(PermissionFlagType), required=True)


# --- operations -------------------------------------------------------------------------------


class RoleQuery(graphene.ObjectType):
    get_roles = graphene.List(graphene.NonNull(RoleType), required=True)

    @staticmethod
    def resolve_get_roles(_root: Any, info: Any) -> Any:
        context = _require_roles(info)
        found = list(
            Role.objects.prefetch_related(
                "object_permissions", "field_permissions", "permission_flags"
            )
        )
        listing = _Listing(context.principal.workspace)
        for role in found:
            setattr(role, _LISTING, listing)
        return found


def _flag_value(value: Any) -> str:
    return str(getattr(value, "value", value))


def _create_role(_root: Any, info: Any, create_role_input: Any) -> Any:
    _require_roles(info)
    return roles.create_role(dict(create_role_input))


def _update_role(_root: Any, info: Any, update_role_input: Any) -> Any:
    _require_roles(info)
    return roles.update_role(update_role_input["id"], dict(update_role_input["update"]))


def _delete_role(_root: Any, info: Any, role_id: Any) -> Any:
    context = _require_roles(info)
    return roles.delete_role(context.principal.workspace, role_id)


def _upsert_objects(_root: Any, info: Any, upsert_object_permissions_input: Any) -> Any:
    _require_roles(info)
    data = upsert_object_permissions_input
    return roles.upsert_object_permissions(
        data["role_id"], [dict(i) for i in data["object_permissions"]]
    )


def _upsert_fields(_root: Any, info: Any, upsert_field_permissions_input: Any) -> Any:
    _require_roles(info)
    data = upsert_field_permissions_input
    return roles.upsert_field_permissions(
        data["role_id"], [dict(i) for i in data["field_permissions"]]
    )


def _upsert_flags(_root: Any, info: Any, upsert_permission_flags_input: Any) -> Any:
    _require_roles(info)
    data = upsert_permission_flags_input
    return roles.upsert_permission_flags(
        data["role_id"], [_flag_value(k) for k in data["permission_flag_keys"]]
    )


def _member_role(_root: Any, info: Any, workspace_member_id: Any, role_id: Any) -> Any:
    context = _require_roles(info)
    roles.assign_to_member(context.principal.workspace, workspace_member_id, role_id)
    found = [
        m for m in roles.members(context.principal.workspace) if m["id"] == workspace_member_id
    ]
    return found[0] if found else {"id": workspace_member_id, "user_email": "",
                                   "name": {"first_name": "", "last_name": ""}, "role_id": role_id}  # fmt: skip


def _api_key_role(_root: Any, info: Any, api_key_id: Any, role_id: Any) -> Any:
    context = _require_roles(info)
    roles.assign_to_api_key(context.principal.workspace, api_key_id, role_id)
    return True


class RoleMutation(graphene.ObjectType):
    create_one_role = graphene.Field(
        RoleType, required=True, resolver=_create_role,
        create_role_input=graphene.Argument(CreateRoleInput, required=True),
    )  # fmt: skip
    update_one_role = graphene.Field(
        RoleType, required=True, resolver=_update_role,
        update_role_input=graphene.Argument(UpdateRoleInput, required=True),
    )  # fmt: skip
    delete_one_role = graphene.Field(
        graphene.String, required=True, resolver=_delete_role,
        role_id=graphene.Argument(graphene.UUID, required=True),
    )  # fmt: skip
    upsert_object_permissions = graphene.Field(
        graphene.List(graphene.NonNull(ObjectPermissionType)), required=True,
        resolver=_upsert_objects,
        upsert_object_permissions_input=graphene.Argument(UpsertObjectPermissionsInput, required=True),
    )  # fmt: skip
    upsert_field_permissions = graphene.Field(
        graphene.List(graphene.NonNull(FieldPermissionType)), required=True,
        resolver=_upsert_fields,
        upsert_field_permissions_input=graphene.Argument(UpsertFieldPermissionsInput, required=True),
    )  # fmt: skip
    upsert_permission_flags = graphene.Field(
        graphene.List(graphene.NonNull(PermissionFlagOutput)), required=True,
        resolver=_upsert_flags,
        upsert_permission_flags_input=graphene.Argument(UpsertPermissionFlagsInput, required=True),
    )  # fmt: skip
    update_workspace_member_role = graphene.Field(
        WorkspaceMember, required=True, resolver=_member_role,
        workspace_member_id=graphene.Argument(graphene.UUID, required=True),
        role_id=graphene.Argument(graphene.UUID, required=True),
    )  # fmt: skip
    assign_role_to_api_key = graphene.Field(
        graphene.Boolean, required=True, resolver=_api_key_role,
        api_key_id=graphene.Argument(graphene.UUID, required=True),
        role_id=graphene.Argument(graphene.UUID, required=True),
    )  # fmt: skip
