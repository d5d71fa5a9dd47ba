"""The one narrow interface every field type implements.

A field type knows its columns, how an API value goes in and comes out, how it is filtered
and ordered in SQL, and what it adds to full-text search. Everything else (DDL, GraphQL,
REST, OpenAPI) asks the type instead of switching on type names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from psycopg import sql
from psycopg.types.json import Jsonb

from crm.errors import BadUserInput
from metadata import naming
from metadata.field_types import operators


@dataclass(frozen=True)
class SubField:
    """A part of a composite field, stored in its own column."""

    name: str  # API name, e.g. "firstName"
    sql_type: str
    kind: str  # operator family, see operators.KINDS


@dataclass(frozen=True)
class SqlDefault:
    """A column default that is an SQL expression (now()), not a value."""

    expression: str


@dataclass(frozen=True)
class Column:
    name: str
    sql_type: str
    sub_field: str | None = None
    not_null: bool = False
    default: Any = None  # a Python value, rendered as a SQL literal


@dataclass(frozen=True)
class FieldSpec:
    """What a field type needs to know about one field (read from FieldMetadata)."""

    name: str
    type: str
    is_nullable: bool = True
    is_unique: bool = False
    default_value: Any = None
    options: Sequence[Mapping[str, Any]] = ()
    settings: Mapping[str, Any] = field(default_factory=dict)

    def column(self, sub_field: str | None = None) -> str:
        return naming.column_name(self.name, sub_field)


def bindable(sql_type: str, value: Any) -> Any:
    """A value psycopg can bind for a column of `sql_type` (JSON needs its wrapper)."""
    if sql_type == "jsonb" and value is not None and not isinstance(value, Jsonb):
        return Jsonb(value)
    return value


def bad_value(spec: FieldSpec, value: Any, expected: str) -> BadUserInput:
    shown = repr(value) if len(repr(value)) <= 80 else repr(value)[:77] + "..."
    return BadUserInput(f"Field '{spec.name}' expects {expected}, got {shown}.", field=spec.name)


class FieldType:
    """A scalar field type stored in one column. Composite types override the column hooks."""

    type: ClassVar[str]
    sql_type: ClassVar[str]
    kind: ClassVar[str]  # operator family for filters
    sub_fields: ClassVar[tuple[SubField, ...]] = ()
    searchable: ClassVar[bool] = False  # contributes its text to the search vector
    # The sub-field a unique constraint on a composite applies to (primaryEmail of EMAILS).
    primary_sub_field: ClassVar[str | None] = None
    orderable: ClassVar[bool] = True

    @property
    def is_composite(self) -> bool:
        return bool(self.sub_fields)

    # --- storage --------------------------------------------------------------------------
    def columns(self, spec: FieldSpec) -> list[Column]:
        if self.is_composite:
            return [
                Column(spec.column(sub.name), sub.sql_type, sub_field=sub.name)
                for sub in self.sub_fields
            ]
        default = self.parse(spec, spec.default_value) if spec.default_value is not None else {}
        return [
            Column(
                spec.column(),
                self.sql_type,
                not_null=not spec.is_nullable and spec.default_value is not None,
                default=default.get(spec.column()),
            )
        ]

    def unique_columns(self, spec: FieldSpec) -> list[str]:
        """The columns a unique constraint on this field covers."""
        if not self.is_composite:
            return [col.name for col in self.columns(spec)]
        if self.primary_sub_field is None:
            raise BadUserInput(
                f"Field '{spec.name}' is of type {self.type}, which cannot be unique.",
                field="isUnique",
            )
        return [spec.column(self.primary_sub_field)]

    def validate_definition(self, spec: FieldSpec) -> None:
        """Check options, settings and default of a field definition; raise BadUserInput."""
        if spec.default_value is not None:
            self.parse(spec, spec.default_value)

    # --- values ---------------------------------------------------------------------------
    def coerce(self, spec: FieldSpec, value: Any) -> Any:
        """One non-null API value to the value stored in the column."""
        return operators.coerce(self.kind, value, lambda expected: bad_value(spec, value, expected))

    def parse(self, spec: FieldSpec, value: Any) -> dict[str, Any]:
        """An API value to {column: stored value}; BadUserInput when the value is not valid."""
        if self.is_composite:
            return self._parse_composite(spec, value)
        return {
            spec.column(): bindable(
                self.sql_type, None if value is None else self.coerce(spec, value)
            )
        }

    def _parse_composite(self, spec: FieldSpec, value: Any) -> dict[str, Any]:
        if value is None:
            return dict.fromkeys((spec.column(sub.name) for sub in self.sub_fields), None)
        if not isinstance(value, Mapping):
            raise bad_value(spec, value, "an object")
        known = {sub.name: sub for sub in self.sub_fields}
        unknown = set(value) - set(known)
        if unknown:
            raise BadUserInput(
                f"Field '{spec.name}' has no sub-field {sorted(unknown)[0]!r}; "
                f"it has {', '.join(known)}.",
                field=spec.name,
            )
        return {
            spec.column(name): bindable(
                known[name].sql_type, self.coerce_sub(spec, known[name], item)
            )
            for name, item in value.items()
        }

    def coerce_sub(self, spec: FieldSpec, sub: SubField, value: Any) -> Any:
        return operators.coerce(sub.kind, value, lambda expected: bad_value(spec, value, expected))

    def output(self, spec: FieldSpec, alias: sql.Identifier) -> sql.Composable:
        """A SQL expression whose value is the field's API value (JSON for composites)."""
        if self.is_composite:
            parts: list[sql.Composable] = []
            for sub in self.sub_fields:
                parts += [
                    sql.Literal(sub.name),
                    sql.SQL("{}.{}").format(alias, sql.Identifier(spec.column(sub.name))),
                ]
            return sql.SQL("json_build_object({})").format(sql.SQL(", ").join(parts))
        return sql.SQL("{}.{}").format(alias, sql.Identifier(spec.column()))

    # --- reading --------------------------------------------------------------------------
    def filter(self, spec: FieldSpec, operand: Any, alias: sql.Identifier) -> sql.Composable:
        """SQL for `{field: operand}` in a filter, e.g. {"eq": 3} or {"firstName": {...}}."""
        if not isinstance(operand, Mapping) or not operand:
            raise BadUserInput(
                f"The filter on '{spec.name}' must be an object of operators.", field=spec.name
            )
        if self.is_composite:
            subs = {sub.name: sub for sub in self.sub_fields}
            clauses = []
            for name, sub_operand in operand.items():
                if name not in subs:
                    raise BadUserInput(
                        f"Field '{spec.name}' has no sub-field {name!r} to filter on.",
                        field=spec.name,
                    )
                column = sql.SQL("{}.{}").format(alias, sql.Identifier(spec.column(name)))
                clauses.append(
                    operators.compile(subs[name].kind, column, sub_operand, f"{spec.name}.{name}")
                )
            return operators.join_and(clauses)
        column = sql.SQL("{}.{}").format(alias, sql.Identifier(spec.column()))
        return operators.compile(
            self.kind, column, operand, spec.name, coerce=lambda v: self.coerce(spec, v)
        )

    def order_columns(self, spec: FieldSpec, sub_field: str | None = None) -> list[str]:
        """The columns an order on this field sorts by."""
        if self.is_composite:
            names = [sub.name for sub in self.sub_fields]
            if sub_field is not None:
                if sub_field not in names:
                    raise BadUserInput(
                        f"Field '{spec.name}' has no sub-field {sub_field!r} to order by.",
                        field=spec.name,
                    )
                names = [sub_field]
            return [spec.column(name) for name in names]
        return [spec.column()]

    def search_columns(self, spec: FieldSpec) -> list[str]:
        """Text columns that feed the object's search vector."""
        if not self.searchable:
            return []
        if self.is_composite:
            return [spec.column(sub.name) for sub in self.sub_fields if sub.kind == "text"]
        return [spec.column()]

    # --- other forms: OpenAPI and CSV -------------------------------------------------
    def openapi_schema(self, spec: FieldSpec) -> dict[str, Any]:
        """JSON Schema (OpenAPI 3.1) of the field's API value."""
        if self.is_composite:
            return {
                "type": ["object", "null"],
                "properties": {sub.name: openapi_for_kind(sub.kind) for sub in self.sub_fields},
                "additionalProperties": False,
            }
        schema = openapi_for_kind(self.kind)
        if spec.options and self.kind == "enum":
            schema = {**schema, "enum": [str(o["value"]) for o in spec.options] + [None]}
        return schema

    def csv_headers(self, spec: FieldSpec) -> list[str]:
        """Column headers in a CSV export ("Name / First name" for a composite's parts)."""
        if self.is_composite:
            return [f"{spec.name} / {sub.name}" for sub in self.sub_fields]
        return [spec.name]

    def to_csv(self, spec: FieldSpec, value: Any) -> dict[str, str]:
        """An API value as CSV cells, keyed by header."""
        if self.is_composite:
            parts = value if isinstance(value, Mapping) else {}
            return {
                f"{spec.name} / {sub.name}": csv_cell(parts.get(sub.name))
                for sub in self.sub_fields
            }
        return {spec.name: csv_cell(value)}

    def from_csv(self, spec: FieldSpec, cells: Mapping[str, str]) -> Any:
        """CSV cells back to an API value (empty cells are null); validated like any input."""
        if self.is_composite:
            value = {
                sub.name: csv_value(sub.kind, cells.get(f"{spec.name} / {sub.name}", ""))
                for sub in self.sub_fields
            }
            self.parse(spec, value)
            return value
        value = csv_value(self.kind, cells.get(spec.name, ""))
        self.parse(spec, value)
        return value


