"""Query parameters and bodies of REST requests, checked with errors a client can act on."""

from __future__ import annotations

import uuid
from typing import Any

import orjson
from django.conf import settings
from django.http import HttpRequest

from crm.errors import BadUserInput, PayloadTooLarge
from crm.http import request_too_large

MAX_DEPTH = 2


def integer(request: HttpRequest, name: str, default: int, low: int, high: int) -> int:
    raw = request.GET.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        raise BadUserInput(
            f"{name} must be an integer from {low} to {high}, got {raw[:40]!r}.", field=name
        )
    return value


def limit(request: HttpRequest) -> int:
    return integer(
        request,
        "limit",
        int(settings.GRAPHQL_DEFAULT_PAGE_SIZE),
        1,
        int(settings.GRAPHQL_MAX_PAGE_SIZE),
    )


def depth(request: HttpRequest, default: int) -> int:
    return integer(request, "depth", default, 0, MAX_DEPTH)


def boolean(request: HttpRequest, name: str, default: bool) -> bool:
    raw = request.GET.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() not in ("true", "false"):
        raise BadUserInput(f"{name} must be true or false, got {raw[:40]!r}.", field=name)
    return raw.lower() == "true"


def text(request: HttpRequest, name: str) -> str | None:
    raw = request.GET.get(name)
    if raw is not None and "\x00" in raw:
        raise BadUserInput(f"{name} must not contain NUL characters.", field=name)
    return raw or None


def record_id(raw: str) -> str:
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        raise BadUserInput(f"{raw[:60]!r} is not a valid record id (a UUID).", field="id") from None


def body(request: HttpRequest) -> Any:
    """The request's JSON body (any JSON value)."""
    if request_too_large(request):
        raise PayloadTooLarge(
            f"The request body is larger than {settings.MAX_REQUEST_BYTES} bytes."
        )
    if not request.body:
        raise BadUserInput("The request needs a JSON body.")
    try:
        return orjson.loads(request.body)
    except orjson.JSONDecodeError as error:
        raise BadUserInput(f"The request body is not valid JSON ({error}).") from None


def body_object(request: HttpRequest) -> dict[str, Any]:
    data = body(request)
    if not isinstance(data, dict):
        raise BadUserInput("The request body must be a JSON object.")
    return data


def body_array(request: HttpRequest) -> list[Any]:
    data = body(request)
    if not isinstance(data, list):
        raise BadUserInput("The request body must be a JSON array of records.")
    if len(data) > settings.GRAPHQL_MAX_BATCH:
        raise BadUserInput(
            f"At most {settings.GRAPHQL_MAX_BATCH} records can be created at once, got "
            f"{len(data)}.",
            field="data",
        )
    for index, item in enumerate(data):
        if not isinstance(item, dict):
            raise BadUserInput(f"Item {index} of the body is not a JSON object.", field="data")
    return data


def id_list(data: dict[str, Any]) -> list[str] | None:
    """The body's `ids`, each checked as a record id (None when absent)."""
    raw = data.get("ids")
    if raw is None:
        return None
    if not isinstance(raw, list) or not all(isinstance(i, str) for i in raw):
        raise BadUserInput("ids must be a list of record ids.", field="ids")
    return [record_id(i) for i in raw]
