"""Output types of the metadata API, named as in Twenty (Object, Field, ...)."""

from __future__ import annotations

import base64
from collections.abc import Iterable, Sequence
from typing import Any

import graphene

from crm.errors import BadUserInput
from crm.graphql.scalars import JSON
from metadata.field_types.registry import FIELD_TYPES
from metadata.models import FieldMetadata, ObjectMetadata

FieldMetadataType = graphene.Enum(
    "FieldMetadataType", [(name, name) for name in sorted(FIELD_TYPES)]
)
RelationType = graphene.Enum(
    "RelationType",
    [
        ("ONE_TO_MANY", "ONE_TO_MANY"),
        ("MANY_TO_ONE", "MANY_TO_ONE"),
        ("MANY_TO_MANY", "MANY_TO_MANY"),
    ],
)


class CursorPaging(graphene.InputObjectType):
    first = graphene.Int()
    after = graphene.String()
    last = graphene.Int()
    before = graphene.String()


class BooleanFieldComparison(graphene.InputObjectType):
    is_ = graphene.Boolean(name="is")
    is_not = graphene.Boolean(name="isNot")


class UUIDFilterComparison(graphene.InputObjectType):
    eq = graphene.UUID()
    neq = graphene.UUID()
    in_ = graphene.List(graphene.NonNull(graphene.UUID), name="in")
    not_in = graphene.List(graphene.NonNull(graphene.UUID), name="notIn")


class ObjectFilter(graphene.InputObjectType):
    id = graphene.Field(UUIDFilterComparison)
    is_custom = graphene.Field(BooleanFieldComparison, name="isCustom")
    is_active = graphene.Field(BooleanFieldComparison, name="isActive")
    is_system = graphene.Field(BooleanFieldComparison, name="isSystem")


class FieldFilter(graphene.InputObjectType):
    id = graphene.Field(UUIDFilterComparison)
    is_custom = graphene.Field(BooleanFieldComparison, name="isCustom")
    is_active = graphene.Field(BooleanFieldComparison, name="isActive")
    is_system = graphene.Field(BooleanFieldComparison, name="isSystem")
    object_metadata_id = graphene.Field(UUIDFilterComparison, name="objectMetadataId")


class PageInfo(graphene.ObjectType):
    has_next_page = graphene.Boolean(required=True)
    has_previous_page = graphene.Boolean(required=True)
    start_cursor = graphene.String()
    end_cursor = graphene.String()


def _cursor(offset: int) -> str:
    return base64.b64encode(f"arrayconnection:{offset}".encode()).decode()


def _offset(cursor: str) -> int:
    try:
        prefix, _, number = base64.b64decode(cursor.encode(), validate=True).decode().partition(":")
        if prefix != "arrayconnection":
            raise ValueError(cursor)
        return int(number)
    except ValueError:
        raise BadUserInput(f"The cursor {cursor!r} is not valid.", field="paging") from None


MAX_PAGE = 1000


def page(items: Sequence[Any], paging: dict[str, Any] | None) -> dict[str, Any]:
    """A connection over an already ordered, already filtered list (metadata lists are short)."""
    paging = paging or {}
    start, end = 0, len(items)
    if paging.get("after"):
        start = _offset(paging["after"]) + 1
    if paging.get("before"):
        end = min(end, _offset(paging["before"]))
    first, last = paging.get("first"), paging.get("last")
    for name, value in (("first", first), ("last", last)):
        if value is not None and not 0 <= value <= MAX_PAGE:
            raise BadUserInput(f"paging.{name} must be between 0 and {MAX_PAGE}.", field="paging")
    if first is not None:
        end = min(end, start + first)
    if last is not None:
        start = max(start, end - last)
    window = list(items[start:end])
    edges = [{"node": node, "cursor": _cursor(start + i)} for i, node in enumerate(window)]
    return {
        "edges": edges,
        "page_info": {
            "has_next_page": end < len(items),
            "has_previous_page": start > 0,
            "start_cursor": edges[0]["cursor"] if edges else None,
            "end_cursor": edges[-1]["cursor"] if edges else None,
        },
        "total_count": len(items),
    }


def apply_filter(items: Iterable[Any], where: dict[str, Any] | None) -> list[Any]:
    where = where or {}
    result = list(items)
    attributes = {"id": "id", "is_custom": "is_custom", "is_active": "is_active",
                  "is_system": "is_system", "object_metadata_id": "object_id"}  # fmt: skip
    for key, comparison in where.items():
        if not comparison:
            continue
        attr = attributes[key]
        for op, value in comparison.items():
            if value is None:
                continue
            if op == "eq":
                result = [i for i in result if getattr(i, attr) == value]
            elif op == "neq":
                result = [i for i in result if getattr(i, attr) != value]
            elif op == "in_":
                result = [i for i in result if getattr(i, attr) in set(value)]
            elif op == "not_in":
                result = [i for i in result if getattr(i, attr) not in set(value)]
            elif op == "is_":
                result = [i for i in result if getattr(i, attr) is value]
            elif op == "is_not":
                result = [i for i in result if getattr(i, attr) is not value]
    return result


