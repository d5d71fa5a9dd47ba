"""Method dispatch for the REST views of this app: one view per path, a handler per method,
the JSON error shape for every failure (405 included)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from crm.errors import BadUserInput, MethodNotAllowed, error_response
from workspaces.principal import Principal
from workspaces.rest.auth import require_principal

Handler = Callable[..., HttpResponse]


def method_not_allowed(request: HttpRequest, allowed: list[str]) -> HttpResponse:
    """405 METHOD_NOT_ALLOWED with `Allow`, as the records routes answer."""
    return error_response(MethodNotAllowed(str(request.method), allowed))


def route(handlers: Mapping[str, Handler]) -> Handler:
    """A view answering `handlers[method](request, principal, **kwargs)` for a caller of the
    workspace; 405 (JSON, with Allow) for any other method, before authentication."""
    allowed = sorted(handlers)

    @require_principal
    def authenticated(request: HttpRequest, principal: Principal, **kwargs: Any) -> HttpResponse:
        return handlers[str(request.method)](request, principal, **kwargs)

    @csrf_exempt
    def view(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        if request.method not in handlers:
            return method_not_allowed(request, allowed)
        return authenticated(request, **kwargs)

    return view


MAX_LIMIT = 1000


def paging(request: HttpRequest) -> dict[str, Any]:
    """`limit`, `starting_after` and `ending_before` as the metadata API's CursorPaging."""
    raw = request.GET.get("limit")
    limit = settings.GRAPHQL_DEFAULT_PAGE_SIZE
    if raw is not None:
        try:
            limit = int(raw)
        except ValueError:
            raise BadUserInput(f"limit must be an integer, got {raw!r}.", field="limit") from None
        if not 1 <= limit <= MAX_LIMIT:
            raise BadUserInput(f"limit must be between 1 and {MAX_LIMIT}.", field="limit")
    after, before = request.GET.get("starting_after"), request.GET.get("ending_before")
    if after is not None and before is not None:
        raise BadUserInput("Send starting_after or ending_before, not both.", field="ending_before")
    if before is not None:
        return {"last": limit, "before": before}
    return {"first": limit, "after": after} if after is not None else {"first": limit}
