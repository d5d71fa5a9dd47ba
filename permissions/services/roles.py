"""Managing roles: the only code that changes roles, their permissions and assignments.

Runs with the connection in the workspace's schema (the /metadata view's), so every lookup by
id only ever finds this workspace's roles, objects, fields and members; API keys live in the
public schema and are looked up with the caller's workspace. Every change runs inside
metadata.services.changes.schema_change: serialised per workspace, in one transaction, and it
bumps the workspace's metadata_version, which is what the permission caches are keyed by.

Rules: the Admin role cannot be edited or deleted; the three standard roles (Admin, Member,
Guest) cannot be deleted; a role still assigned to a member or an API key cannot be deleted
(CONFLICT; reassign first); a role is given only to the kind of principal it allows
(canBeAssignedToUsers / canBeAssignedToApiKeys); the last member holding Admin keeps it
(CONFLICT), so a workspace always has a member who can manage it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from psycopg import sql

from crm.errors import BadUserInput, Conflict, Forbidden, NotFound
from crm.schemas import current_schema
from metadata import snapshot
from metadata.models import FieldMetadata, ObjectMetadata
from metadata.services.changes import schema_change
from permissions.flags import PermissionFlag
from permissions.models import (
    FieldPermission,
    ObjectPermission,
    PermissionFlagGrant,
    Role,
    RoleAssignment,
)
from permissions.services.resolve import NO_MEMBER, with_me
from records.query import filters
from workspaces.models import ApiKey, Workspace

ROLE_FLAGS = (
    "can_update_all_settings", "can_access_all_tools", "can_read_all_object_records",
    "can_update_all_object_records", "can_soft_delete_all_object_records",
    "can_destroy_all_object_records", "can_be_assigned_to_users", "can_be_assigned_to_api_keys",
)  # fmt: skip
ROLE_TEXTS = ("label", "description", "icon")
OBJECT_RIGHTS = (
    "can_read_object_records", "can_update_object_records", "can_soft_delete_object_records",
    "can_destroy_object_records",
)  # fmt: skip


def _uuid(value: Any, field: str) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        raise BadUserInput(f"{field} must be a UUID.", field=field) from None


def get_role(role_id: Any, field: str = "roleId") -> Role:
    role = Role.objects.filter(id=_uuid(role_id, field)).first()
    if role is None:
        raise NotFound(f"No role has the id {role_id}.", field=field)
    return role


def _editable(role: Role) -> Role:
    if not role.is_editable:
        raise Forbidden(f"The {role.label} role cannot be changed.", field="roleId")
    return role


def _apply(role: Role, data: Mapping[str, Any]) -> None:
    for key in ROLE_TEXTS:
        if data.get(key) is not None:
            value = str(data[key]).strip()
            if key == "label" and not value:
                raise BadUserInput("A role needs a label.", field="label")
            if len(value) > (100 if key != "description" else 10_000):
                raise BadUserInput(f"The {key} is too long.", field=key)
            setattr(role, key, value)
    for key in ROLE_FLAGS:
        if data.get(key) is not None:
            setattr(role, key, bool(data[key]))


def _save(role: Role) -> Role:
    role.updated_at = timezone.now()
    try:
        with transaction.atomic():
            role.save()
    except IntegrityError:
        raise Conflict(f"Another role is already labelled {role.label!r}.", field="label") from None
    return role


def create_role(data: Mapping[str, Any]) -> Role:
    with schema_change():
        role = Role(id=_uuid(data["id"], "id") if data.get("id") else uuid.uuid4())
        if not str(data.get("label") or "").strip():
            raise BadUserInput("A role needs a label.", field="label")
        if Role.objects.filter(id=role.id).exists():
            raise Conflict(f"A role with the id {role.id} exists already.", field="id")
        _apply(role, data)
        return _save(role)


def update_role(role_id: Any, data: Mapping[str, Any]) -> Role:
    with schema_change():
        role = _editable(get_role(role_id, "id"))
        _apply(role, data)
        return _save(role)


def prune_assignments(workspace: Workspace) -> None:
    """Drop assignments of members whose record is gone and of revoked or foreign API keys."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM workspace_member WHERE deleted_at IS NULL")
        live_members = [row[0] for row in cursor.fetchall()]
    live_keys = list(
        ApiKey.objects.filter(workspace=workspace, revoked_at=None).values_list("id", flat=True)
    )
    RoleAssignment.objects.exclude(workspace_member_id=None).exclude(
        workspace_member_id__in=live_members
    ).delete()
    RoleAssignment.objects.exclude(api_key_id=None).exclude(api_key_id__in=live_keys).delete()


