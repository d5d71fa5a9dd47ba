"""Creating and deleting fields: metadata rows and their columns, atomically."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from crm.errors import BadUserInput
from metadata import naming
from metadata.errors import FieldNotFound, NameTaken, ProtectedMetadata, TooManyFields
from metadata.field_types.options import normalize_options
from metadata.field_types.registry import get_field_type
from metadata.field_types.relation import MANY_TO_ONE
from metadata.models import FieldMetadata, ObjectMetadata
from metadata.services import ddl
from metadata.services.changes import column_count, execute, schema_change
from metadata.services.objects import get_object
from metadata.services.relations import RelationSide, create_relation_pair, drop_relation_storage
from metadata.services.specs import field_spec, physical_columns
from metadata.services.validation import validate_field_name

POSTGRES_MAX_COLUMNS = 1600


@dataclass(frozen=True)
class RelationInput:
    """Twenty's relationCreationPayload: the other object and the field created on it."""

    target_object_id: Any
    type: str  # this side's relation type
    target_field_label: str
    target_field_name: str | None = None
    target_field_icon: str = ""
    on_delete: str = "SET_NULL"


@dataclass(frozen=True)
class FieldInput:
    name: str
    type: str
    label: str
    description: str = ""
    icon: str = ""
    is_nullable: bool = True
    is_unique: bool = False
    default_value: Any = None
    options: Sequence[Mapping[str, Any]] | None = None
    settings: Mapping[str, Any] | None = None
    relation: RelationInput | None = None
    standard_id: uuid.UUID | None = None


def get_field(field_id: Any) -> FieldMetadata:
    try:
        return FieldMetadata.objects.select_related("object").get(id=uuid.UUID(str(field_id)))
    except (ValueError, FieldMetadata.DoesNotExist):
        raise FieldNotFound(f"No field has the id {field_id!r}.", field="id") from None


def name_from_label(label: str) -> str:
    words = "".join(ch if ch.isalnum() else " " for ch in label).split()
    if not words:
        raise BadUserInput(f"Cannot derive a field name from the label {label!r}.", field="label")
    first, *rest = words
    return first[0].lower() + first[1:] + "".join(w[0].upper() + w[1:] for w in rest)


def check_field_free(obj: ObjectMetadata, name: str, new_columns: Sequence[str] = ()) -> None:
    existing = {f.name for f in obj.fields.all()}
    # `companyId` is the API name of the join column beside a MANY_TO_ONE `company`.
    aliases = {
        f"{f.name}Id"
        for f in obj.fields.filter(type="RELATION")
        if (f.settings or {}).get("relationType") == MANY_TO_ONE
    }
    if name in existing or name in aliases:
        raise NameTaken(
            f"Object {obj.name_singular!r} already has a field named {name!r}.", field="name"
        )
    taken = physical_columns(obj)
    for column in new_columns:
        if column in taken:
            raise NameTaken(
                f"The column {column!r} for {name!r} is already used by field {taken[column]!r}.",
                field="name",
            )


def check_capacity(schema: str, obj: ObjectMetadata, adding: int) -> None:
    if obj.fields.count() + 1 > settings.MAX_FIELDS_PER_OBJECT:
        raise TooManyFields(
            f"Object {obj.name_singular!r} has reached the limit of "
            f"{settings.MAX_FIELDS_PER_OBJECT} fields.",
            field="objectMetadataId",
        )
    if column_count(schema, obj.table_name) + adding > POSTGRES_MAX_COLUMNS:
        raise TooManyFields(
            f"Object {obj.name_singular!r} cannot take {adding} more column(s): PostgreSQL allows "
            f"{POSTGRES_MAX_COLUMNS} per table, counting the columns of deleted fields.",
            field="objectMetadataId",
        )


