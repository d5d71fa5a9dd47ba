"""orderBy as SQL, and the keyset conditions that page through it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from psycopg import sql

from crm.errors import BadUserInput
from metadata.snapshot import ObjectModel


@dataclass(frozen=True)
class OrderKey:
    column: str
    sql_type: str
    descending: bool = False
    nulls_first: bool = False

    def reversed(self) -> OrderKey:
        return OrderKey(self.column, self.sql_type, not self.descending, not self.nulls_first)

    def expression(self, alias: sql.Identifier) -> sql.Composable:
        return sql.SQL("{}.{}").format(alias, sql.Identifier(self.column))

    def cursor_expression(self, alias: sql.Identifier) -> sql.Composable:
        """The key as a cursor carries it: exact decimals as text (JSON numbers are doubles)."""
        if self.sql_type == "numeric":
            return sql.SQL("{}::text").format(self.expression(alias))
        return self.expression(alias)

    def order_sql(self, alias: sql.Identifier) -> sql.Composable:
        return sql.SQL("{} {} {}").format(
            self.expression(alias),
            sql.SQL("DESC" if self.descending else "ASC"),
            sql.SQL("NULLS FIRST" if self.nulls_first else "NULLS LAST"),
        )


DIRECTIONS = {
    "AscNullsFirst": (False, True),
    "AscNullsLast": (False, False),
    "DescNullsFirst": (True, True),
    "DescNullsLast": (True, False),
}
ID_KEY = OrderKey("id", "uuid")
DEFAULT_ORDER = (OrderKey("position", "double precision", nulls_first=True),)


def _column_type(obj: ObjectModel, field_name: str, sub: str | None) -> tuple[str, str]:
    field = obj.fields[field_name]
    columns = {c.sub_field: c for c in field.field_type.columns(field.spec)}
    column = columns.get(sub) if sub else next(iter(columns.values()))
    if column is None or column.sql_type == "jsonb":
        raise BadUserInput(
            f"Cannot order {obj.name_plural} by {field_name}.{sub}.", field="orderBy"
        )
    return column.name, column.sql_type


def order_keys(obj: ObjectModel, order_by: Sequence[Mapping[str, Any]] | None) -> list[OrderKey]:
    """The keys to sort by, always ending with id so the order is total."""
    keys: list[OrderKey] = []
    for item in order_by or ():
        for name, value in (item or {}).items():
            if value is None:
                continue
            relation = obj.join_field(name)
            if relation is not None:
                descending, nulls_first = DIRECTIONS[value]
                column, sql_type = _column_type(obj, relation.name, "id")
                keys.append(OrderKey(column, sql_type, descending, nulls_first))
                continue
            field = obj.fields.get(name)
            if field is None or field.relation is not None or not field.field_type.orderable:
                raise BadUserInput(f"Cannot order {obj.name_plural} by {name!r}.", field="orderBy")
            if isinstance(value, Mapping):
                for sub, direction in value.items():
                    if direction is None:
                        continue
                    descending, nulls_first = DIRECTIONS[direction]
                    column, sql_type = _column_type(obj, name, sub)
                    keys.append(OrderKey(column, sql_type, descending, nulls_first))
            else:
                descending, nulls_first = DIRECTIONS[value]
                column, sql_type = _column_type(obj, name, None)
                keys.append(OrderKey(column, sql_type, descending, nulls_first))
    if not keys:
        keys = [k for k in DEFAULT_ORDER if k.column in _all_columns(obj)]
    if not any(k.column == "id" for k in keys):
        keys.append(ID_KEY)
    return keys


def _all_columns(obj: ObjectModel) -> set[str]:
    return {c for f in obj.fields.values() for c in f.columns}


def _value(key: OrderKey, value: Any) -> sql.Composable:
    return sql.SQL("{}::{}").format(sql.Literal(value), sql.SQL(key.sql_type))


def _strictly_after(key: OrderKey, alias: sql.Identifier, value: Any) -> sql.Composable:
    column = key.expression(alias)
    if value is None:
        # Nothing sorts after null when nulls come last; everything non-null does when first.
        return sql.SQL("{} IS NOT NULL").format(column) if key.nulls_first else sql.SQL("FALSE")
    comparison = sql.SQL("{} {} {}").format(
        column, sql.SQL("<" if key.descending else ">"), _value(key, value)
    )
    if key.nulls_first:
        return comparison
    return sql.SQL("({} OR {} IS NULL)").format(comparison, column)


def _equal(key: OrderKey, alias: sql.Identifier, value: Any) -> sql.Composable:
    column = key.expression(alias)
    if value is None:
        return sql.SQL("{} IS NULL").format(column)
    return sql.SQL("{} = {}").format(column, _value(key, value))


def after(keys: Sequence[OrderKey], alias: sql.Identifier, values: Sequence[Any]) -> sql.Composable:
    """Rows strictly after the row whose keys are `values`, in the order `keys`."""
    branches: list[sql.Composable] = []
    for i, key in enumerate(keys):
        parts = [_equal(k, alias, v) for k, v in zip(keys[:i], values[:i], strict=True)]
        parts.append(_strictly_after(key, alias, values[i]))
        branches.append(sql.SQL("({})").format(sql.SQL(" AND ").join(parts)))
    return sql.SQL("({})").format(sql.SQL(" OR ").join(branches))


CURSOR_KINDS = {
    "uuid": "uuid", "double precision": "number", "numeric": "numeric", "text": "text",
    "timestamptz": "datetime", "date": "date", "boolean": "boolean", "text[]": "array",
}  # fmt: skip


def check_values(keys: Sequence[OrderKey], values: Sequence[Any]) -> list[Any]:
    """The cursor's values, each of its key's type; BadUserInput for a forged cursor."""
    from metadata.field_types import operators

    checked: list[Any] = []
    for key, value in zip(keys, values, strict=True):
        if value is None:
            checked.append(None)
            continue
        kind = CURSOR_KINDS.get(key.sql_type, "text")
        if kind == "numeric" and not isinstance(value, str):
            raise _bad_cursor()
        try:
            checked.append(operators.coerce(kind, value, lambda _expected: _bad_cursor()))
        except BadUserInput:
            raise _bad_cursor() from None
    return checked


def _bad_cursor() -> BadUserInput:
    return BadUserInput("The cursor is not valid for this ordering.", field="cursor")
