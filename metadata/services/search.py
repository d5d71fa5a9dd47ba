"""The search vector: a stored generated column over the fields named in its settings."""

from __future__ import annotations

from psycopg import sql

from metadata.models import FieldMetadata, ObjectMetadata
from metadata.services import ddl
from metadata.services.changes import execute
from metadata.services.specs import search_columns


def search_vector_column(schema: str, obj: ObjectMetadata) -> sql.Composable:
    return sql.SQL(
        "ALTER TABLE {} ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({}) STORED"
    ).format(
        ddl.qualified(schema, obj.table_name), ddl.search_vector_expression(search_columns(obj))
    )


def rebuild_search_vector(schema: str, obj: ObjectMetadata) -> None:
    """Re-create the generated column with the current expression (PostgreSQL 15 cannot
    alter a generation expression in place)."""
    table = ddl.qualified(schema, obj.table_name)
    execute(
        [
            sql.SQL("ALTER TABLE {} DROP COLUMN IF EXISTS search_vector").format(table),
            sql.SQL(
                "ALTER TABLE {} ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({}) STORED"
            ).format(table, ddl.search_vector_expression(search_columns(obj))),
            sql.SQL("CREATE INDEX {} ON {} USING GIN (search_vector)").format(
                sql.Identifier(ddl.index_name(obj.table_name, "search_vector", "gin")), table
            ),
        ]
    )


def remove_from_search(schema: str, obj: ObjectMetadata, field: FieldMetadata) -> None:
    vector = obj.fields.filter(type="TS_VECTOR").first()
    if vector is None:
        return
    names = list((vector.settings or {}).get("fields", []))
    if field.name not in names:
        return
    vector.settings = {**(vector.settings or {}), "fields": [n for n in names if n != field.name]}
    vector.save(update_fields=["settings"])
    # The column goes first: the old expression depends on the field's column.
    execute(
        [
            sql.SQL("ALTER TABLE {} DROP COLUMN IF EXISTS search_vector").format(
                ddl.qualified(schema, obj.table_name)
            )
        ]
    )
    rebuild_search_vector(schema, obj)
