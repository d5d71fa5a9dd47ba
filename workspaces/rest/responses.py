"""What the account endpoints of both transports answer: tokens, workspaces, users, errors."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse

from crm.errors import ApiError
from crm.errors import error_response as base_error_response
from workspaces.errors import TooManyRequests
from workspaces.models import Invitation, User, Workspace
from workspaces.services.tokens import TokenPair


def error_response(error: ApiError) -> HttpResponse:
    """The JSON error, with Retry-After when the caller is throttled."""
    response = base_error_response(error)
    if isinstance(error, TooManyRequests):
        response["Retry-After"] = str(error.retry_after)
    return response


def tokens_dict(pair: TokenPair) -> dict[str, Any]:
    return {
        **pair.as_dict(),
        "accessExpiresAt": pair.access_expires_at,
        "refreshExpiresAt": pair.refresh_expires_at,
    }


def workspace_dict(workspace: Workspace) -> dict[str, Any]:
    return {
        "id": str(workspace.id),
        "name": workspace.name,
        "subdomain": workspace.subdomain,
        "status": workspace.status,
    }


def user_dict(user: User) -> dict[str, Any]:
    return {
        "id": str(user.id),
        "email": user.email,
        "firstName": user.first_name,
        "lastName": user.last_name,
    }


def invitation_dict(invitation: Invitation) -> dict[str, Any]:
    return {
        "id": str(invitation.id),
        "email": invitation.email,
        "role": invitation.role,
        "createdAt": invitation.created_at.isoformat(),
        "expiresAt": invitation.expires_at.isoformat() if invitation.expires_at else None,
    }
