"""The metadata OpenAPI 3.1 document: the /rest/metadata routes (the same for every workspace,
so it is built once)."""

from __future__ import annotations

from functools import cache
from typing import Any

import orjson

from metadata.field_types.registry import FIELD_TYPES
from metadata.naming import MAX_IDENTIFIER_BYTES
from metadata.rest.http import MAX_LIMIT
from records.rest.openapi.common import (
    ID_PARAMETER,
    data_response,
    document,
    error_responses,
    json_content,
    query_parameter,
)
from records.rest.openapi.schemas import UUID, ref

DESCRIPTION = """\
The data model of this workspace over REST: its objects and their fields. Every request sends
`Authorization: Bearer <API key or access token>`. Reading needs any credential of the
workspace; creating, changing and deleting needs an API key or a role with the DATA_MODEL
permission. A change is served by the records API (and its OpenAPI document) on the next
request.
"""

NAME: dict[str, Any] = {
    "type": "string",
    "pattern": "^[a-z][a-zA-Z0-9]*$",
    "maxLength": MAX_IDENTIFIER_BYTES,
    "description": "camelCase, not reserved.",
}
LABEL: dict[str, Any] = {"type": "string", "minLength": 1}
TEXT: dict[str, Any] = {"type": ["string", "null"]}
FLAG: dict[str, Any] = {"type": ["boolean", "null"]}
ANY: dict[str, Any] = {}
TYPES: dict[str, Any] = {"type": "string", "enum": sorted(FIELD_TYPES)}
RELATION_TYPES: dict[str, Any] = {
    "type": "string",
    "enum": ["ONE_TO_MANY", "MANY_TO_ONE", "MANY_TO_MANY"],
}
DATE_TIME: dict[str, Any] = {"type": "string", "format": "date-time"}


def _object(properties: dict[str, Any], required: list[str] | None = None,
            closed: bool = True) -> dict[str, Any]:  # fmt: skip
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    if closed:
        schema["additionalProperties"] = False
    return schema


RELATION_END = _object(
    {"id": UUID, "nameSingular": {"type": "string"}, "namePlural": {"type": "string"}},
    ["id", "nameSingular", "namePlural"], closed=False,
)  # fmt: skip
RELATION_FIELD = _object({"id": UUID, "name": {"type": "string"}}, ["id", "name"], closed=False)

FIELD = _object(
    {
        "id": UUID, "type": TYPES, "name": {"type": "string"}, "label": {"type": "string"},
        "description": TEXT, "icon": TEXT, "isCustom": FLAG, "isActive": FLAG, "isSystem": FLAG,
        "isNullable": FLAG, "isUnique": FLAG, "defaultValue": ANY, "options": ANY,
        "settings": ANY, "objectMetadataId": UUID, "createdAt": DATE_TIME,
        "updatedAt": DATE_TIME,
        "relation": {"anyOf": [_object({
            "type": RELATION_TYPES, "sourceObjectMetadata": RELATION_END,
            "targetObjectMetadata": RELATION_END, "sourceFieldMetadata": RELATION_FIELD,
            "targetFieldMetadata": RELATION_FIELD,
        }, closed=False), {"type": "null"}]},
    },
    ["id", "type", "name", "label", "objectMetadataId", "createdAt", "updatedAt"],
    closed=False,
)  # fmt: skip

OBJECT = _object(
    {
        "id": UUID, "nameSingular": {"type": "string"}, "namePlural": {"type": "string"},
        "labelSingular": {"type": "string"}, "labelPlural": {"type": "string"},
        "description": TEXT, "icon": TEXT, "isCustom": {"type": "boolean"},
        "isRemote": {"type": "boolean"}, "isActive": {"type": "boolean"},
        "isSystem": {"type": "boolean"}, "isSearchable": {"type": "boolean"},
        "labelIdentifierFieldMetadataId": {"type": ["string", "null"], "format": "uuid"},
        "imageIdentifierFieldMetadataId": {"type": ["string", "null"], "format": "uuid"},
        "duplicateCriteria": ANY, "createdAt": DATE_TIME, "updatedAt": DATE_TIME,
        "fields": {"type": "array", "items": ref("Field")},
    },
    ["id", "nameSingular", "namePlural", "labelSingular", "labelPlural", "isCustom", "isActive",
     "isSystem", "createdAt", "updatedAt", "fields"],
    closed=False,
)  # fmt: skip

OBJECT_FOR_CREATE = _object(
    {
        "nameSingular": NAME, "namePlural": NAME, "labelSingular": LABEL, "labelPlural": LABEL,
        "description": TEXT, "icon": TEXT, "shortcut": TEXT, "isLabelSyncedWithName": FLAG,
        "isRemote": FLAG, "primaryKeyColumnType": TEXT, "dataSourceId": TEXT,
    },
    ["nameSingular", "namePlural", "labelSingular", "labelPlural"],
)  # fmt: skip

OBJECT_FOR_UPDATE = _object(
    {
        "nameSingular": NAME, "namePlural": NAME, "labelSingular": LABEL, "labelPlural": LABEL,
        "description": TEXT, "icon": TEXT, "shortcut": TEXT, "isActive": FLAG,
        "isSearchable": FLAG, "isLabelSyncedWithName": FLAG,
        "labelIdentifierFieldMetadataId": {"type": ["string", "null"], "format": "uuid"},
        "imageIdentifierFieldMetadataId": {"type": ["string", "null"], "format": "uuid"},
    }
)  # fmt: skip

