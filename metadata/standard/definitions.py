"""The shape in which standard objects are declared (see metadata/standard/objects/).

Declarations are data: sync_metadata compares them with a workspace's metadata and applies
the difference. Ids are derived from stable keys, so a declaration never hard-codes a UUID.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

STANDARD_NAMESPACE = uuid.UUID("5b0c0a8e-6f4e-4f43-9d8a-2f1d4c7e9a10")


def standard_id(key: str) -> uuid.UUID:
    return uuid.uuid5(STANDARD_NAMESPACE, key)


@dataclass(frozen=True)
class FieldDef:
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
    # RELATION only: the target object's nameSingular and the name of the field on the
    # target that points back. Both sides of a pair are declared, each on its own object.
    target: str | None = None
    inverse: str | None = None
    # Stable key for the id; defaults to "<object>.<field>". Keep it when renaming.
    key: str | None = None


@dataclass(frozen=True)
class ObjectDef:
    name_singular: str
    name_plural: str
    label_singular: str
    label_plural: str
    description: str = ""
    icon: str = ""
    fields: Sequence[FieldDef] = ()
    is_system: bool = False
    is_searchable: bool = True
    label_identifier: str = "name"
    # Fields whose text feeds the object's search vector.
    search_fields: Sequence[str] = ()
    duplicate_criteria: Sequence[Sequence[str]] = field(default_factory=tuple)
    key: str | None = None

    @property
    def standard_id(self) -> uuid.UUID:
        return standard_id(self.key or self.name_singular)

    def field_key(self, f: FieldDef) -> str:
        return f.key or f"{self.key or self.name_singular}.{f.name}"

    def field_standard_id(self, f: FieldDef) -> uuid.UUID:
        return standard_id(self.field_key(f))

    def field_with_stable_option_ids(self, f: FieldDef) -> FieldDef:
        """The field with option ids derived from its own key, so that the same option in two
        fields (NONE, ACTIVE ...) still has two ids."""
        if f.options is None:
            return f
        key = self.field_key(f)
        options = [{**o, "id": str(standard_id(f"{key}.option.{o['value']}"))} for o in f.options]
        return dataclasses.replace(f, options=options)


def select_options(*values_and_labels: tuple[str, str, str]) -> list[dict[str, Any]]:
    """Options from (VALUE, Label, colour) triples, positions in the given order."""
    return [
        {
            "id": str(standard_id(f"option.{value}.{label}")),
            "value": value,
            "label": label,
            "position": position,
            "color": color,
        }
        for position, (value, label, color) in enumerate(values_and_labels)
    ]


def many_to_one(
    name: str, label: str, target: str, inverse: str, on_delete: str = "SET_NULL", **kw: Any
) -> FieldDef:
    return FieldDef(
        name, "RELATION", label, target=target, inverse=inverse,
        settings={"relationType": "MANY_TO_ONE", "onDelete": on_delete}, **kw,
    )  # fmt: skip


def one_to_many(name: str, label: str, target: str, inverse: str, **kw: Any) -> FieldDef:
    return FieldDef(
        name, "RELATION", label, target=target, inverse=inverse,
        settings={"relationType": "ONE_TO_MANY"}, **kw,
    )  # fmt: skip
