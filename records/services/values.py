"""From API input to column values, validated against metadata."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from crm.errors import BadUserInput, NotFound
from metadata.field_types.operators import has_nul
from metadata.field_types.relation import MANY_TO_ONE
from metadata.snapshot import FieldModel, ObjectModel, WorkspaceModel

# Set by the platform, never by a caller.
READ_ONLY = frozenset(
    {"createdAt", "updatedAt", "deletedAt", "createdBy", "updatedBy", "searchVector"}
)


@dataclass(frozen=True)
class Actor:
    """Who writes: recorded in createdBy / updatedBy."""

    source: str = "API"
    workspace_member_id: str | None = None
    name: str = ""

    def columns(self, prefix: str) -> dict[str, Any]:
        return {
            f"{prefix}_source": self.source,
            f"{prefix}_workspace_member_id": self.workspace_member_id,
            f"{prefix}_name": self.name,
        }


def relation_columns(
    model: WorkspaceModel | None, obj: ObjectModel, field: FieldModel, value: Any
) -> dict[str, Any]:
    """`{connect: {where: {...}}}` or `{disconnect: true}` on a MANY_TO_ONE relation."""
    relation = field.relation
    if relation is None or relation.kind != MANY_TO_ONE or model is None:
        raise BadUserInput(f"The relation {field.name!r} cannot be written here.", field=field.name)
    if not isinstance(value, Mapping) or len([k for k, v in value.items() if v is not None]) != 1:
        raise BadUserInput(f"{field.name!r} takes either connect or disconnect.", field=field.name)
    column = field.columns[0]
    if value.get("disconnect") is not None:
        if value["disconnect"] is not True:
            raise BadUserInput(f"{field.name}.disconnect must be true.", field=field.name)
        return {column: None}
    where = (value.get("connect") or {}).get("where") or {}
    given = {k: v for k, v in where.items() if v is not None}
    if len(given) != 1:
        raise BadUserInput(f"{field.name}.connect.where names exactly one field.", field=field.name)
    ((name, wanted),) = given.items()
    target = model.object(relation.target)
    return {column: find_by_unique(model, target, name, wanted, field.name)}


def find_by_unique(
    model: WorkspaceModel, target: ObjectModel, name: str, wanted: Any, path: str
) -> Any:
    from django.db import connection
    from psycopg import sql

    target_field = target.fields.get(name)
    if target_field is None or not (name == "id" or target_field.is_unique):
        raise BadUserInput(f"{target.name_plural} cannot be found by {name!r}.", field=path)
    values = target_field.field_type.parse(target_field.spec, wanted)
    column = (
        target_field.columns[0]
        if name == "id"
        else target_field.field_type.unique_columns(target_field.spec)[0]
    )
    if values.get(column) is None:
        raise BadUserInput(f"{path}.connect.where.{name} needs a value.", field=path)
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("SELECT id FROM {}.{} WHERE {} = %s AND deleted_at IS NULL LIMIT 1").format(
                sql.Identifier(model.schema), sql.Identifier(target.table), sql.Identifier(column)
            ),
            [values[column]],
        )
        row = cursor.fetchone()
    if row is None:
        raise NotFound(f"No {target.name_singular} matches {path}.connect.where.", field=path)
    return row[0]


# A unique column is indexed; a btree index entry holds at most about 2,700 bytes.
MAX_UNIQUE_BYTES = 2000


def check_indexable(field: FieldModel, parsed: Mapping[str, Any]) -> None:
    for column in field.field_type.unique_columns(field.spec):
        value = parsed.get(column)
        if isinstance(value, str) and len(value.encode()) > MAX_UNIQUE_BYTES:
            raise BadUserInput(
                f"Field {field.name!r} is unique, so its value must stay under {MAX_UNIQUE_BYTES} bytes.",
                field=field.name,
            )


def columns_of(obj: ObjectModel, data: Mapping[str, Any], *, creating: bool,
               model: WorkspaceModel | None = None) -> dict[str, Any]:  # fmt: skip
    """The column values for `data`; BadUserInput naming the first field at fault."""
    if not isinstance(data, Mapping):
        raise BadUserInput("Each record's data must be an object, not null.", field="data")
    if has_nul(dict(data)):
        raise BadUserInput("Text and JSON values cannot contain the NUL character.", field="data")
    values: dict[str, Any] = {}
    for key, value in data.items():
        relation = obj.join_field(key)
        if relation is not None:
            values.update(relation.field_type.parse(relation.spec, value))
            continue
        field = obj.fields.get(key)
        if field is None:
            raise BadUserInput(f"{obj.name_plural} have no field {key!r}.", field=key)
        if key in READ_ONLY:
            raise BadUserInput(
                f"Field {key!r} is set by the platform and cannot be written.", field=key
            )
        if field.relation is not None:
            values.update(relation_columns(model, obj, field, value))
            continue
        if key == "id" and not creating:
            raise BadUserInput("A record's id cannot change.", field="id")
        if value is None and not field.is_nullable:
            raise BadUserInput(f"Field {key!r} is required and cannot be null.", field=key)
        parsed = field.field_type.parse(field.spec, value)
        if field.is_unique:
            check_indexable(field, parsed)
        values.update(parsed)
    if creating:
        for field in obj.fields.values():
            if (
                not field.is_nullable and not field.has_default and field.relation is None
                and field.name not in READ_ONLY and field.name != "id"
                and not field.field_type.is_composite and field.name not in data
            ):  # fmt: skip
                raise BadUserInput(f"Field {field.name!r} is required.", field=field.name)
    return values
