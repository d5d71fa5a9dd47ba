"""The core OpenAPI 3.1 document of a workspace: the records routes of `/rest` for every
active object, with the shapes `records/rest` answers with."""

from __future__ import annotations

from typing import Any

import orjson
from django.conf import settings

from metadata.snapshot import ObjectModel, WorkspaceModel
from records.graphql.names import pascal
from records.rest.openapi.common import (
    ID_PARAMETER,
    DocumentCache,
    data_response,
    document,
    error_responses,
    json_content,
    query_parameter,
)
from records.rest.openapi.schemas import UUID, object_schemas, ref
from records.rest.params import MAX_DEPTH

DESCRIPTION = """\
The records of this workspace over REST. Every request sends
`Authorization: Bearer <API key or access token>`; the token names the workspace.

`filter` uses Twenty's grammar: `field[op]:value` joined by commas (and), `and(...)`,
`or(...)`, `not(...)`; composite sub-fields with a dot (`name.firstName[ilike]:"%an%"`);
relation ids (`companyId[eq]:...`). `order_by` is `f1,f2[DescNullsLast]` (directions
`AscNullsFirst`, `AscNullsLast`, `DescNullsFirst`, `DescNullsLast`). Errors are JSON with a
stable `code` (the GraphQL API's codes), a `message` and the `field` at fault.
"""

IDS: dict[str, Any] = {"type": "array", "items": UUID, "minItems": 1}


def _depth(default: int = 1) -> dict[str, Any]:
    return query_parameter(
        "depth",
        {"type": "integer", "minimum": 0, "maximum": MAX_DEPTH, "default": default},
        "Related records: 0 none, 1 one level (many-to-one objects, one-to-many lists), 2 two.",
    )


def _filter(description: str = "Which records (Twenty's filter grammar).") -> dict[str, Any]:
    return query_parameter("filter", {"type": "string"}, description)


def _order_by() -> dict[str, Any]:
    return query_parameter(
        "order_by", {"type": "string"}, "`f1,f2[DescNullsLast]`; the default direction is "
        "AscNullsFirst."
    )  # fmt: skip


def _limit() -> dict[str, Any]:
    return query_parameter(
        "limit",
        {
            "type": "integer",
            "minimum": 1,
            "maximum": settings.GRAPHQL_MAX_PAGE_SIZE,
            "default": settings.GRAPHQL_DEFAULT_PAGE_SIZE,
        },
        "Records per page.",
    )


def list_parameters() -> list[dict[str, Any]]:
    return [
        _filter(), _order_by(), _limit(), _depth(),
        query_parameter("starting_after", {"type": "string"},
                        "The page after this cursor (`pageInfo.endCursor`)."),
        query_parameter("ending_before", {"type": "string"},
                        "The page before this cursor (`pageInfo.startCursor`)."),
    ]  # fmt: skip


def _body(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"required": True, "description": description, "content": json_content(schema)}


