"""The HTTP side of every GraphQL endpoint: read the request, parse and validate the document
(cached), execute it against a schema, encode the answer with orjson."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    GraphQLFieldResolver,
    GraphQLSchema,
    execute,
    parse,
    specified_rules,
    validate,
)
from graphql.validation import ASTValidationRule

from crm.errors import ApiError, BadUserInput, ErrorCode, Unauthenticated
from crm.graphql.errors import PARSE_FAILED, VALIDATION_FAILED, error_dict, format_error
from crm.http import json_body
from crm.lru import LRU
from workspaces.middleware import get_context
from workspaces.principal import Principal

# (schema, document, variables, operation name, model) -> the whole JSON answer, or None to
# run the operation through graphql-core's executor.
FastPath = Callable[[GraphQLSchema, DocumentNode, Any, Any, Any], bytes | None]


@dataclass(frozen=True)
class GraphQLContext:
    request: HttpRequest
    principal: Principal
    workspace_model: Any = None  # the metadata snapshot, for endpoints generated from it


class DocumentCache:
    """Parsed and validated documents, per schema object, bounded (LRU)."""

    def __init__(self, size: int) -> None:
        # The schema itself is kept in each entry: an id() alone could be reused by a new
        # schema once an old one is collected.
        self._entries: LRU[
            tuple[int, str], tuple[GraphQLSchema, DocumentNode | None, list[dict[str, Any]]]
        ] = LRU(size)

    def get(
        self, schema: GraphQLSchema, query: str, rules: tuple[type[ASTValidationRule], ...]
    ) -> tuple[DocumentNode | None, list[dict[str, Any]]]:
        key = (id(schema), query)
        entry = self._entries.get(key)
        if entry is not None and entry[0] is schema:
            return entry[1], entry[2]
        try:
            document = parse(query, max_tokens=settings.GRAPHQL_MAX_TOKENS)
        except GraphQLError as error:
            result: tuple[DocumentNode | None, list[dict[str, Any]]] = (
                None,
                [error_dict(error.message, PARSE_FAILED)],
            )
        else:
            errors = validate(schema, document, [*specified_rules, *rules])
            result = (
                (None, [error_dict(e.message, VALIDATION_FAILED) for e in errors])
                if errors
                else (document, [])
            )
        self._entries.put(key, (schema, result[0], result[1]))
        return result


documents = DocumentCache(size=1024)


def graphql_response(data: dict[str, Any], status: int = 200) -> HttpResponse:
    return HttpResponse(orjson.dumps(data), status=status, content_type="application/json")


def error_response(error: ApiError) -> HttpResponse:
    extensions: dict[str, Any] = {"field": error.field} if error.field else {}
    return graphql_response(
        {"errors": [error_dict(error.message, error.code.value, **extensions)]}, status=error.status
    )


def read_operation(request: HttpRequest) -> tuple[str, dict[str, Any] | None, str | None]:
    body = json_body(request)
    query = body.get("query")
    if not isinstance(query, str) or not query.strip():
        raise BadUserInput("The request needs a 'query' string.")
    variables = body.get("variables")
    if variables is not None and not isinstance(variables, dict):
        raise BadUserInput("'variables' must be a JSON object.")
    operation = body.get("operationName")
    if operation is not None and not isinstance(operation, str):
        raise BadUserInput("'operationName' must be a string.")
    return query, variables, operation


def serve(
    request: HttpRequest,
    schema_for: Callable[[Any], GraphQLSchema],
    *,
    model_for: Callable[[Principal], Any] | None = None,
    field_resolver: GraphQLFieldResolver | None = None,
    rules: tuple[type[ASTValidationRule], ...] = (),
    fast_path: FastPath | None = None,
) -> HttpResponse:
    """Answer one GraphQL POST for the authenticated caller."""
    if request.method != "POST":
        return graphql_response(
            {
                "errors": [
                    error_dict("Send GraphQL operations with POST.", ErrorCode.BAD_USER_INPUT.value)
                ]
            },
            status=405,
        )
    context = get_context(request)
    if context.auth_error is not None:
        return error_response(context.auth_error)
    if context.principal is None:
        return error_response(
            Unauthenticated("Send 'Authorization: Bearer <access token or API key>'.")
        )
    try:
        query, variables, operation = read_operation(request)
    except ApiError as error:
        return error_response(error)
    model = model_for(context.principal) if model_for is not None else None
    schema = schema_for(model)
    document, errors = documents.get(schema, query, rules)
    if document is None:
        return graphql_response({"errors": errors}, status=400)
    if fast_path is not None:
        answer = fast_path(schema, document, variables, operation, model)
        if answer is not None:
            return HttpResponse(answer, content_type="application/json")
    result = execute(
        schema,
        document,
        context_value=GraphQLContext(request, context.principal, model),
        field_resolver=field_resolver,
        variable_values=variables,
        operation_name=operation,
    )
    assert isinstance(result, ExecutionResult), "resolvers must be synchronous"
    body: dict[str, Any] = {"data": result.data}
    if result.errors:
        body["errors"] = [format_error(e) for e in result.errors]
    return graphql_response(body)
