"""Merging duplicate records into one, as Twenty's mergeMany does.

The record at conflictPriorityIndex survives. Each of its empty fields takes the first
non-empty value of the others (in the given order); the others' related records move to the
survivor, then the others are soft-deleted. One transaction.

With a role: merging needs the update and soft-delete rights; records outside the role's
row-level filter are not found; fields the role cannot set keep the survivor's value; the
survivor must still match the row filter afterwards (FORBIDDEN and rolled back otherwise).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, connection, transaction
from psycopg import sql

from crm.errors import BadUserInput, Forbidden, NotFound
from metadata.field_types.relation import MANY_TO_MANY, ONE_TO_MANY
from metadata.snapshot import ObjectModel, WorkspaceModel
from permissions.services.access import FULL_ACCESS, ObjectAccess
from records.query import guard
from records.services import records
from records.services.values import READ_ONLY, Actor

SKIPPED = READ_ONLY | {"id", "position"}


def _rows(
    model: WorkspaceModel, obj: ObjectModel, ids: Sequence[uuid.UUID], access: ObjectAccess
) -> dict[uuid.UUID, dict[str, Any]]:
    alias = sql.Identifier("t")
    visible = guard.with_rows(obj, access, alias, sql.SQL("t.deleted_at IS NULL"))
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL(
                "SELECT * FROM {}.{} AS t WHERE t.id = ANY({}::uuid[]) AND {} FOR UPDATE"
            ).format(
                sql.Identifier(model.schema), sql.Identifier(obj.table),
                sql.Literal([str(i) for i in ids]), visible,
            )
        )  # fmt: skip
        names = [column.name for column in cursor.description or []]
        return {row[0]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}


def merged_values(obj: ObjectModel, ordered: Sequence[dict[str, Any]],
                  access: ObjectAccess = FULL_ACCESS) -> dict[str, Any]:  # fmt: skip
    """Column values the survivor (ordered[0]) takes from the others."""
    survivor, others = ordered[0], ordered[1:]
    values: dict[str, Any] = {}
    for field in obj.fields.values():
        if not access.can_set_field(field.name):
            continue
        if field.name in SKIPPED or (
            field.relation is not None and field.relation.kind != "MANY_TO_ONE"
        ):
            continue
        columns = field.columns
        if not columns or field.type == "TS_VECTOR":
            continue
        if any(survivor.get(c) not in (None, "", [], {}) for c in columns):
            continue
        donor = next(
            (o for o in others if any(o.get(c) not in (None, "", [], {}) for c in columns)), None
        )
        if donor is not None:
            values.update({c: donor[c] for c in columns})
    return values


def merge_records(model: WorkspaceModel, obj: ObjectModel, ids: Sequence[Any], priority_index: int,
                  *, actor: Actor, access: ObjectAccess = FULL_ACCESS,
                  access_for: guard.AccessFor | None = None) -> uuid.UUID:  # fmt: skip
    """Merge `ids` into the record at `priority_index`. `access_for` (the caller's rights on
    other objects) is checked for the related records the merge moves onto the survivor."""
    records.require_right(obj, access, "update")
    records.require_right(obj, access, "soft_delete")
    if access_for is not None:
        _require_movable(model, obj, access_for)
    try:
        wanted = [uuid.UUID(str(i)) for i in ids]
    except ValueError:
        raise BadUserInput("ids must be UUIDs.", field="ids") from None
    if len(set(wanted)) < 2:
        raise BadUserInput("Merging needs at least two different records.", field="ids")
    if not 0 <= priority_index < len(wanted):
        raise BadUserInput(
            f"conflictPriorityIndex must be between 0 and {len(wanted) - 1}.",
            field="conflictPriorityIndex",
        )
    survivor_id = wanted[priority_index]
    order = [survivor_id] + [i for i in dict.fromkeys(wanted) if i != survivor_id]
    try:
        with transaction.atomic():
            rows = _rows(model, obj, order, access)
            missing = [str(i) for i in order if i not in rows]
            if missing:
                raise NotFound(f"No {obj.name_singular} has the id {missing[0]}.", field="ids")
            values = merged_values(obj, [rows[i] for i in order], access)
            others = order[1:]
            records.soft_delete(model, obj, ids=others, access=access)
            _move_relations(model, obj, survivor_id, others)
            if values:
                with connection.cursor() as cursor:
                    cursor.execute(
                        sql.SQL("UPDATE {}.{} SET {}, updated_at = now() WHERE id = %s").format(
                            sql.Identifier(model.schema), sql.Identifier(obj.table),
                            sql.SQL(", ").join(sql.SQL("{} = %s").format(sql.Identifier(c)) for c in values),
                        ),
                        [*values.values(), survivor_id],
                    )  # fmt: skip
            records.require_in_rows(model, obj, access, [survivor_id])
    except IntegrityError as error:
        raise records.translate(error, obj) from None
    return survivor_id


def _require_movable(model: WorkspaceModel, obj: ObjectModel, access_for: guard.AccessFor) -> None:
    """Moving one-to-many records changes their relation field: the caller must be allowed to."""
    for field in obj.fields.values():
        relation = field.relation
        if relation is None or relation.kind != ONE_TO_MANY or not relation.join_column:
            continue
        target = model.object(relation.target)
        target_access = access_for(target)
        records.require_right(target, target_access, "update")
        if relation.inverse and not target_access.can_set_field(relation.inverse):
            raise Forbidden(
                f"Merging moves {target.name_plural} to the kept {obj.name_singular}, and your "
                f"role cannot set their field {relation.inverse!r}.",
                field=field.name,
            )


def _move_relations(model: WorkspaceModel, obj: ObjectModel, survivor: uuid.UUID,
                    others: Sequence[uuid.UUID]) -> None:  # fmt: skip
    schema = sql.Identifier(model.schema)
    with connection.cursor() as cursor:
        for field in obj.fields.values():
            relation = field.relation
            if relation is None:
                continue
            if relation.kind == ONE_TO_MANY and relation.join_column:
                target = model.object(relation.target)
                cursor.execute(
                    sql.SQL("UPDATE {}.{} SET {} = %s WHERE {} = ANY(%s)").format(
                        schema, sql.Identifier(target.table), sql.Identifier(relation.join_column),
                        sql.Identifier(relation.join_column),
                    ),
                    [survivor, list(others)],
                )  # fmt: skip
            elif relation.kind == MANY_TO_MANY and relation.junction_table:
                junction = sql.Identifier(relation.junction_table)
                own, other = (
                    sql.Identifier(relation.self_column or ""),
                    sql.Identifier(relation.other_column or ""),
                )
                cursor.execute(
                    sql.SQL(
                        "INSERT INTO {}.{} ({}, {}) SELECT %s, {} FROM {}.{} WHERE {} = ANY(%s) "
                        "ON CONFLICT DO NOTHING"
                    ).format(schema, junction, own, other, other, schema, junction, own),
                    [survivor, list(others)],
                )
                cursor.execute(
                    sql.SQL("DELETE FROM {}.{} WHERE {} = ANY(%s)").format(schema, junction, own),
                    [list(others)],
                )
