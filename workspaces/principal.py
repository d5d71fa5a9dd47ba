"""Who is calling and for which workspace: resolved once per request by the middleware."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.http import HttpRequest

from crm.errors import ApiError, Forbidden, Unauthenticated, WorkspaceSuspended
from workspaces.models import ApiKey, Domain, Membership, TokenFamily, User, Workspace
from workspaces.services import api_keys, tokens


@dataclass(frozen=True)
class Principal:
    """An authenticated caller: a user's token or an API key, always for one workspace."""

    workspace: Workspace
    user: User | None = None
    api_key: ApiKey | None = None
    role: str | None = None  # the user's membership role; None for API keys
    token_family_id: uuid.UUID | None = None  # the sign-in a user's access token belongs to

    @property
    def kind(self) -> str:
        return "api_key" if self.api_key is not None else "user"


def bearer_token(request: HttpRequest) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip() or None


def workspace_for_host(host: str) -> Workspace | None:
    domain = Domain.objects.select_related("tenant").filter(domain=host.lower()).first()
    return domain.tenant if domain is not None else None


def authenticate_bearer(raw: str) -> Principal:
    """The principal a bearer token stands for; raises Unauthenticated when it stands for none."""
    if api_keys.looks_like_api_key(raw):
        api_key = api_keys.find_api_key(raw)
        if api_key is None:
            raise Unauthenticated("The API key is invalid, expired or revoked.")
        return Principal(workspace=api_key.workspace, api_key=api_key)
    claims = tokens.read_access_claims(raw)
    try:
        user_uuid = uuid.UUID(claims.user_id)
        workspace_uuid = uuid.UUID(claims.workspace_id)
        family_uuid = uuid.UUID(claims.family_id or "")
    except ValueError:
        raise Unauthenticated("The access token names no workspace or sign-in.") from None
    # One query: the membership, with the token's sign-in (family) still live.
    live_family = TokenFamily.objects.filter(
        id=family_uuid,
        user_id=OuterRef("user_id"),
        workspace_id=OuterRef("workspace_id"),
        revoked_at__isnull=True,
    )
    membership = (
        Membership.objects.select_related("user", "workspace")
        .filter(user_id=user_uuid, workspace_id=workspace_uuid, user__is_active=True)
        .filter(Exists(live_family))
        .first()
    )
    if membership is None:
        raise Unauthenticated(
            "The access token is revoked, or its user is not a member of its workspace."
        )
    return Principal(
        workspace=membership.workspace,
        user=membership.user,
        role=membership.role,
        token_family_id=family_uuid,
    )


def check_workspace_usable(principal: Principal) -> None:
    if not principal.workspace.is_active:
        raise WorkspaceSuspended("This workspace is suspended.")


def resolve(request: HttpRequest, host_workspace: Workspace | None) -> Principal:
    """Authenticate the request's bearer token against the workspace its host names."""
    raw = bearer_token(request)
    if raw is None:
        raise Unauthenticated("Send 'Authorization: Bearer <access token or API key>'.")
    principal = authenticate_bearer(raw)
    if host_workspace is not None and host_workspace.id != principal.workspace.id:
        raise Forbidden("This token belongs to another workspace than the one this host serves.")
    check_workspace_usable(principal)
    return principal


__all__ = ["ApiError", "Principal", "authenticate_bearer", "resolve", "workspace_for_host"]
