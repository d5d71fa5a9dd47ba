"""The browser flow: ACS -> redirect with a one-time login token -> exchange for tokens."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from sso.models import ConsumedAssertion, LoginToken
from sso.services import relay
from tests.sso.conftest import Saml

pytestmark = pytest.mark.django_db


def browser_sign_in(sso: Saml, relay_state: str | None = "/home") -> str:
    """Post a valid response as a browser would; return the login token from the redirect."""
    response = sso.post(
        sso.signed(sso.assertion(sso.seeded.admin.email)), json=False, relay_state=relay_state
    )
    assert response.status_code == 302, response.content
    location = urlsplit(response["Location"])
    token = parse_qs(location.query)["loginToken"][0]
    return token


def exchange(client: Client, subdomain: str, token: str) -> tuple[int, dict]:
    response = client.post(
        f"/auth/saml/{subdomain}/exchange", {"loginToken": token}, content_type="application/json"
    )
    return response.status_code, response.json()


def test_acs_redirects_to_relay_state_with_a_login_token(sso_a: Saml) -> None:
    sso_a.configure()
    response = sso_a.post(
        sso_a.signed(sso_a.assertion(sso_a.seeded.admin.email)),
        json=False,
        relay_state="/home?tab=1",
    )
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    expected = urlsplit(relay.default_target().rstrip("/") + "/home")
    assert (location.scheme, location.netloc, location.path) == (
        expected.scheme, expected.netloc, expected.path,
    )  # fmt: skip
    query = parse_qs(location.query)
    assert query["tab"] == ["1"]
    assert query["loginToken"][0].startswith("sso_")


def test_without_relay_state_the_browser_goes_to_the_front_end(sso_a: Saml) -> None:
    sso_a.configure()
    response = sso_a.post(sso_a.signed(sso_a.assertion(sso_a.seeded.admin.email)), json=False)
    assert response.status_code == 302
    assert response["Location"].startswith(relay.default_target() + "?loginToken=sso_")


def test_the_login_token_is_exchanged_once_for_a_working_token_pair(
    sso_a: Saml, client: Client
) -> None:
    sso_a.configure()
    token = browser_sign_in(sso_a)
    status, pair = exchange(client, sso_a.subdomain, token)
    assert status == 200
    me = client.get("/auth/me", headers={"Authorization": f"Bearer {pair['access']}"})
    assert me.status_code == 200
    assert me.json()["user"]["email"] == sso_a.seeded.admin.email
    refreshed = client.post(
        "/auth/token/refresh", {"refresh": pair["refresh"]}, content_type="application/json"
    )
    assert refreshed.status_code == 200

    status, body = exchange(client, sso_a.subdomain, token)
    assert status == 401
    assert body["message"] == "The login token is invalid, expired or already used."


def test_the_login_token_is_stored_hashed(sso_a: Saml) -> None:
    sso_a.configure()
    token = browser_sign_in(sso_a)
    stored = LoginToken.objects.get(workspace=sso_a.seeded.workspace)
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in stored.token_hash


def test_an_expired_login_token_is_refused(sso_a: Saml, client: Client) -> None:
    sso_a.configure()
    token = browser_sign_in(sso_a)
    LoginToken.objects.filter(workspace=sso_a.seeded.workspace).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    status, body = exchange(client, sso_a.subdomain, token)
    assert status == 401
    assert body["code"] == "UNAUTHENTICATED"


def test_a_member_removed_after_sign_in_cannot_exchange(sso_a: Saml, client: Client) -> None:
    sso_a.configure()
    token = browser_sign_in(sso_a)
    sso_a.seeded.admin.memberships.filter(workspace=sso_a.seeded.workspace).delete()
    assert exchange(client, sso_a.subdomain, token)[0] == 401


@pytest.mark.parametrize("body", [{}, {"loginToken": ""}, {"loginToken": 42}])
def test_a_malformed_exchange_is_400(sso_a: Saml, client: Client, body: dict) -> None:
    response = client.post(
        f"/auth/saml/{sso_a.subdomain}/exchange", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["field"] == "loginToken"


def test_an_unknown_login_token_is_401(sso_a: Saml, client: Client) -> None:
    assert exchange(client, sso_a.subdomain, "sso_made-up")[0] == 401


def test_an_off_site_relay_state_is_refused_without_burning_the_response(sso_a: Saml) -> None:
    sso_a.configure()
    saml_response = sso_a.signed(sso_a.assertion(sso_a.seeded.admin.email))
    response = sso_a.post(saml_response, json=False, relay_state="https://evil.test/steal")
    assert response.status_code == 400
    assert response.json()["field"] == "RelayState"
    assert not ConsumedAssertion.objects.filter(workspace=sso_a.seeded.workspace).exists()
    assert not LoginToken.objects.exists()

    response = sso_a.post(saml_response, json=False, relay_state="/ok")
    assert response.status_code == 302
    assert "evil.test" not in response["Location"]
