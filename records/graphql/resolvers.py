"""Root resolvers of the workspace API: reads compile to one statement, writes call
records.services and then read their records back the same way."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import orjson
from django.db import connection, transaction
from graphql import GraphQLResolveInfo
from psycopg import sql

from crm.graphql.view import GraphQLContext
from metadata.snapshot import ObjectModel, WorkspaceModel
from records.query import filters
from records.query.compiler import Compiler, selection_of
from records.services import records
from records.services.values import Actor


def _model(info: GraphQLResolveInfo) -> WorkspaceModel:
    model = getattr(info.context, "workspace_model", None)
    assert isinstance(model, WorkspaceModel)
    return model


def _actor(info: GraphQLResolveInfo) -> Actor:
    context: GraphQLContext = info.context
    principal = context.principal
    if principal.api_key is not None:
        return Actor(source="API", name=principal.api_key.name)
    user = principal.user
    name = f"{user.first_name} {user.last_name}".strip() if user else ""
    return Actor(source="MANUAL", name=name or (user.email if user else ""))


def run_json(expression: sql.Composable) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("SELECT ({})::text").format(expression))
        row = cursor.fetchone()
    return orjson.loads(row[0]) if row and row[0] is not None else None


def find_many(object_name: str, _root: Any, info: GraphQLResolveInfo, **args: Any) -> Any:
    model = _model(info)
    compiler = Compiler(model)
    return run_json(
        compiler.connection(model.object(object_name), selection_of(info), args, depth=0)
    )


def _read(model: WorkspaceModel, obj: ObjectModel, info: GraphQLResolveInfo, where: sql.Composable,
          alias: sql.Identifier, *, many: bool) -> Any:  # fmt: skip
    compiler = Compiler(model)
    node = compiler.node(obj, selection_of(info), alias, depth=0)
    table = compiler.table(obj)
    if many:
        expression = sql.SQL(
            "(SELECT coalesce(json_agg({} ORDER BY {}.id), '[]'::json) FROM {} AS {} WHERE {})"
        ).format(node, alias, table, alias, where)
    else:
        expression = sql.SQL("(SELECT {} FROM {} AS {} WHERE {} LIMIT 1)").format(
            node, table, alias, where
        )
    return run_json(expression)


def _read_in_order(model: WorkspaceModel, obj: ObjectModel, info: GraphQLResolveInfo,
                   ids: Sequence[Any]) -> Any:  # fmt: skip
    """The records of `ids`, one result per id in the same order (an upsert may repeat one)."""
    compiler = Compiler(model)
    alias = sql.Identifier("t0")
    node = compiler.node(obj, selection_of(info), alias, depth=0)
    return run_json(
        sql.SQL(
            "(SELECT coalesce(json_agg({} ORDER BY o.n), '[]'::json) "
            "FROM unnest({}::uuid[]) WITH ORDINALITY AS o(id, n) JOIN {} AS {} ON {}.id = o.id)"
        ).format(node, sql.Literal([str(i) for i in ids]), compiler.table(obj), alias, alias)
    )


def find_one(
    object_name: str, _root: Any, info: GraphQLResolveInfo, filter: Mapping[str, Any] | None = None
) -> Any:
    model = _model(info)
    obj = model.object(object_name)
    alias = sql.Identifier("t0")
    return _read(model, obj, info, filters.condition(obj, filter, alias), alias, many=False)


def read_ids(info: GraphQLResolveInfo, object_name: str, ids: Sequence[Any], *, many: bool) -> Any:
    model = _model(info)
    records_ = _read_in_order(model, model.object(object_name), info, ids)
    if many:
        return records_
    return records_[0] if records_ else None


def create_one(object_name: str, _root: Any, info: GraphQLResolveInfo, data: Mapping[str, Any],
               upsert: bool | None = None) -> Any:  # fmt: skip
    model = _model(info)
    with transaction.atomic():
        ids = records.create_records(
            model, model.object(object_name), [data], actor=_actor(info), upsert=bool(upsert)
        )
        return read_ids(info, object_name, ids, many=False)


def create_many(object_name: str, _root: Any, info: GraphQLResolveInfo, data: Sequence[Mapping[str, Any]],
                upsert: bool | None = None) -> Any:  # fmt: skip
    model = _model(info)
    with transaction.atomic():
        ids = records.create_records(
            model, model.object(object_name), data, actor=_actor(info), upsert=bool(upsert)
        )
        return read_ids(info, object_name, ids, many=True)


def update_one(
    object_name: str, _root: Any, info: GraphQLResolveInfo, id: Any, data: Mapping[str, Any]
) -> Any:
    model = _model(info)
    obj = model.object(object_name)
    with transaction.atomic():
        ids = records.update_records(model, obj, data, actor=_actor(info), ids=[id])
        records.require_found(obj, ids, id)
        return read_ids(info, object_name, ids, many=False)


def update_many(object_name: str, _root: Any, info: GraphQLResolveInfo, filter: Mapping[str, Any],
                data: Mapping[str, Any]) -> Any:  # fmt: skip
    model = _model(info)
    with transaction.atomic():
        ids = records.update_records(
            model, model.object(object_name), data, actor=_actor(info), filter_=filter
        )
        return read_ids(info, object_name, ids, many=True)


CHANGES = {"delete": records.soft_delete, "restore": records.restore, "destroy": records.destroy}


def change_one(verb: str, object_name: str, _root: Any, info: GraphQLResolveInfo, id: Any) -> Any:
    model = _model(info)
    obj = model.object(object_name)
    with transaction.atomic():
        if verb == "destroy":
            before = read_ids(info, object_name, [id], many=False)
            records.require_found(obj, records.destroy(model, obj, ids=[id]), id)
            return before
        ids = CHANGES[verb](model, obj, ids=[id])
        records.require_found(obj, ids, id)
        return read_ids(info, object_name, ids, many=False)


def change_many(
    verb: str, object_name: str, _root: Any, info: GraphQLResolveInfo, filter: Mapping[str, Any]
) -> Any:
    model = _model(info)
    obj = model.object(object_name)
    with transaction.atomic():
        if verb == "destroy":
            alias = sql.Identifier("t0")
            condition = filters.condition(obj, _with_deleted(filter), alias)
            before = _read(model, obj, info, condition, alias, many=True)
            records.destroy(model, obj, filter_=filter)
            return before
        ids = CHANGES[verb](model, obj, filter_=filter)
        return read_ids(info, object_name, ids, many=True)


def _with_deleted(filter_: Mapping[str, Any]) -> Mapping[str, Any]:
    if filters.mentions_deleted_at(filter_):
        return filter_
    return {
        "and": [filter_, {"or": [{"deletedAt": {"is": "NULL"}}, {"deletedAt": {"is": "NOT_NULL"}}]}]
    }