def delete_role(workspace: Workspace, role_id: Any) -> str:
    with schema_change():
        role = get_role(role_id)
        if role.standard_key is not None:
            raise Forbidden(f"The standard role {role.label} cannot be deleted.", field="roleId")
        prune_assignments(workspace)
        if RoleAssignment.objects.filter(role=role).exists():
            raise Conflict(
                f"The role {role.label} is still assigned; give its members and API keys "
                "another role first.",
                field="roleId",
            )
        role.delete()
        return str(role_id)


def check_row_filter(obj_row: ObjectMetadata, row_filter: Any) -> Any:
    """A row-level filter must be an object in the API's filter language for this object."""
    if row_filter is None:
        return None
    if not isinstance(row_filter, Mapping):
        raise BadUserInput("rowLevelFilter must be a filter object.", field="rowLevelFilter")
    if not row_filter:
        return None
    model = snapshot.load(current_schema())
    obj = model.objects.get(obj_row.name_singular)
    if obj is None:
        raise BadUserInput(
            f"{obj_row.name_plural} cannot have a row-level filter.", field="rowLevelFilter"
        )
    try:
        filters.match(obj, with_me(row_filter, NO_MEMBER), sql.Identifier("t"))
    except BadUserInput as error:
        raise BadUserInput(
            f"rowLevelFilter is not a valid filter: {error.message}", field="rowLevelFilter"
        ) from None
    return dict(row_filter)


def upsert_object_permissions(
    role_id: Any, items: Sequence[Mapping[str, Any]]
) -> list[ObjectPermission]:
    with schema_change():
        role = _editable(get_role(role_id))
        saved: list[ObjectPermission] = []
        for item in items:
            object_id = _uuid(item.get("object_metadata_id"), "objectMetadataId")
            obj = ObjectMetadata.objects.filter(id=object_id).first()
            if obj is None:
                raise NotFound(f"No object has the id {object_id}.", field="objectMetadataId")
            permission = ObjectPermission.objects.filter(role=role, object=obj).first()
            permission = permission or ObjectPermission(role=role, object=obj)
            for key in OBJECT_RIGHTS:
                if key in item:
                    setattr(permission, key, item[key])
            if "row_level_filter" in item:
                permission.row_level_filter = check_row_filter(obj, item["row_level_filter"])
            permission.updated_at = timezone.now()
            permission.save()
            saved.append(permission)
        return saved


def upsert_field_permissions(
    role_id: Any, items: Sequence[Mapping[str, Any]]
) -> list[FieldPermission]:
    with schema_change():
        role = _editable(get_role(role_id))
        saved: list[FieldPermission] = []
        for item in items:
            object_id = _uuid(item.get("object_metadata_id"), "objectMetadataId")
            field_id = _uuid(item.get("field_metadata_id"), "fieldMetadataId")
            field = FieldMetadata.objects.filter(id=field_id, object_id=object_id).first()
            if field is None:
                raise NotFound(
                    f"No field {field_id} belongs to the object {object_id}.",
                    field="fieldMetadataId",
                )
            permission = FieldPermission.objects.filter(role=role, field=field).first()
            permission = permission or FieldPermission(role=role, field=field, object_id=object_id)
            for key in ("can_read_field_value", "can_update_field_value"):
                if key in item:
                    setattr(permission, key, item[key])
            permission.updated_at = timezone.now()
            permission.save()
            saved.append(permission)
        return saved


