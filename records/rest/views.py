"""The records REST API (`/rest/<plural>` ...): a thin transport over the workspace GraphQL
API. Each route builds one GraphQL operation (variables for every input), runs it with the
resolvers, services and permissions of /graphql (reads compiled into one statement), and
reshapes the answer into Twenty's REST form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from graphql import GraphQLInputObjectType

from crm.errors import BadUserInput, MethodNotAllowed, NotFound, error_response
from crm.http import json_response
from metadata.snapshot import ObjectModel, WorkspaceModel
from records.graphql.caller import CallerModel, caller_model
from records.graphql.names import pascal
from records.graphql.schema_cache import schema_for
from records.rest import execute, params
from records.rest.filters import to_filter, to_order_by
from records.rest.shapes import Fragments, reshape
from workspaces.principal import Principal
from workspaces.rest.auth import require_principal

PAGE_INFO = "pageInfo { hasNextPage hasPreviousPage startCursor endCursor }"


class Call:
    """One REST request on one object: its caller, snapshot, object and GraphQL types."""

    def __init__(self, request: HttpRequest, principal: Principal, plural: str) -> None:
        self.request = request
        self.principal = principal
        self.caller: CallerModel = caller_model(principal)
        self.model: WorkspaceModel = self.caller.model
        obj = self.model.by_plural.get(plural)
        if obj is None:
            raise NotFound(f"This workspace has no object named {plural!r}.", field="object")
        self.obj: ObjectModel = obj
        self.singular = obj.name_singular
        self.plural = obj.name_plural
        self.type_name = pascal(obj.name_singular)

    def input_type(self, suffix: str) -> GraphQLInputObjectType:
        type_ = schema_for(self.model).get_type(f"{self.type_name}{suffix}")
        assert isinstance(type_, GraphQLInputObjectType)
        return type_

    def selection(self, depth: int) -> tuple[str, str]:
        """(spread, fragment definitions) of this object's records to `depth`."""
        fragments = Fragments(self.model, self.principal)
        spread = fragments.spread(self.obj, depth)
        return spread, fragments.text()

    def filter_param(self) -> dict[str, Any] | None:
        source = params.text(self.request, "filter")
        if source is None:
            return None
        return to_filter(source, self.input_type("FilterInput"), self.plural)

    def order_param(self) -> list[dict[str, Any]] | None:
        source = params.text(self.request, "order_by")
        if source is None:
            return None
        return to_order_by(source, self.input_type("OrderByInput"), self.plural)

    def records(self, ids: list[str], depth: int) -> list[dict[str, Any]]:
        """The records of `ids` (just written) in REST form, in the same order."""
        spread, fragments = self.selection(depth)
        text = (
            f"query($filter: {self.type_name}FilterInput, $first: Int) {{ "
            f"{self.plural}(filter: $filter, first: $first) {{ edges {{ node {{ {spread} }} }} }} "
            f"}} {fragments}"
        )
        unique = list(dict.fromkeys(ids))
        page = int(settings.GRAPHQL_MAX_PAGE_SIZE)
        found: dict[str, Any] = {}
        for start in range(0, len(unique), page):
            chunk = unique[start : start + page]
            answer = self.read(text, {"filter": {"id": {"in": chunk}}, "first": len(chunk)})
            for edge in answer[self.plural]["edges"]:
                found[edge["node"]["id"]] = edge["node"]
        return [reshape(self.model, self.obj, found[str(i)]) for i in ids if str(i) in found]

    def record(self, id_: str, depth: int) -> dict[str, Any]:
        found = self.records([id_], depth)
        if not found:
            raise NotFound(f"No {self.singular} has the id {id_}.", field="id")
        return found[0]

    def read(self, text: str, variables: dict[str, Any]) -> dict[str, Any]:
        return _too_costly(execute.read, self.caller, text, variables)

    def run(self, text: str, variables: dict[str, Any]) -> dict[str, Any]:
        return _too_costly(execute.run, self.request, self.principal, self.caller, text, variables)


