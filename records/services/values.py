"""From API input to column values, validated against metadata."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from crm.errors import BadUserInput
from metadata.snapshot import ObjectModel

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


def columns_of(obj: ObjectModel, data: Mapping[str, Any], *, creating: bool) -> dict[str, Any]:
    """The column values for `data`; BadUserInput naming the first field at fault."""
    if not isinstance(data, Mapping):
        raise BadUserInput("Each record's data must be an object, not null.", field="data")
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
            raise BadUserInput(f"Set the relation {key!r} through {key}Id.", field=key)
        if key == "id" and not creating:
            raise BadUserInput("A record's id cannot change.", field="id")
        if value is None and not field.is_nullable:
            raise BadUserInput(f"Field {key!r} is required and cannot be null.", field=key)
        values.update(field.field_type.parse(field.spec, value))
    if creating:
        for field in obj.fields.values():
            if (
                not field.is_nullable and not field.has_default and field.relation is None
                and field.name not in READ_ONLY and field.name != "id"
                and not field.field_type.is_composite and field.name not in data
            ):  # fmt: skip
                raise BadUserInput(f"Field {field.name!r} is required.", field=field.name)
    return values
