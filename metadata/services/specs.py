"""From metadata rows to what field types and DDL need."""

from __future__ import annotations

from metadata.field_types.base import FieldSpec
from metadata.field_types.registry import get_field_type
from metadata.models import FieldMetadata, ObjectMetadata


def field_spec(field: FieldMetadata) -> FieldSpec:
    return FieldSpec(
        name=field.name,
        type=field.type,
        is_nullable=field.is_nullable,
        is_unique=field.is_unique,
        default_value=field.default_value,
        options=field.options or (),
        settings=field.settings or {},
    )


def physical_columns(obj: ObjectMetadata) -> dict[str, str]:
    """Every column of an object's table, mapped to the field name that owns it."""
    owners: dict[str, str] = {}
    for field in obj.fields.all():
        spec = field_spec(field)
        if field.type == "TS_VECTOR":
            owners[spec.column()] = field.name
            continue
        for column in get_field_type(field.type).columns(spec):
            owners[column.name] = field.name
    return owners


def search_columns(obj: ObjectMetadata) -> list[str]:
    """The columns feeding the search vector: those of the fields named in its settings."""
    vector = obj.fields.filter(type="TS_VECTOR").first()
    names = list((vector.settings or {}).get("fields", [])) if vector else []
    columns: list[str] = []
    for field in obj.fields.filter(name__in=names):
        columns += get_field_type(field.type).search_columns(field_spec(field))
    return columns