OPENAPI_KINDS: dict[str, dict[str, Any]] = {
    "text": {"type": ["string", "null"]},
    "number": {"type": ["number", "null"]},
    "numeric": {"type": ["number", "string", "null"]},
    "boolean": {"type": ["boolean", "null"]},
    "uuid": {"type": ["string", "null"], "format": "uuid"},
    "date": {"type": ["string", "null"], "format": "date"},
    "datetime": {"type": ["string", "null"], "format": "date-time"},
    "enum": {"type": ["string", "null"]},
    "array": {"type": ["array", "null"], "items": {"type": "string"}},
    "json": {},
    "tsvector": {"type": ["string", "null"], "readOnly": True},
}


def openapi_for_kind(kind: str) -> dict[str, Any]:
    return dict(OPENAPI_KINDS[kind])


def csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        import orjson

        return orjson.dumps(value).decode()
    return str(value)


def csv_value(kind: str, cell: str) -> Any:
    if cell == "":
        return None
    if kind == "boolean":
        return cell.strip().lower() in ("true", "1", "yes")
    if kind == "number":
        try:
            return float(cell)
        except ValueError:
            return cell
    if kind in ("json", "array"):
        import orjson

        try:
            return orjson.loads(cell)
        except orjson.JSONDecodeError:
            return cell
    return cell
