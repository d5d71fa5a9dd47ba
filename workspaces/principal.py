"""Who is calling and for which workspace: resolved once per request by the middleware."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Model
from django.http import HttpRequest

from crm.errors import ApiError, Forbidden, Unauthenticated, WorkspaceSuspended
from workspaces.models import ApiKey, Domain, Membership, TokenFamily, User, Workspace
from workspaces.services import api_keys, tokens


@dataclass(frozen=True)
class Principal:
    """An authenticated caller: a user's token or an API key, always for one workspace."""

    workspace: Workspace
    user: User | None = None
    api_key: ApiKey | None = None
    role: str | None = None  # the user's membership role; None for API keys
    token_family_id: uuid.UUID | None = None  # the sign-in a user's access token belongs to

    @property
    def kind(self) -> str:
        return "api_key" if self.api_key is not None else "user"


def bearer_token(request: HttpRequest) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip() or None


def workspace_for_host(host: str) -> Workspace | None:
    domain = Domain.objects.select_related("tenant").filter(domain=host.lower()).first()
    return domain.tenant if domain is not None else None


# Authentication runs on every request, so its two lookups are written out in SQL once (the
# ORM would build the same statement again each time, which costs more than running it). The
# tables are qualified by the public schema: the answer does not depend on the search_path.


def _table(model: type[Model]) -> str:
    quote = connection.ops.quote_name
    return f"{quote(settings.PUBLIC_SCHEMA_NAME)}.{quote(model._meta.db_table)}"


def _columns(model: type[Model], alias: str) -> str:
    quote = connection.ops.quote_name
    return ", ".join(f"{alias}.{quote(f.column)}" for f in model._meta.concrete_fields)


def _instances(row: Sequence[Any], *models: type[Model]) -> list[Model]:
    """The row split into one instance per model, in the order of the selected columns."""
    found: list[Model] = []
    start = 0
    for model in models:
        fields = model._meta.concrete_fields
        values = row[start : start + len(fields)]
        found.append(model.from_db(connection.alias, [f.attname for f in fields], values))
        start += len(fields)
    return found


@cache
def _api_key_sql() -> str:
    return (
        f"SELECT {_columns(ApiKey, 'k')}, {_columns(Workspace, 'w')} "
        f"FROM {_table(ApiKey)} AS k JOIN {_table(Workspace)} AS w ON w.id = k.workspace_id "
        "WHERE k.id = %s"
    )


@cache
def _membership_sql() -> str:
    # The membership with its user and workspace, only while the token's sign-in (family) is
    # live and the user active.
    return (
        f"SELECT {_columns(Membership, 'm')}, {_columns(User, 'u')}, {_columns(Workspace, 'w')} "
        f"FROM {_table(Membership)} AS m JOIN {_table(User)} AS u ON u.id = m.user_id "
        f"JOIN {_table(Workspace)} AS w ON w.id = m.workspace_id "
        "WHERE m.user_id = %s AND m.workspace_id = %s AND u.is_active AND EXISTS ("
        f"SELECT 1 FROM {_table(TokenFamily)} AS f WHERE f.id = %s AND f.user_id = m.user_id "
        "AND f.workspace_id = m.workspace_id AND f.revoked_at IS NULL) "
        "LIMIT 1"
    )


def find_api_key(raw: str) -> ApiKey | None:
    """The usable API key that `raw` is, with its workspace, in one statement; None for
    anything else (unknown, wrong secret, revoked, expired). The same checks as
    workspaces.services.api_keys.find_api_key."""
    parsed = api_keys.parse_key(raw)
    if parsed is None:
        return None
    key_id, secret = parsed
    with connection.cursor() as cursor:
        cursor.execute(_api_key_sql(), [key_id])
        row = cursor.fetchone()
    if row is None:
        return None
    api_key, workspace = _instances(row, ApiKey, Workspace)
    assert isinstance(api_key, ApiKey) and isinstance(workspace, Workspace)
    if not api_keys.accepts(api_key, secret):
        return None
    api_key.workspace = workspace
    return api_key


def find_membership(user_id: uuid.UUID, workspace_id: uuid.UUID,
                    family_id: uuid.UUID) -> Membership | None:  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(_membership_sql(), [user_id, workspace_id, family_id])
        row = cursor.fetchone()
    if row is None:
        return None
    membership, user, workspace = _instances(row, Membership, User, Workspace)
    assert isinstance(membership, Membership)
    assert isinstance(user, User) and isinstance(workspace, Workspace)
    membership.user = user
    membership.workspace = workspace
    return membership


def authenticate_bearer(raw: str) -> Principal:
    """The principal a bearer token stands for; raises Unauthenticated when it stands for none."""
    if api_keys.looks_like_api_key(raw):
        api_key = find_api_key(raw)
        if api_key is None:
            raise Unauthenticated("The API key is invalid, expired or revoked.")
        return Principal(workspace=api_key.workspace, api_key=api_key)
    claims = tokens.read_access_claims(raw)
    try:
        user_uuid = uuid.UUID(claims.user_id)
        workspace_uuid = uuid.UUID(claims.workspace_id)
        family_uuid = uuid.UUID(claims.family_id or "")
    except ValueError:
        raise Unauthenticated("The access token names no workspace or sign-in.") from None
    membership = find_membership(user_uuid, workspace_uuid, family_uuid)
    if membership is None:
        raise Unauthenticated(
            "The access token is revoked, or its user is not a member of its workspace."
        )
    return Principal(
        workspace=membership.workspace,
        user=membership.user,
        role=membership.role,
        token_family_id=family_uuid,
    )


def check_workspace_usable(principal: Principal) -> None:
    if not principal.workspace.is_active:
        raise WorkspaceSuspended("This workspace is suspended.")


def resolve(request: HttpRequest, host_workspace: Workspace | None) -> Principal:
    """Authenticate the request's bearer token against the workspace its host names."""
    raw = bearer_token(request)
    if raw is None:
        raise Unauthenticated("Send 'Authorization: Bearer <access token or API key>'.")
    principal = authenticate_bearer(raw)
    if host_workspace is not None and host_workspace.id != principal.workspace.id:
        raise Forbidden("This token belongs to another workspace than the one this host serves.")
    check_workspace_usable(principal)
    return principal


__all__ = ["ApiError", "Principal", "authenticate_bearer", "resolve", "workspace_for_host"]
