"""Bring a schema's standard objects and fields to the current declarations.

Adds what is new, updates what changed (labels, descriptions, icons, flags), and never touches
custom objects or custom fields. Comparing is done in memory from two queries, so a workspace
that is already in step costs almost nothing; each change runs in its own schema_change().
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from metadata.models import FieldMetadata, ObjectMetadata
from metadata.services.changes import schema_change
from metadata.services.fields import FieldInput, create_field
from metadata.services.objects import ObjectInput, create_object
from metadata.services.relations import RelationSide, create_relation_pair
from metadata.standard.definitions import FieldDef, ObjectDef


@dataclass(frozen=True)
class Step:
    description: str
    apply: Callable[[], object]


def object_input(definition: ObjectDef) -> ObjectInput:
    own = [
        definition.field_with_stable_option_ids(f)
        for f in definition.fields
        if f.type != "RELATION"
    ]
    return ObjectInput(
        name_singular=definition.name_singular,
        name_plural=definition.name_plural,
        label_singular=definition.label_singular,
        label_plural=definition.label_plural,
        description=definition.description,
        icon=definition.icon,
        is_searchable=definition.is_searchable,
        is_system=definition.is_system,
        standard_id=definition.standard_id,
        fields=own,
        field_standard_ids={f.name: definition.field_standard_id(f) for f in own},
        label_identifier=definition.label_identifier,
        search_fields=tuple(definition.search_fields),
        duplicate_criteria=tuple(tuple(c) for c in definition.duplicate_criteria),
    )


def _owns_relation(definition: ObjectDef, field: FieldDef, inverse: FieldDef) -> bool:
    """Of a pair, the side that creates both: the MANY_TO_ONE side, or for MANY_TO_MANY the
    side whose key sorts first."""
    kind = (field.settings or {}).get("relationType")
    if kind == "MANY_TO_ONE":
        return True
    if kind == "ONE_TO_MANY":
        return False
    return f"{definition.name_singular}.{field.name}" <= f"{field.target}.{inverse.name}"


def plan(catalogue: Sequence[ObjectDef]) -> list[Step]:
    """The steps that bring the current schema in step with `catalogue`, in order."""
    objects = {o.standard_id: o for o in ObjectMetadata.objects.filter(standard_id__isnull=False)}
    fields = {
        f.standard_id: f
        for f in FieldMetadata.objects.filter(standard_id__isnull=False).select_related("object")
    }
    by_name = {d.name_singular: d for d in catalogue}
    steps: list[Step] = []
    for definition in catalogue:
        existing = objects.get(definition.standard_id)
        if existing is None:
            steps.append(
                Step(
                    f"create object {definition.name_singular}",
                    partial(_create_object, definition),
                )
            )
            continue
        changes = {
            attr: value
            for attr, value in (
                ("label_singular", definition.label_singular),
                ("label_plural", definition.label_plural),
                ("description", definition.description),
                ("icon", definition.icon),
                ("is_system", definition.is_system),
            )
            if getattr(existing, attr) != value
        }
        if changes:
            steps.append(
                Step(
                    f"update object {definition.name_singular}: {', '.join(sorted(changes))}",
                    partial(_update_row, existing, changes),
                )
            )
        for field in definition.fields:
            if field.type == "RELATION":
                continue
            steps.extend(_field_steps(definition, field, fields))
    for definition in catalogue:
        for field in definition.fields:
            if field.type != "RELATION" or definition.field_standard_id(field) in fields:
                continue
            target = by_name.get(field.target or "")
            inverse = (
                next((f for f in target.fields if f.name == field.inverse), None)
                if target
                else None
            )
            if target is None or inverse is None:
                raise ValueError(
                    f"Standard relation {definition.name_singular}.{field.name} names a missing "
                    f"target {field.target}.{field.inverse}."
                )
            if not _owns_relation(definition, field, inverse):
                continue
            steps.append(
                Step(
                    f"create relation {definition.name_singular}.{field.name} <-> "
                    f"{target.name_singular}.{inverse.name}",
                    partial(_create_relation, definition, field, target, inverse),
                )
            )
    return steps


def _field_steps(
    definition: ObjectDef, field: FieldDef, fields: Mapping[Any, FieldMetadata]
) -> list[Step]:
    existing = fields.get(definition.field_standard_id(field))
    path = f"{definition.name_singular}.{field.name}"
    if existing is None:
        return [
            Step(
                f"create field {path} ({field.type})",
                partial(_create_field, definition, field),
            )
        ]
    changes = {
        attr: value
        for attr, value in (
            ("label", field.label),
            ("description", field.description),
            ("icon", field.icon),
        )
        if getattr(existing, attr) != value
    }
    if not changes:
        return []
    return [
        Step(
            f"update field {path}: {', '.join(sorted(changes))}",
            partial(_update_row, existing, changes),
        )
    ]


def _create_object(definition: ObjectDef) -> None:
    create_object(object_input(definition), is_custom=False)


def _create_field(definition: ObjectDef, field: FieldDef) -> None:
    field = definition.field_with_stable_option_ids(field)
    create_field(
        ObjectMetadata.objects.get(standard_id=definition.standard_id).id,
        FieldInput(
            name=field.name, type=field.type, label=field.label, description=field.description,
            icon=field.icon, is_nullable=field.is_nullable, is_unique=field.is_unique,
            default_value=field.default_value, options=field.options, settings=field.settings,
            standard_id=definition.field_standard_id(field),
        ),
        is_custom=False,
    )  # fmt: skip


def _update_row(row: ObjectMetadata | FieldMetadata, changes: Mapping[str, object]) -> None:
    with schema_change():
        for attr, value in changes.items():
            setattr(row, attr, value)
        row.save(update_fields=list(changes))


def _create_relation(
    definition: ObjectDef, field: FieldDef, target: ObjectDef, inverse: FieldDef
) -> None:
    with schema_change() as schema:
        source_obj = ObjectMetadata.objects.get(standard_id=definition.standard_id)
        target_obj = ObjectMetadata.objects.get(standard_id=target.standard_id)
        settings = field.settings or {}
        create_relation_pair(
            schema,
            source_obj,
            RelationSide(field.name, field.label, field.description, field.icon,
                         definition.field_standard_id(field)),
            target_obj,
            RelationSide(inverse.name, inverse.label, inverse.description, inverse.icon,
                         target.field_standard_id(inverse)),
            str(settings.get("relationType", "MANY_TO_ONE")),
            on_delete=str(settings.get("onDelete", "SET_NULL")),
            is_custom=False,
        )  # fmt: skip


def sync(catalogue: Sequence[ObjectDef], *, dry_run: bool = False) -> list[str]:
    """Apply (or with dry_run only list) the steps for the current schema."""
    steps = plan(catalogue)
    if not dry_run:
        for step in steps:
            step.apply()
    return [step.description for step in steps]
