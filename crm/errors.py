"""Typed API errors: one stable code per kind of failure, shared by every transport.

A service raises an `ApiError` subclass; the REST layer renders it as JSON with the same code
the GraphQL layer puts in `extensions.code`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.http import JsonResponse


class ErrorCode(StrEnum):
    BAD_USER_INPUT = "BAD_USER_INPUT"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    NOT_FOUND = "NOT_FOUND"
    METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
    CONFLICT = "CONFLICT"
    WORKSPACE_SUSPENDED = "WORKSPACE_SUSPENDED"
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
    TOO_MANY_REQUESTS = "TOO_MANY_REQUESTS"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


HTTP_STATUS: dict[ErrorCode, int] = {
    ErrorCode.BAD_USER_INPUT: 400,
    ErrorCode.UNAUTHENTICATED: 401,
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.WORKSPACE_SUSPENDED: 403,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.METHOD_NOT_ALLOWED: 405,
    ErrorCode.CONFLICT: 409,
    ErrorCode.PAYLOAD_TOO_LARGE: 413,
    ErrorCode.TOO_MANY_REQUESTS: 429,
    ErrorCode.INTERNAL_SERVER_ERROR: 500,
}


class ApiError(Exception):
    """A failure a caller can understand and act on."""

    code: ErrorCode = ErrorCode.INTERNAL_SERVER_ERROR

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    @property
    def status(self) -> int:
        return HTTP_STATUS[self.code]

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "statusCode": self.status,
            "error": self.code.value,
            "code": self.code.value,
            "message": self.message,
            "messages": [self.message],
        }
        if self.field is not None:
            body["field"] = self.field
        return body


class BadUserInput(ApiError):
    code = ErrorCode.BAD_USER_INPUT


class Unauthenticated(ApiError):
    code = ErrorCode.UNAUTHENTICATED


class Forbidden(ApiError):
    code = ErrorCode.FORBIDDEN


class NotFound(ApiError):
    code = ErrorCode.NOT_FOUND


class MethodNotAllowed(ApiError):
    """A route asked with a method it does not answer; `allowed` goes into the Allow header."""

    code = ErrorCode.METHOD_NOT_ALLOWED

    def __init__(self, method: str, allowed: list[str] | tuple[str, ...]) -> None:
        super().__init__(f"{method} is not allowed here; use {', '.join(allowed)}.")
        self.allowed = tuple(allowed)


class Conflict(ApiError):
    code = ErrorCode.CONFLICT


class PayloadTooLarge(ApiError):
    code = ErrorCode.PAYLOAD_TOO_LARGE


class WorkspaceSuspended(ApiError):
    code = ErrorCode.WORKSPACE_SUSPENDED


def error_response(error: ApiError) -> JsonResponse:
    response = JsonResponse(error.as_dict(), status=error.status)
    if error.code is ErrorCode.UNAUTHENTICATED:
        response["WWW-Authenticate"] = 'Bearer realm="api"'
    if isinstance(error, MethodNotAllowed):
        response["Allow"] = ", ".join(error.allowed)
    return response
