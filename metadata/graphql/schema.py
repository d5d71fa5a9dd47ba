"""The metadata API (POST /metadata): objects and fields of the caller's workspace.

Names and inputs follow Twenty's metadata API. Resolvers are thin: reads query the registry,
writes call metadata.services.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import graphene
from django.db.models import Prefetch

from crm.errors import BadUserInput
from crm.graphql.scalars import JSON
from crm.graphql.view import GraphQLContext
from metadata.field_types.operators import has_nul
from metadata.graphql.types import (
    CursorPaging,
    Field,
    FieldFilter,
    FieldMetadataType,
    Object,
    ObjectConnection,
    ObjectFilter,
    RelationType,
    apply_filter,
    page,
)
from metadata.models import FieldMetadata, ObjectMetadata
from metadata.services import field_updates, fields, objects
from permissions.flags import PermissionFlag
from permissions.graphql.schema import RoleMutation, RoleQuery
from permissions.services.checks import require_flag

FIELDS_WITH_RELATIONS = FieldMetadata.objects.select_related(
    "object", "relation_target_object", "relation_target_field"
).order_by("created_at", "name")


def objects_with_fields() -> Any:
    return ObjectMetadata.objects.prefetch_related(
        Prefetch("fields", queryset=FIELDS_WITH_RELATIONS)
    ).order_by("name_singular")


def require_data_model(info: Any) -> None:
    """Changing the data model needs the DATA_MODEL flag of the caller's role."""
    context: GraphQLContext = info.context
    require_flag(context.principal, PermissionFlag.DATA_MODEL)


# --- inputs -----------------------------------------------------------------------------------


class CreateObjectInput(graphene.InputObjectType):
    name_singular = graphene.String(required=True)
    name_plural = graphene.String(required=True)
    label_singular = graphene.String(required=True)
    label_plural = graphene.String(required=True)
    description = graphene.String()
    icon = graphene.String()
    shortcut = graphene.String()
    is_label_synced_with_name = graphene.Boolean()
    is_remote = graphene.Boolean()
    primary_key_column_type = graphene.String()
    data_source_id = graphene.String()


class CreateOneObjectInput(graphene.InputObjectType):
    object = graphene.Field(CreateObjectInput, required=True)


class UpdateObjectPayload(graphene.InputObjectType):
    label_singular = graphene.String()
    label_plural = graphene.String()
    name_singular = graphene.String()
    name_plural = graphene.String()
    description = graphene.String()
    icon = graphene.String()
    shortcut = graphene.String()
    is_active = graphene.Boolean()
    is_searchable = graphene.Boolean()
    label_identifier_field_metadata_id = graphene.UUID()
    image_identifier_field_metadata_id = graphene.UUID()
    is_label_synced_with_name = graphene.Boolean()


class UpdateOneObjectInput(graphene.InputObjectType):
    id = graphene.UUID(required=True)
    update = graphene.Field(UpdateObjectPayload, required=True)


class DeleteOneObjectInput(graphene.InputObjectType):
    id = graphene.UUID(required=True)


class RelationCreationPayload(graphene.InputObjectType):
    target_object_metadata_id = graphene.UUID(required=True)
    target_field_label = graphene.String(required=True)
    target_field_icon = graphene.String()
    target_field_name = graphene.String()
    type = graphene.Field(RelationType, required=True)
    on_delete = graphene.String()


class CreateFieldInput(graphene.InputObjectType):
    object_metadata_id = graphene.UUID(required=True)
    type = graphene.Field(FieldMetadataType, required=True)
    name = graphene.String(required=True)
    label = graphene.String(required=True)
    description = graphene.String()
    icon = graphene.String()
    is_nullable = graphene.Boolean()
    is_unique = graphene.Boolean()
    is_active = graphene.Boolean()
    is_custom = graphene.Boolean()
    is_label_synced_with_name = graphene.Boolean()
    is_remote_creation = graphene.Boolean()
    default_value = graphene.Field(JSON)
    options = graphene.Field(JSON)
    settings = graphene.Field(JSON)
    relation_creation_payload = graphene.Field(RelationCreationPayload)


class CreateOneFieldMetadataInput(graphene.InputObjectType):
    field = graphene.Field(CreateFieldInput, required=True)


class UpdateFieldInput(graphene.InputObjectType):
    name = graphene.String()
    label = graphene.String()
    description = graphene.String()
    icon = graphene.String()
    is_active = graphene.Boolean()
    is_nullable = graphene.Boolean()
    is_unique = graphene.Boolean()
    is_label_synced_with_name = graphene.Boolean()
    default_value = graphene.Field(JSON)
    options = graphene.Field(JSON)
    settings = graphene.Field(JSON)
    type = graphene.Field(FieldMetadataType)


class UpdateOneFieldMetadataInput(graphene.InputObjectType):
    id = graphene.UUID(required=True)
    update = graphene.Field(UpdateFieldInput, required=True)


class DeleteOneFieldInput(graphene.InputObjectType):
    id = graphene.UUID(required=True)


# --- mapping inputs to services ----------------------------------------------------------------

OBJECT_UPDATE_KEYS = {
    "label_singular": "labelSingular", "label_plural": "labelPlural",
    "name_singular": "nameSingular", "name_plural": "namePlural", "description": "description",
    "icon": "icon", "is_active": "isActive", "is_searchable": "isSearchable",
    "label_identifier_field_metadata_id": "labelIdentifierFieldMetadataId",
    "image_identifier_field_metadata_id": "imageIdentifierFieldMetadataId",
}  # fmt: skip
FIELD_UPDATE_KEYS = {
    "name": "name", "label": "label", "description": "description", "icon": "icon",
    "is_active": "isActive", "is_nullable": "isNullable", "is_unique": "isUnique",
    "default_value": "defaultValue", "options": "options", "settings": "settings", "type": "type",
}  # fmt: skip


