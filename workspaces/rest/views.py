"""Sign-in over HTTP: thin views over workspaces.services.tokens."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from crm.errors import ApiError, error_response
from crm.http import json_body, json_response, required_str
from workspaces.principal import Principal
from workspaces.rest.auth import require_principal
from workspaces.services import tokens


@csrf_exempt
@require_POST
def obtain_token(request: HttpRequest) -> HttpResponse:
    try:
        data = json_body(request)
        pair = tokens.sign_in(
            required_str(data, "email"),
            required_str(data, "password"),
            required_str(data, "workspace"),
        )
    except ApiError as error:
        return error_response(error)
    return json_response(pair.as_dict())


@csrf_exempt
@require_POST
def refresh_token(request: HttpRequest) -> HttpResponse:
    try:
        pair = tokens.refresh_tokens(required_str(json_body(request), "refresh"))
    except ApiError as error:
        return error_response(error)
    return json_response(pair.as_dict())


@require_GET
@require_principal
def me(request: HttpRequest, principal: Principal) -> HttpResponse:
    workspace = principal.workspace
    body: dict[str, object] = {
        "workspace": {
            "id": str(workspace.id),
            "name": workspace.name,
            "subdomain": workspace.subdomain,
            "status": workspace.status,
        },
        "kind": principal.kind,
    }
    if principal.user is not None:
        body["user"] = {"id": str(principal.user.id), "email": principal.user.email}
    if principal.api_key is not None:
        body["apiKey"] = {"id": str(principal.api_key.id), "name": principal.api_key.name}
    return json_response(body)
