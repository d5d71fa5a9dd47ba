"""The caller's role and everything it grants, read once and cached.

One statement reads the caller's workspaceMember id, its role (the explicit assignment, else
the default of its kind), the role's object and field permissions and its flags. The answer is
kept in a bounded LRU keyed by the workspace, its `metadata_version`, the caller (user or API
key) and the membership role. Every role change bumps the workspace's `metadata_version` (in
the same transaction, through metadata.services.changes.schema_change), exactly like a data
model change: what a caller may see is part of the API it gets, and the version is already on
the workspace row every request loads, so a warm request costs no query at all and a change is
seen by every process on its next request.

Defaults without an explicit assignment (the behaviour before roles): a membership `admin`
gets Admin, `member` gets Member, an API key gets Admin. Anything else gets no rights.

SQL is qualified by the workspace's schema, so callers that run with the connection on the
public schema (member management) get the same answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson
from django.conf import settings
from django.db import connection
from psycopg import sql

from crm.lru import LRU
from workspaces.models import MembershipRole
from workspaces.principal import Principal

# The id "me" stands for when the caller has no workspaceMember record: it matches nothing.
NO_MEMBER = "00000000-0000-0000-0000-000000000000"
ME = "me"


@dataclass(frozen=True)
class ObjectRule:
    can_read: bool | None
    can_update: bool | None
    can_soft_delete: bool | None
    can_destroy: bool | None
    row_filter: Mapping[str, Any] | None


@dataclass(frozen=True)
class RolePermissions:
    """What the caller's role grants, with the caller's own member id for "me"."""

    role_id: str | None
    role_label: str | None
    member_id: str | None
    can_update_all_settings: bool = False
    can_access_all_tools: bool = False
    # Rights on every object unless an object permission says otherwise.
    can_read_all: bool = False
    can_update_all: bool = False
    can_soft_delete_all: bool = False
    can_destroy_all: bool = False
    flags: frozenset[str] = frozenset()
    objects: Mapping[str, ObjectRule] = field(default_factory=dict)
    # field metadata id -> (can read, can update); None means not restricted.
    fields: Mapping[str, tuple[bool | None, bool | None]] = field(default_factory=dict)
    # object id -> its ObjectAccess, computed on first use (permissions.services.access).
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


STATEMENT = """
WITH me AS (
  SELECT wm.id FROM {schema}.workspace_member AS wm
  WHERE wm.user_id = %(user)s::uuid AND wm.deleted_at IS NULL
  ORDER BY wm.created_at, wm.id LIMIT 1
), chosen AS (
  SELECT coalesce(
    (SELECT a.role_id FROM {schema}.permission_role_assignment AS a
     WHERE a.workspace_member_id = (SELECT id FROM me) OR a.api_key_id = %(key)s::uuid LIMIT 1),
    (SELECT r.id FROM {schema}.permission_role AS r WHERE r.standard_key = %(default)s)
  ) AS id
)
SELECT json_build_object(
  'member', (SELECT id FROM me),
  'role', (SELECT row_to_json(r) FROM {schema}.permission_role AS r
           WHERE r.id = (SELECT id FROM chosen)),
  'objects', (SELECT coalesce(json_agg(row_to_json(o)), '[]'::json)
              FROM {schema}.permission_object AS o WHERE o.role_id = (SELECT id FROM chosen)),
  'fields', (SELECT coalesce(json_agg(row_to_json(f)), '[]'::json)
             FROM {schema}.permission_field AS f WHERE f.role_id = (SELECT id FROM chosen)),
  'flags', (SELECT coalesce(json_agg(g.flag), '[]'::json)
            FROM {schema}.permission_flag AS g WHERE g.role_id = (SELECT id FROM chosen))
)::text
"""


def default_role_key(principal: Principal) -> str | None:
    """The standard role of a caller without an assignment (None: no rights at all)."""
    if principal.api_key is not None:
        return "admin"
    if principal.role == MembershipRole.ADMIN:
        return "admin"
    if principal.role == MembershipRole.MEMBER:
        return "member"
    if principal.role == "guest":  # a membership kind the accounts side may add
        return "guest"
    return None


def load(principal: Principal) -> RolePermissions:
    schema = sql.Identifier(principal.workspace.schema_name)
    params = {
        "user": str(principal.user.pk) if principal.user is not None else None,
        "key": str(principal.api_key.pk) if principal.api_key is not None else None,
        "default": default_role_key(principal),
    }
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL(STATEMENT).format(schema=schema), params)
        row = cursor.fetchone()
    data = orjson.loads(row[0]) if row else {}
    return from_json(data)


def from_json(data: Mapping[str, Any]) -> RolePermissions:
    role = data.get("role") or None
    member = data.get("member")
    if role is None:
        return RolePermissions(role_id=None, role_label=None, member_id=member)
    return RolePermissions(
        role_id=str(role["id"]),
        role_label=str(role["label"]),
        member_id=member,
        can_update_all_settings=bool(role["can_update_all_settings"]),
        can_access_all_tools=bool(role["can_access_all_tools"]),
        can_read_all=bool(role["can_read_all_object_records"]),
        can_update_all=bool(role["can_update_all_object_records"]),
        can_soft_delete_all=bool(role["can_soft_delete_all_object_records"]),
        can_destroy_all=bool(role["can_destroy_all_object_records"]),
        flags=frozenset(str(f) for f in data.get("flags") or ()),
        objects={
            str(o["object_id"]): ObjectRule(
                can_read=o["can_read_object_records"],
                can_update=o["can_update_object_records"],
                can_soft_delete=o["can_soft_delete_object_records"],
                can_destroy=o["can_destroy_object_records"],
                row_filter=o["row_level_filter"] or None,
            )
            for o in data.get("objects") or ()
        },
        fields={
            str(f["field_id"]): (f["can_read_field_value"], f["can_update_field_value"])
            for f in data.get("fields") or ()
        },
    )


cache: LRU[tuple[Any, ...], RolePermissions] = LRU(int(settings.PERMISSIONS_CACHE_SIZE))


def cache_key(principal: Principal) -> tuple[Any, ...]:
    workspace = principal.workspace
    return (
        str(workspace.pk),
        int(workspace.metadata_version),
        str(principal.user.pk) if principal.user is not None else None,
        str(principal.api_key.pk) if principal.api_key is not None else None,
        principal.role,
    )


def permissions_for(principal: Principal) -> RolePermissions:
    """The caller's permissions at the workspace's current version (cached)."""
    key = cache_key(principal)
    found = cache.get(key)
    if found is None:
        found = load(principal)
        cache.put(key, found)
    return found


def with_me(filter_: Any, member_id: str | None) -> Any:
    """The filter with every value "me" replaced by the caller's workspaceMember id."""
    if isinstance(filter_, Mapping):
        return {key: with_me(value, member_id) for key, value in filter_.items()}
    if isinstance(filter_, list):
        return [with_me(item, member_id) for item in filter_]
    if filter_ == ME:
        return member_id or NO_MEMBER
    return filter_
