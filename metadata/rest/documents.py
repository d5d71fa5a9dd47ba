"""GET /rest/open-api/core and /rest/open-api/metadata (the caller's workspace's documents),
and the interactive API page that reads them (GET /rest/api-docs)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from crm.graphql.page import CONTENT_SECURITY_POLICY
from metadata import snapshot
from metadata.rest.http import route
from metadata.rest.openapi import metadata_document_json
from records.rest.openapi.core import core_document_json
from workspaces.principal import Principal


def _json(body: bytes) -> HttpResponse:
    response = HttpResponse(body, content_type="application/json")
    response["Cache-Control"] = "private, no-cache"
    return response


def core(request: HttpRequest, principal: Principal) -> HttpResponse:
    return _json(core_document_json(snapshot.for_workspace(principal.workspace)))


def metadata(request: HttpRequest, principal: Principal) -> HttpResponse:
    return _json(metadata_document_json())


core_view = route({"GET": core})
metadata_view = route({"GET": metadata})

DOCUMENTS = {"core": "/rest/open-api/core", "metadata": "/rest/open-api/metadata"}


@require_safe
def api_docs(request: HttpRequest) -> HttpResponse:
    """Swagger UI from vendored files (crm/static/api-docs/); the page fetches a document with
    the key the user pastes, nothing from another host."""
    response = render(request, "api_docs.html", {"config": {"documents": DOCUMENTS}})
    response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    return response
