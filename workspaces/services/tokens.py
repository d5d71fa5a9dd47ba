"""JWT access and refresh tokens for users, each bound to one workspace and one token family.

Every sign-in starts a family (a `TokenFamily` row); its id travels as a claim in the refresh
token and in every access token made from it. Refreshing rotates the refresh token within the
family. Presenting a refresh token that was already rotated means it was copied: the whole
family is revoked, and its latest refresh token and its access tokens stop working
(`workspaces.principal.authenticate_bearer` checks the family with the membership, in one query).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken, Token

from crm.errors import Forbidden, Unauthenticated
from workspaces.models import Membership, TokenFamily, User, Workspace, normalize_email

WORKSPACE_CLAIM = "workspace_id"
FAMILY_CLAIM = "family_id"

REFRESH_FAILED = "The refresh token is invalid, expired or already used."


class FamilyRefreshToken(RefreshToken):
    """A refresh token whose reuse is judged by its family, not by simplejwt's blacklist:
    a rotated token must still decode so that its family can be revoked."""

    def verify(self, *args: Any, **kwargs: Any) -> None:
        Token.verify(self)


@dataclass(frozen=True)
class TokenPair:
    access: str
    refresh: str
    family_id: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"access": self.access, "refresh": self.refresh}

    @property
    def access_expires_at(self) -> str:
        return _expiry(AccessToken(self.access))  # type: ignore[arg-type]

    @property
    def refresh_expires_at(self) -> str:
        return _expiry(FamilyRefreshToken(self.refresh))  # type: ignore[arg-type]


def _expiry(token: Token) -> str:
    return datetime.fromtimestamp(int(token["exp"]), tz=UTC).isoformat()


def _issue_in_family(family: TokenFamily) -> TokenPair:
    refresh = FamilyRefreshToken.for_user(family.user)
    refresh[WORKSPACE_CLAIM] = str(family.workspace_id)
    refresh[FAMILY_CLAIM] = str(family.id)
    family.current_jti = str(refresh["jti"])
    return TokenPair(
        access=str(refresh.access_token), refresh=str(refresh), family_id=str(family.id)
    )


def issue_tokens(user: User, workspace: Workspace) -> TokenPair:
    """A new sign-in of `user` to `workspace`: a new token family and its first pair."""
    family = TokenFamily(user=user, workspace=workspace)
    pair = _issue_in_family(family)
    family.save()
    return pair


def find_workspace(identifier: str) -> Workspace | None:
    """A workspace named by its subdomain or its id."""
    identifier = identifier.strip().lower()
    try:
        return Workspace.objects.filter(id=uuid.UUID(identifier)).first()
    except ValueError:
        return Workspace.objects.filter(subdomain=identifier).first()


SIGN_IN_FAILED = "The email, password or workspace is not right."


def check_credentials(email: str, password: str) -> User:
    """The active user with this email and password; one error for every miss."""
    user = User.objects.filter(email=normalize_email(email)).first()
    if user is None:
        # Hash anyway, so the answer takes as long as for an account that exists.
        User().set_password(password)
        raise Unauthenticated(SIGN_IN_FAILED)
    if not user.is_active or not user.check_password(password):
        raise Unauthenticated(SIGN_IN_FAILED)
    return user


def check_sign_in(email: str, password: str, workspace_identifier: str) -> tuple[User, Workspace]:
    """The member and the active workspace whose password matches. One error for every miss,
    so the answer does not tell which of email, password or workspace was wrong.
    (`workspaces.services.accounts.sign_in` throttles it and issues the tokens.)"""
    user = check_credentials(email, password)
    workspace = find_workspace(workspace_identifier)
    if workspace is None or not Membership.objects.filter(user=user, workspace=workspace).exists():
        raise Unauthenticated(SIGN_IN_FAILED)
    if not workspace.is_active:
        raise Forbidden("This workspace is suspended.")
    return user, workspace


def _read_refresh(raw: str) -> FamilyRefreshToken:
    try:
        return FamilyRefreshToken(raw)  # type: ignore[arg-type]
    except TokenError:
        raise Unauthenticated(REFRESH_FAILED) from None


def _check_member(user_id: Any, workspace_id: Any) -> tuple[User, Workspace]:
    user = User.objects.filter(id=user_id, is_active=True).first()
    workspace = Workspace.objects.filter(id=workspace_id).first()
    if user is None or workspace is None:
        raise Unauthenticated("The refresh token no longer names an active user and workspace.")
    if not Membership.objects.filter(user=user, workspace=workspace).exists():
        raise Unauthenticated("The user is no longer a member of this workspace.")
    return user, workspace


def refresh_tokens(raw_refresh: str) -> TokenPair:
    """Rotate a refresh token within its family. A token that was already rotated revokes the
    family (its newest refresh token and its access tokens stop working)."""
    old = _read_refresh(raw_refresh)
    if old.get(FAMILY_CLAIM) is None:
        return _refresh_without_family(old)
    try:
        family_id = uuid.UUID(str(old[FAMILY_CLAIM]))
        user_id = uuid.UUID(str(old.get("user_id")))
        workspace_id = uuid.UUID(str(old.get(WORKSPACE_CLAIM)))
    except ValueError:
        raise Unauthenticated(REFRESH_FAILED) from None
    reused = False
    with transaction.atomic():
        family = (
            TokenFamily.objects.select_for_update()
            .select_related("user", "workspace")
            .filter(id=family_id, user_id=user_id, workspace_id=workspace_id)
            .first()
        )
        if family is None or family.revoked_at is not None:
            raise Unauthenticated(REFRESH_FAILED)
        if str(old["jti"]) != family.current_jti:
            _revoke(family, "reuse")
            reused = True
        else:
            _check_member(family.user_id, family.workspace_id)
            pair = _issue_in_family(family)
            family.rotated_at = timezone.now()
            family.save(update_fields=["current_jti", "rotated_at"])
            old.blacklist()
    if reused:
        # Outside the atomic block: the revocation must be committed, not rolled back.
        raise Unauthenticated(
            "This refresh token was already used. Every token of this sign-in is now revoked; "
            "sign in again."
        )
    return pair


def _refresh_without_family(old: FamilyRefreshToken) -> TokenPair:
    """Refresh tokens made before families existed: blacklist-based, then a new family."""
    try:
        old.check_blacklist()
    except TokenError:
        raise Unauthenticated(REFRESH_FAILED) from None
    user, workspace = _check_member(old.get("user_id"), old.get(WORKSPACE_CLAIM))
    old.blacklist()
    return issue_tokens(user, workspace)


def _revoke(family: TokenFamily, reason: str) -> None:
    family.revoked_at = timezone.now()
    family.revoked_reason = reason
    family.save(update_fields=["revoked_at", "revoked_reason"])


def revoke_family(family_id: Any, reason: str = "sign_out") -> bool:
    """Revoke one sign-in (all its tokens). False when it was already revoked or unknown."""
    updated = TokenFamily.objects.filter(id=family_id, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_reason=reason
    )
    return updated > 0


def revoke_user_families(user: User, workspace: Workspace | None = None, *, reason: str) -> int:
    """Revoke every sign-in of a user (in one workspace, or everywhere)."""
    query = Q(user=user, revoked_at__isnull=True)
    if workspace is not None:
        query &= Q(workspace=workspace)
    return TokenFamily.objects.filter(query).update(
        revoked_at=timezone.now(), revoked_reason=reason
    )


@dataclass(frozen=True)
class AccessClaims:
    user_id: str
    workspace_id: str
    family_id: str | None


def read_access_claims(raw: str) -> AccessClaims:
    """What an access token vouches for; Unauthenticated if its signature, type or expiry fail."""
    try:
        token = AccessToken(raw)  # type: ignore[arg-type]
    except TokenError:
        raise Unauthenticated("The access token is invalid or expired.") from None
    user_id, workspace_id = token.get("user_id"), token.get(WORKSPACE_CLAIM)
    if not user_id or not workspace_id:
        raise Unauthenticated("The access token does not name a user and a workspace.")
    family_id = token.get(FAMILY_CLAIM)
    return AccessClaims(str(user_id), str(workspace_id), str(family_id) if family_id else None)