def upsert_permission_flags(role_id: Any, keys: Iterable[str]) -> list[PermissionFlagGrant]:
    """The role's flags become exactly `keys`."""
    wanted: list[str] = []
    for key in keys:
        try:
            wanted.append(PermissionFlag(str(key)).value)
        except ValueError:
            raise BadUserInput(
                f"{key!r} is not a permission flag.", field="permissionFlagKeys"
            ) from None
    with schema_change():
        role = _editable(get_role(role_id))
        PermissionFlagGrant.objects.filter(role=role).exclude(flag__in=wanted).delete()
        have = set(PermissionFlagGrant.objects.filter(role=role).values_list("flag", flat=True))
        for flag in dict.fromkeys(wanted):
            if flag not in have:
                PermissionFlagGrant.objects.create(role=role, flag=flag)
        return list(PermissionFlagGrant.objects.filter(role=role))


def member_exists(member_id: uuid.UUID) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM workspace_member WHERE id = %s AND deleted_at IS NULL", [member_id]
        )
        return cursor.fetchone() is not None


def assign_to_member(workspace: Workspace, member_id: Any, role_id: Any) -> Role:
    wanted = _uuid(member_id, "workspaceMemberId")
    with schema_change():
        role = get_role(role_id)
        if not member_exists(wanted):
            raise NotFound(f"No workspace member has the id {wanted}.", field="workspaceMemberId")
        if not role.can_be_assigned_to_users:
            raise BadUserInput(f"The {role.label} role cannot be given to members.", field="roleId")
        if role.standard_key != "admin":
            admins = [m["id"] for m in members(workspace) if m["role_key"] == "admin"]
            if admins == [wanted]:
                raise Conflict(
                    "This is the last member with the Admin role; give it to another member first.",
                    field="workspaceMemberId",
                )
        RoleAssignment.objects.update_or_create(workspace_member_id=wanted, defaults={"role": role})
        return role


def assign_to_api_key(workspace: Workspace, api_key_id: Any, role_id: Any) -> Role:
    wanted = _uuid(api_key_id, "apiKeyId")
    with schema_change():
        role = get_role(role_id)
        if not ApiKey.objects.filter(id=wanted, workspace=workspace).exists():
            raise NotFound(f"No API key has the id {wanted}.", field="apiKeyId")
        if not role.can_be_assigned_to_api_keys:
            raise BadUserInput(
                f"The {role.label} role cannot be given to API keys.", field="roleId"
            )
        RoleAssignment.objects.update_or_create(api_key_id=wanted, defaults={"role": role})
        return role


def members(workspace: Workspace) -> list[dict[str, Any]]:
    """The workspace's members (their workspaceMember records) with their effective role id."""
    from workspaces.models import Membership

    roles = dict(Role.objects.exclude(standard_key=None).values_list("standard_key", "id"))
    keys = {role_id: key for key, role_id in roles.items()}
    explicit = dict(
        RoleAssignment.objects.exclude(workspace_member_id=None).values_list(
            "workspace_member_id", "role_id"
        )
    )
    by_user = dict(Membership.objects.filter(workspace=workspace).values_list("user_id", "role"))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, user_id, user_email, name_first_name, name_last_name "
            "FROM workspace_member WHERE deleted_at IS NULL AND user_id IS NOT NULL "
            "ORDER BY created_at, id"
        )
        rows = cursor.fetchall()
    found: list[dict[str, Any]] = []
    for member_id, user_id, email, first, last in rows:
        membership_role = by_user.get(user_id)
        if membership_role is None:
            continue
        role_id = explicit.get(member_id) or roles.get(str(membership_role))
        found.append(
            {
                "id": member_id, "user_id": user_id, "user_email": email or "",
                "name": {"first_name": first or "", "last_name": last or ""}, "role_id": role_id,
                "role_key": keys.get(role_id) if role_id is not None else None,
            }
        )  # fmt: skip
    return found


def api_keys(workspace: Workspace) -> list[dict[str, Any]]:
    """The workspace's usable API keys with their effective role id."""
    admin = Role.objects.filter(standard_key="admin").values_list("id", flat=True).first()
    explicit = dict(
        RoleAssignment.objects.exclude(api_key_id=None).values_list("api_key_id", "role_id")
    )
    return [
        {"id": key.id, "name": key.name, "expires_at": key.expires_at,
         "role_id": explicit.get(key.id) or admin}
        for key in ApiKey.objects.filter(workspace=workspace, revoked_at=None)
    ]  # fmt: skip
