"""Permission checks every transport calls before a service changes something."""

from __future__ import annotations

from crm.errors import Forbidden
from permissions.flags import PermissionFlag
from workspaces.models import MembershipRole
from workspaces.principal import Principal


def has_flag(principal: Principal, flag: PermissionFlag) -> bool:
    """Whether the caller's role grants `flag` (API keys and admins hold every flag)."""
    return principal.api_key is not None or principal.role == MembershipRole.ADMIN


def require_flag(principal: Principal, flag: PermissionFlag) -> None:
    if not has_flag(principal, flag):
        raise Forbidden(f"This needs the {flag.value} permission, which your role does not have.")
