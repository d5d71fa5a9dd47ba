"""Creating, changing and deleting objects: metadata rows and their tables, atomically."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from crm.errors import BadUserInput
from metadata import naming
from metadata.errors import NameTaken, ObjectNotFound, ProtectedMetadata
from metadata.field_types.registry import get_field_type
from metadata.models import FieldMetadata, ObjectMetadata
from metadata.services import ddl
from metadata.services.changes import execute, schema_change
from metadata.services.specs import field_spec
from metadata.services.validation import validate_object_names
from metadata.standard.definitions import FieldDef
from metadata.system_fields import SYSTEM_FIELDS

# A custom object starts with a name, its label identifier, as in Twenty.
DEFAULT_NAME_FIELD = FieldDef("name", "TEXT", "Name", icon="IconAbc")
# ... and can carry notes, tasks, attachments, favorites and timeline activities like the
# standard CRM objects: (standard object, field on the custom object, its label, icon).
ACTIVITY_LINKS = (
    ("noteTarget", "noteTargets", "Notes", "IconNotes"),
    ("taskTarget", "taskTargets", "Tasks", "IconCheckbox"),
    ("attachment", "attachments", "Attachments", "IconFileImport"),
    ("favorite", "favorites", "Favorites", "IconHeart"),
    ("timelineActivity", "timelineActivities", "Timeline", "IconTimelineEvent"),
)


@dataclass(frozen=True)
class ObjectInput:
    name_singular: str
    name_plural: str
    label_singular: str
    label_plural: str
    description: str = ""
    icon: str = ""
    is_searchable: bool = True
    is_system: bool = False
    # Standard objects: their id, their own first fields and what their search covers.
    standard_id: uuid.UUID | None = None
    fields: Sequence[FieldDef] = (DEFAULT_NAME_FIELD,)
    field_standard_ids: Mapping[str, uuid.UUID] = field(default_factory=dict)
    label_identifier: str = "name"
    search_fields: Sequence[str] = ("name",)
    duplicate_criteria: Sequence[Sequence[str]] = ()


def get_object(object_id: Any) -> ObjectMetadata:
    try:
        return ObjectMetadata.objects.get(id=uuid.UUID(str(object_id)))
    except (ValueError, ObjectMetadata.DoesNotExist):
        raise ObjectNotFound(f"No object has the id {object_id!r}.", field="id") from None


def _check_names_free(singular: str, plural: str, exclude: uuid.UUID | None = None) -> None:
    others = ObjectMetadata.objects.exclude(id=exclude) if exclude else ObjectMetadata.objects
    for name, field_name in ((singular, "nameSingular"), (plural, "namePlural")):
        if others.filter(name_singular=name).exists() or others.filter(name_plural=name).exists():
            raise NameTaken(f"An object named {name!r} already exists.", field=field_name)
    if others.filter(table_name=naming.table_name(singular)).exists():
        raise NameTaken(
            f"The table name {naming.table_name(singular)!r} is already used by another object.",
            field="nameSingular",
        )


def _field_row(obj: ObjectMetadata, definition: FieldDef, *, system: bool, custom: bool,
               standard_id: uuid.UUID | None) -> FieldMetadata:  # fmt: skip
    return FieldMetadata(
        object=obj,
        standard_id=standard_id,
        type=definition.type,
        name=definition.name,
        label=definition.label,
        description=definition.description,
        icon=definition.icon,
        default_value=definition.default_value,
        options=list(definition.options) if definition.options is not None else None,
        settings=dict(definition.settings) if definition.settings is not None else None,
        is_custom=custom,
        is_system=system,
        is_nullable=definition.is_nullable,
        is_unique=definition.is_unique,
    )


def create_object(data: ObjectInput, *, is_custom: bool = True) -> ObjectMetadata:
    """Create an object with its system fields, its first fields and its table.

    Relation fields in `data.fields` are not created here: relations need both objects, so
    they are added afterwards with metadata.services.fields.create_relation.
    """
    singular, plural = validate_object_names(data.name_singular, data.name_plural)
    for label, key in ((data.label_singular, "labelSingular"), (data.label_plural, "labelPlural")):
        if not isinstance(label, str) or not label.strip():
            raise BadUserInput(f"{key} is required.", field=key)
    with schema_change() as schema:
        _check_names_free(singular, plural)
        obj = ObjectMetadata.objects.create(
            standard_id=data.standard_id,
            name_singular=singular,
            name_plural=plural,
            label_singular=data.label_singular.strip(),
            label_plural=data.label_plural.strip(),
            description=data.description,
            icon=data.icon,
            table_name=naming.table_name(singular),
            is_custom=is_custom,
            is_system=data.is_system,
            is_searchable=data.is_searchable,
            duplicate_criteria=[list(c) for c in data.duplicate_criteria],
        )
        own_fields = [f for f in data.fields if f.type != "RELATION"]
        rows = [
            _field_row(obj, f, system=True, custom=False, standard_id=None)
            for f in SYSTEM_FIELDS
        ] + [
            _field_row(
                obj, f, system=False, custom=is_custom,
                standard_id=data.field_standard_ids.get(f.name),
            )
            for f in own_fields
        ]  # fmt: skip
        names = [row.name for row in rows]
        duplicated = {n for n in names if names.count(n) > 1}
        if duplicated:
            raise BadUserInput(
                f"Field {sorted(duplicated)[0]!r} is declared twice.", field="fields"
            )
        for row in rows:
            get_field_type(row.type).validate_definition(field_spec(row))
            if row.type == "TS_VECTOR":
                row.settings = {"fields": [n for n in data.search_fields if n in names]}
        FieldMetadata.objects.bulk_create(rows)
        by_name = {row.name: row for row in rows}
        search_columns = [
            column
            for name in data.search_fields
            if name in by_name
            for column in get_field_type(by_name[name].type).search_columns(
                field_spec(by_name[name])
            )
        ]
        execute(
            ddl.create_table(schema, obj.table_name, [field_spec(r) for r in rows], search_columns)
        )
        for row in rows:
            if row.is_unique:
                execute(ddl.unique_index(schema, obj.table_name, field_spec(row)))
        identifier = by_name.get(data.label_identifier) or by_name["id"]
        obj.label_identifier_field_id = identifier.id
        obj.save(update_fields=["label_identifier_field_id"])
        if is_custom:
            _link_activities(schema, obj)
    return obj


def _link_activities(schema: str, obj: ObjectMetadata) -> None:
    from metadata.services.fields import check_field_free
    from metadata.services.relations import RelationSide, create_relation_pair

    standard = {
        o.name_singular: o
        for o in ObjectMetadata.objects.filter(
            name_singular__in=[link[0] for link in ACTIVITY_LINKS], is_custom=False
        )
    }
    for source_name, field_name, label, icon in ACTIVITY_LINKS:
        source = standard.get(source_name)
        if source is None:
            continue
        check_field_free(source, obj.name_singular, [f"{obj.table_name}_id"])
        create_relation_pair(
            schema,
            source,
            RelationSide(obj.name_singular, obj.label_singular, icon=obj.icon),
            obj,
            RelationSide(field_name, label, icon=icon),
            "MANY_TO_ONE",
            on_delete="CASCADE",
        )


UPDATABLE_OBJECT_ATTRIBUTES = {
    "labelSingular": "label_singular",
    "labelPlural": "label_plural",
    "description": "description",
    "icon": "icon",
    "isActive": "is_active",
    "isSearchable": "is_searchable",
    "nameSingular": "name_singular",
    "namePlural": "name_plural",
    "labelIdentifierFieldMetadataId": "label_identifier_field_id",
    "imageIdentifierFieldMetadataId": "image_identifier_field_id",
    "duplicateCriteria": "duplicate_criteria",
}


def update_object(object_id: Any, update: Mapping[str, Any]) -> ObjectMetadata:
    unknown = set(update) - set(UPDATABLE_OBJECT_ATTRIBUTES)
    if unknown:
        raise BadUserInput(f"Objects have no updatable attribute {sorted(unknown)[0]!r}.")
    with schema_change() as schema:
        obj = get_object(object_id)
        singular = update.get("nameSingular", obj.name_singular)
        plural = update.get("namePlural", obj.name_plural)
        if (singular, plural) != (obj.name_singular, obj.name_plural):
            if not obj.is_custom:
                raise ProtectedMetadata(
                    f"The names of the standard object {obj.name_singular!r} cannot change."
                )
            singular, plural = validate_object_names(singular, plural)
            _check_names_free(singular, plural, exclude=obj.id)
        if "isActive" in update and update["isActive"] is False and not obj.is_custom:
            raise ProtectedMetadata(
                f"The standard object {obj.name_singular!r} cannot be deactivated."
            )
        for key in ("labelIdentifierFieldMetadataId", "imageIdentifierFieldMetadataId"):
            if update.get(key) is not None and not obj.fields.filter(id=update[key]).exists():
                raise BadUserInput(f"{key} must name a field of this object.", field=key)
        for key, attribute in UPDATABLE_OBJECT_ATTRIBUTES.items():
            if key in update and key not in ("nameSingular", "namePlural"):
                setattr(obj, attribute, update[key])
        new_table = naming.table_name(singular)
        if new_table != obj.table_name:
            execute([ddl.rename_table(schema, obj.table_name, new_table)])
            obj.table_name = new_table
        obj.name_singular, obj.name_plural = singular, plural
        obj.updated_at = timezone.now()
        obj.save()
    return obj


def delete_object(object_id: Any) -> ObjectMetadata:
    """Delete a custom object: its table, its fields and the relation fields pointing at it."""
    from metadata.services.fields import drop_relation_partner

    with schema_change() as schema:
        obj = get_object(object_id)
        if not obj.is_custom:
            raise ProtectedMetadata(f"The standard object {obj.name_singular!r} cannot be deleted.")
        for relation in obj.fields.filter(type="RELATION"):
            drop_relation_partner(schema, relation)
        execute([ddl.drop_table(schema, obj.table_name)])
        deleted = copy.copy(obj)  # delete() clears the instance's id; the caller shows it
        obj.delete()
    return deleted
