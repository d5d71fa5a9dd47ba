"""An immutable picture of a workspace's active metadata, for the API layers.

Loaded with two queries, cached per (workspace, metadata version) in a bounded LRU, and
fingerprinted by content (no ids) so that workspaces with the same data model share generated
schemas.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson
from django.conf import settings

from crm.lru import LRU
from metadata.field_types.base import FieldSpec, FieldType
from metadata.field_types.registry import get_field_type
from metadata.field_types.relation import MANY_TO_MANY, MANY_TO_ONE, ONE_TO_MANY, join_column
from metadata.models import FieldMetadata, ObjectMetadata
from metadata.services.specs import field_spec


@dataclass(frozen=True)
class RelationModel:
    kind: str  # MANY_TO_ONE, ONE_TO_MANY or MANY_TO_MANY, seen from this side
    target: str  # the target object's nameSingular
    inverse: str | None  # the field on the target pointing back
    # MANY_TO_ONE: this table's column; ONE_TO_MANY: the target table's column.
    join_column: str | None = None
    junction_table: str | None = None
    self_column: str | None = None  # in the junction, the column holding this side's id
    other_column: str | None = None


@dataclass(frozen=True)
class FieldModel:
    id: str
    name: str
    type: str
    label: str
    description: str
    spec: FieldSpec
    field_type: FieldType
    is_system: bool
    is_nullable: bool
    is_unique: bool
    has_default: bool
    relation: RelationModel | None = None

    @property
    def columns(self) -> list[str]:
        if self.type == "TS_VECTOR":
            return [self.spec.column()]
        return [c.name for c in self.field_type.columns(self.spec)]


@dataclass(frozen=True)
class ObjectModel:
    id: str
    name_singular: str
    name_plural: str
    label_singular: str
    label_plural: str
    description: str
    table: str
    is_system: bool
    is_searchable: bool
    is_custom: bool
    label_identifier: str
    duplicate_criteria: tuple[tuple[str, ...], ...]
    fields: Mapping[str, FieldModel]
    # Derived values the API layers compute once per snapshot (aggregates ...).
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def join_field(self, name: str) -> FieldModel | None:
        """The MANY_TO_ONE relation whose id is exposed as `name` (`companyId`)."""
        if not name.endswith("Id"):
            return None
        relation = self.fields.get(name[:-2])
        if relation is not None and relation.relation and relation.relation.kind == MANY_TO_ONE:
            return relation
        return None


@dataclass(frozen=True)
class WorkspaceModel:
    schema: str
    objects: Mapping[str, ObjectModel]
    fingerprint: str
    by_plural: Mapping[str, ObjectModel] = field(default_factory=dict)

    def object(self, name_singular: str) -> ObjectModel:
        return self.objects[name_singular]


def _relation(row: FieldMetadata) -> RelationModel | None:
    if row.type != "RELATION" or row.relation_target_object is None:
        return None
    settings_ = row.settings or {}
    kind = str(settings_.get("relationType"))
    inverse = row.relation_target_field
    column: str | None = None
    if kind == MANY_TO_ONE:
        column = join_column(field_spec(row))
    elif kind == ONE_TO_MANY and inverse is not None:
        column = join_column(field_spec(inverse))
    return RelationModel(
        kind=kind,
        target=row.relation_target_object.name_singular,
        inverse=inverse.name if inverse else None,
        join_column=column,
        junction_table=settings_.get("junctionTable") if kind == MANY_TO_MANY else None,
        self_column=settings_.get("selfColumn"),
        other_column=settings_.get("otherColumn"),
    )


def load(schema: str) -> WorkspaceModel:
    """Read the current schema's active metadata (the connection must point at `schema`)."""
    rows = list(
        FieldMetadata.objects.filter(is_active=True, object__is_active=True)
        .select_related("relation_target_object", "relation_target_field")
        .order_by("object_id", "created_at", "name")
    )
    by_object: dict[Any, list[FieldMetadata]] = {}
    for row in rows:
        by_object.setdefault(row.object_id, []).append(row)
    objects: dict[str, ObjectModel] = {}
    for obj in ObjectMetadata.objects.filter(is_active=True).order_by("name_singular"):
        fields: dict[str, FieldModel] = {}
        label_identifier = "id"
        for row in by_object.get(obj.id, []):
            relation = _relation(row)
            if row.type == "RELATION" and relation is None:
                continue
            fields[row.name] = FieldModel(
                id=str(row.id), name=row.name, type=row.type, label=row.label,
                description=row.description, spec=field_spec(row),
                field_type=get_field_type(row.type), is_system=row.is_system,
                is_nullable=row.is_nullable, is_unique=row.is_unique,
                has_default=row.default_value is not None, relation=relation,
            )  # fmt: skip
            if row.id == obj.label_identifier_field_id:
                label_identifier = row.name
        objects[obj.name_singular] = ObjectModel(
            id=str(obj.id), name_singular=obj.name_singular, name_plural=obj.name_plural,
            label_singular=obj.label_singular, label_plural=obj.label_plural,
            description=obj.description, table=obj.table_name, is_system=obj.is_system,
            is_searchable=obj.is_searchable, is_custom=obj.is_custom,
            label_identifier=label_identifier,
            duplicate_criteria=tuple(tuple(c) for c in obj.duplicate_criteria or ()),
            fields=fields,
        )  # fmt: skip
    # Relations to inactive objects are left out of the API.
    for name, model in list(objects.items()):
        kept = {
            n: f
            for n, f in model.fields.items()
            if f.relation is None or f.relation.target in objects
        }
        if len(kept) != len(model.fields):
            objects[name] = ObjectModel(**{**model.__dict__, "fields": kept, "memo": {}})
    return WorkspaceModel(
        schema=schema,
        objects=objects,
        fingerprint=_fingerprint(objects),
        by_plural={o.name_plural: o for o in objects.values()},
    )


def _fingerprint(objects: Mapping[str, ObjectModel]) -> str:
    content = [
        [o.name_singular, o.name_plural, o.table, o.label_identifier, o.is_searchable,
         o.duplicate_criteria,
         [[f.name, f.type, f.is_nullable, f.has_default, f.label, f.description,
           list(f.spec.options), dict(f.spec.settings),
           f.relation.__dict__ if f.relation else None] for f in o.fields.values()]]
        for o in objects.values()
    ]  # fmt: skip
    return hashlib.sha256(orjson.dumps(content, option=orjson.OPT_SORT_KEYS)).hexdigest()


_cache: LRU[tuple[str, int], WorkspaceModel] = LRU(settings.METADATA_CACHE_SIZE)


def for_workspace(workspace: Any) -> WorkspaceModel:
    """The workspace's model at its current metadata version (the connection is in its schema)."""
    key = (str(workspace.id), int(workspace.metadata_version))
    model = _cache.get(key)
    if model is None:
        model = load(workspace.schema_name)
        _cache.put(key, model)
    return model
