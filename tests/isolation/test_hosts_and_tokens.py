"""Workspace isolation at the foundation: a credential of A reaches nothing of B.

The other modules of this package cover each surface built on top (GraphQL, metadata, REST,
roles, accounts, SSO).
"""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import jwt
import pytest
from django.conf import settings
from django.test import Client
from rest_framework_simplejwt.tokens import AccessToken

from tests.conftest import SeededWorkspace
from workspaces.models import WorkspaceStatus

pytestmark = pytest.mark.django_db


def bearer(token: str, host: str | None = None) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {token}"}
    if host is not None:
        headers["Host"] = host
    return headers


@pytest.mark.parametrize("credential", ["access_token", "api_key"])
def test_a_credential_of_a_on_b_host_is_403(
    client: Client, ws_a: SeededWorkspace, ws_b: SeededWorkspace, credential: str
) -> None:
    token = getattr(ws_a, credential)
    response = client.get("/auth/me", headers=bearer(token, host=ws_b.host))
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "FORBIDDEN"
    assert ws_b.workspace.name not in response.content.decode()
    assert str(ws_b.workspace.id) not in response.content.decode()


@pytest.mark.parametrize("credential", ["access_token", "api_key"])
def test_a_credential_of_a_on_a_host_works(
    client: Client, ws_a: SeededWorkspace, credential: str
) -> None:
    response = client.get("/auth/me", headers=bearer(getattr(ws_a, credential), host=ws_a.host))
    assert response.status_code == 200
    assert response.json()["workspace"]["id"] == str(ws_a.workspace.id)


def test_a_token_edited_to_claim_b_is_refused(
    client: Client, ws_a: SeededWorkspace, ws_b: SeededWorkspace
) -> None:
    claims = jwt.decode(ws_a.access_token, options={"verify_signature": False})
    claims["workspace_id"] = str(ws_b.workspace.id)
    # Re-signed with a key that is not the server's: the signature fails.
    forged = jwt.encode(claims, "attacker-secret-that-is-long-enough-000", algorithm="HS256")
    assert client.get("/auth/me", headers=bearer(forged)).status_code == 401
    # Edited payload with A's original signature: the signature fails too.
    header, _, signature = ws_a.access_token.split(".")
    payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    assert (
        client.get("/auth/me", headers=bearer(f"{header}.{payload}.{signature}")).status_code == 401
    )


def test_a_validly_signed_token_for_a_workspace_the_user_is_not_in(
    client: Client, ws_a: SeededWorkspace, ws_b: SeededWorkspace
) -> None:
    # Even with the server's key, membership is checked: A's admin is not a member of B.
    token = AccessToken(ws_a.access_token)  # type: ignore[arg-type]
    token["workspace_id"] = str(ws_b.workspace.id)
    response = client.get("/auth/me", headers=bearer(str(token)))
    assert response.status_code == 401
    assert ws_b.workspace.name not in response.content.decode()


def test_an_unsigned_token_is_refused(client: Client, ws_a: SeededWorkspace) -> None:
    claims = jwt.decode(ws_a.access_token, options={"verify_signature": False})
    unsigned = jwt.encode(claims, key=None, algorithm="none")  # type: ignore[arg-type]
    assert client.get("/auth/me", headers=bearer(unsigned)).status_code == 401


def test_suspended_workspace_refuses_its_credentials(client: Client, ws_a: SeededWorkspace) -> None:
    workspace = ws_a.workspace
    type(workspace).objects.filter(pk=workspace.pk).update(status=WorkspaceStatus.SUSPENDED)
    response = client.get("/auth/me", headers=bearer(ws_a.api_key))
    assert response.status_code == 403
    assert response.json()["code"] == "WORKSPACE_SUSPENDED"


def test_unknown_workspace_host_is_404(client: Client) -> None:
    response = client.get("/auth/me", headers={"Host": f"nobody-here.{settings.BASE_DOMAIN}"})
    assert response.status_code == 404


def test_admin_is_not_served_on_a_workspace_host(client: Client, ws_a: SeededWorkspace) -> None:
    assert client.get("/admin/login/", headers={"Host": ws_a.host}).status_code == 404
    assert client.get("/admin/login/").status_code == 200


def test_the_schema_is_reset_after_each_request(client: Client, ws_a: SeededWorkspace) -> None:
    from crm.schemas import current_schema

    client.get("/auth/me", headers=bearer(ws_a.api_key))
    assert current_schema() == "public"


def test_expiry_claim_is_enforced_for_b_too(client: Client, ws_b: SeededWorkspace) -> None:
    token = AccessToken(ws_b.access_token)  # type: ignore[arg-type]
    token.set_exp(lifetime=-timedelta(minutes=1))
    assert client.get("/auth/me", headers=bearer(str(token))).status_code == 401