RELATION_CREATION = _object(
    {
        "targetObjectMetadataId": UUID, "targetFieldLabel": LABEL, "targetFieldIcon": TEXT,
        "targetFieldName": {"anyOf": [NAME, {"type": "null"}]}, "type": RELATION_TYPES,
        "onDelete": {"type": ["string", "null"], "enum": ["SET_NULL", "CASCADE", "RESTRICT", None]},
    },
    ["targetObjectMetadataId", "targetFieldLabel", "type"],
)  # fmt: skip

FIELD_FOR_CREATE = _object(
    {
        "objectMetadataId": UUID, "type": TYPES, "name": NAME, "label": LABEL,
        "description": TEXT, "icon": TEXT, "isNullable": FLAG, "isUnique": FLAG,
        "isActive": FLAG, "isCustom": FLAG, "isLabelSyncedWithName": FLAG,
        "isRemoteCreation": FLAG, "defaultValue": ANY, "options": ANY,
        "settings": {"type": ["object", "null"]},
        "relationCreationPayload": {"anyOf": [ref("RelationCreationPayload"), {"type": "null"}]},
    },
    ["objectMetadataId", "type", "name", "label"],
)  # fmt: skip

FIELD_FOR_UPDATE = _object(
    {
        "name": NAME, "label": LABEL, "description": TEXT, "icon": TEXT, "isActive": FLAG,
        "isNullable": FLAG, "isUnique": FLAG, "isLabelSyncedWithName": FLAG,
        "defaultValue": ANY, "options": ANY, "settings": {"type": ["object", "null"]},
        "type": TYPES,
    }
)  # fmt: skip


def _paths(kind: str, Kind: str) -> dict[str, Any]:
    one = ref(Kind)
    list_parameters = [
        query_parameter("limit", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT,
                                  "default": 60}, "Items per page."),
        query_parameter("starting_after", {"type": "string"},
                        "The page after this cursor (`pageInfo.endCursor`)."),
        query_parameter("ending_before", {"type": "string"},
                        "The page before this cursor (`pageInfo.startCursor`)."),
    ]  # fmt: skip
    if kind == "field":
        list_parameters.append(
            query_parameter("object_metadata_id", UUID, "Only the fields of this object.")
        )

    def body(name: str) -> dict[str, Any]:
        return {"required": True, "content": json_content(ref(name))}

    deleted = _object({"id": UUID}, ["id"], closed=False)
    return {
        f"/rest/metadata/{kind}s": {
            "get": {
                "operationId": f"findMany{Kind}s", "summary": f"List {kind}s", "tags": [f"{kind}s"],
                "parameters": list_parameters,
                "responses": {
                    "200": data_response(
                        f"A page of {kind}s.", {f"{kind}s": {"type": "array", "items": one}},
                        pageInfo=ref("PageInfo"), totalCount={"type": "integer", "minimum": 0},
                    ),
                    **error_responses(400),
                },
            },
            "post": {
                "operationId": f"createOne{Kind}", "summary": f"Create an {kind}"
                if kind == "object" else "Create a field", "tags": [f"{kind}s"],
                "requestBody": body(f"{Kind}ForCreate"),
                "responses": {
                    "201": data_response(f"The created {kind}.", {f"createOne{Kind}": one}),
                    **error_responses(400, 404, 409, 413),
                },
            },
        },
        f"/rest/metadata/{kind}s/{{id}}": {
            "parameters": [ID_PARAMETER],
            "get": {
                "operationId": f"findOne{Kind}", "summary": f"Get one {kind}", "tags": [f"{kind}s"],
                "responses": {
                    "200": data_response(f"The {kind}.", {kind: one}),
                    **error_responses(400, 404),
                },
            },
            "patch": {
                "operationId": f"updateOne{Kind}", "summary": f"Change one {kind}",
                "tags": [f"{kind}s"], "requestBody": body(f"{Kind}ForUpdate"),
                "responses": {
                    "200": data_response(f"The changed {kind}.", {f"updateOne{Kind}": one}),
                    **error_responses(400, 404, 409, 413),
                },
            },
            "delete": {
                "operationId": f"deleteOne{Kind}", "summary": f"Delete one {kind}",
                "tags": [f"{kind}s"],
                "responses": {
                    "200": data_response(f"The deleted {kind}'s id.", {f"deleteOne{Kind}": deleted}),
                    **error_responses(400, 404, 409),
                },
            },
        },
    }  # fmt: skip


def build_metadata() -> dict[str, Any]:
    return document(
        "Workspace data model (REST)",
        DESCRIPTION,
        {**_paths("object", "Object"), **_paths("field", "Field")},
        {
            "Object": OBJECT, "ObjectForCreate": OBJECT_FOR_CREATE,
            "ObjectForUpdate": OBJECT_FOR_UPDATE, "Field": FIELD,
            "FieldForCreate": FIELD_FOR_CREATE, "FieldForUpdate": FIELD_FOR_UPDATE,
            "RelationCreationPayload": RELATION_CREATION,
        },
        [{"name": "objects", "description": "Objects (tables) of the data model."},
         {"name": "fields", "description": "Fields (columns) of the objects."}],
    )  # fmt: skip


@cache
def metadata_document_json() -> bytes:
    """The same for every workspace: built once per process."""
    return orjson.dumps(build_metadata())
