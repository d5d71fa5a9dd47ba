"""GraphQL errors with a stable `extensions.code`, never a stack trace or SQL text."""

from __future__ import annotations

import logging
from typing import Any

from graphql import GraphQLError

from crm.errors import ApiError, ErrorCode

logger = logging.getLogger("crm.graphql")

PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"


def error_dict(message: str, code: str, **extra: Any) -> dict[str, Any]:
    return {"message": message, "extensions": {"code": code, **extra}}


def format_error(error: GraphQLError) -> dict[str, Any]:
    original = error.original_error
    formatted: dict[str, Any]
    if isinstance(original, ApiError):
        extensions: dict[str, Any] = {"code": original.code.value}
        if original.field is not None:
            extensions["field"] = original.field
        formatted = {"message": original.message, "extensions": extensions}
    elif original is not None and not error.path:
        # Variables that do not fit their declared types (coercion happens before any resolver).
        formatted = error_dict(error.message, ErrorCode.BAD_USER_INPUT.value)
    elif original is not None:
        logger.exception("GraphQL resolver failed", exc_info=original)
        formatted = error_dict(
            "An unexpected error occurred.", ErrorCode.INTERNAL_SERVER_ERROR.value
        )
    else:
        # Raised by graphql-core itself: the document or the variables are not valid.
        code = error.extensions.get("code") if error.extensions else None
        formatted = error_dict(error.message, code or ErrorCode.BAD_USER_INPUT.value)
    if error.locations:
        formatted["locations"] = [
            {"line": loc.line, "column": loc.column} for loc in error.locations
        ]
    if error.path:
        formatted["path"] = list(error.path)
    return formatted
