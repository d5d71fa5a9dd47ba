"""The HTTP side of POST /auth/graphql. Unlike the workspace endpoints it serves callers who are
not signed in yet (sign up, sign in, password reset, invitations), so a missing or bad token
only fails the operations that need one."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from graphql import ExecutionResult, OperationDefinitionNode, execute

from crm.errors import ApiError, ErrorCode
from crm.graphql.errors import error_dict, format_error
from crm.graphql.page import with_graphiql
from crm.graphql.view import documents, error_response, graphql_response, read_operation
from workspaces.errors import TooManyRequests
from workspaces.graphql.schema import AuthContext, schema
from workspaces.middleware import get_context

GRAPHQL_SCHEMA = schema.graphql_schema


def _root_fields(document: Any, operation: str | None) -> int:
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode) and (
            operation is None or (definition.name and definition.name.value == operation)
        ):
            return len(definition.selection_set.selections)
    return 0


def _status(result: ExecutionResult, root_fields: int) -> tuple[int, ApiError | None]:
    """429 when throttled; the error's own status when every root field failed with it."""
    failures = [e.original_error for e in result.errors or []]
    for failure in failures:
        if isinstance(failure, TooManyRequests):
            return failure.status, failure
    api_errors = [f for f in failures if isinstance(f, ApiError)]
    # Every root field failed, for one reason: the answer's status is that reason's.
    if (
        api_errors
        and len(api_errors) == len(failures)
        and (result.data is None or len(failures) >= root_fields)
        and len({e.code for e in api_errors}) == 1
    ):
        return api_errors[0].status, api_errors[0]
    return 200, None


@csrf_exempt
@with_graphiql(
    title="Core GraphQL", default_query="{ currentUser { email workspaces { subdomain } } }"
)
def auth_graphql(request: HttpRequest) -> HttpResponse:
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
    try:
        query, variables, operation = read_operation(request)
    except ApiError as error:
        return error_response(error)
    document, errors = documents.get(GRAPHQL_SCHEMA, query, ())
    if document is None:
        return graphql_response({"errors": errors}, status=400)
    result = execute(
        GRAPHQL_SCHEMA,
        document,
        context_value=AuthContext(request, context),
        variable_values=variables,
        operation_name=operation,
    )
    assert isinstance(result, ExecutionResult), "resolvers must be synchronous"
    body: dict[str, Any] = {"data": result.data}
    if result.errors:
        body["errors"] = [format_error(e) for e in result.errors]
    status, failure = _status(result, _root_fields(document, operation))
    if isinstance(failure, TooManyRequests):
        for item in body["errors"]:
            if item["extensions"].get("code") == ErrorCode.TOO_MANY_REQUESTS.value:
                item["extensions"]["retryAfter"] = failure.retry_after
    response = graphql_response(body, status=status)
    if isinstance(failure, TooManyRequests):
        response["Retry-After"] = str(failure.retry_after)
    if failure is not None and failure.code is ErrorCode.UNAUTHENTICATED:
        response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response
