"""Root resolvers of the workspace API: reads compile to one statement, writes call
records.services and then read their records back the same way.

Every compiler and service call carries the caller's rights (records.graphql.caller), so the
executor path enforces exactly what the fast path does.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any

import orjson
from django.db import connection, transaction
from graphql import GraphQLResolveInfo
from psycopg import sql

from crm.errors import BadUserInput, NotFound
from crm.graphql.view import GraphQLContext
from metadata.snapshot import ObjectModel, WorkspaceModel
from permissions.services.access import ObjectAccess
from records.graphql.caller import CallerModel
from records.query import duplicates, filters, guard
from records.query.compiler import Compiler, Selection, selection_of
from records.query.compiler import group_by as group_by_sql
from records.query.search import MAX_RESULTS, search_sql
from records.services import merge, records
from records.services.values import Actor, columns_of


def _caller(info: GraphQLResolveInfo) -> CallerModel:
    caller = getattr(info.context, "workspace_model", None)
    assert isinstance(caller, CallerModel)
    return caller


def _model(info: GraphQLResolveInfo) -> WorkspaceModel:
    return _caller(info).model


def _access(info: GraphQLResolveInfo, obj: ObjectModel) -> ObjectAccess:
    return _caller(info).access(obj)


def _compiler(info: GraphQLResolveInfo) -> Compiler:
    caller = _caller(info)
    return Compiler(caller.model, access=caller.access)


def _actor(info: GraphQLResolveInfo) -> Actor:
    context: GraphQLContext = info.context
    principal = context.principal
    if principal.api_key is not None:
        return Actor(source="API", name=principal.api_key.name)
    user = principal.user
    name = f"{user.first_name} {user.last_name}".strip() if user else ""
    return Actor(
        source="MANUAL",
        workspace_member_id=_caller(info).permissions.member_id,
        name=name or (user.email if user else ""),
    )


def run_json(expression: sql.Composable) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("SELECT ({})::text").format(expression))
        row = cursor.fetchone()
    return orjson.loads(row[0]) if row and row[0] is not None else None


def find_many(object_name: str, _root: Any, info: GraphQLResolveInfo, **args: Any) -> Any:
    model = _model(info)
    compiler = _compiler(info)
    return run_json(
        compiler.connection(model.object(object_name), selection_of(info), args, depth=0)
    )


def _read(model: WorkspaceModel, obj: ObjectModel, info: GraphQLResolveInfo, where: sql.Composable,
          alias: sql.Identifier, *, many: bool) -> Any:  # fmt: skip
    compiler = _compiler(info)
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
    # (`where` already holds the row-level filter: see change_many)
    return run_json(expression)


def _read_in_order(model: WorkspaceModel, obj: ObjectModel, info: GraphQLResolveInfo,
                   ids: Sequence[Any]) -> Any:  # fmt: skip
    """The records of `ids`, one result per id in the same order (an upsert may repeat one)."""
    compiler = _compiler(info)
    alias = sql.Identifier("t0")
    node = compiler.node(obj, selection_of(info), alias, depth=0)
    return run_json(
        sql.SQL(
            "(SELECT coalesce(json_agg({} ORDER BY o.n), '[]'::json) "
            "FROM unnest({}::uuid[]) WITH ORDINALITY AS o(id, n) JOIN {} AS {} ON {})"
        ).format(
            node, sql.Literal([str(i) for i in ids]), compiler.table(obj), alias,
            guard.with_rows(obj, compiler.access(obj), alias, sql.SQL("{}.id = o.id").format(alias)),
        )
    )  # fmt: skip


def find_one(
    object_name: str, _root: Any, info: GraphQLResolveInfo, filter: Mapping[str, Any] | None = None
) -> Any:
    model = _model(info)
    return run_json(
        find_one_sql(_compiler(info), model.object(object_name), selection_of(info), filter)
    )


def find_one_sql(compiler: Compiler, obj: ObjectModel, selection: Selection,
                 filter_: Mapping[str, Any] | None) -> sql.Composable:  # fmt: skip
    access = guard.require_read(compiler.access, obj)
    guard.require_filter(obj, access, filter_)
    alias = compiler.alias()
    return sql.SQL("(SELECT {} FROM {} AS {} WHERE {} LIMIT 1)").format(
        compiler.node(obj, selection, alias, depth=0), compiler.table(obj), alias,
        guard.with_rows(obj, access, alias, filters.condition(obj, filter_, alias)),
    )  # fmt: skip


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
        obj = model.object(object_name)
        ids = records.create_records(
            model,
            obj,
            [data],
            actor=_actor(info),
            upsert=bool(upsert),
            access=_access(info, obj),
            access_for=_caller(info).access,
        )
        return read_ids(info, object_name, ids, many=False)


def create_many(object_name: str, _root: Any, info: GraphQLResolveInfo, data: Sequence[Mapping[str, Any]],
                upsert: bool | None = None) -> Any:  # fmt: skip
    model = _model(info)
    with transaction.atomic():
        obj = model.object(object_name)
        ids = records.create_records(
            model,
            obj,
            data,
            actor=_actor(info),
            upsert=bool(upsert),
            access=_access(info, obj),
            access_for=_caller(info).access,
        )
        return read_ids(info, object_name, ids, many=True)


def update_one(
    object_name: str, _root: Any, info: GraphQLResolveInfo, id: Any, data: Mapping[str, Any]
) -> Any:
    model = _model(info)
    obj = model.object(object_name)
    with transaction.atomic():
        ids = records.update_records(
            model,
            obj,
            data,
            actor=_actor(info),
            ids=[id],
            access=_access(info, obj),
            access_for=_caller(info).access,
        )
        records.require_found(obj, ids, id)
        return read_ids(info, object_name, ids, many=False)


def update_many(object_name: str, _root: Any, info: GraphQLResolveInfo, filter: Mapping[str, Any],
                data: Mapping[str, Any]) -> Any:  # fmt: skip
    model = _model(info)
    with transaction.atomic():
        obj = model.object(object_name)
        ids = records.update_records(
            model,
            obj,
            data,
            actor=_actor(info),
            filter_=filter,
            access=_access(info, obj),
            access_for=_caller(info).access,
        )
        return read_ids(info, object_name, ids, many=True)


CHANGES = {"delete": records.soft_delete, "restore": records.restore, "destroy": records.destroy}


def change_one(verb: str, object_name: str, _root: Any, info: GraphQLResolveInfo, id: Any) -> Any:
    model = _model(info)
    obj = model.object(object_name)
    with transaction.atomic():
        if verb == "destroy":
            before = read_ids(info, object_name, [id], many=False)
            destroyed = records.destroy(model, obj, ids=[id], access=_access(info, obj))
            records.require_found(obj, destroyed, id)
            return before
        ids = CHANGES[verb](model, obj, ids=[id], access=_access(info, obj))
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
            access = _access(info, obj)
            guard.require_filter(obj, access, filter)
            condition = guard.with_rows(
                obj, access, alias, filters.condition(obj, _with_deleted(filter), alias)
            )
            # The right is checked before anything is read back.
            records.require_right(obj, access, "destroy")
            before = _read(model, obj, info, condition, alias, many=True)
            records.destroy(model, obj, filter_=filter, access=access)
            return before
        ids = CHANGES[verb](model, obj, filter_=filter, access=_access(info, obj))
        return read_ids(info, object_name, ids, many=True)


def _with_deleted(filter_: Mapping[str, Any]) -> Mapping[str, Any]:
    if filters.mentions_deleted_at(filter_):
        return filter_
    return {
        "and": [filter_, {"or": [{"deletedAt": {"is": "NULL"}}, {"deletedAt": {"is": "NOT_NULL"}}]}]
    }


def find_duplicates(object_name: str, _root: Any, info: GraphQLResolveInfo,
                    ids: Sequence[Any] | None = None, data: Sequence[Mapping[str, Any]] | None = None) -> Any:  # fmt: skip
    """One connection of duplicates per given record id or record data."""
    model = _model(info)
    obj = model.object(object_name)
    if bool(ids) == bool(data):
        raise BadUserInput("Give either ids or data.", field="ids")
    probes: list[tuple[dict[str, Any], Any]] = []
    if ids:
        found = {str(r["id"]): r for r in _raw_rows(model, obj, ids, _access(info, obj))}
        for record_id in ids:
            row = found.get(str(record_id))
            if row is None:
                raise NotFound(f"No {obj.name_singular} has the id {record_id}.", field="ids")
            probes.append((row, record_id))
    else:
        access = guard.require_read(_caller(info).access, obj)
        for item in data or []:
            # Probing by a field's value reads that field.
            for key in item or {}:
                guard.require_field(obj, access, key)
            values = columns_of(
                obj,
                {k: v for k, v in (item or {}).items() if k != "id"},
                creating=False,
                model=model,
            )
            probes.append((values, (item or {}).get("id")))
    compiler = _compiler(info)
    selection = selection_of(info)
    parts: list[sql.Composable] = []
    empty = sql.SQL(
        "json_build_object('edges', '[]'::json, 'totalCount', 0, 'pageInfo', "
        "json_build_object('hasNextPage', false, 'hasPreviousPage', false))"
    )
    for values, exclude in probes:
        if duplicates.condition(obj, values, sql.Identifier("x"), exclude) is None:
            parts.append(empty)
            continue
        parts.append(
            compiler.connection(
                obj, selection, {}, 0, link=partial(_duplicate_of, obj, values, exclude)
            )
        )
    return (
        run_json(sql.SQL("json_build_array({})").format(sql.SQL(", ").join(parts))) if parts else []
    )


def _duplicate_of(
    obj: ObjectModel, values: Mapping[str, Any], exclude: Any, alias: sql.Identifier
) -> sql.Composable:
    condition = duplicates.condition(obj, values, alias, exclude)
    assert condition is not None
    return condition


def _raw_rows(model: WorkspaceModel, obj: ObjectModel, ids: Sequence[Any],
              access: ObjectAccess) -> list[dict[str, Any]]:  # fmt: skip
    try:
        wanted = [str(uuid.UUID(str(i))) for i in ids]
    except ValueError:
        raise BadUserInput("ids must be UUIDs.", field="ids") from None
    guard.require_read(lambda _obj: access, obj)
    alias = sql.Identifier("t")
    # Ids as a literal: the row filter's literals may hold a '%' a placeholder scan would misread.
    by_id = sql.SQL("t.id = ANY({}::uuid[]) AND t.deleted_at IS NULL").format(sql.Literal(wanted))
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("SELECT * FROM {}.{} AS t WHERE {}").format(
                sql.Identifier(model.schema), sql.Identifier(obj.table),
                guard.with_rows(obj, access, alias, by_id),
            )
        )  # fmt: skip
        names = [c.name for c in cursor.description or []]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def group_by(object_name: str, _root: Any, info: GraphQLResolveInfo, **args: Any) -> Any:
    model = _model(info)
    compiler = _compiler(info)
    return run_json(group_by_sql(compiler, model.object(object_name), selection_of(info), args))


def merge_many(
    object_name: str,
    _root: Any,
    info: GraphQLResolveInfo,
    ids: Sequence[Any],
    conflictPriorityIndex: int,
    dryRun: bool | None = None,
) -> Any:
    model = _model(info)
    obj = model.object(object_name)
    with transaction.atomic():
        survivor = merge.merge_records(
            model, obj, ids, conflictPriorityIndex, actor=_actor(info),
            access=_access(info, obj), access_for=_caller(info).access,
        )  # fmt: skip
        result = read_ids(info, object_name, [survivor], many=False)
        if dryRun:
            transaction.set_rollback(True)
    return result


def search(_root: Any, info: GraphQLResolveInfo, searchInput: str, limit: int,
           filter: Mapping[str, Any] | None = None, includedObjectNameSingulars: Sequence[str] | None = None,
           excludedObjectNameSingulars: Sequence[str] | None = None, after: str | None = None) -> Any:  # fmt: skip
    model = _model(info)
    if not 0 < limit <= MAX_RESULTS:
        raise BadUserInput(f"limit must be between 1 and {MAX_RESULTS}.", field="limit")
    offset = _search_offset(after)
    found = run_json(search_sql(model, searchInput, offset + limit + 1, filter,
                                includedObjectNameSingulars, excludedObjectNameSingulars,
                                access=_caller(info).access)) or []  # fmt: skip
    window = found[offset : offset + limit]
    edges = [
        {"node": node, "cursor": _search_cursor(offset + i + 1)} for i, node in enumerate(window)
    ]
    return {
        "edges": edges,
        "pageInfo": {
            "hasNextPage": len(found) > offset + limit,
            "endCursor": edges[-1]["cursor"] if edges else None,
        },
    }


def _search_cursor(offset: int) -> str:
    return base64.b64encode(f"search:{offset}".encode()).decode()


def _search_offset(cursor: str | None) -> int:
    if cursor is None:
        return 0
    try:
        prefix, _, number = base64.b64decode(cursor, validate=True).decode().partition(":")
        if prefix == "search" and 0 <= int(number) <= MAX_RESULTS:
            return int(number)
    except ValueError:
        pass
    raise BadUserInput("The search cursor is not valid.", field="after")
