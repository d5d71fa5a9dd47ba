from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from graphql import GraphQLResolveInfo

from crm.graphql.page import with_graphiql
from crm.graphql.view import serve
from metadata import snapshot
from records.graphql.fast import compiled_response
from records.graphql.schema_cache import schema_for


def by_response_key(source: Any, info: GraphQLResolveInfo, **_args: Any) -> Any:
    """Compiled SQL shapes rows by response key (alias), so fields are read by it."""
    if isinstance(source, dict):
        return source.get(info.path.key)
    return getattr(source, info.field_name, None)


@csrf_exempt
@with_graphiql(
    title="Workspace GraphQL",
    default_query="{ companies(first: 5) { edges { node { id name } } totalCount } }",
)
def workspace_graphql(request: HttpRequest) -> HttpResponse:
    return serve(
        request,
        schema_for,
        model_for=lambda principal: snapshot.for_workspace(principal.workspace),
        field_resolver=by_response_key,
        fast_path=compiled_response,
    )
