"""A decorator for API views: the caller must be authenticated for a workspace."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse

from crm.errors import ApiError, error_response
from workspaces.middleware import get_context
from workspaces.principal import Principal

View = Callable[..., HttpResponse]


def require_principal(view: Callable[..., HttpResponse]) -> View:
    """Call `view(request, principal, ...)` only for a caller authenticated for a workspace."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, get_context(request).require_principal(), *args, **kwargs)
        except ApiError as error:
            return error_response(error)

    return wrapped


__all__ = ["Principal", "require_principal"]
