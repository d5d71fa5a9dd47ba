"""Who am I: the caller's workspace and user or API key."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from crm.http import json_response
from workspaces.principal import Principal
from workspaces.rest.auth import require_principal


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
