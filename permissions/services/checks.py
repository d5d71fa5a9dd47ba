"""Permission checks every transport calls before a service changes something.

Flags follow Twenty's split: a role with `canUpdateAllSettings` holds every settings flag
(DATA_MODEL, API_KEYS_AND_WEBHOOKS, WORKSPACE_MEMBERS, ROLES, SECURITY), one with
`canAccessAllTools` every tool flag (WORKFLOWS, IMPORT_CSV, EXPORT_CSV); otherwise the role
holds the flags granted to it one by one (upsertPermissionFlags).
"""

from __future__ import annotations

from crm.errors import Forbidden
from permissions.flags import PermissionFlag
from permissions.services.resolve import RolePermissions, permissions_for
from workspaces.principal import Principal

TOOL_FLAGS = frozenset(
    {PermissionFlag.WORKFLOWS, PermissionFlag.IMPORT_CSV, PermissionFlag.EXPORT_CSV}
)


def role_has_flag(permissions: RolePermissions, flag: PermissionFlag) -> bool:
    if permissions.role_id is None:
        return False
    if flag.value in permissions.flags:
        return True
    if flag in TOOL_FLAGS:
        return permissions.can_access_all_tools
    return permissions.can_update_all_settings


def has_flag(principal: Principal, flag: PermissionFlag) -> bool:
    """Whether the caller's role grants `flag`."""
    return role_has_flag(permissions_for(principal), flag)


def require_flag(principal: Principal, flag: PermissionFlag) -> None:
    if not has_flag(principal, flag):
        raise Forbidden(f"This needs the {flag.value} permission, which your role does not have.")
