"""Relations: a pair of RELATION fields pointing at each other, and the storage behind them.

MANY_TO_ONE / ONE_TO_MANY: the MANY_TO_ONE side owns a join column with a foreign key.
MANY_TO_MANY: neither side has a column; the engine owns a junction table for the pair.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from crm.errors import BadUserInput
from metadata import naming
from metadata.field_types.relation import MANY_TO_MANY, MANY_TO_ONE, ON_DELETE, ONE_TO_MANY
from metadata.models import FieldMetadata, ObjectMetadata
from metadata.services import ddl
from metadata.services.changes import execute
from metadata.services.specs import field_spec

INVERSE = {MANY_TO_ONE: ONE_TO_MANY, ONE_TO_MANY: MANY_TO_ONE, MANY_TO_MANY: MANY_TO_MANY}


@dataclass(frozen=True)
class RelationSide:
    name: str
    label: str
    description: str = ""
    icon: str = ""
    standard_id: uuid.UUID | None = None


def _settings(kind: str, on_delete: str, junction: dict[str, str] | None) -> dict[str, Any]:
    settings: dict[str, Any] = {"relationType": kind}
    if kind == MANY_TO_ONE:
        settings["onDelete"] = on_delete
    if junction is not None:
        settings.update(junction)
    return settings


def create_relation_pair(
    schema: str,
    source: ObjectMetadata,
    source_side: RelationSide,
    target: ObjectMetadata,
    target_side: RelationSide,
    kind: str,
    *,
    on_delete: str = "SET_NULL",
    is_custom: bool = True,
) -> tuple[FieldMetadata, FieldMetadata]:
    """Create both fields of a relation and its storage. `kind` is the source side's type.
    Runs inside the caller's schema_change()."""
    if kind not in INVERSE:
        raise BadUserInput(
            f"The relation type must be one of {', '.join(INVERSE)}, got {kind!r}.", field="type"
        )
    if on_delete not in ON_DELETE:
        raise BadUserInput(
            f"onDelete must be one of {', '.join(ON_DELETE)}, got {on_delete!r}.", field="onDelete"
        )
    if source.id == target.id and source_side.name == target_side.name:
        raise BadUserInput("A relation to the same object needs two different field names.")
    junction: dict[str, str] | None = None
    target_junction: dict[str, str] | None = None
    if kind == MANY_TO_MANY:
        table = ddl.index_name(source.table_name, naming.snake_case(source_side.name), "links")
        source_column, target_column = ddl.junction_columns(source.table_name, target.table_name)
        junction = {
            "junctionTable": table,
            "selfColumn": source_column,
            "otherColumn": target_column,
        }
        target_junction = {
            "junctionTable": table,
            "selfColumn": target_column,
            "otherColumn": source_column,
        }
    source_field = FieldMetadata.objects.create(
        object=source, type="RELATION", name=source_side.name, label=source_side.label,
        description=source_side.description, icon=source_side.icon,
        standard_id=source_side.standard_id, is_custom=is_custom,
        relation_target_object=target, settings=_settings(kind, on_delete, junction),
    )  # fmt: skip
    target_field = FieldMetadata.objects.create(
        object=target, type="RELATION", name=target_side.name, label=target_side.label,
        description=target_side.description, icon=target_side.icon,
        standard_id=target_side.standard_id, is_custom=is_custom,
        relation_target_object=source, relation_target_field=source_field,
        settings=_settings(INVERSE[kind], on_delete, target_junction),
    )  # fmt: skip
    source_field.relation_target_field = target_field
    source_field.save(update_fields=["relation_target_field"])

    if kind == MANY_TO_MANY:
        assert junction is not None
        execute(
            ddl.junction_table(
                schema, junction["junctionTable"], source.table_name, target.table_name
            )
        )
    else:
        owner, owner_obj, referenced = (
            (source_field, source, target)
            if kind == MANY_TO_ONE
            else (target_field, target, source)
        )
        spec = field_spec(owner)
        execute(ddl.add_columns(schema, owner_obj.table_name, spec))
        execute(ddl.foreign_key(schema, owner_obj.table_name, spec, referenced.table_name))
    return source_field, target_field


def drop_relation_storage(schema: str, field: FieldMetadata) -> None:
    """Drop the column or junction table behind a relation (from either side)."""
    settings = field.settings or {}
    kind = settings.get("relationType")
    if kind == MANY_TO_MANY and settings.get("junctionTable"):
        execute([ddl.drop_table(schema, str(settings["junctionTable"]))])
    elif kind == MANY_TO_ONE:
        execute(ddl.drop_columns(schema, field.object.table_name, field_spec(field)))
    elif kind == ONE_TO_MANY and field.relation_target_field is not None:
        partner = field.relation_target_field
        execute(ddl.drop_columns(schema, partner.object.table_name, field_spec(partner)))
