"""A filter of the API's language ({and, or, not, field: {op: value}}) as a SQL condition."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from psycopg import sql

from crm.errors import BadUserInput
from metadata.field_types import operators
from metadata.snapshot import ObjectModel

LOGIC = ("and", "or", "not")


def mentions_deleted_at(filter_: Any) -> bool:
    if isinstance(filter_, Mapping):
        return any(
            key == "deletedAt" or mentions_deleted_at(value) for key, value in filter_.items()
        )
    if isinstance(filter_, list):
        return any(mentions_deleted_at(item) for item in filter_)
    return False


def condition(
    obj: ObjectModel, filter_: Mapping[str, Any] | None, alias: sql.Identifier
) -> sql.Composable:
    """The filter's condition, leaving out soft-deleted records unless it names deletedAt."""
    clauses = [_compile(obj, filter_ or {}, alias)]
    if not mentions_deleted_at(filter_):
        clauses.append(sql.SQL("{}.deleted_at IS NULL").format(alias))
    return operators.join_and(clauses)


def match(obj: ObjectModel, filter_: Mapping[str, Any], alias: sql.Identifier) -> sql.Composable:
    """The filter's condition alone (no soft-delete rule): for row-level permission filters."""
    return sql.SQL("({})").format(_compile(obj, filter_, alias))


def field_names(obj: ObjectModel, filter_: Any) -> Iterator[str]:
    """The API fields a filter reads (`companyId` counts as the relation `company`)."""
    if not isinstance(filter_, Mapping):
        return
    for key, value in filter_.items():
        if value is None:
            continue
        if key in ("and", "or"):
            for item in value if isinstance(value, list) else ():
                yield from field_names(obj, item)
        elif key == "not":
            yield from field_names(obj, value)
        else:
            relation = obj.join_field(key)
            yield relation.name if relation is not None else key


def _compile(obj: ObjectModel, filter_: Mapping[str, Any], alias: sql.Identifier) -> sql.Composable:
    if not isinstance(filter_, Mapping):
        raise BadUserInput("A filter must be an object.", field="filter")
    clauses: list[sql.Composable] = []
    for key, value in filter_.items():
        if value is None:
            continue
        if key == "and" or key == "or":
            if not isinstance(value, list):
                raise BadUserInput(f"'{key}' takes a list of filters.", field="filter")
            parts = [_compile(obj, item, alias) for item in value if item is not None]
            if parts:
                joiner = " AND " if key == "and" else " OR "
                clauses.append(sql.SQL("({})").format(sql.SQL(joiner).join(parts)))
            continue
        if key == "not":
            clauses.append(sql.SQL("NOT ({})").format(_compile(obj, value, alias)))
            continue
        relation = obj.join_field(key)
        if relation is not None:
            column = sql.SQL("{}.{}").format(alias, sql.Identifier(relation.columns[0]))
            clauses.append(operators.compile("uuid", column, value, key))
            continue
        field = obj.fields.get(key)
        if field is None or field.relation is not None:
            raise BadUserInput(f"{obj.name_plural} cannot be filtered by {key!r}.", field=key)
        clauses.append(field.field_type.filter(field.spec, value, alias))
    return operators.join_and(clauses)