def _too_costly(function: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
    try:
        return function(*args)
    except BadUserInput as error:
        if error.field == "query":  # the compiler's cost or nesting limit
            raise BadUserInput(
                f"{error.message.split(';')[0]}; ask for a smaller depth or limit.", field="depth"
            ) from None
        raise


def _view(allowed: tuple[str, ...]) -> Callable[[Callable[..., HttpResponse]], Any]:
    """csrf-exempt, authenticated (require_principal turns ApiErrors into JSON errors), 405
    for another method."""

    def decorate(view: Callable[..., HttpResponse]) -> Any:
        def checked(request: HttpRequest, principal: Principal, **kwargs: Any) -> HttpResponse:
            if request.method not in allowed:
                return error_response(MethodNotAllowed(str(request.method), allowed))
            return view(request, principal, **kwargs)  # require_principal answers ApiErrors

        checked.__name__ = view.__name__
        checked.__doc__ = view.__doc__
        return csrf_exempt(require_principal(checked))

    return decorate


# --- /rest/<plural> -----------------------------------------------------------------------


@_view(("GET", "POST"))
def collection(request: HttpRequest, principal: Principal, plural: str) -> HttpResponse:
    call = Call(request, principal, plural)
    if request.method == "POST":
        return create_one(call)
    return find_many(call)


def find_many(call: Call) -> HttpResponse:
    request = call.request
    limit = params.limit(request)
    after = params.text(request, "starting_after")
    before = params.text(request, "ending_before")
    spread, fragments = call.selection(params.depth(request, 1))
    backward = before is not None and after is None
    variables = {
        "filter": call.filter_param(),
        "orderBy": call.order_param(),
        "first": None if backward else limit,
        "last": limit if backward else None,
        "after": after,
        "before": before,
    }
    text = (
        f"query($filter: {call.type_name}FilterInput, $orderBy: [{call.type_name}OrderByInput], "
        "$first: Int, $last: Int, $after: String, $before: String) { "
        f"{call.plural}(filter: $filter, orderBy: $orderBy, first: $first, last: $last, "
        f"after: $after, before: $before) {{ edges {{ node {{ {spread} }} }} {PAGE_INFO} "
        f"totalCount }} }} {fragments}"
    )
    connection = call.read(text, variables)[call.plural]
    records = [reshape(call.model, call.obj, edge["node"]) for edge in connection["edges"]]
    return json_response(
        {
            "data": {call.plural: records},
            "pageInfo": connection["pageInfo"],
            "totalCount": connection["totalCount"],
        }
    )


def create_one(call: Call) -> HttpResponse:
    data = params.body_object(call.request)
    upsert = params.boolean(call.request, "upsert", False)
    depth = params.depth(call.request, 1)
    name = f"create{call.type_name}"
    text = (
        f"mutation($data: {call.type_name}CreateInput!, $upsert: Boolean) {{ "
        f"{name}(data: $data, upsert: $upsert) {{ id }} }}"
    )
    with transaction.atomic():
        created = call.run(text, {"data": data, "upsert": upsert})[name]
        record = call.record(created["id"], depth)
    return json_response({"data": {name: record}}, status=201)


# --- /rest/<plural>/<id> ------------------------------------------------------------------


@_view(("GET", "PATCH", "PUT", "DELETE"))
def record(request: HttpRequest, principal: Principal, plural: str, record_id: str) -> HttpResponse:
    call = Call(request, principal, plural)
    id_ = params.record_id(record_id)
    if request.method == "GET":
        return find_one(call, id_)
    if request.method == "DELETE":
        return delete_one(call, id_)
    return update_one(call, id_)


def find_one(call: Call, id_: str) -> HttpResponse:
    spread, fragments = call.selection(params.depth(call.request, 1))
    text = (
        f"query($filter: {call.type_name}FilterInput) {{ "
        f"{call.singular}(filter: $filter) {{ {spread} }} }} {fragments}"
    )
    found = call.read(text, {"filter": {"id": {"eq": id_}}})[call.singular]
    if found is None:
        raise NotFound(f"No {call.singular} has the id {id_}.", field="id")
    return json_response({"data": {call.singular: reshape(call.model, call.obj, found)}})


def update_one(call: Call, id_: str) -> HttpResponse:
    data = params.body_object(call.request)
    depth = params.depth(call.request, 1)
    name = f"update{call.type_name}"
    text = (
        f"mutation($id: UUID!, $data: {call.type_name}UpdateInput!) {{ "
        f"{name}(id: $id, data: $data) {{ id }} }}"
    )
    with transaction.atomic():
        call.run(text, {"id": id_, "data": data})
        record = call.record(id_, depth)
    return json_response({"data": {name: record}})


def delete_one(call: Call, id_: str) -> HttpResponse:
    soft = params.boolean(call.request, "soft_delete", True)
    name = f"{'delete' if soft else 'destroy'}{call.type_name}"
    record = call.run(f"mutation($id: UUID!) {{ {name}(id: $id) {{ id }} }}", {"id": id_})[name]
    if record is None:
        raise NotFound(f"No {call.singular} has the id {id_}.", field="id")
    return json_response({"data": {name: {"id": record["id"]}}})


# --- batch, duplicates, merge, restore, groupBy --------------------------------------------


@_view(("POST",))
def batch(request: HttpRequest, principal: Principal, plural: str) -> HttpResponse:
    call = Call(request, principal, plural)
    data = params.body_array(request)
    upsert = params.boolean(request, "upsert", False)
    depth = params.depth(request, 0)
    name = f"create{pascal(call.plural)}"
    text = (
        f"mutation($data: [{call.type_name}CreateInput!]!, $upsert: Boolean) {{ "
        f"{name}(data: $data, upsert: $upsert) {{ id }} }}"
    )
    with transaction.atomic():
        created = call.run(text, {"data": data, "upsert": upsert})[name]
        records = call.records([r["id"] for r in created], depth)
    return json_response({"data": {name: records}}, status=201)


@_view(("POST",))
def duplicates(request: HttpRequest, principal: Principal, plural: str) -> HttpResponse:
    call = Call(request, principal, plural)
    body = params.body_object(request)
    ids = params.id_list(body)
    data = body.get("data")
    if (ids is None) == (data is None):
        raise BadUserInput("Send either 'ids' (record ids) or 'data' (records).", field="ids")
    if data is not None and not (
        isinstance(data, list) and all(isinstance(item, dict) for item in data)
    ):
        raise BadUserInput("'data' must be a list of records (JSON objects).", field="data")
    spread, fragments = call.selection(params.depth(request, 0))
    name = f"{call.singular}Duplicates"
    text = (
        f"query($ids: [UUID], $data: [{call.type_name}CreateInput]) {{ "
        f"{name}(ids: $ids, data: $data) {{ edges {{ node {{ {spread} }} }} {PAGE_INFO} "
        f"totalCount }} }} {fragments}"
    )
    connections = call.run(text, {"ids": ids, "data": data})[name]
    for connection in connections:
        for edge in connection["edges"]:
            reshape(call.model, call.obj, edge["node"])
    return json_response({"data": {name: connections}})


@_view(("PATCH",))
def merge(request: HttpRequest, principal: Principal, plural: str) -> HttpResponse:
    call = Call(request, principal, plural)
    body = params.body_object(request)
    ids = params.id_list(body)
    if not ids:
        raise BadUserInput("'ids' must list the records to merge.", field="ids")
    priority = body.get("conflictPriorityIndex", 0)
    dry_run = body.get("dryRun", False)
    if isinstance(priority, bool) or not isinstance(priority, int):
        raise BadUserInput(
            "'conflictPriorityIndex' must be an integer.", field="conflictPriorityIndex"
        )
    if not isinstance(dry_run, bool):
        raise BadUserInput("'dryRun' must be true or false.", field="dryRun")
    spread, fragments = call.selection(params.depth(request, 1))
    name = f"merge{pascal(call.plural)}"
    text = (
        "mutation($ids: [UUID!]!, $priority: Int!, $dryRun: Boolean) { "
        f"{name}(ids: $ids, conflictPriorityIndex: $priority, dryRun: $dryRun) {{ {spread} }} }} "
        f"{fragments}"
    )
    merged = call.run(text, {"ids": ids, "priority": priority, "dryRun": dry_run})[name]
    return json_response({"data": {name: reshape(call.model, call.obj, merged)}})


@_view(("PATCH",))
def restore_many(request: HttpRequest, principal: Principal, plural: str) -> HttpResponse:
    call = Call(request, principal, plural)
    ids = params.id_list(params.body_object(request)) if request.body else None
    filter_ = call.filter_param()
    if ids is None and filter_ is None:
        raise BadUserInput("Send 'ids' in the body or a filter= parameter.", field="ids")
    parts = [f for f in (filter_, {"id": {"in": ids}} if ids is not None else None) if f]
    depth = params.depth(request, 0)
    name = f"restore{pascal(call.plural)}"
    text = f"mutation($filter: {call.type_name}FilterInput!) {{ {name}(filter: $filter) {{ id }} }}"
    where = parts[0] if len(parts) == 1 else {"and": parts}
    with transaction.atomic():
        restored = call.run(text, {"filter": where})[name]
        records = call.records([r["id"] for r in restored], depth)
    return json_response({"data": {name: records}})


@_view(("PATCH",))
def restore_one(
    request: HttpRequest, principal: Principal, plural: str, record_id: str
) -> HttpResponse:
    call = Call(request, principal, plural)
    id_ = params.record_id(record_id)
    depth = params.depth(request, 1)
    name = f"restore{call.type_name}"
    with transaction.atomic():
        call.run(f"mutation($id: UUID!) {{ {name}(id: $id) {{ id }} }}", {"id": id_})
        record = call.record(id_, depth)
    return json_response({"data": {name: record}})


@_view(("GET",))
def group_by(request: HttpRequest, principal: Principal, plural: str) -> HttpResponse:
    call = Call(request, principal, plural)
    raw = params.text(request, "group_by")
    if raw is None:
        raise BadUserInput(
            'group_by is required: a JSON list such as [{"city": true}].', field="group_by"
        )
    try:
        group = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise BadUserInput(
            f'group_by must be JSON such as [{{"city": true}}], got {raw[:40]!r}.',
            field="group_by",
        ) from None
    if isinstance(group, dict):
        group = [group]
    if not isinstance(group, list) or not group:
        raise BadUserInput("group_by must be a non-empty JSON list of objects.", field="group_by")
    spread, fragments = call.selection(params.depth(request, 0))
    name = f"{call.plural}GroupBy"
    text = (
        f"query($groupBy: [{call.type_name}GroupByInput]!, $filter: {call.type_name}FilterInput, "
        f"$orderBy: [{call.type_name}OrderByInput], $limit: Int) {{ "
        f"{name}(groupBy: $groupBy, filter: $filter, orderBy: $orderBy, limit: $limit) {{ "
        f"groupByDimensionValues edges {{ node {{ {spread} }} }} {PAGE_INFO} totalCount }} }} "
        f"{fragments}"
    )
    variables = {
        "groupBy": group,
        "filter": call.filter_param(),
        "orderBy": call.order_param(),
        "limit": params.limit(request),
    }
    groups = call.read(text, variables)[name]
    for entry in groups:
        for edge in entry["edges"]:
            reshape(call.model, call.obj, edge["node"])
    return json_response({"data": {name: groups}})
