"""RELATION: one side of a pair of fields that point at each other.

MANY_TO_ONE owns the column `{field}_id` (exposed as `{field}Id`); ONE_TO_MANY has no column,
its records are found through the other side's; MANY_TO_MANY has no column either, the
engine owns a junction table for the pair.
"""

from __future__ import annotations

from typing import Any

from crm.errors import BadUserInput
from metadata.field_types import operators
from metadata.field_types.base import Column, FieldSpec, FieldType, bad_value

MANY_TO_ONE = "MANY_TO_ONE"
ONE_TO_MANY = "ONE_TO_MANY"
MANY_TO_MANY = "MANY_TO_MANY"
RELATION_TYPES = (MANY_TO_ONE, ONE_TO_MANY, MANY_TO_MANY)
ON_DELETE = ("CASCADE", "SET_NULL", "RESTRICT")


def relation_type(spec: FieldSpec) -> str:
    return str((spec.settings or {}).get("relationType", MANY_TO_ONE))


def on_delete(spec: FieldSpec) -> str:
    return str((spec.settings or {}).get("onDelete", "SET_NULL"))


def join_column(spec: FieldSpec) -> str:
    return spec.column("id")


def join_field_name(spec: FieldSpec) -> str:
    """The API name of the id beside a MANY_TO_ONE relation: `companyId`."""
    return f"{spec.name}Id"


class RelationType(FieldType):
    type = "RELATION"
    sql_type = "uuid"
    kind = "uuid"
    orderable = False

    def validate_definition(self, spec: FieldSpec) -> None:
        kind = relation_type(spec)
        if kind not in RELATION_TYPES:
            raise BadUserInput(
                f"relationType of '{spec.name}' must be one of {', '.join(RELATION_TYPES)}.",
                field=spec.name,
            )
        if on_delete(spec) not in ON_DELETE:
            raise BadUserInput(
                f"onDelete of '{spec.name}' must be one of {', '.join(ON_DELETE)}.",
                field=spec.name,
            )

    def columns(self, spec: FieldSpec) -> list[Column]:
        if relation_type(spec) != MANY_TO_ONE:
            return []
        return [Column(join_column(spec), "uuid", sub_field="id")]

    def parse(self, spec: FieldSpec, value: Any) -> dict[str, Any]:
        """The value of `{field}Id` (a MANY_TO_ONE join column)."""
        if relation_type(spec) != MANY_TO_ONE:
            raise BadUserInput(f"Field '{spec.name}' cannot be written directly.", field=spec.name)
        if value is None:
            return {join_column(spec): None}
        return {
            join_column(spec): operators.coerce(
                "uuid", value, lambda expected: bad_value(spec, value, expected)
            )
        }

    def order_columns(self, spec: FieldSpec, sub_field: str | None = None) -> list[str]:
        if relation_type(spec) != MANY_TO_ONE:
            raise BadUserInput(f"Field '{spec.name}' cannot be ordered by.", field=spec.name)
        return [join_column(spec)]

    def search_columns(self, spec: FieldSpec) -> list[str]:
        return []

    def openapi_schema(self, spec: FieldSpec) -> dict[str, Any]:
        return {"type": ["string", "null"], "format": "uuid"}
