"""DDL statements for objects and fields, built from field types. Pure: nothing runs here.

Every identifier goes through sql.Identifier and every value through sql.Literal, so no name,
label or option value can reach SQL unquoted.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from psycopg import sql
from psycopg.types.json import Jsonb

from metadata.field_types.base import Column, FieldSpec, SqlDefault
from metadata.field_types.registry import get_field_type
from metadata.field_types.relation import MANY_TO_ONE, join_column, on_delete, relation_type

ON_DELETE_SQL = {"CASCADE": "CASCADE", "SET_NULL": "SET NULL", "RESTRICT": "RESTRICT"}
# Columns with a database-side default, so inserts need not name them.
SYSTEM_DEFAULTS = {
    "id": sql.SQL("gen_random_uuid()"),
    "created_at": sql.SQL("now()"),
    "updated_at": sql.SQL("now()"),
}


def literal(column: Column, value: Any) -> sql.Composable:
    if isinstance(value, SqlDefault):
        return sql.SQL(value.expression)
    if column.sql_type == "jsonb":
        return sql.Literal(value if isinstance(value, Jsonb) else Jsonb(value))
    return sql.SQL("{}::{}").format(sql.Literal(value), sql.SQL(column.sql_type))


def column_definition(column: Column) -> sql.Composable:
    parts: list[sql.Composable] = [sql.Identifier(column.name), sql.SQL(column.sql_type)]
    if column.name in SYSTEM_DEFAULTS:
        parts.append(sql.SQL("DEFAULT {}").format(SYSTEM_DEFAULTS[column.name]))
    elif column.default is not None:
        parts.append(sql.SQL("DEFAULT {}").format(literal(column, column.default)))
    if column.name == "id":
        parts.append(sql.SQL("PRIMARY KEY"))
    elif column.not_null or column.name == "created_at" or column.name == "updated_at":
        parts.append(sql.SQL("NOT NULL"))
    return sql.SQL(" ").join(parts)


def qualified(schema: str, table: str) -> sql.Composable:
    return sql.SQL("{}.{}").format(sql.Identifier(schema), sql.Identifier(table))


def search_vector_expression(columns: Sequence[str]) -> sql.Composable:
    if not columns:
        return sql.SQL("''::tsvector")
    pieces = sql.SQL(" || ' ' || ").join(
        sql.SQL("coalesce({}::text, '')").format(sql.Identifier(name)) for name in columns
    )
    return sql.SQL("to_tsvector('simple'::regconfig, {})").format(pieces)


def create_table(
    schema: str, table: str, specs: Iterable[FieldSpec], search_columns: Sequence[str]
) -> list[sql.Composable]:
    columns: list[sql.Composable] = []
    for spec in specs:
        if spec.type == "TS_VECTOR":
            columns.append(
                sql.SQL("{} tsvector GENERATED ALWAYS AS ({}) STORED").format(
                    sql.Identifier(spec.column()), search_vector_expression(search_columns)
                )
            )
            continue
        columns.extend(column_definition(c) for c in get_field_type(spec.type).columns(spec))
    statements: list[sql.Composable] = [
        sql.SQL("CREATE TABLE {} ({})").format(
            qualified(schema, table), sql.SQL(", ").join(columns)
        )
    ]
    statements.append(
        sql.SQL("CREATE INDEX {} ON {} USING GIN ({})").format(
            sql.Identifier(index_name(table, "search_vector", "gin")),
            qualified(schema, table),
            sql.Identifier("search_vector"),
        )
    )
    return statements


def index_name(table: str, column: str, suffix: str) -> str:
    name = f"{table}_{column}_{suffix}"
    if len(name.encode()) > 63:
        import hashlib

        digest = hashlib.sha1(name.encode()).hexdigest()[:8]
        name = f"{name[:50]}_{digest}"
    return name


def add_columns(schema: str, table: str, spec: FieldSpec) -> list[sql.Composable]:
    """ADD COLUMN for each of a field's columns. A nullable column with no default, or with a
    constant default, is a catalogue change only: PostgreSQL rewrites nothing."""
    columns = get_field_type(spec.type).columns(spec)
    if not columns:
        return []
    return [
        sql.SQL("ALTER TABLE {} {}").format(
            qualified(schema, table),
            sql.SQL(", ").join(
                sql.SQL("ADD COLUMN {}").format(column_definition(c)) for c in columns
            ),
        )
    ]


def drop_columns(schema: str, table: str, spec: FieldSpec) -> list[sql.Composable]:
    columns = get_field_type(spec.type).columns(spec)
    if not columns:
        return []
    return [
        sql.SQL("ALTER TABLE {} {}").format(
            qualified(schema, table),
            sql.SQL(", ").join(
                sql.SQL("DROP COLUMN IF EXISTS {}").format(sql.Identifier(c.name)) for c in columns
            ),
        )
    ]


def unique_index(schema: str, table: str, spec: FieldSpec) -> list[sql.Composable]:
    """A unique index on the field's identifying column, ignoring soft-deleted records."""
    columns = get_field_type(spec.type).unique_columns(spec)
    return [
        sql.SQL("CREATE UNIQUE INDEX {} ON {} ({}) WHERE deleted_at IS NULL").format(
            sql.Identifier(index_name(table, columns[0], "unique")),
            qualified(schema, table),
            sql.SQL(", ").join(map(sql.Identifier, columns)),
        )
    ]