def _updates(raw: dict[str, Any], keys: dict[str, str]) -> dict[str, Any]:
    # An explicit null is meaningful for defaultValue; other nulls mean "not given".
    return {
        keys[key]: (value.value if hasattr(value, "value") and key == "type" else value)
        for key, value in raw.items()
        if key in keys and (value is not None or key == "default_value")
    }


def _enum_value(value: Any) -> str:
    return str(getattr(value, "value", value))


def field_input(data: dict[str, Any]) -> fields.FieldInput:
    relation = data.get("relation_creation_payload")
    settings = data.get("settings")
    if settings is not None and not isinstance(settings, dict):
        raise BadUserInput("settings must be a JSON object.", field="settings")
    return fields.FieldInput(
        name=data["name"],
        type=_enum_value(data["type"]),
        label=data["label"],
        description=data.get("description") or "",
        icon=data.get("icon") or "",
        is_nullable=data.get("is_nullable", True) is not False,
        is_unique=bool(data.get("is_unique")),
        default_value=data.get("default_value"),
        options=data.get("options"),
        settings=settings,
        relation=(
            fields.RelationInput(
                target_object_id=relation["target_object_metadata_id"],
                type=_enum_value(relation["type"]),
                target_field_label=relation["target_field_label"],
                target_field_name=relation.get("target_field_name"),
                target_field_icon=relation.get("target_field_icon") or "",
                on_delete=relation.get("on_delete")
                or (settings or {}).get("onDelete")
                or "SET_NULL",
            )
            if relation
            else None
        ),
    )


# --- operations --------------------------------------------------------------------------------


class Query(RoleQuery, graphene.ObjectType):
    objects = graphene.Field(
        ObjectConnection, required=True, paging=graphene.Argument(CursorPaging),
        filter=graphene.Argument(ObjectFilter),
    )  # fmt: skip
    object = graphene.Field(Object, required=True, id=graphene.UUID(required=True))
    fields = graphene.Field(
        "metadata.graphql.types.FieldConnection", required=True,
        paging=graphene.Argument(CursorPaging), filter=graphene.Argument(FieldFilter),
    )  # fmt: skip
    field = graphene.Field(Field, required=True, id=graphene.UUID(required=True))

    @staticmethod
    def resolve_objects(_root: Any, _info: Any, paging: Any = None, filter: Any = None) -> Any:
        return page(apply_filter(objects_with_fields(), filter), paging)

    @staticmethod
    def resolve_object(_root: Any, _info: Any, id: Any) -> Any:
        objects.get_object(id)
        return objects_with_fields().get(id=id)

    @staticmethod
    def resolve_fields(_root: Any, _info: Any, paging: Any = None, filter: Any = None) -> Any:
        return page(
            apply_filter(FIELDS_WITH_RELATIONS.order_by("object_id", "created_at", "name"), filter),
            paging,
        )

    @staticmethod
    def resolve_field(_root: Any, _info: Any, id: Any) -> Any:
        return fields.get_field(id)


def _create_object(input: Any) -> Any:
    data = input["object"]
    created = objects.create_object(
        objects.ObjectInput(
            name_singular=data["name_singular"], name_plural=data["name_plural"],
            label_singular=data["label_singular"], label_plural=data["label_plural"],
            description=data.get("description") or "", icon=data.get("icon") or "",
        )
    )  # fmt: skip
    return objects_with_fields().get(id=created.id)


def _update_object(input: Any) -> Any:
    updated = objects.update_object(
        input["id"], _updates(dict(input["update"]), OBJECT_UPDATE_KEYS)
    )
    return objects_with_fields().get(id=updated.id)


def _create_field(input: Any) -> Any:
    data = dict(input["field"])
    created = fields.create_field(data["object_metadata_id"], field_input(data))
    return FIELDS_WITH_RELATIONS.get(id=created.id)


def _update_field(input: Any) -> Any:
    updated = field_updates.update_field(
        input["id"], _updates(dict(input["update"]), FIELD_UPDATE_KEYS)
    )
    return FIELDS_WITH_RELATIONS.get(id=updated.id)


def data_model_change(input_type: type[graphene.InputObjectType], output: type[graphene.ObjectType],
                      change: Callable[[Any], Any]) -> graphene.Field:  # fmt: skip
    """A mutation `(input: X!): Output` that changes the data model (guarded)."""

    def resolve(_root: Any, info: Any, input: Any) -> Any:
        require_data_model(info)
        if has_nul(input):  # PostgreSQL text cannot hold it (it was a 500)
            raise BadUserInput("Text values cannot contain the NUL character (\\u0000).")
        return change(input)

    return graphene.Field(
        output, input=graphene.Argument(input_type, required=True), resolver=resolve
    )


class Mutation(RoleMutation, graphene.ObjectType):
    create_one_object = data_model_change(CreateOneObjectInput, Object, _create_object)
    update_one_object = data_model_change(UpdateOneObjectInput, Object, _update_object)
    delete_one_object = data_model_change(
        DeleteOneObjectInput, Object, lambda input: objects.delete_object(input["id"])
    )
    create_one_field = data_model_change(CreateOneFieldMetadataInput, Field, _create_field)
    update_one_field = data_model_change(UpdateOneFieldMetadataInput, Field, _update_field)
    delete_one_field = data_model_change(
        DeleteOneFieldInput, Field, lambda input: fields.delete_field(input["id"])
    )


schema = graphene.Schema(query=Query, mutation=Mutation)
