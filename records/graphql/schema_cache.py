"""Generated GraphQL schemas, shared by workspaces whose data models are identical and kept
in a bounded LRU keyed by the model's fingerprint."""

from __future__ import annotations

from django.conf import settings
from graphql import GraphQLSchema

from crm.lru import LRU
from metadata.snapshot import WorkspaceModel
from records.graphql.builder import build_schema

_schemas: LRU[str, GraphQLSchema] = LRU(settings.GRAPHQL_SCHEMA_CACHE_SIZE)


def schema_for(model: WorkspaceModel) -> GraphQLSchema:
    schema = _schemas.get(model.fingerprint)
    if schema is None:
        schema = build_schema(model)
        _schemas.put(model.fingerprint, schema)
    return schema
