"""JSON in and out for the thin HTTP views."""

from __future__ import annotations

from typing import Any

import orjson
from django.conf import settings
from django.http import HttpRequest, HttpResponse

from crm.errors import BadUserInput, PayloadTooLarge


def json_response(data: Any, status: int = 200) -> HttpResponse:
    return HttpResponse(
        orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS),
        status=status,
        content_type="application/json",
    )


def request_too_large(request: HttpRequest) -> bool:
    """Checked on the declared length before the body is read, so a huge body is never
    loaded (Django's own limit sits just above ours)."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    return declared > settings.MAX_REQUEST_BYTES or len(request.body) > settings.MAX_REQUEST_BYTES


def json_body(request: HttpRequest) -> dict[str, Any]:
    """The request's JSON object body, or BadUserInput saying what is wrong with it."""
    if request_too_large(request):
        raise PayloadTooLarge(
            f"The request body is larger than {settings.MAX_REQUEST_BYTES} bytes."
        )
    try:
        data = orjson.loads(request.body or b"{}")
    except orjson.JSONDecodeError:
        raise BadUserInput("The request body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise BadUserInput("The request body must be a JSON object.")
    return data


def required_str(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise BadUserInput(f"'{key}' is required and must be a non-empty string.", field=key)
    return value
