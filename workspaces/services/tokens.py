"""JWT access and refresh tokens for users, each bound to one workspace."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from crm.errors import Forbidden, Unauthenticated
from workspaces.models import Membership, User, Workspace, normalize_email

WORKSPACE_CLAIM = "workspace_id"


@dataclass(frozen=True)
class TokenPair:
    access: str
    refresh: str

    def as_dict(self) -> dict[str, Any]:
        return {"access": self.access, "refresh": self.refresh}


def issue_tokens(user: User, workspace: Workspace) -> TokenPair:
    refresh = RefreshToken.for_user(user)
    refresh[WORKSPACE_CLAIM] = str(workspace.id)
    return TokenPair(access=str(refresh.access_token), refresh=str(refresh))


def find_workspace(identifier: str) -> Workspace | None:
    """A workspace named by its subdomain or its id."""
    identifier = identifier.strip().lower()
    try:
        return Workspace.objects.filter(id=uuid.UUID(identifier)).first()
    except ValueError:
        return Workspace.objects.filter(subdomain=identifier).first()


def sign_in(email: str, password: str, workspace_identifier: str) -> TokenPair:
    """Tokens for a member of the workspace whose password matches. One error for every miss,
    so the answer does not tell which of email, password or workspace was wrong."""
    failure = Unauthenticated("The email, password or workspace is not right.")
    user = User.objects.filter(email=normalize_email(email)).first()
    if user is None or not user.is_active or not user.check_password(password):
        raise failure
    workspace = find_workspace(workspace_identifier)
    if workspace is None or not Membership.objects.filter(user=user, workspace=workspace).exists():
        raise failure
    if not workspace.is_active:
        raise Forbidden("This workspace is suspended.")
    return issue_tokens(user, workspace)


def refresh_tokens(raw_refresh: str) -> TokenPair:
    """Rotate a refresh token: the old one is blacklisted, a new pair comes back."""
    try:
        old = RefreshToken(raw_refresh)  # type: ignore[arg-type]
    except TokenError:
        raise Unauthenticated("The refresh token is invalid, expired or already used.") from None
    user = User.objects.filter(id=old.get("user_id"), is_active=True).first()
    workspace = Workspace.objects.filter(id=old.get(WORKSPACE_CLAIM)).first()
    if user is None or workspace is None:
        raise Unauthenticated("The refresh token no longer names an active user and workspace.")
    if not Membership.objects.filter(user=user, workspace=workspace).exists():
        raise Unauthenticated("The user is no longer a member of this workspace.")
    old.blacklist()
    return issue_tokens(user, workspace)


def read_access_token(raw: str) -> tuple[str, str]:
    """The (user id, workspace id) an access token vouches for; Unauthenticated if invalid."""
    try:
        token = AccessToken(raw)  # type: ignore[arg-type]
    except TokenError:
        raise Unauthenticated("The access token is invalid or expired.") from None
    user_id, workspace_id = token.get("user_id"), token.get(WORKSPACE_CLAIM)
    if not user_id or not workspace_id:
        raise Unauthenticated("The access token does not name a user and a workspace.")
    return str(user_id), str(workspace_id)
