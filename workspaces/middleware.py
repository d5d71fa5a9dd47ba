"""Resolve the workspace of every request and point the database connection at its schema.

The workspace comes from the bearer token (a user's JWT or an API key). A host of the form
<subdomain>.<BASE_DOMAIN> names a workspace too: it serves browser flows, and a token for
another workspace sent to it is refused. django-tenants' own middleware resolves by host only,
hence this one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from crm.errors import ApiError, NotFound, Unauthenticated, error_response
from crm.schemas import use_public, use_workspace
from workspaces import principal as principals
from workspaces.models import Workspace
from workspaces.principal import Principal

_CONTEXT_ATTR = "workspace_context"


@dataclass(frozen=True)
class WorkspaceContext:
    host_workspace: Workspace | None
    principal: Principal | None
    auth_error: ApiError | None

    @property
    def workspace(self) -> Workspace | None:
        """The workspace the request acts in; None means the public (base domain) side."""
        if self.principal is not None:
            return self.principal.workspace
        return None if self.auth_error is not None else self.host_workspace

    def require_principal(self) -> Principal:
        """The authenticated caller; raises the reason there is none."""
        if self.auth_error is not None:
            raise self.auth_error
        if self.principal is None:
            raise Unauthenticated("Send 'Authorization: Bearer <access token or API key>'.")
        return self.principal

    def require_workspace(self) -> Workspace | None:
        """The workspace a request is made in (its token's, else its host's); raises the
        authentication error when the token was refused."""
        if self.auth_error is not None:
            raise self.auth_error
        return self.workspace


def get_context(request: HttpRequest) -> WorkspaceContext:
    context = getattr(request, _CONTEXT_ATTR, None)
    if context is None:
        return WorkspaceContext(None, None, None)
    assert isinstance(context, WorkspaceContext)
    return context


def _host(request: HttpRequest) -> str:
    return request.get_host().rsplit(":", 1)[0].lower()


class WorkspaceMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        use_public()
        host = _host(request)
        host_workspace: Workspace | None = None
        if host.endswith("." + settings.BASE_DOMAIN):
            host_workspace = principals.workspace_for_host(host)
            if host_workspace is None or request.path.startswith("/admin/"):
                return error_response(NotFound(f"Nothing is served at {host}{request.path}."))

        principal: Principal | None = None
        auth_error: ApiError | None = None
        if principals.bearer_token(request) is not None:
            try:
                principal = principals.resolve(request, host_workspace)
            except ApiError as error:
                auth_error = error
        context = WorkspaceContext(host_workspace, principal, auth_error)
        setattr(request, _CONTEXT_ATTR, context)

        workspace = context.workspace
        if workspace is not None:
            use_workspace(workspace)
        try:
            return self.get_response(request)
        finally:
            use_public()
