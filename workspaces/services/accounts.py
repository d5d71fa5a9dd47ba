"""Accounts: sign up, sign in (throttled), switch workspace, sign out.

Transports call these; tokens come from `workspaces.services.tokens`.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from django.db import transaction

from crm.errors import BadUserInput, Forbidden, Unauthenticated
from workspaces.errors import UserAlreadyExists
from workspaces.models import Membership, MembershipRole, User, Workspace, normalize_email
from workspaces.principal import Principal
from workspaces.services import throttling, tokens
from workspaces.services.tokens import TokenPair
from workspaces.services.users import create_user
from workspaces.services.workspaces import add_member, create_workspace, validate_subdomain

THROTTLED_SIGN_IN = "Too many failed sign-in attempts. Wait a little, then try again."
THROTTLED_SIGN_UP = "Too many sign-ups from this address. Wait a little, then try again."


@dataclass(frozen=True)
class SignedIn:
    user: User
    workspace: Workspace
    tokens: TokenPair


def sign_in_attempt(email: str, address: str) -> throttling.Attempt:
    return throttling.Attempt("sign_in", normalize_email(email), address, THROTTLED_SIGN_IN)


def authenticate(email: str, password: str, address: str) -> User:
    """The user with this email and password, counting failures per account and address."""
    attempt = sign_in_attempt(email, address)
    attempt.check()
    try:
        user = tokens.check_credentials(email, password)
    except Unauthenticated:
        attempt.failed()
        raise
    attempt.succeeded()
    return user


def sign_in(email: str, password: str, workspace: str, *, address: str) -> SignedIn:
    """Tokens for a member of `workspace` (subdomain or id). Throttled; one error for any miss."""
    attempt = sign_in_attempt(email, address)
    attempt.check()
    try:
        user, found = tokens.check_sign_in(email, password, workspace)
    except Unauthenticated:
        attempt.failed()
        raise
    attempt.succeeded()
    return SignedIn(user, found, tokens.issue_tokens(user, found))


def _subdomain_from(name: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    base = re.sub(r"^[^a-z]+", "", base)[:20].strip("-") or "workspace"
    if len(base) < 3:
        base = f"{base}-ws"
    return f"{base}-{secrets.token_hex(3)}"


def sign_up(
    email: str,
    password: str,
    *,
    address: str | None = None,
    workspace_name: str | None = None,
    subdomain: str | None = None,
    first_name: str = "",
    last_name: str = "",
) -> SignedIn:
    """A new user with a new workspace of which they are the admin, signed in to it.

    The password must pass Django's validators. All or nothing: a failure leaves no user,
    workspace or schema behind. Sign-ups are counted per client `address` (throttled).
    """
    if address is not None:
        rule = throttling.rule("sign_up", "address")
        throttling.check(rule, address, THROTTLED_SIGN_UP)
        throttling.hit(rule, address)
    email = normalize_email(email)
    if User.objects.filter(email=email).exists():
        raise UserAlreadyExists(
            "An account with this email already exists; sign in instead.", field="email"
        )
    name = (workspace_name or "").strip() or email.split("@")[0]
    chosen = validate_subdomain(subdomain.strip().lower()) if subdomain else _subdomain_from(name)
    with transaction.atomic():
        user = create_user(email, password, first_name=first_name, last_name=last_name)
        workspace = create_workspace(chosen, name)
        add_member(workspace, user, MembershipRole.ADMIN)
        pair = tokens.issue_tokens(user, workspace)
    return SignedIn(user, workspace, pair)


def require_user(principal: Principal | None) -> Principal:
    if principal is None or principal.user is None:
        raise Forbidden("This needs a signed-in user (an access token), not an API key.")
    return principal


def switch_workspace(principal: Principal, workspace: str) -> SignedIn:
    """A new sign-in to another workspace the same user belongs to. The current one stays."""
    principal = require_user(principal)
    user = principal.user
    assert user is not None
    target = tokens.find_workspace(workspace) if workspace.strip() else None
    if target is None or not Membership.objects.filter(user=user, workspace=target).exists():
        raise Forbidden("You are not a member of that workspace.", field="workspace")
    if not target.is_active:
        raise Forbidden("That workspace is suspended.", field="workspace")
    return SignedIn(user, target, tokens.issue_tokens(user, target))


def sign_out(principal: Principal) -> None:
    """Revoke the sign-in the caller's access token belongs to: its refresh and access tokens."""
    principal = require_user(principal)
    if principal.token_family_id is None:
        raise BadUserInput("This token is not part of a sign-in that can be signed out.")
    tokens.revoke_family(principal.token_family_id, reason="sign_out")


def workspaces_of(user: User) -> list[Workspace]:
    return [m.workspace for m in Membership.objects.filter(user=user).select_related("workspace")]