def object_paths(obj: ObjectModel) -> dict[str, Any]:
    singular, plural = obj.name_singular, obj.name_plural
    Singular, Plural = pascal(singular), pascal(plural)
    record = ref(Singular)
    records = {"type": "array", "items": record}
    tag = [plural]
    label = obj.label_singular or Singular

    def op(operation_id: str, summary: str, responses: dict[str, Any], *errors: int,
           parameters: list[dict[str, Any]] | None = None,
           body: dict[str, Any] | None = None) -> dict[str, Any]:  # fmt: skip
        operation: dict[str, Any] = {
            "operationId": operation_id, "summary": summary, "tags": tag,
            "parameters": parameters or [],
            "responses": {**responses, **error_responses(400, *errors)},
        }  # fmt: skip
        if body is not None:
            operation["requestBody"] = body
            operation["responses"].update(error_responses(413))
        return operation

    update = op(
        f"updateOne{Singular}", f"Update one {label}",
        {"200": data_response("The updated record.", {f"update{Singular}": record})}, 404, 409,
        parameters=[_depth()],
        body=_body(ref(f"{Singular}ForUpdate"), "The values to change."),
    )  # fmt: skip
    put = {**update, "operationId": f"replaceOne{Singular}",
           "summary": f"Update one {label} (PUT, an alias of PATCH)"}  # fmt: skip
    return {
        f"/rest/{plural}": {
            "get": op(
                f"findMany{Plural}", f"List {obj.label_plural or Plural}",
                {"200": data_response(
                    "A page of records.", {plural: records},
                    pageInfo={"$ref": "#/components/schemas/PageInfo"},
                    totalCount={"type": "integer", "minimum": 0},
                )},
                parameters=list_parameters(),
            ),
            "post": op(
                f"createOne{Singular}", f"Create one {label}",
                {"201": data_response("The created record.", {f"create{Singular}": record})},
                404, 409,
                parameters=[
                    query_parameter("upsert", {"type": "boolean", "default": False},
                                    "Update the record with the same id or unique value."),
                    _depth(),
                ],
                body=_body(ref(f"{Singular}ForCreate"), "The new record."),
            ),
        },
        f"/rest/batch/{plural}": {
            "post": op(
                f"createMany{Plural}", f"Create several {obj.label_plural or Plural}",
                {"201": data_response("The created records.", {f"create{Plural}": records})},
                404, 409,
                parameters=[
                    query_parameter("upsert", {"type": "boolean", "default": False},
                                    "Update the records with the same id or unique value."),
                    _depth(0),
                ],
                body=_body(
                    {"type": "array", "items": ref(f"{Singular}ForCreate"),
                     "maxItems": settings.GRAPHQL_MAX_BATCH},
                    f"The new records (at most {settings.GRAPHQL_MAX_BATCH}).",
                ),
            ),
        },
        f"/rest/{plural}/{{id}}": {
            "parameters": [ID_PARAMETER],
            "get": op(
                f"findOne{Singular}", f"Get one {label}",
                {"200": data_response("The record.", {singular: record})}, 404,
                parameters=[_depth()],
            ),
            "patch": update,
            "put": put,
            "delete": op(
                f"deleteOne{Singular}", f"Delete one {label} (soft, unless soft_delete=false)",
                {"200": {
                    "description": "The id of the deleted (or, with soft_delete=false, "
                                   "destroyed) record.",
                    "content": json_content({
                        "type": "object",
                        "properties": {"data": {"oneOf": [
                            _one_key(f"delete{Singular}", _id_only()),
                            _one_key(f"destroy{Singular}", _id_only()),
                        ]}},
                        "required": ["data"],
                    }),
                }},
                404, 409,
                parameters=[query_parameter(
                    "soft_delete", {"type": "boolean", "default": True},
                    "false destroys the record instead of marking it deleted.",
                )],
            ),
        },
        f"/rest/{plural}/duplicates": {
            "post": op(
                f"find{Singular}Duplicates", f"Find duplicates of {obj.label_plural or Plural}",
                {"200": data_response(
                    "For each id (or record) given, in order, the records that duplicate it.",
                    {f"{singular}Duplicates": {"type": "array",
                                               "items": ref(f"{Singular}Connection")}},
                )},
                404,
                parameters=[_depth(0)],
                body=_body(
                    {"oneOf": [
                        _one_key("ids", IDS),
                        _one_key("data", {"type": "array", "items": ref(f"{Singular}ForCreate"),
                                          "minItems": 1}),
                    ]},
                    "Existing records by id, or records not yet created.",
                ),
            ),
        },
        f"/rest/{plural}/merge": {
            "patch": op(
                f"merge{Plural}", f"Merge {obj.label_plural or Plural}",
                {"200": data_response("The merged record.", {f"merge{Plural}": record})},
                404, 409,
                parameters=[_depth()],
                body=_body(
                    {"type": "object", "properties": {
                        "ids": IDS,
                        "conflictPriorityIndex": {"type": "integer", "minimum": 0,
                                                  "default": 0},
                        "dryRun": {"type": "boolean", "default": False},
                    }, "required": ["ids"],
                     "additionalProperties": False},
                    "The records to merge; on a conflict the value of "
                    "ids[conflictPriorityIndex] wins. dryRun answers without writing.",
                ),
            ),
        },
        f"/rest/restore/{plural}": {
            "patch": op(
                f"restoreMany{Plural}", f"Restore deleted {obj.label_plural or Plural}",
                {"200": data_response("The restored records.", {f"restore{Plural}": records})},
                404, 409,
                parameters=[
                    _filter("Which deleted records to restore (with or instead of ids)."),
                    _depth(0),
                ],
                body={"required": False, "content": json_content(
                    {"type": "object", "properties": {"ids": IDS},
                     "additionalProperties": False}
                )},
            ),
        },
        f"/rest/restore/{plural}/{{id}}": {
            "parameters": [ID_PARAMETER],
            "patch": op(
                f"restoreOne{Singular}", f"Restore one deleted {label}",
                {"200": data_response("The restored record.", {f"restore{Singular}": record})},
                404, 409,
                parameters=[_depth()],
            ),
        },
        f"/rest/{plural}/groupBy": {
            "get": op(
                f"groupBy{Plural}", f"Group {obj.label_plural or Plural}",
                {"200": data_response(
                    "One group per distinct value of the grouped fields.",
                    {f"{plural}GroupBy": {"type": "array", "items": ref(f"{Singular}Group")}},
                )},
                parameters=[
                    query_parameter(
                        "group_by", {"type": "string"},
                        'A JSON list of the fields to group by, e.g. `[{"city": true}]`.',
                        required=True,
                    ),
                    _filter(), _order_by(), _limit(), _depth(0),
                ],
            ),
        },
    }  # fmt: skip


