"""SAML over HTTP: thin views over sso.services. The workspace is the subdomain in the path.

GET  /auth/saml/<subdomain>/metadata  our SP metadata (XML)
GET  /auth/saml/<subdomain>/login     302 to the IdP with an AuthnRequest (?next=<where to go>)
POST /auth/saml/<subdomain>/acs       the IdP posts the SAMLResponse here
POST /auth/saml/<subdomain>/exchange  {"loginToken"} -> {"access", "refresh"}
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from crm.errors import ApiError, BadUserInput, Forbidden, PayloadTooLarge, error_response
from crm.http import json_body, json_response, request_too_large, required_str
from sso.services import relay, saml, signin
from workspaces.middleware import get_context

View = Callable[..., HttpResponse]


def saml_view(view: View) -> View:
    """Refuse a workspace host that is not the path's workspace; render ApiErrors as JSON."""

    @wraps(view)
    def wrapped(request: HttpRequest, subdomain: str, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            host_workspace = get_context(request).host_workspace
            if host_workspace is not None and host_workspace.subdomain != subdomain.lower():
                raise Forbidden("This host serves another workspace than the one in the path.")
            return view(request, subdomain.lower(), *args, **kwargs)
        except ApiError as error:
            return error_response(error)

    return wrapped


@require_GET
@saml_view
def metadata(request: HttpRequest, subdomain: str) -> HttpResponse:
    provider = signin.enabled_provider(subdomain)
    return HttpResponse(
        saml.sp_metadata(provider), content_type="application/samlmetadata+xml; charset=utf-8"
    )


@require_GET
@saml_view
def login(request: HttpRequest, subdomain: str) -> HttpResponse:
    provider = signin.enabled_provider(subdomain)
    signin.check_active(provider.workspace)
    target = relay.safe_target(request.GET.get("next") or request.GET.get("RelayState"))
    return HttpResponseRedirect(saml.login_redirect_url(provider, target))


def _wants_json(request: HttpRequest) -> bool:
    return request.get_preferred_type(["text/html", "application/json"]) == "application/json"


@csrf_exempt  # the IdP's page posts here from another site; the signed response is the proof
@require_POST
@saml_view
def acs(request: HttpRequest, subdomain: str) -> HttpResponse:
    if request_too_large(request):
        raise PayloadTooLarge(
            f"The request body is larger than {settings.MAX_REQUEST_BYTES} bytes."
        )
    saml_response = request.POST.get("SAMLResponse", "").strip()
    if not saml_response:
        raise BadUserInput(
            "Post the identity provider's SAMLResponse form field here.", field="SAMLResponse"
        )
    wants_json = _wants_json(request)
    # Checked before the response is consumed, so a bad RelayState does not burn it.
    target = None if wants_json else relay.safe_target(request.POST.get("RelayState"))
    signed_in = signin.sign_in(subdomain, saml_response)
    if target is None:
        return json_response(signin.issue_tokens_for(signed_in).as_dict())
    token = signin.issue_login_token(signed_in.workspace, signed_in.user)
    return HttpResponseRedirect(relay.with_login_token(target, token))


@csrf_exempt
@require_POST
@saml_view
def exchange(request: HttpRequest, subdomain: str) -> HttpResponse:
    raw = required_str(json_body(request), "loginToken")
    return json_response(signin.exchange_login_token(subdomain, raw).as_dict())