class RelationObject(graphene.ObjectType):
    class Meta:
        name = "RelationObjectMetadata"

    id = graphene.UUID(required=True)
    name_singular = graphene.String(required=True)
    name_plural = graphene.String(required=True)


class RelationField(graphene.ObjectType):
    class Meta:
        name = "RelationFieldMetadata"

    id = graphene.UUID(required=True)
    name = graphene.String(required=True)


class Relation(graphene.ObjectType):
    type = graphene.Field(RelationType, required=True)
    source_object_metadata = graphene.Field(RelationObject, required=True)
    target_object_metadata = graphene.Field(RelationObject, required=True)
    source_field_metadata = graphene.Field(RelationField, required=True)
    target_field_metadata = graphene.Field(RelationField, required=True)


class Field(graphene.ObjectType):
    id = graphene.UUID(required=True)
    type = graphene.Field(FieldMetadataType, required=True)
    name = graphene.String(required=True)
    label = graphene.String(required=True)
    description = graphene.String()
    icon = graphene.String()
    is_custom = graphene.Boolean()
    is_active = graphene.Boolean()
    is_system = graphene.Boolean()
    is_nullable = graphene.Boolean()
    is_unique = graphene.Boolean()
    default_value = graphene.Field(JSON)
    options = graphene.Field(JSON)
    settings = graphene.Field(JSON)
    object_metadata_id = graphene.UUID(required=True)
    relation = graphene.Field(Relation)
    created_at = graphene.DateTime(required=True)
    updated_at = graphene.DateTime(required=True)

    @staticmethod
    def resolve_object_metadata_id(field: FieldMetadata, _info: Any) -> Any:
        return field.object_id

    @staticmethod
    def resolve_relation(field: FieldMetadata, _info: Any) -> dict[str, Any] | None:
        partner, target = field.relation_target_field, field.relation_target_object
        if field.type != "RELATION" or partner is None or target is None:
            return None
        source = field.object
        return {
            "type": (field.settings or {}).get("relationType"),
            "source_object_metadata": source,
            "target_object_metadata": target,
            "source_field_metadata": field,
            "target_field_metadata": partner,
        }


class FieldEdge(graphene.ObjectType):
    node = graphene.Field(Field, required=True)
    cursor = graphene.String(required=True)


class FieldConnection(graphene.ObjectType):
    edges = graphene.List(graphene.NonNull(FieldEdge), required=True)
    page_info = graphene.Field(PageInfo, required=True)
    total_count = graphene.Int(required=True)


class Object(graphene.ObjectType):
    id = graphene.UUID(required=True)
    name_singular = graphene.String(required=True)
    name_plural = graphene.String(required=True)
    label_singular = graphene.String(required=True)
    label_plural = graphene.String(required=True)
    description = graphene.String()
    icon = graphene.String()
    is_custom = graphene.Boolean(required=True)
    is_remote = graphene.Boolean(required=True)
    is_active = graphene.Boolean(required=True)
    is_system = graphene.Boolean(required=True)
    is_searchable = graphene.Boolean(required=True)
    label_identifier_field_metadata_id = graphene.UUID()
    image_identifier_field_metadata_id = graphene.UUID()
    duplicate_criteria = graphene.Field(JSON)
    created_at = graphene.DateTime(required=True)
    updated_at = graphene.DateTime(required=True)
    fields = graphene.Field(
        FieldConnection, required=True, paging=graphene.Argument(CursorPaging),
        filter=graphene.Argument(FieldFilter),
    )  # fmt: skip
    fields_list = graphene.List(graphene.NonNull(Field), required=True)

    @staticmethod
    def resolve_is_remote(_obj: ObjectMetadata, _info: Any) -> bool:
        return False

    @staticmethod
    def resolve_label_identifier_field_metadata_id(obj: ObjectMetadata, _info: Any) -> Any:
        return obj.label_identifier_field_id

    @staticmethod
    def resolve_image_identifier_field_metadata_id(obj: ObjectMetadata, _info: Any) -> Any:
        return obj.image_identifier_field_id

    @staticmethod
    def resolve_fields(
        obj: ObjectMetadata, _info: Any, paging: Any = None, filter: Any = None
    ) -> Any:
        return page(apply_filter(obj.fields.all(), filter), paging)

    @staticmethod
    def resolve_fields_list(obj: ObjectMetadata, _info: Any) -> Any:
        return list(obj.fields.all())


class ObjectEdge(graphene.ObjectType):
    node = graphene.Field(Object, required=True)
    cursor = graphene.String(required=True)


class ObjectConnection(graphene.ObjectType):
    edges = graphene.List(graphene.NonNull(ObjectEdge), required=True)
    page_info = graphene.Field(PageInfo, required=True)
    total_count = graphene.Int(required=True)