def _id_only() -> dict[str, Any]:
    return {"type": "object", "properties": {"id": UUID}, "required": ["id"]}


def _one_key(key: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {key: schema},
        "required": [key],
        "additionalProperties": False,
    }


def connection_schema(obj: ObjectModel) -> dict[str, Any]:
    """The GraphQL API's connection, as duplicates and groupBy answer with it."""
    return {
        "type": "object",
        "properties": {
            "edges": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"node": ref(pascal(obj.name_singular))},
                    "required": ["node"],
                },
            },
            "pageInfo": ref("PageInfo"),
            "totalCount": {"type": "integer", "minimum": 0},
        },
        "required": ["edges", "pageInfo", "totalCount"],
    }


def group_schema(obj: ObjectModel) -> dict[str, Any]:
    connection = connection_schema(obj)
    return {
        **connection,
        "properties": {
            "groupByDimensionValues": {
                "type": ["array", "null"],
                "description": "The grouped fields' values of this group, in group_by order.",
            },
            **connection["properties"],
        },
        "required": ["groupByDimensionValues", *connection["required"]],
    }


def build_core(model: WorkspaceModel) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    tags = []
    for obj in sorted(model.objects.values(), key=lambda o: o.name_plural):
        paths.update(object_paths(obj))
        schemas.update(object_schemas(model, obj))
        schemas[f"{pascal(obj.name_singular)}Connection"] = connection_schema(obj)
        schemas[f"{pascal(obj.name_singular)}Group"] = group_schema(obj)
        tags.append({"name": obj.name_plural,
                     "description": obj.description or obj.label_plural})  # fmt: skip
    return document("Workspace records (REST)", DESCRIPTION, paths, schemas, tags)


# As many documents as GraphQL schemas: both are one per data model.
_cache = DocumentCache(settings.GRAPHQL_SCHEMA_CACHE_SIZE)


def core_document_json(model: WorkspaceModel) -> bytes:
    """The core document as JSON, built once per data model (fingerprint)."""
    return _cache.get_or_build(model.fingerprint, lambda: orjson.dumps(build_core(model)))
