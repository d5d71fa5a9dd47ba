"""Generated GraphQL schemas, shared by workspaces whose data models are identical and kept
in a bounded LRU keyed by the model's fingerprint."""

from __future__ import annotations

import threading
from collections import OrderedDict

from django.conf import settings
from graphql import GraphQLSchema

from metadata.snapshot import WorkspaceModel
from records.graphql.builder import build_schema

_schemas: OrderedDict[str, GraphQLSchema] = OrderedDict()
_lock = threading.Lock()


def schema_for(model: WorkspaceModel) -> GraphQLSchema:
    with _lock:
        schema = _schemas.get(model.fingerprint)
        if schema is not None:
            _schemas.move_to_end(model.fingerprint)
            return schema
    schema = build_schema(model)
    with _lock:
        _schemas[model.fingerprint] = schema
        while len(_schemas) > settings.GRAPHQL_SCHEMA_CACHE_SIZE:
            _schemas.popitem(last=False)
    return schema
