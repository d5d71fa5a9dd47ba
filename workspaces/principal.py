"""Who is calling and for which workspace: resolved once per request by the middleware."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.http import HttpRequest

from crm.errors import ApiError, Forbidden, Unauthenticated, WorkspaceSuspended
from workspaces.models import ApiKey, Domain, Membership, User, Workspace
from workspaces.services import api_keys, tokens


@dataclass(frozen=True)
class Principal:
    """An authenticated caller: a user's token or an API key, always for one workspace."""

    workspace: Workspace
    user: User | None = None
    api_key: ApiKey | None = None
    role: str | None = None  # the user's membership role; None for API keys

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
    user_id, workspace_id = tokens.read_access_token(raw)
    try:
        workspace_uuid = uuid.UUID(workspace_id)
    except ValueError:
        raise Unauthenticated("The access token names no workspace.") from None
    membership = (
        Membership.objects.select_related("user", "workspace")
        .filter(user_id=user_id, workspace_id=workspace_uuid, user__is_active=True)
        .first()
    )
    if membership is None:
        raise Unauthenticated("The access token's user is not a member of its workspace.")
    return Principal(workspace=membership.workspace, user=membership.user, role=membership.role)


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
