"""SAML isolation: an assertion, certificate, host or login token of workspace B never signs
anyone in to workspace A, and the other way round."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from sso.models import ConsumedAssertion, LoginToken
from tests.sso.conftest import Saml, idp, idp_b, rogue_idp, sso_a, sso_b
from workspaces.models import Membership, User

__all__ = ["idp", "idp_b", "rogue_idp", "sso_a", "sso_b"]  # fixtures used here

pytestmark = pytest.mark.django_db

EMAIL = "traveller@shared.test"


def nothing_created(sso: Saml) -> bool:
    return (
        not Membership.objects.filter(workspace=sso.seeded.workspace, user__email=EMAIL).exists()
        and not ConsumedAssertion.objects.filter(workspace=sso.seeded.workspace).exists()
    )


@pytest.fixture
def both(sso_a: Saml, sso_b: Saml) -> tuple[Saml, Saml]:
    sso_a.configure(create_members=True)
    sso_b.configure(create_members=True)
    return sso_a, sso_b


def test_an_assertion_made_for_b_is_refused_at_as_acs(both: tuple[Saml, Saml]) -> None:
    a, b = both
    for_b = b.signed(b.assertion(EMAIL))  # B's IdP, B's audience, B's ACS
    response = a.post(for_b)
    assert response.status_code == 401
    assert nothing_created(a)
    assert not User.objects.filter(email=EMAIL).exists()
    # The same response is good where it belongs, and only there.
    assert b.post(for_b).status_code == 200
    assert Membership.objects.get(user__email=EMAIL).workspace_id == b.seeded.workspace.id


@pytest.mark.parametrize("signer", ["a", "b"])
def test_b_addressed_to_a_or_signed_by_b_for_a_is_refused(
    both: tuple[Saml, Saml], signer: str
) -> None:
    """B's IdP certificate cannot sign in to A, even with everything else addressed to A."""
    a, b = both
    assertion = a.assertion(EMAIL, issuer=b.idp.entity_id)  # A's audience and ACS, B's issuer
    response = a.post(a.signed(assertion, signer=b.idp if signer == "b" else a.idp))
    assert response.status_code == 401
    assert nothing_created(a)


def test_as_idp_certificate_cannot_sign_in_to_b(both: tuple[Saml, Saml]) -> None:
    a, b = both
    # Everything B expects (issuer, audience, ACS), but signed with A's IdP key.
    forged = b.signed(b.assertion(EMAIL), signer=a.idp)
    response = b.post(forged)
    assert response.status_code == 401
    assert "signature" in response.json()["message"]
    assert nothing_created(b)


def test_one_idp_shared_by_a_and_b_still_signs_in_to_one_workspace_only(
    sso_a: Saml, sso_b: Saml
) -> None:
    """Two workspaces trusting the same corporate IdP: the audience keeps them apart."""
    sso_a.configure(create_members=True)
    sso_b.idp = sso_a.idp
    sso_b.configure(create_members=True)
    for_a = sso_a.signed(sso_a.assertion(EMAIL))
    assert sso_b.post(for_a).status_code == 401
    assert nothing_created(sso_b)
    assert sso_a.post(for_a).status_code == 200


def test_as_acs_on_bs_host_is_refused(both: tuple[Saml, Saml]) -> None:
    a, b = both
    response = a.post(a.signed(a.assertion(EMAIL)), host=b.seeded.host)
    assert response.status_code == 403
    assert nothing_created(a) and nothing_created(b)
    metadata = a.client.get(f"/auth/saml/{a.subdomain}/metadata", headers={"Host": b.seeded.host})
    assert metadata.status_code == 403


def test_a_login_token_of_b_cannot_be_exchanged_into_as_tokens(
    both: tuple[Saml, Saml], client: Client
) -> None:
    a, b = both
    response = b.post(b.signed(b.assertion(b.seeded.admin.email)), json=False)
    token = parse_qs(urlsplit(response["Location"]).query)["loginToken"][0]

    at_a = client.post(
        f"/auth/saml/{a.subdomain}/exchange", {"loginToken": token}, content_type="application/json"
    )
    assert at_a.status_code == 401
    assert LoginToken.objects.get(workspace=b.seeded.workspace).used_at is None
    on_b_host = client.post(
        f"/auth/saml/{a.subdomain}/exchange",
        {"loginToken": token},
        content_type="application/json",
        headers={"Host": b.seeded.host},
    )
    assert on_b_host.status_code == 403

    at_b = client.post(
        f"/auth/saml/{b.subdomain}/exchange", {"loginToken": token}, content_type="application/json"
    )
    assert at_b.status_code == 200
    access = at_b.json()["access"]
    me = client.get("/auth/me", headers={"Authorization": f"Bearer {access}"})
    assert me.json()["workspace"]["id"] == str(b.seeded.workspace.id)
    on_a = client.get(
        "/auth/me", headers={"Authorization": f"Bearer {access}", "Host": a.seeded.host}
    )
    assert on_a.status_code == 403
