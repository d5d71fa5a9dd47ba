"""Writing records: the one place that creates, updates, deletes and restores them.

GraphQL, REST, workflows and importers all call these functions. Each call is one
transaction: all of it happens, or none of it.

Permissions are enforced here, so every transport gets them: each function takes the caller's
`access` (permissions.services.access.object_access); the default, full access, is for
trusted internal callers only (sync jobs, the platform itself). Creating and updating need the
update right and settable fields; deleting and restoring the soft-delete right; destroying the
destroy right (FORBIDDEN otherwise, before anything changes). The role's row-level filter
narrows every WHERE, so a record outside it is not found (NOT_FOUND by id) and a change by
filter only reaches matching records; a create or update whose result would fall outside the
filter is FORBIDDEN and rolled back.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import IntegrityError, connection, transaction
from psycopg import errors as pg_errors
from psycopg import sql

from crm.errors import BadUserInput, Conflict, Forbidden, NotFound
from metadata.services import ddl
from metadata.snapshot import ObjectModel, WorkspaceModel
from permissions.services.access import FULL_ACCESS, ObjectAccess
from records.query import filters, guard
from records.services.targets import matching_ids, require_reachable
from records.services.values import Actor, columns_of

RIGHTS = {
    "update": ("can_update", "create or update"),
    "soft_delete": ("can_soft_delete", "delete or restore"),
    "destroy": ("can_destroy", "destroy"),
}


def require_right(obj: ObjectModel, access: ObjectAccess, right: str) -> None:
    attribute, verb = RIGHTS[right]
    if not access.can_read:
        raise Forbidden(f"Your role cannot read {obj.name_plural}.", field=obj.name_plural)
    if not getattr(access, attribute):
        raise Forbidden(f"Your role cannot {verb} {obj.name_plural}.", field=obj.name_plural)


def require_settable(obj: ObjectModel, access: ObjectAccess, data: Mapping[str, Any]) -> None:
    if not access.unreadable_fields and not access.read_only_fields:
        return
    for key in data:
        if not access.can_set_field(guard.field_of(obj, key)):
            raise Forbidden(
                f"Your role cannot set the field {key!r} of {obj.name_plural}.", field=key
            )


def require_in_rows(model: WorkspaceModel, obj: ObjectModel, access: ObjectAccess,
                    ids: Sequence[Any]) -> None:  # fmt: skip
    """FORBIDDEN unless every record of `ids` matches the role's row-level filter."""
    if access.row_filter is None or not ids:
        return
    wanted = {str(i) for i in ids}
    if matching_ids(model, obj, access.row_filter, wanted) != wanted:
        raise Forbidden(
            f"The {obj.name_singular} would fall outside the records your role may reach.",
            field="data",
        )


def _table(model: WorkspaceModel, obj: ObjectModel) -> sql.Composable:
    return ddl.qualified(model.schema, obj.table)


def _unique_fields(obj: ObjectModel) -> dict[str, str]:
    """Unique index name -> the API field it protects."""
    names: dict[str, str] = {}
    for field in obj.fields.values():
        if field.is_unique and field.relation is None:
            column = field.field_type.unique_columns(field.spec)[0]
            names[ddl.index_name(obj.table, column, "unique")] = field.name
    return names


def translate(error: IntegrityError, obj: ObjectModel) -> Exception:
    cause = error.__cause__
    diag = getattr(cause, "diag", None)
    constraint = getattr(diag, "constraint_name", None) or ""
    if isinstance(cause, pg_errors.UniqueViolation):
        field = _unique_fields(obj).get(constraint)
        if field is None and constraint.endswith("_pkey"):
            field = "id"
        return Conflict(
            f"Another {obj.name_singular} already has this {field or 'value'}.", field=field
        )
    if isinstance(cause, pg_errors.ForeignKeyViolation):
        for relation in obj.fields.values():
            if relation.relation is None or not relation.columns:
                continue
            if constraint == ddl.index_name(obj.table, relation.columns[0], "fkey"):
                return BadUserInput(
                    f"No {relation.relation.target} has the id given in {relation.name}Id.",
                    field=f"{relation.name}Id",
                )
        if "is still referenced" in str(cause):
            return Conflict(f"Other records still point at this {obj.name_singular}.", field="id")
        return BadUserInput("A related record does not exist.")
    if isinstance(cause, pg_errors.NotNullViolation):
        column = getattr(diag, "column_name", None)
        return BadUserInput(f"A required value is missing ({column}).", field=column)
    return BadUserInput("The record breaks a rule of its object.")


