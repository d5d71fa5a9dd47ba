"""The metadata REST API: /rest/metadata/objects and /rest/metadata/fields.

Thin: each handler runs the /metadata GraphQL operation that does the same (see
operations.py) and answers with Twenty's REST shapes. Reading needs any credential of the
workspace; changing the data model also needs the DATA_MODEL permission.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse

from crm.errors import BadUserInput
from crm.http import json_body, json_response
from metadata.rest.http import paging, route
from metadata.rest.operations import run
from permissions.flags import PermissionFlag
from permissions.services.checks import require_flag
from workspaces.principal import Principal


def _list(request: HttpRequest, principal: Principal, operation: str, key: str,
          filter_: dict[str, Any] | None = None) -> HttpResponse:  # fmt: skip
    connection = run(request, principal, operation, {"paging": paging(request), "filter": filter_})
    return json_response(
        {
            "data": {key: [edge["node"] for edge in connection["edges"]]},
            "pageInfo": connection["pageInfo"],
            "totalCount": connection["totalCount"],
        }
    )


def _change(request: HttpRequest, principal: Principal, operation: str, key: str,
            input_: dict[str, Any], status: int = 200) -> HttpResponse:  # fmt: skip
    """A data model change (the caller's DATA_MODEL permission is checked first)."""
    return json_response({"data": {key: run(request, principal, operation, {"input": input_})}},
                         status=status)  # fmt: skip


def _uuid_param(request: HttpRequest, name: str) -> str | None:
    raw = request.GET.get(name)
    if raw is None:
        return None
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        raise BadUserInput(f"{name} must be a UUID, got {raw!r}.", field=name) from None


# --- objects ------------------------------------------------------------------------------------


def list_objects(request: HttpRequest, principal: Principal) -> HttpResponse:
    return _list(request, principal, "objects", "objects")


def create_object(request: HttpRequest, principal: Principal) -> HttpResponse:
    require_flag(principal, PermissionFlag.DATA_MODEL)
    return _change(request, principal, "createObject", "createOneObject",
                   {"object": json_body(request)}, status=201)  # fmt: skip


def get_object(request: HttpRequest, principal: Principal, id: str) -> HttpResponse:
    return json_response({"data": {"object": run(request, principal, "object", {"id": id})}})


def update_object(request: HttpRequest, principal: Principal, id: str) -> HttpResponse:
    require_flag(principal, PermissionFlag.DATA_MODEL)
    return _change(request, principal, "updateObject", "updateOneObject",
                   {"id": id, "update": json_body(request)})  # fmt: skip


def delete_object(request: HttpRequest, principal: Principal, id: str) -> HttpResponse:
    require_flag(principal, PermissionFlag.DATA_MODEL)
    return _change(request, principal, "deleteObject", "deleteOneObject", {"id": id})


# --- fields -------------------------------------------------------------------------------------


def list_fields(request: HttpRequest, principal: Principal) -> HttpResponse:
    object_id = _uuid_param(request, "object_metadata_id")
    filter_ = {"objectMetadataId": {"eq": object_id}} if object_id else None
    return _list(request, principal, "fields", "fields", filter_)


def create_field(request: HttpRequest, principal: Principal) -> HttpResponse:
    require_flag(principal, PermissionFlag.DATA_MODEL)
    return _change(request, principal, "createField", "createOneField",
                   {"field": json_body(request)}, status=201)  # fmt: skip


def get_field(request: HttpRequest, principal: Principal, id: str) -> HttpResponse:
    return json_response({"data": {"field": run(request, principal, "field", {"id": id})}})


def update_field(request: HttpRequest, principal: Principal, id: str) -> HttpResponse:
    require_flag(principal, PermissionFlag.DATA_MODEL)
    return _change(request, principal, "updateField", "updateOneField",
                   {"id": id, "update": json_body(request)})  # fmt: skip


def delete_field(request: HttpRequest, principal: Principal, id: str) -> HttpResponse:
    require_flag(principal, PermissionFlag.DATA_MODEL)
    return _change(request, principal, "deleteField", "deleteOneField", {"id": id})


objects_view = route({"GET": list_objects, "POST": create_object})
object_view = route({"GET": get_object, "PATCH": update_object, "DELETE": delete_object})
fields_view = route({"GET": list_fields, "POST": create_field})
field_view = route({"GET": get_field, "PATCH": update_field, "DELETE": delete_field})
