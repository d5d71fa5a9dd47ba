"""Compare a schema's metadata with its real tables (information_schema) and repair drift.

Repair adds what is missing (tables, columns, unique indexes, junction tables) and converts
columns of the wrong type; it never drops a column it does not know, since that may be data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection
from psycopg import sql

from metadata.field_types.base import Column
from metadata.field_types.registry import get_field_type
from metadata.models import FieldMetadata, ObjectMetadata
from metadata.services import ddl
from metadata.services.changes import execute, schema_change
from metadata.services.specs import field_spec, search_columns

# information_schema's name for each column type we create.
INFORMATION_SCHEMA_TYPES = {
    "text": "text",
    "uuid": "uuid",
    "double precision": "double precision",
    "numeric": "numeric",
    "boolean": "boolean",
    "date": "date",
    "timestamptz": "timestamp with time zone",
    "jsonb": "jsonb",
    "text[]": "ARRAY",
    "tsvector": "tsvector",
}


@dataclass
class Drift:
    problems: list[str] = field(default_factory=list)
    repairs: list[sql.Composable] = field(default_factory=list)


def _actual_columns(schema: str) -> dict[str, dict[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = %s",
            [schema],
        )
        tables: dict[str, dict[str, str]] = {}
        for table, column, data_type in cursor.fetchall():
            tables.setdefault(table, {})[column] = data_type
    return tables


def _actual_indexes(schema: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE schemaname = %s", [schema])
        return {row[0] for row in cursor.fetchall()}


def _expected_columns(fields: list[FieldMetadata]) -> list[tuple[FieldMetadata, Column]]:
    expected: list[tuple[FieldMetadata, Column]] = []
    for f in fields:
        spec = field_spec(f)
        if f.type == "TS_VECTOR":
            expected.append((f, Column(spec.column(), "tsvector")))
        else:
            expected.extend((f, c) for c in get_field_type(f.type).columns(spec))
    return expected


def find_drift(schema: str) -> Drift:
    drift = Drift()
    actual = _actual_columns(schema)
    indexes = _actual_indexes(schema)
    objects = list(ObjectMetadata.objects.prefetch_related("fields"))
    for obj in objects:
        fields = list(obj.fields.all())
        table = actual.get(obj.table_name)
        if table is None:
            drift.problems.append(f"missing table {obj.table_name} (object {obj.name_singular})")
            drift.repairs += ddl.create_table(
                schema, obj.table_name,
                [field_spec(f) for f in fields],
                search_columns(obj),
            )  # fmt: skip
            table = {}
        known: set[str] = set()
        for f, column in _expected_columns(fields):
            known.add(column.name)
            found = table.get(column.name)
            wanted = INFORMATION_SCHEMA_TYPES[column.sql_type]
            if found is None and table:
                drift.problems.append(
                    f"missing column {obj.table_name}.{column.name} ({obj.name_singular}.{f.name})"
                )
                if f.type == "TS_VECTOR":
                    from metadata.services.search import search_vector_column

                    drift.repairs.append(search_vector_column(schema, obj))
                else:
                    drift.repairs.append(
                        sql.SQL("ALTER TABLE {} ADD COLUMN {}").format(
                            ddl.qualified(schema, obj.table_name), ddl.column_definition(column)
                        )
                    )
            elif found is not None and found != wanted:
                drift.problems.append(
                    f"column {obj.table_name}.{column.name} is {found}, metadata says {wanted}"
                )
                drift.repairs.append(
                    sql.SQL("ALTER TABLE {} ALTER COLUMN {} TYPE {} USING {}::{}").format(
                        ddl.qualified(schema, obj.table_name), sql.Identifier(column.name),
                        sql.SQL(column.sql_type), sql.Identifier(column.name), sql.SQL(column.sql_type),
                    )
                )  # fmt: skip
            if f.is_unique and f.type != "RELATION":
                unique = ddl.index_name(
                    obj.table_name,
                    get_field_type(f.type).unique_columns(field_spec(f))[0],
                    "unique",
                )
                if unique not in indexes:
                    drift.problems.append(f"missing unique index {unique}")
                    drift.repairs += ddl.unique_index(schema, obj.table_name, field_spec(f))
        for index in obj.indexes.all():
            if index.name not in indexes:
                from metadata.services.indexes import index_columns, index_statement

                drift.problems.append(f"missing index {index.name}")
                drift.repairs.append(
                    index_statement(schema, obj.table_name, index, index_columns(index))
                )
        for column_name in sorted(set(table) - known):
            drift.problems.append(
                f"unexpected column {obj.table_name}.{column_name} (no field owns it; left in place)"
            )
        for f in fields:
            junction = (f.settings or {}).get("junctionTable")
            if (
                f.type == "RELATION"
                and junction
                and junction not in actual
                and f.relation_target_object
            ):
                if (f.settings or {}).get("selfColumn", "").startswith(("source_", obj.table_name)):
                    drift.problems.append(f"missing junction table {junction}")
                    drift.repairs += ddl.junction_table(
                        schema, junction, obj.table_name, f.relation_target_object.table_name
                    )
                    actual[junction] = {}
    return drift


def repair(schema: str) -> list[str]:
    """Fix what find_drift finds, in one schema_change(); returns what was wrong."""
    with schema_change():
        drift = find_drift(schema)
        execute(drift.repairs)
    return drift.problems
