"""Duplicate detection from an object's duplicate criteria (lists of fields that, all equal,
make two records the same)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from psycopg import sql

from metadata.snapshot import FieldModel, ObjectModel


def _criterion_columns(field: FieldModel) -> list[str]:
    field_type = field.field_type
    if field_type.is_composite and field_type.primary_sub_field:
        return field_type.unique_columns(field.spec)
    if field.type == "FULL_NAME":
        return field.columns
    return field.columns[:1]


def condition(obj: ObjectModel, values: Mapping[str, Any], alias: sql.Identifier,
              exclude_id: Any = None) -> sql.Composable | None:  # fmt: skip
    """Records matching `values` (column -> value) on every field of some criterion."""
    branches: list[sql.Composable] = []
    for criterion in obj.duplicate_criteria:
        fields = [obj.fields[name] for name in criterion if name in obj.fields]
        if not fields or len(fields) != len(criterion):
            continue
        columns = [c for f in fields for c in _criterion_columns(f)]
        if any(values.get(c) in (None, "") for c in columns):
            continue
        branches.append(
            sql.SQL("({})").format(
                sql.SQL(" AND ").join(
                    sql.SQL("lower({}.{}::text) = lower({}::text)").format(
                        alias, sql.Identifier(c), sql.Literal(values[c])
                    )
                    for c in columns
                )
            )
        )
    if not branches:
        return None
    found = sql.SQL("({})").format(sql.SQL(" OR ").join(branches))
    if exclude_id is not None:
        found = sql.SQL("{} AND {}.id <> {}::uuid").format(
            found, alias, sql.Literal(str(exclude_id))
        )
    return found
