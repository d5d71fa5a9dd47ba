"""Component schemas of one workspace's records, from its metadata snapshot.

Each field type gives the JSON Schema of its API value (`FieldType.openapi_schema`); this module
assembles them into `Person` (a record as the REST API returns it), `PersonForCreate` and
`PersonForUpdate` (request bodies) and `PersonRelationInput` (connect / disconnect).
"""

from __future__ import annotations

from typing import Any

from metadata.field_types.relation import MANY_TO_ONE
from metadata.snapshot import FieldModel, ObjectModel, WorkspaceModel
from records.graphql.names import pascal
from records.services.values import READ_ONLY

# Left out of REST records (records/rest/shapes.py): the search vector is an index, not data.
LEFT_OUT_TYPES = frozenset({"TS_VECTOR"})
UUID: dict[str, Any] = {"type": "string", "format": "uuid"}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


def without_null(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema of a field that cannot be null: `null` leaves its type and its enum."""
    schema = dict(schema)
    kinds = schema.get("type")
    if isinstance(kinds, list):
        kinds = [kind for kind in kinds if kind != "null"]
        schema["type"] = kinds[0] if len(kinds) == 1 else kinds
    if "enum" in schema:
        schema["enum"] = [value for value in schema["enum"] if value is not None]
    return schema


def value_schema(field: FieldModel, *, writing: bool) -> dict[str, Any]:
    schema = dict(field.field_type.openapi_schema(field.spec))
    if writing:
        schema.pop("readOnly", None)
    if not field.is_nullable:
        schema = without_null(schema)
    if field.description or field.label:
        schema["description"] = field.description or field.label
    return schema


def record_schema(model: WorkspaceModel, obj: ObjectModel) -> dict[str, Any]:
    """A record in a response: values, `{relation}Id`, related records when `depth` asks."""
    properties: dict[str, Any] = {}
    for field in obj.fields.values():
        relation = field.relation
        if field.type in LEFT_OUT_TYPES:
            continue
        if relation is None:
            properties[field.name] = value_schema(field, writing=False)
            continue
        target = pascal(model.object(relation.target).name_singular)
        if relation.kind == MANY_TO_ONE:
            properties[f"{field.name}Id"] = {
                "type": ["string", "null"],
                "format": "uuid",
                "description": f"The id of the {field.label or field.name}.",
            }
            properties[field.name] = {
                **nullable(ref(target)),
                "description": f"{field.label or field.name} (with depth 1 or 2).",
            }
        else:
            properties[field.name] = {
                "type": "array",
                "items": ref(target),
                "description": f"{field.label or field.name} (with depth 1 or 2).",
            }
    return {
        "type": "object",
        "description": obj.description or obj.label_singular,
        "properties": properties,
        # Fields the caller's role may not read are left out, so only the id is sure to be
        # there; nothing else ever is.
        "required": ["id"],
        "additionalProperties": False,
    }


def write_schema(model: WorkspaceModel, obj: ObjectModel, purpose: str) -> dict[str, Any]:
    """The body of a create (`purpose` "Create") or an update ("Update")."""
    properties: dict[str, Any] = {}
    required: list[str] = []
    for field in obj.fields.values():
        if field.name in READ_ONLY or (field.name == "id" and purpose == "Update"):
            continue
        relation = field.relation
        if relation is not None:
            if relation.kind == MANY_TO_ONE:
                target = pascal(model.object(relation.target).name_singular)
                properties[f"{field.name}Id"] = {"type": ["string", "null"], "format": "uuid"}
                properties[field.name] = ref(f"{target}RelationInput")
            continue
        properties[field.name] = value_schema(field, writing=True)
        if (
            purpose == "Create"
            and not field.is_nullable
            and not field.has_default
            and not field.field_type.is_composite
            and field.name != "id"
        ):
            required.append(field.name)
    schema: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }
    if required:
        schema["required"] = required
    return schema


def relation_input_schema(target: ObjectModel) -> dict[str, Any]:
    """`{"connect": {"where": {"id" | a unique field}}}` or `{"disconnect": true}`."""
    where: dict[str, Any] = {"id": UUID}
    for field in target.fields.values():
        if field.is_unique and field.relation is None and field.name != "id":
            where[field.name] = value_schema(field, writing=True)
    return {
        "type": "object",
        "properties": {
            "connect": {
                "type": "object",
                "properties": {
                    "where": {
                        "type": "object",
                        "properties": where,
                        "additionalProperties": False,
                    }
                },
                "required": ["where"],
                "additionalProperties": False,
            },
            "disconnect": {"type": "boolean"},
        },
        "additionalProperties": False,
    }


def object_schemas(model: WorkspaceModel, obj: ObjectModel) -> dict[str, Any]:
    name = pascal(obj.name_singular)
    return {
        name: record_schema(model, obj),
        f"{name}ForCreate": write_schema(model, obj, "Create"),
        f"{name}ForUpdate": write_schema(model, obj, "Update"),
        f"{name}RelationInput": relation_input_schema(obj),
    }
