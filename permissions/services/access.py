"""What a caller may do with one object's records: the one question every transport asks.

GraphQL, REST, workflows and importers call `object_access` and honour its answer; record
services refuse writes it does not allow. The answer comes from the caller's role
(permissions.services.resolve, cached per workspace version): an object permission overrides
the role's "all object records" rights; updating, deleting and destroying also need reading
(a record one cannot see cannot be changed); a field permission can take reading or updating
of one field away (a field one cannot read cannot be set either); the object permission's
row-level filter comes with "me" already replaced by the caller's workspaceMember id.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from metadata.snapshot import ObjectModel, WorkspaceModel
from permissions.services.resolve import RolePermissions, permissions_for, with_me
from workspaces.principal import Principal


@dataclass(frozen=True)
class ObjectAccess:
    can_read: bool = True
    can_update: bool = True  # create and update
    can_soft_delete: bool = True  # delete and restore
    can_destroy: bool = True
    # API field names the caller may not read (absent from REST output, FORBIDDEN in GraphQL).
    unreadable_fields: frozenset[str] = frozenset()
    # API field names the caller may read but not set.
    read_only_fields: frozenset[str] = frozenset()
    # A filter in the API's filter language that every record the caller reaches must match
    # ("me" already replaced by the caller's workspaceMember id); None means every record.
    row_filter: Mapping[str, Any] | None = None

    def can_read_field(self, name: str) -> bool:
        return self.can_read and name not in self.unreadable_fields

    def can_set_field(self, name: str) -> bool:
        return name not in self.unreadable_fields and name not in self.read_only_fields


FULL_ACCESS = ObjectAccess()
NO_ACCESS = ObjectAccess(False, False, False, False)


def object_access(principal: Principal, model: WorkspaceModel, obj: ObjectModel) -> ObjectAccess:
    """The caller's rights on `obj`'s records."""
    return access_for(permissions_for(principal), obj)


def access_for(permissions: RolePermissions, obj: ObjectModel) -> ObjectAccess:
    found = permissions.memo.get(obj.id)
    if isinstance(found, ObjectAccess):
        return found
    access = _compute(permissions, obj)
    permissions.memo[obj.id] = access
    return access


def _compute(permissions: RolePermissions, obj: ObjectModel) -> ObjectAccess:
    if permissions.role_id is None:
        return NO_ACCESS
    rule = permissions.objects.get(obj.id)

    def right(override: bool | None, default: bool) -> bool:
        return default if override is None else override

    can_read = right(rule.can_read if rule else None, permissions.can_read_all)
    can_update = right(rule.can_update if rule else None, permissions.can_update_all)
    can_soft_delete = right(rule.can_soft_delete if rule else None, permissions.can_soft_delete_all)
    can_destroy = right(rule.can_destroy if rule else None, permissions.can_destroy_all)
    unreadable: set[str] = set()
    read_only: set[str] = set()
    for field in obj.fields.values():
        can_read_field, can_update_field = permissions.fields.get(field.id, (None, None))
        if can_read_field is False:
            unreadable.add(field.name)
        elif can_update_field is False:
            read_only.add(field.name)
    row_filter = (
        with_me(rule.row_filter, permissions.member_id) if rule and rule.row_filter else None
    )
    if (
        can_read and can_update and can_soft_delete and can_destroy
        and not unreadable and not read_only and row_filter is None
    ):  # fmt: skip
        return FULL_ACCESS
    return ObjectAccess(
        can_read=can_read,
        can_update=can_read and can_update,
        can_soft_delete=can_read and can_soft_delete,
        can_destroy=can_read and can_destroy,
        unreadable_fields=frozenset(unreadable),
        read_only_fields=frozenset(read_only),
        row_filter=row_filter,
    )