def drop_unique_index(schema: str, table: str, spec: FieldSpec) -> list[sql.Composable]:
    columns = get_field_type(spec.type).unique_columns(spec)
    return [
        sql.SQL("DROP INDEX IF EXISTS {}").format(
            qualified(schema, index_name(table, columns[0], "unique"))
        )
    ]


def foreign_key(
    schema: str, table: str, spec: FieldSpec, target_table: str
) -> list[sql.Composable]:
    """The constraint and index of a MANY_TO_ONE join column. NOT VALID: the column is new and
    empty, so checking the existing rows would only scan the table for nothing."""
    if relation_type(spec) != MANY_TO_ONE:
        return []
    column = join_column(spec)
    return [
        sql.SQL(
            "ALTER TABLE {} ADD CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} (id) "
            "ON DELETE {} NOT VALID"
        ).format(
            qualified(schema, table),
            sql.Identifier(index_name(table, column, "fkey")),
            sql.Identifier(column),
            qualified(schema, target_table),
            sql.SQL(ON_DELETE_SQL[on_delete(spec)]),
        ),
        sql.SQL("CREATE INDEX {} ON {} ({})").format(
            sql.Identifier(index_name(table, column, "idx")),
            qualified(schema, table),
            sql.Identifier(column),
        ),
    ]


def junction_table(
    schema: str, junction: str, source_table: str, target_table: str
) -> list[sql.Composable]:
    """The table behind a MANY_TO_MANY pair: one row per link."""
    source_column, target_column = junction_columns(source_table, target_table)
    return [
        sql.SQL(
            "CREATE TABLE {junction} ("
            "{source} uuid NOT NULL REFERENCES {source_table} (id) ON DELETE CASCADE, "
            "{target} uuid NOT NULL REFERENCES {target_table} (id) ON DELETE CASCADE, "
            "created_at timestamptz NOT NULL DEFAULT now(), "
            "PRIMARY KEY ({source}, {target}))"
        ).format(
            junction=qualified(schema, junction),
            source=sql.Identifier(source_column),
            target=sql.Identifier(target_column),
            source_table=qualified(schema, source_table),
            target_table=qualified(schema, target_table),
        ),
        sql.SQL("CREATE INDEX {} ON {} ({})").format(
            sql.Identifier(index_name(junction, target_column, "idx")),
            qualified(schema, junction),
            sql.Identifier(target_column),
        ),
    ]


def junction_columns(source_table: str, target_table: str) -> tuple[str, str]:
    if source_table == target_table:
        return f"source_{source_table}_id", f"target_{target_table}_id"
    return f"{source_table}_id", f"{target_table}_id"


def rename_column(schema: str, table: str, old: str, new: str) -> sql.Composable:
    return sql.SQL("ALTER TABLE {} RENAME COLUMN {} TO {}").format(
        qualified(schema, table), sql.Identifier(old), sql.Identifier(new)
    )


def rename_table(schema: str, old: str, new: str) -> sql.Composable:
    return sql.SQL("ALTER TABLE {} RENAME TO {}").format(
        qualified(schema, old), sql.Identifier(new)
    )


def drop_table(schema: str, table: str) -> sql.Composable:
    return sql.SQL("DROP TABLE IF EXISTS {} CASCADE").format(qualified(schema, table))
