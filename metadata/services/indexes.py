"""Indexes on an object's fields, kept as index metadata beside the table."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from psycopg import sql

from crm.errors import BadUserInput, NotFound
from metadata.field_types.registry import get_field_type
from metadata.models import IndexMetadata, ObjectMetadata
from metadata.services import ddl
from metadata.services.changes import execute, schema_change
from metadata.services.objects import get_object
from metadata.services.specs import field_spec

INDEX_TYPES = ("BTREE", "GIN")
GIN_KINDS = frozenset({"array", "json", "tsvector"})


def _columns(obj: ObjectMetadata, field_names: Sequence[str], index_type: str) -> list[str]:
    if not field_names:
        raise BadUserInput("An index needs at least one field.", field="fieldNames")
    fields = {f.name: f for f in obj.fields.all()}
    columns: list[str] = []
    for name in field_names:
        field = fields.get(name)
        if field is None:
            raise BadUserInput(
                f"Object {obj.name_singular!r} has no field {name!r}.", field="fieldNames"
            )
        field_type = get_field_type(field.type)
        if index_type == "GIN" and field_type.kind not in GIN_KINDS:
            raise BadUserInput(
                f"A GIN index suits lists, JSON and search vectors, not {field.type} ({name!r}).",
                field="indexType",
            )
        columns += field_type.order_columns(field_spec(field))
    return columns


def create_index(
    object_id: Any,
    field_names: Sequence[str],
    *,
    is_unique: bool = False,
    index_type: str = "BTREE",
) -> IndexMetadata:
    if index_type not in INDEX_TYPES:
        raise BadUserInput(f"indexType must be one of {', '.join(INDEX_TYPES)}.", field="indexType")
    if is_unique and index_type != "BTREE":
        raise BadUserInput("Only BTREE indexes can be unique.", field="isUnique")
    with schema_change() as schema:
        obj = get_object(object_id)
        columns = _columns(obj, field_names, index_type)
        name = ddl.index_name(obj.table_name, "_".join(columns), "uidx" if is_unique else "idx")
        if IndexMetadata.objects.filter(name=name).exists():
            raise BadUserInput(
                f"An index on {', '.join(field_names)} already exists.", field="fieldNames"
            )
        index = IndexMetadata.objects.create(
            object=obj,
            name=name,
            field_names=list(field_names),
            is_unique=is_unique,
            index_type=index_type,
        )
        execute([index_statement(schema, obj.table_name, index, columns)])
    return index


def index_statement(
    schema: str, table: str, index: IndexMetadata, columns: Sequence[str]
) -> sql.Composable:
    return sql.SQL("CREATE {}INDEX {} ON {} USING {} ({}){}").format(
        sql.SQL("UNIQUE " if index.is_unique else ""),
        sql.Identifier(index.name),
        ddl.qualified(schema, table),
        sql.SQL(index.index_type.lower()),
        sql.SQL(", ").join(map(sql.Identifier, columns)),
        sql.SQL(" WHERE deleted_at IS NULL" if index.is_unique else ""),
    )


def index_columns(index: IndexMetadata) -> list[str]:
    return _columns(index.object, index.field_names, index.index_type)


def delete_index(index_id: Any) -> None:
    with schema_change() as schema:
        try:
            index = IndexMetadata.objects.get(id=uuid.UUID(str(index_id)))
        except (ValueError, IndexMetadata.DoesNotExist):
            raise NotFound(f"No index has the id {index_id!r}.", field="id") from None
        execute([sql.SQL("DROP INDEX IF EXISTS {}").format(ddl.qualified(schema, index.name))])
        index.delete()


def forget_field(object_id: Any, old_name: str, new_name: str | None) -> None:
    """Keep index metadata in step when a field is renamed (new_name) or deleted (None);
    PostgreSQL itself drops an index whose column is dropped."""
    for index in IndexMetadata.objects.filter(object_id=object_id):
        if old_name not in index.field_names:
            continue
        if new_name is None:
            index.delete()
        else:
            index.field_names = [new_name if n == old_name else n for n in index.field_names]
            index.save(update_fields=["field_names"])
