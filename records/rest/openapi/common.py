"""What every OpenAPI document of the platform shares: the error body, page info, the bearer
security scheme, the error responses, and a bounded cache of generated documents."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from crm.errors import ErrorCode
from crm.lru import LRU

OPENAPI_VERSION = "3.1.0"

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Every error: a stable code, a message a person understands, and the field "
    "at fault when there is one.",
    "properties": {
        "statusCode": {"type": "integer", "minimum": 400, "maximum": 599},
        "code": {"type": "string", "examples": [code.value for code in ErrorCode]},
        "error": {"type": "string"},
        "message": {"type": "string"},
        "messages": {"type": "array", "items": {"type": "string"}},
        "field": {"type": "string"},
    },
    "required": ["statusCode", "code", "error", "message", "messages"],
}

PAGE_INFO_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "hasNextPage": {"type": "boolean"},
        "hasPreviousPage": {"type": "boolean"},
        "startCursor": {"type": ["string", "null"]},
        "endCursor": {"type": ["string", "null"]},
    },
    "required": ["hasNextPage", "hasPreviousPage", "startCursor", "endCursor"],
}

# status -> (component name, description)
ERROR_RESPONSES: dict[int, tuple[str, str]] = {
    400: ("BadRequest", "The request is not valid (BAD_USER_INPUT); `field` names the culprit."),
    401: ("Unauthenticated", "No bearer token, or an invalid, expired or revoked one."),
    403: ("Forbidden", "The token's workspace is not the host's, or the role does not allow it."),
    404: ("NotFound", "No such record, object or field in the caller's workspace."),
    # Any method a path does not list (with `Allow`), so no operation lists it.
    405: ("MethodNotAllowed", "The path does not answer this method."),
    409: ("Conflict", "A unique value is already taken, or a restricting relation (CONFLICT)."),
    413: ("PayloadTooLarge", "The request body is larger than the server accepts."),
    429: ("TooManyRequests", "Too many requests; retry later."),
}

SECURITY_SCHEMES: dict[str, Any] = {
    "bearerAuth": {
        "type": "http",
        "scheme": "bearer",
        "description": "An API key (`crm_...`) or a user's access token; it names the workspace.",
    }
}


# Answered by the web server in front of the application (gunicorn), in HTML.
URI_TOO_LONG: dict[str, Any] = {
    "description": "The request line is longer than the web server accepts (about 4 KB): "
    "send long filters in fewer characters.",
    "content": {"text/html": {"schema": {"type": "string"}}},
}


def error_responses(*statuses: int) -> dict[str, Any]:
    responses: dict[str, Any] = {
        str(status): {"$ref": f"#/components/responses/{ERROR_RESPONSES[status][0]}"}
        for status in sorted({401, 403, 429, *statuses})
    }
    responses["414"] = {"$ref": "#/components/responses/UriTooLong"}
    return responses


def response_components() -> dict[str, Any]:
    components: dict[str, Any] = {
        name: {
            "description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
        for name, description in ERROR_RESPONSES.values()
    }
    components["UriTooLong"] = URI_TOO_LONG
    return components


def json_content(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def data_response(description: str, data: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """A success whose body is `{"data": {...}, ...extra}`."""
    properties: dict[str, Any] = {
        "data": {
            "type": "object",
            "properties": data,
            "required": list(data),
        },
        **extra,
    }
    return {
        "description": description,
        "content": json_content(
            {"type": "object", "properties": properties, "required": list(properties)}
        ),
    }


def query_parameter(
    name: str, schema: dict[str, Any], description: str, *, required: bool = False
) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": schema,
    }


ID_PARAMETER: dict[str, Any] = {
    "name": "id",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "format": "uuid"},
}


def document(
    title: str, description: str, paths: dict[str, Any], schemas: dict[str, Any],
    tags: Iterable[dict[str, str]] = (),
) -> dict[str, Any]:  # fmt: skip
    return {
        "openapi": OPENAPI_VERSION,
        "info": {"title": title, "version": "1.0.0", "description": description},
        "servers": [{"url": "/"}],
        "security": [{"bearerAuth": []}],
        "tags": list(tags),
        "paths": paths,
        "components": {
            "securitySchemes": SECURITY_SCHEMES,
            "schemas": {"Error": ERROR_SCHEMA, "PageInfo": PAGE_INFO_SCHEMA, **schemas},
            "responses": response_components(),
        },
    }


class DocumentCache:
    """Generated documents (as JSON bytes) by metadata fingerprint (content, not ids), least
    recently used first out: workspaces with the same data model share one document."""

    def __init__(self, size: int) -> None:
        self._documents: LRU[str, bytes] = LRU(size)

    def get_or_build(self, key: str, build: Callable[[], bytes]) -> bytes:
        found = self._documents.get(key)
        if found is None:
            found = build()
            self._documents.put(key, found)
        return found

    def __len__(self) -> int:
        return len(self._documents)

    def clear(self) -> None:
        self._documents.clear()
