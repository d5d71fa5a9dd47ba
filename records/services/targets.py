"""Relations a write sets must point at records the caller can reach.

Setting `companyId` (or `company: {connect: ...}`) to a company outside the caller's row-level
rule would link to, and reveal the existence of, a record the caller cannot see; to an object
it cannot read at all, likewise. Such a target is answered exactly as a missing one is (the
same message a missing id or a failed connect gives), or FORBIDDEN when the whole object is
unreadable. One query per relation field of the batch, and only for targets under a rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import connection
from psycopg import sql

from crm.errors import BadUserInput, Forbidden, NotFound
from metadata.field_types.relation import MANY_TO_ONE
from metadata.services import ddl
from metadata.snapshot import FieldModel, ObjectModel, WorkspaceModel
from records.query import filters, guard


def matching_ids(model: WorkspaceModel, obj: ObjectModel, row_filter: Mapping[str, Any],
                 ids: Iterable[str]) -> set[str]:  # fmt: skip
    """Those of `ids` (UUID text) whose record matches the row-level filter `row_filter`."""
    alias = sql.Identifier("t")
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("SELECT t.id::text FROM {} AS t WHERE t.id = ANY({}::uuid[]) AND {}").format(
                ddl.qualified(model.schema, obj.table), sql.Literal(sorted(ids)),
                filters.match(obj, row_filter, alias),
            )
        )  # fmt: skip
        return {str(row[0]) for row in cursor.fetchall()}


def _relation_of(obj: ObjectModel, key: str) -> FieldModel | None:
    joined = obj.join_field(key)
    if joined is not None:
        return joined
    field = obj.fields.get(key)
    if field is not None and field.relation is not None and field.relation.kind == MANY_TO_ONE:
        return field
    return None


def require_reachable(model: WorkspaceModel, obj: ObjectModel, access_for: guard.AccessFor | None,
                      writes: Sequence[tuple[Mapping[str, Any], Mapping[str, Any]]]) -> None:  # fmt: skip
    """`writes`: (the API data, its column values) of each record written."""
    if access_for is None:
        return
    wanted: dict[str, tuple[FieldModel, set[str]]] = {}
    for data, values in writes:
        for key in data:
            relation = _relation_of(obj, key)
            if relation is None or relation.relation is None:
                continue
            target_id = values.get(relation.columns[0])
            if target_id is not None:
                wanted.setdefault(key, (relation, set()))[1].add(str(target_id))
    for key, (relation, ids) in wanted.items():
        assert relation.relation is not None
        target = model.object(relation.relation.target)
        access = access_for(target)
        if not access.can_read:
            raise Forbidden(
                f"Your role cannot read {target.name_plural}, so it cannot link records to them.",
                field=key,
            )
        if access.row_filter is None:
            continue
        if ids - matching_ids(model, target, access.row_filter, ids):
            if key == relation.name:
                raise NotFound(f"No {target.name_singular} matches {key}.connect.where.", field=key)
            raise BadUserInput(
                f"No {target.name_singular} has the id given in {relation.name}Id.",
                field=f"{relation.name}Id",
            )
