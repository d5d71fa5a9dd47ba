"""Sign-in, refresh rotation, bearer tokens and API keys over HTTP."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework_simplejwt.tokens import AccessToken

from tests.conftest import PASSWORD, SeededWorkspace
from workspaces.models import ApiKey
from workspaces.services.api_keys import create_api_key, revoke_api_key

pytestmark = pytest.mark.django_db


def bearer(token: str, host: str | None = None) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {token}"}
    if host is not None:
        headers["Host"] = host
    return headers


def sign_in(client: Client, email: str, password: str, workspace: str) -> tuple[int, dict]:
    response = client.post(
        "/auth/token",
        {"email": email, "password": password, "workspace": workspace},
        content_type="application/json",
    )
    return response.status_code, response.json()


def test_sign_in_returns_tokens_bound_to_the_workspace(
    client: Client, ws_a: SeededWorkspace
) -> None:
    status, body = sign_in(client, ws_a.admin.email.upper(), PASSWORD, ws_a.workspace.subdomain)
    assert status == 200
    assert AccessToken(body["access"])["workspace_id"] == str(ws_a.workspace.id)

    me = client.get("/auth/me", headers=bearer(body["access"]))
    assert me.status_code == 200
    assert me.json()["workspace"]["subdomain"] == ws_a.workspace.subdomain
    assert me.json()["user"]["email"] == ws_a.admin.email


def test_sign_in_by_workspace_id(client: Client, ws_a: SeededWorkspace) -> None:
    status, _ = sign_in(client, ws_a.admin.email, PASSWORD, str(ws_a.workspace.id))
    assert status == 200


@pytest.mark.parametrize("what", ["password", "email", "workspace"])
def test_sign_in_failures_are_401_and_say_the_same(
    client: Client, ws_a: SeededWorkspace, ws_b: SeededWorkspace, what: str
) -> None:
    email, password, workspace = ws_a.admin.email, PASSWORD, ws_a.workspace.subdomain
    if what == "password":
        password = "wrong-password"
    elif what == "email":
        email = "nobody@nowhere.test"
    else:
        workspace = ws_b.workspace.subdomain  # A's admin is no member of B
    status, body = sign_in(client, email, password, workspace)
    assert status == 401
    assert body["code"] == "UNAUTHENTICATED"
    assert body["message"] == "The email, password or workspace is not right."


def test_sign_in_with_a_malformed_body(client: Client) -> None:
    response = client.post("/auth/token", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "BAD_USER_INPUT"
    response = client.post("/auth/token", {"email": "a@b.co"}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["field"] == "password"


def test_refresh_rotates_and_the_old_refresh_token_dies(
    client: Client, ws_a: SeededWorkspace
) -> None:
    _, pair = sign_in(client, ws_a.admin.email, PASSWORD, ws_a.workspace.subdomain)
    rotated = client.post(
        "/auth/token/refresh", {"refresh": pair["refresh"]}, content_type="application/json"
    )
    assert rotated.status_code == 200
    new = rotated.json()
    assert new["refresh"] != pair["refresh"]
    assert AccessToken(new["access"])["workspace_id"] == str(ws_a.workspace.id)

    again = client.post(
        "/auth/token/refresh", {"refresh": pair["refresh"]}, content_type="application/json"
    )
    assert again.status_code == 401
    assert again.json()["code"] == "UNAUTHENTICATED"


def test_an_access_token_is_not_a_refresh_token(client: Client, ws_a: SeededWorkspace) -> None:
    response = client.post(
        "/auth/token/refresh", {"refresh": ws_a.access_token}, content_type="application/json"
    )
    assert response.status_code == 401


def test_no_token_and_bad_tokens_are_401(client: Client, ws_a: SeededWorkspace) -> None:
    assert client.get("/auth/me").status_code == 401
    for token in [
        "garbage",
        ws_a.access_token + "x",
        "crm_" + "0" * 32 + "_nope",
        ws_a.refresh_token,
    ]:
        response = client.get("/auth/me", headers=bearer(token))
        assert response.status_code == 401, token
        assert response.json()["code"] == "UNAUTHENTICATED"
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_expired_access_token_is_401(client: Client, ws_a: SeededWorkspace) -> None:
    token = AccessToken(ws_a.access_token)  # type: ignore[arg-type]
    token.set_exp(lifetime=-timedelta(seconds=1))
    response = client.get("/auth/me", headers=bearer(str(token)))
    assert response.status_code == 401


def test_api_key_authenticates_for_its_workspace(client: Client, ws_a: SeededWorkspace) -> None:
    response = client.get("/auth/me", headers=bearer(ws_a.api_key))
    assert response.status_code == 200
    assert response.json()["kind"] == "api_key"
    assert response.json()["workspace"]["id"] == str(ws_a.workspace.id)


def test_api_key_is_stored_hashed(ws_a: SeededWorkspace) -> None:
    issued = create_api_key(ws_a.workspace, "hash check")
    stored = ApiKey.objects.get(id=issued.api_key.id)
    # The key is crm_<id hex>_<secret>; the secret itself may contain "_".
    secret = issued.secret.removeprefix("crm_").split("_", 1)[1]
    assert len(secret) >= 32
    assert secret not in stored.secret_hash and issued.secret not in stored.secret_hash
    assert len(stored.secret_hash) == 64


def test_revoked_and_expired_api_keys_are_401(client: Client, ws_a: SeededWorkspace) -> None:
    revoked = create_api_key(ws_a.workspace, "to revoke")
    assert client.get("/auth/me", headers=bearer(revoked.secret)).status_code == 200
    revoke_api_key(revoked.api_key)
    assert client.get("/auth/me", headers=bearer(revoked.secret)).status_code == 401

    expiring = create_api_key(
        ws_a.workspace, "short", expires_at=timezone.now() + timedelta(minutes=1)
    )
    ApiKey.objects.filter(id=expiring.api_key.id).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert client.get("/auth/me", headers=bearer(expiring.secret)).status_code == 401


def test_api_key_with_a_wrong_secret_is_401(client: Client, ws_a: SeededWorkspace) -> None:
    prefix, _, secret = ws_a.api_key.rpartition("_")
    forged = f"{prefix}_{secret[:-2]}zz"
    assert client.get("/auth/me", headers=bearer(forged)).status_code == 401
