from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from crm.graphql.page import with_graphiql
from crm.graphql.view import serve
from metadata.graphql.schema import schema

GRAPHQL_SCHEMA = schema.graphql_schema


@csrf_exempt
@with_graphiql(
    title="Metadata GraphQL",
    default_query="{ objects(paging: {first: 100}) { edges { node { nameSingular namePlural } } } }",
)
def metadata_graphql(request: HttpRequest) -> HttpResponse:
    return serve(request, lambda _model: GRAPHQL_SCHEMA)
