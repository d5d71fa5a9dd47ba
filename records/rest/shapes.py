"""What a REST record contains, chosen per object from the metadata snapshot, and the
GraphQL answer reshaped into REST's record form.

A record holds every field the caller may read: scalars, composites as nested objects with
all their sub-fields, `{relation}Id` beside each MANY_TO_ONE relation. `depth` adds relations:
0 none, 1 the MANY_TO_ONE objects and the ONE_TO_MANY / MANY_TO_MANY lists (their first page)
of the record, 2 the same again for each of those. Each (object, depth) becomes one GraphQL
fragment, so a deep selection stays a small document.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from metadata.field_types.relation import MANY_TO_ONE
from metadata.snapshot import ObjectModel, WorkspaceModel
from permissions.services.access import ObjectAccess, object_access
from records.graphql.names import pascal
from workspaces.principal import Principal

# Indexes, not data: never part of a REST record.
LEFT_OUT_TYPES = frozenset({"TS_VECTOR"})


@dataclass
class Fragments:
    """The fragments of one request's selection (access asked once per object)."""

    model: WorkspaceModel
    principal: Principal

    def __post_init__(self) -> None:
        self.definitions: dict[str, str] = {}
        self._access: dict[str, ObjectAccess] = {}

    def access(self, obj: ObjectModel) -> ObjectAccess:
        if obj.name_singular not in self._access:
            self._access[obj.name_singular] = object_access(self.principal, self.model, obj)
        return self._access[obj.name_singular]

    def spread(self, obj: ObjectModel, depth: int) -> str:
        """`...PersonD1`, defining the fragment (and those it uses) on first use."""
        name = f"{pascal(obj.name_singular)}D{depth}"
        if name not in self.definitions:
            self.definitions[name] = ""  # reserved while its fields are built
            fields = " ".join(self.fields(obj, depth)) or "id"
            self.definitions[name] = (
                f"fragment {name} on {pascal(obj.name_singular)} {{ {fields} }}"
            )
        return f"...{name}"

    def fields(self, obj: ObjectModel, depth: int) -> list[str]:
        unreadable = self.access(obj).unreadable_fields
        parts: list[str] = []
        for field in obj.fields.values():
            relation = field.relation
            if field.name in unreadable or field.type in LEFT_OUT_TYPES:
                continue
            if relation is None:
                if field.field_type.is_composite:
                    subs = " ".join(sub.name for sub in field.field_type.sub_fields)
                    parts.append(f"{field.name} {{ {subs} }}")
                else:
                    parts.append(field.name)
                continue
            if f"{field.name}Id" in unreadable:
                continue
            target = self.model.object(relation.target)
            readable = depth > 0 and self.access(target).can_read
            if relation.kind == MANY_TO_ONE:
                parts.append(f"{field.name}Id")
                if readable:
                    parts.append(f"{field.name} {{ {self.spread(target, depth - 1)} }}")
            elif readable:
                spread = self.spread(target, depth - 1)
                parts.append(f"{field.name} {{ edges {{ node {{ {spread} }} }} }}")
        return parts

    def text(self) -> str:
        return " ".join(self.definitions.values())


def _relations(
    model: WorkspaceModel, obj: ObjectModel
) -> tuple[tuple[str, bool, ObjectModel], ...]:
    """(field, is a list, target) of each relation of `obj`, computed once per snapshot."""
    cached = obj.memo.get("rest_relations")
    if cached is None:
        cached = obj.memo["rest_relations"] = tuple(
            (f.name, f.relation.kind != MANY_TO_ONE, model.object(f.relation.target))
            for f in obj.fields.values()
            if f.relation is not None
        )
    return cached


def reshape(model: WorkspaceModel, obj: ObjectModel, record: Any) -> Any:
    """Relation connections ({edges: [{node}]}) as plain lists, at every level."""
    if not isinstance(record, dict):
        return record
    for name, many, target in _relations(model, obj):
        value = record.get(name)
        if value is None:
            continue
        if many:
            record[name] = [reshape(model, target, edge["node"]) for edge in value["edges"]]
        else:
            reshape(model, target, value)
    return record