def _insert(
    model: WorkspaceModel, obj: ObjectModel, rows: Sequence[dict[str, Any]]
) -> list[uuid.UUID]:
    columns = sorted({c for row in rows for c in row})
    values = sql.SQL(", ").join(
        sql.SQL("({})").format(
            sql.SQL(", ").join(
                sql.Literal(row[c]) if c in row else sql.SQL("DEFAULT") for c in columns
            )
        )
        for row in rows
    )
    statement = sql.SQL("INSERT INTO {} ({}) VALUES {} RETURNING id").format(
        _table(model, obj), sql.SQL(", ").join(map(sql.Identifier, columns)), values
    )
    with connection.cursor() as cursor:
        cursor.execute(statement)
        return [row[0] for row in cursor.fetchall()]


def _update(model: WorkspaceModel, obj: ObjectModel, values: Mapping[str, Any],
            where: sql.Composable) -> list[uuid.UUID]:  # fmt: skip
    assignments = sql.SQL(", ").join(
        sql.SQL("{} = {}").format(sql.Identifier(c), sql.Literal(v)) for c, v in values.items()
    )
    statement = sql.SQL("UPDATE {} AS t SET {}, updated_at = now() WHERE {} RETURNING t.id").format(
        _table(model, obj), assignments, where
    )
    with connection.cursor() as cursor:
        cursor.execute(statement)
        return [row[0] for row in cursor.fetchall()]


def _find_existing(model: WorkspaceModel, obj: ObjectModel, data: Mapping[str, Any],
                   values: Mapping[str, Any], access: ObjectAccess) -> uuid.UUID | None:  # fmt: skip
    """For upsert: the record with this id, else one sharing a unique field's value."""
    alias = sql.Identifier("t")
    candidates: list[sql.Composable] = []
    if data.get("id") is not None:
        candidates.append(sql.SQL("t.id = {}").format(sql.Literal(values["id"])))
    for field in obj.fields.values():
        if not field.is_unique or field.relation is not None:
            continue
        column = field.field_type.unique_columns(field.spec)[0]
        if values.get(column) is not None:
            candidates.append(
                sql.SQL("t.{} = {}").format(sql.Identifier(column), sql.Literal(values[column]))
            )
    for candidate in candidates:
        with connection.cursor() as cursor:
            cursor.execute(sql.SQL("SELECT t.id FROM {} AS {} WHERE {} AND t.deleted_at IS NULL LIMIT 1").format(
                _table(model, obj), alias, guard.with_rows(obj, access, alias, candidate)))  # fmt: skip
            row = cursor.fetchone()
        if row:
            return uuid.UUID(str(row[0]))
    return None


def create_records(model: WorkspaceModel, obj: ObjectModel, data: Sequence[Mapping[str, Any]], *,
                   actor: Actor, upsert: bool = False, access: ObjectAccess = FULL_ACCESS,
                   access_for: guard.AccessFor | None = None) -> list[uuid.UUID]:  # fmt: skip
    """Create (or with upsert, update matching) records; returns their ids in input order.

    `access_for` (the caller's rights on other objects) checks the relations the data sets.
    """
    from django.conf import settings

    require_right(obj, access, "update")
    for item in data:
        if isinstance(item, Mapping):
            require_settable(obj, access, item)

    if len(data) > settings.GRAPHQL_MAX_BATCH:
        raise BadUserInput(
            f"At most {settings.GRAPHQL_MAX_BATCH} records can be created at once, got {len(data)}.",
            field="data",
        )
    try:
        with transaction.atomic():
            ids: list[uuid.UUID | None] = []
            to_insert: list[tuple[int, dict[str, Any]]] = []
            writes: list[tuple[Mapping[str, Any], Mapping[str, Any]]] = []
            for index, item in enumerate(data):
                values = columns_of(obj, item, creating=True, model=model)
                writes.append((item, values))
                existing = _find_existing(model, obj, item, values, access) if upsert else None
                if existing is not None:
                    update_values = {**columns_of(obj, {k: v for k, v in item.items() if k != "id"}, creating=False, model=model),
                                     **actor.columns("updated_by")}  # fmt: skip
                    _update(
                        model,
                        obj,
                        update_values,
                        sql.SQL("t.id = {}").format(sql.Literal(existing)),
                    )
                    ids.append(existing)
                    continue
                ids.append(None)
                to_insert.append(
                    (
                        index,
                        {**values, **actor.columns("created_by"), **actor.columns("updated_by")},
                    )
                )
            require_reachable(model, obj, access_for, writes)
            if to_insert:
                created = _insert(model, obj, [row for _, row in to_insert])
                for (index, _row), new_id in zip(to_insert, created, strict=True):
                    ids[index] = new_id
            require_in_rows(model, obj, access, [i for i in ids if i is not None])
    except IntegrityError as error:
        raise translate(error, obj) from None
    return [i for i in ids if i is not None]


