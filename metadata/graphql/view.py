from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from crm.graphql.view import serve
from metadata.graphql.schema import schema

GRAPHQL_SCHEMA = schema.graphql_schema


@csrf_exempt
def metadata_graphql(request: HttpRequest) -> HttpResponse:
    return serve(request, lambda _model: GRAPHQL_SCHEMA)
