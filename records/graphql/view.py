from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from graphql import GraphQLResolveInfo

from crm.graphql.page import with_graphiql
from crm.graphql.view import serve
from records.graphql.caller import CallerModel, caller_model
from records.graphql.fast import compiled_response
from records.graphql.schema_cache import schema_for


def by_response_key(source: Any, info: GraphQLResolveInfo, **_args: Any) -> Any:
    """Compiled SQL shapes rows by response key (alias), so fields are read by it."""
    if isinstance(source, dict):
        return source.get(info.path.key)
    return getattr(source, info.field_name, None)


def _schema_of(caller: CallerModel) -> Any:
    return schema_for(caller.model)


@csrf_exempt
@with_graphiql(
    title="Workspace GraphQL",
    default_query="{ companies(first: 5) { edges { node { id name } } totalCount } }",
)
def workspace_graphql(request: HttpRequest) -> HttpResponse:
    return serve(
        request,
        _schema_of,
        model_for=caller_model,
        field_resolver=by_response_key,
        fast_path=compiled_response,
    )