def update_records(model: WorkspaceModel, obj: ObjectModel, data: Mapping[str, Any], *, actor: Actor,
                   ids: Sequence[Any] | None = None, filter_: Mapping[str, Any] | None = None,
                   access: ObjectAccess = FULL_ACCESS,
                   access_for: guard.AccessFor | None = None) -> list[uuid.UUID]:  # fmt: skip
    require_right(obj, access, "update")
    if isinstance(data, Mapping):
        require_settable(obj, access, data)
    values = {**columns_of(obj, data, creating=False, model=model), **actor.columns("updated_by")}
    require_reachable(model, obj, access_for, [(data, values)])
    try:
        with transaction.atomic():
            changed = _update(model, obj, values, _where(obj, ids, filter_, access=access))
            require_in_rows(model, obj, access, changed)
            return changed
    except IntegrityError as error:
        raise translate(error, obj) from None


def _where(obj: ObjectModel, ids: Sequence[Any] | None, filter_: Mapping[str, Any] | None,
           *, include_deleted: bool = False, access: ObjectAccess = FULL_ACCESS) -> sql.Composable:  # fmt: skip
    """The records a change reaches, within the role's row-level filter."""
    alias = sql.Identifier("t")
    return guard.with_rows(obj, access, alias, _reached(obj, ids, filter_, include_deleted, access))


def _reached(obj: ObjectModel, ids: Sequence[Any] | None, filter_: Mapping[str, Any] | None,
             include_deleted: bool, access: ObjectAccess) -> sql.Composable:  # fmt: skip
    alias = sql.Identifier("t")
    if ids is not None:
        condition = sql.SQL("t.id = ANY({}::uuid[])").format(sql.Literal([str(i) for i in ids]))
        return (
            condition
            if include_deleted
            else sql.SQL("{} AND t.deleted_at IS NULL").format(condition)
        )
    if filter_ is None:
        raise BadUserInput("A filter is required.", field="filter")
    guard.require_filter(obj, access, filter_)
    if include_deleted and not filters.mentions_deleted_at(filter_):
        filter_ = {
            "and": [
                filter_,
                {"or": [{"deletedAt": {"is": "NULL"}}, {"deletedAt": {"is": "NOT_NULL"}}]},
            ]
        }
    return filters.condition(obj, filter_, alias)


def soft_delete(model: WorkspaceModel, obj: ObjectModel, *, ids: Sequence[Any] | None = None,
                filter_: Mapping[str, Any] | None = None,
                access: ObjectAccess = FULL_ACCESS) -> list[uuid.UUID]:  # fmt: skip
    require_right(obj, access, "soft_delete")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql.SQL("UPDATE {} AS t SET deleted_at = now() WHERE {} RETURNING t.id").format(
            _table(model, obj), _where(obj, ids, filter_, access=access)))  # fmt: skip
        return [row[0] for row in cursor.fetchall()]


def restore(model: WorkspaceModel, obj: ObjectModel, *, ids: Sequence[Any] | None = None,
            filter_: Mapping[str, Any] | None = None,
            access: ObjectAccess = FULL_ACCESS) -> list[uuid.UUID]:  # fmt: skip
    require_right(obj, access, "soft_delete")
    where = _where(obj, ids, filter_, include_deleted=True, access=access)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql.SQL(
                "UPDATE {} AS t SET deleted_at = NULL WHERE {} AND t.deleted_at IS NOT NULL RETURNING t.id"
            ).format(_table(model, obj), where))  # fmt: skip
            return [row[0] for row in cursor.fetchall()]
    except IntegrityError as error:
        raise translate(error, obj) from None


def destroy(model: WorkspaceModel, obj: ObjectModel, *, ids: Sequence[Any] | None = None,
            filter_: Mapping[str, Any] | None = None,
            access: ObjectAccess = FULL_ACCESS) -> list[uuid.UUID]:  # fmt: skip
    require_right(obj, access, "destroy")
    where = _where(obj, ids, filter_, include_deleted=True, access=access)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                sql.SQL("DELETE FROM {} AS t WHERE {} RETURNING t.id").format(
                    _table(model, obj), where
                )
            )
            return [row[0] for row in cursor.fetchall()]
    except IntegrityError as error:
        raise translate(error, obj) from None


def require_found(obj: ObjectModel, ids: Sequence[Any], record_id: Any) -> None:
    if not ids:
        raise NotFound(f"No {obj.name_singular} has the id {record_id}.", field="id")
