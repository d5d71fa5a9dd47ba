"""Accounts over REST (/auth/...): thin views over workspaces.services."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from crm.errors import ApiError, BadUserInput
from crm.http import json_body, json_response, required_str
from workspaces.middleware import get_context
from workspaces.principal import Principal
from workspaces.rest.responses import (
    error_response,
    invitation_dict,
    tokens_dict,
    user_dict,
    workspace_dict,
)
from workspaces.services import accounts, invitations, members, password_reset, throttling, tokens
from workspaces.services.accounts import SignedIn

View = Callable[..., HttpResponse]


def api_view(*methods: str) -> Callable[[View], View]:
    """A JSON endpoint that anyone may call; ApiErrors become their JSON answers."""

    def decorate(view: View) -> View:
        @csrf_exempt
        @require_http_methods(list(methods))
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                return view(request, *args, **kwargs)
            except ApiError as error:
                return error_response(error)

        return wrapped

    return decorate


def principal_of(request: HttpRequest) -> Principal:
    """The authenticated caller, or the reason there is none."""
    return get_context(request).require_principal()


def optional_str(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadUserInput(f"'{key}' must be a string.", field=key)
    return value


def signed_in(result: SignedIn, status: int = 200) -> HttpResponse:
    return json_response(
        {
            **tokens_dict(result.tokens),
            "workspace": workspace_dict(result.workspace),
            "user": user_dict(result.user),
        },
        status=status,
    )


@api_view("POST")
def sign_in(request: HttpRequest) -> HttpResponse:
    data = json_body(request)
    result = accounts.sign_in(
        required_str(data, "email"),
        required_str(data, "password"),
        required_str(data, "workspace"),
        address=throttling.client_address(request),
    )
    return signed_in(result)


@api_view("POST")
def refresh(request: HttpRequest) -> HttpResponse:
    return json_response(
        tokens_dict(tokens.refresh_tokens(required_str(json_body(request), "refresh")))
    )


@api_view("POST")
def sign_up(request: HttpRequest) -> HttpResponse:
    data = json_body(request)
    result = accounts.sign_up(
        required_str(data, "email"),
        required_str(data, "password"),
        address=throttling.client_address(request),
        workspace_name=optional_str(data, "workspaceName"),
        subdomain=optional_str(data, "subdomain"),
        first_name=optional_str(data, "firstName") or "",
        last_name=optional_str(data, "lastName") or "",
    )
    return signed_in(result, status=201)


@api_view("POST")
def sign_out(request: HttpRequest) -> HttpResponse:
    accounts.sign_out(principal_of(request))
    return json_response({"success": True})


@api_view("POST")
def switch_workspace(request: HttpRequest) -> HttpResponse:
    principal = principal_of(request)
    data = json_body(request)
    return signed_in(accounts.switch_workspace(principal, required_str(data, "workspace")))


@api_view("POST")
def request_password_reset(request: HttpRequest) -> HttpResponse:
    email = required_str(json_body(request), "email")
    password_reset.request_reset(email, address=throttling.client_address(request))
    return json_response(
        {"success": True, "message": "If this address has an account, a reset link is on its way."},
        status=202,
    )


@api_view("POST")
def confirm_password_reset(request: HttpRequest) -> HttpResponse:
    data = json_body(request)
    password_reset.reset_password(required_str(data, "token"), required_str(data, "password"))
    return json_response({"success": True})


@api_view("GET", "POST")
def invitation_list(request: HttpRequest) -> HttpResponse:
    principal = principal_of(request)
    if request.method == "GET":
        pending = invitations.list_invitations(principal)
        return json_response({"invitations": [invitation_dict(i) for i in pending]})
    emails = json_body(request).get("emails")
    if not isinstance(emails, list) or not all(isinstance(e, str) for e in emails):
        raise BadUserInput("'emails' must be a list of email addresses.", field="emails")
    result = invitations.send_invitations(principal, emails)
    return json_response(
        {
            "success": not result.errors,
            "invitations": [invitation_dict(i) for i in result.sent],
            "errors": result.errors,
        },
        status=201 if result.sent else 200,
    )


@api_view("DELETE")
def invitation_detail(request: HttpRequest, invitation_id: str) -> HttpResponse:
    invitations.revoke_invitation(principal_of(request), invitation_id)
    return json_response({"success": True})


@api_view("POST")
def invitation_resend(request: HttpRequest, invitation_id: str) -> HttpResponse:
    invitation = invitations.resend_invitation(principal_of(request), invitation_id)
    return json_response({"invitation": invitation_dict(invitation)}, status=201)


def _join(request: HttpRequest) -> HttpResponse:
    data = json_body(request)
    joined = invitations.accept(
        required_str(data, "token"),
        email=optional_str(data, "email"),
        password=required_str(data, "password"),
        address=throttling.client_address(request),
        context_workspace=get_context(request).require_workspace(),
        first_name=optional_str(data, "firstName") or "",
        last_name=optional_str(data, "lastName") or "",
    )
    return signed_in(SignedIn(joined.user, joined.workspace, joined.tokens))


@api_view("POST")
def invitation_accept(request: HttpRequest) -> HttpResponse:
    return _join(request)


@api_view("POST")
def invite_link_join(request: HttpRequest) -> HttpResponse:
    return _join(request)


@api_view("POST", "DELETE")
def invite_link(request: HttpRequest) -> HttpResponse:
    principal = principal_of(request)
    if request.method == "DELETE":
        return json_response(
            {"success": True, "revoked": invitations.revoke_invite_link(principal)}
        )
    link, url = invitations.create_invite_link(principal)
    return json_response(
        {"id": str(link.id), "url": url, "token": url.rsplit("/", 1)[-1]}, status=201
    )


@api_view("GET")
def member_list(request: HttpRequest) -> HttpResponse:
    principal = principal_of(request)
    return json_response(
        {"members": [m.as_dict() for m in members.list_members(principal.workspace)]}
    )


@api_view("DELETE")
def member_detail(request: HttpRequest, member_id: str) -> HttpResponse:
    removed = members.remove_member(principal_of(request), member_id)
    return json_response({"success": True, "member": removed.as_dict()})