def create_field(object_id: Any, data: FieldInput, *, is_custom: bool = True) -> FieldMetadata:
    name = validate_field_name(data.name)
    if not isinstance(data.label, str) or not data.label.strip():
        raise BadUserInput("label is required.", field="label")
    field_type = get_field_type(data.type)
    with schema_change() as schema:
        obj = get_object(object_id)
        if data.type == "RELATION":
            return _create_relation(schema, obj, name, data, is_custom=is_custom)
        if data.type == "TS_VECTOR":
            raise BadUserInput("An object has one search vector, created with it.", field="type")
        options = (
            normalize_options(name, data.options)
            if data.type in ("SELECT", "MULTI_SELECT")
            else None
        )
        row = FieldMetadata(
            object=obj, type=data.type, name=name, label=data.label.strip(),
            description=data.description, icon=data.icon, default_value=data.default_value,
            options=options, settings=dict(data.settings or {}) or None, is_custom=is_custom,
            is_nullable=data.is_nullable, is_unique=data.is_unique, standard_id=data.standard_id,
        )  # fmt: skip
        spec = field_spec(row)
        field_type.validate_definition(spec)
        if not data.is_nullable and data.default_value is None and not field_type.is_composite:
            raise BadUserInput(
                "A required field needs a default value for the records that already exist.",
                field="defaultValue",
            )
        columns = [c.name for c in field_type.columns(spec)]
        check_field_free(obj, name, columns)
        check_capacity(schema, obj, len(columns))
        row.save()
        execute(ddl.add_columns(schema, obj.table_name, spec))
        if data.is_unique:
            execute(ddl.unique_index(schema, obj.table_name, spec))
    return row


def _create_relation(
    schema: str, obj: ObjectMetadata, name: str, data: FieldInput, *, is_custom: bool
) -> FieldMetadata:
    relation = data.relation
    if relation is None:
        raise BadUserInput(
            "A RELATION field needs relationCreationPayload (targetObjectMetadataId, type, "
            "targetFieldLabel).",
            field="relationCreationPayload",
        )
    target = get_object(relation.target_object_id)
    target_name = validate_field_name(
        relation.target_field_name or name_from_label(relation.target_field_label)
    )
    check_field_free(obj, name, [f"{naming.snake_case(name)}_id"])
    check_field_free(target, target_name, [f"{naming.snake_case(target_name)}_id"])
    check_capacity(schema, obj, 1)
    check_capacity(schema, target, 1)
    source_field, _ = create_relation_pair(
        schema,
        obj,
        RelationSide(name, data.label.strip(), data.description, data.icon, data.standard_id),
        target,
        RelationSide(target_name, relation.target_field_label, icon=relation.target_field_icon),
        relation.type,
        on_delete=relation.on_delete,
        is_custom=is_custom,
    )
    return source_field


def drop_relation_partner(schema: str, field: FieldMetadata) -> None:
    """Remove a relation's storage and its partner field (when the object goes away)."""
    drop_relation_storage(schema, field)
    if (
        field.relation_target_field is not None
        and field.relation_target_field.object_id != field.object_id
    ):
        field.relation_target_field.delete()


def delete_field(field_id: Any) -> FieldMetadata:
    with schema_change() as schema:
        field = get_field(field_id)
        obj = field.object
        if field.is_system:
            raise ProtectedMetadata(
                f"The system field {field.name!r} cannot be deleted.", field="id"
            )
        if not field.is_custom:
            raise ProtectedMetadata(
                f"The standard field {obj.name_singular}.{field.name} cannot be deleted; "
                "deactivate it instead.",
                field="id",
            )
        if obj.label_identifier_field_id == field.id:
            raise ProtectedMetadata(
                f"{field.name!r} is the label identifier of {obj.name_singular!r}; "
                "choose another one first.",
                field="id",
            )
        deleted = copy.copy(field)  # delete() clears the instance's id; the caller shows it
        if field.type == "RELATION":
            drop_relation_storage(schema, field)
            partner = field.relation_target_field
            field.delete()
            if partner is not None:
                partner.delete()
            return deleted
        from metadata.services.search import remove_from_search

        remove_from_search(schema, obj, field)
        if field.is_unique:
            execute(ddl.drop_unique_index(schema, obj.table_name, field_spec(field)))
        execute(ddl.drop_columns(schema, obj.table_name, field_spec(field)))
        from metadata.services.indexes import forget_field

        forget_field(obj.id, field.name, None)
        field.delete()
    return deleted
