"""Which aggregates a connection offers, per field and value kind (Twenty's names)."""

from __future__ import annotations

from graphql import GraphQLFloat, GraphQLInt, GraphQLOutputType

from metadata.snapshot import FieldModel, ObjectModel
from records.graphql import scalars

NUMERIC_KINDS = {"number", "numeric"}
ORDERED_KINDS = {"number", "numeric", "date", "datetime"}


def aggregatable(obj: ObjectModel) -> list[tuple[FieldModel, str | None, str]]:
    """(field, sub-field, value kind) for each value the connection aggregates."""
    result: list[tuple[FieldModel, str | None, str]] = []
    for field in obj.fields.values():
        if field.relation is not None or field.type in ("TS_VECTOR", "RICH_TEXT", "ACTOR"):
            continue
        if field.field_type.is_composite:
            if field.type == "CURRENCY":
                result.append((field, "amountMicros", "numeric"))
            continue
        result.append((field, None, field.field_type.kind))
    return result


def aggregate_operations(kind: str) -> list[tuple[str, GraphQLOutputType]]:
    operations: list[tuple[str, GraphQLOutputType]] = [
        ("countUniqueValues", GraphQLInt), ("countEmpty", GraphQLInt), ("countNotEmpty", GraphQLInt),
        ("percentageEmpty", GraphQLFloat), ("percentageNotEmpty", GraphQLFloat),
    ]  # fmt: skip
    if kind in ORDERED_KINDS:
        value = scalars.DateTimeScalar if kind in ("date", "datetime") else GraphQLFloat
        operations += [("min", value), ("max", value)]
    if kind in NUMERIC_KINDS:
        operations += [("avg", GraphQLFloat), ("sum", GraphQLFloat)]
    if kind == "boolean":
        operations += [("countTrue", GraphQLInt), ("countFalse", GraphQLInt)]
    return operations
