"""The assertion consumer endpoint over HTTP: who may sign in, and every kind of bad response
refused with nothing created."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.test import Client

from sso.models import ConsumedAssertion
from sso.services import saml
from tests.sso.conftest import Saml
from tests.sso.idp import TestIdp, encode, response_xml
from workspaces.models import Membership, User, WorkspaceStatus
from workspaces.services.users import get_or_create_user
from workspaces.services.workspaces import add_member

pytestmark = pytest.mark.django_db

NEW_EMAIL = "new.person@alpha.test"


def me(client: Client, access: str) -> dict[str, Any]:
    response = client.get("/auth/me", headers={"Authorization": f"Bearer {access}"})
    assert response.status_code == 200, response.content
    return dict(response.json())


def member_exists(sso: Saml, email: str) -> bool:
    return Membership.objects.filter(workspace=sso.seeded.workspace, user__email=email).exists()


def test_first_sign_in_creates_the_member_when_allowed(sso_a: Saml, client: Client) -> None:
    sso_a.configure(create_members=True)
    assertion = sso_a.assertion(
        NEW_EMAIL.upper(), attributes={"firstName": "Ada", "lastName": "Lovelace"}
    )
    response = sso_a.post(sso_a.signed(assertion))

    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"access", "refresh"}
    who = me(client, body["access"])
    assert who["user"]["email"] == NEW_EMAIL
    assert who["workspace"]["id"] == str(sso_a.seeded.workspace.id)
    user = User.objects.get(email=NEW_EMAIL)
    assert (user.first_name, user.last_name) == ("Ada", "Lovelace")
    assert not user.has_usable_password()
    membership = Membership.objects.get(user=user, workspace=sso_a.seeded.workspace)
    assert membership.role == "member"


def test_the_created_members_role_is_configurable(sso_a: Saml) -> None:
    sso_a.configure(create_members=True, member_role="admin")
    response = sso_a.post(sso_a.signed(sso_a.assertion(NEW_EMAIL)))
    assert response.status_code == 200
    assert Membership.objects.get(user__email=NEW_EMAIL).role == "admin"


def test_first_sign_in_is_refused_when_the_workspace_does_not_create_members(
    sso_a: Saml,
) -> None:
    sso_a.configure(create_members=False)
    response = sso_a.post(sso_a.signed(sso_a.assertion(NEW_EMAIL)))
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "FORBIDDEN"
    assert "not a member of this workspace" in body["message"]
    assert not User.objects.filter(email=NEW_EMAIL).exists()


def test_an_existing_member_signs_in(sso_a: Saml, client: Client) -> None:
    sso_a.configure(create_members=False)
    admin = sso_a.seeded.admin
    response = sso_a.post(sso_a.signed(sso_a.assertion(admin.email)))
    assert response.status_code == 200, response.content
    assert me(client, response.json()["access"])["user"]["id"] == str(admin.id)
    assert Membership.objects.filter(user=admin).count() == 1


def test_a_user_of_another_workspace_becomes_a_member_only_when_allowed(
    sso_a: Saml, ws_b: Any
) -> None:
    outsider = ws_b.admin  # a member of B only
    sso_a.configure(create_members=False)
    assert sso_a.post(sso_a.signed(sso_a.assertion(outsider.email))).status_code == 403
    assert not member_exists(sso_a, outsider.email)

    sso_a.seeded.workspace.saml_provider.create_members = True
    sso_a.seeded.workspace.saml_provider.save()
    response = sso_a.post(sso_a.signed(sso_a.assertion(outsider.email)))
    assert response.status_code == 200
    assert member_exists(sso_a, outsider.email)
    assert User.objects.filter(email=outsider.email).count() == 1


def test_allowed_email_domains(sso_a: Saml) -> None:
    sso_a.configure(create_members=True, allowed_email_domains="alpha.test, @corp.test")
    response = sso_a.post(sso_a.signed(sso_a.assertion("someone@elsewhere.test")))
    assert response.status_code == 403
    assert "elsewhere.test" in response.json()["message"]
    assert not User.objects.filter(email="someone@elsewhere.test").exists()
    assert sso_a.post(sso_a.signed(sso_a.assertion("someone@corp.test"))).status_code == 200


def test_email_from_a_configured_attribute(sso_a: Saml, client: Client) -> None:
    sso_a.configure(create_members=True, email_attribute="mail")
    assertion = sso_a.assertion("opaque-id-42", attributes={"mail": NEW_EMAIL})
    response = sso_a.post(sso_a.signed(assertion))
    assert response.status_code == 200, response.content
    assert me(client, response.json()["access"])["user"]["email"] == NEW_EMAIL


def test_email_from_a_common_attribute_when_the_name_id_is_not_one(sso_a: Saml) -> None:
    sso_a.configure(create_members=True)
    claim = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"
    assertion = sso_a.assertion("opaque-id-43", attributes={claim: NEW_EMAIL, "givenName": "Ada"})
    assert sso_a.post(sso_a.signed(assertion)).status_code == 200
    assert User.objects.get(email=NEW_EMAIL).first_name == "Ada"


def test_no_email_at_all_is_refused_with_a_clear_message(sso_a: Saml) -> None:
    sso_a.configure(create_members=True, email_attribute="mail")
    response = sso_a.post(sso_a.signed(sso_a.assertion(NEW_EMAIL)))  # no "mail" attribute
    assert response.status_code == 403
    assert "'mail'" in response.json()["message"]
    assert not User.objects.filter(email=NEW_EMAIL).exists()


def test_a_deactivated_user_is_refused(sso_a: Saml) -> None:
    sso_a.configure(create_members=True)
    user = get_or_create_user(NEW_EMAIL, None)
    add_member(sso_a.seeded.workspace, user)
    User.objects.filter(id=user.id).update(is_active=False)
    response = sso_a.post(sso_a.signed(sso_a.assertion(NEW_EMAIL)))
    assert response.status_code == 403
    assert "deactivated" in response.json()["message"]


def _tampered(sso: Saml) -> str:
    signed = response_xml(sso.assertion("someone@alpha.test"), sso.idp)
    assert signed.count("someone@alpha.test") == 1
    return encode(signed.replace("someone@alpha.test", NEW_EMAIL))


def _tampered_attribute(sso: Saml) -> str:
    signed = response_xml(sso.assertion(NEW_EMAIL, attributes={"firstName": "Eve"}), sso.idp)
    return encode(signed.replace(">Eve<", ">Mallory<"))


def _wrapped(sso: Saml) -> str:
    """Signature wrapping: a forged assertion beside the genuine signed one."""
    genuine = response_xml(sso.assertion("someone@alpha.test"), sso.idp)
    forged = response_xml(sso.assertion(NEW_EMAIL), None, sign="none")
    start = forged.index("<saml:Assertion ")
    end = forged.index("</saml:Assertion>") + len("</saml:Assertion>")
    at = genuine.index("<saml:Assertion ")
    return encode(genuine[:at] + forged[start:end] + genuine[at:])


BAD_RESPONSES: dict[str, Any] = {
    "unsigned": lambda s, rogue: s.signed(s.assertion(NEW_EMAIL), sign="none"),
    "expired": lambda s, rogue: s.signed(
        s.assertion(NEW_EMAIL, not_before=-1800, not_on_or_after=-600)
    ),
    "not yet valid": lambda s, rogue: s.signed(
        s.assertion(NEW_EMAIL, not_before=900, not_on_or_after=1800)
    ),
    "tampered name id": lambda s, rogue: _tampered(s),
    "tampered attribute": lambda s, rogue: _tampered_attribute(s),
    "signature wrapping": lambda s, rogue: _wrapped(s),
    "wrong audience": lambda s, rogue: s.signed(
        s.assertion(NEW_EMAIL, audience="https://another-sp.test/metadata")
    ),
    "no audience": lambda s, rogue: s.signed(s.assertion(NEW_EMAIL, with_audience=False)),
    "wrong destination": lambda s, rogue: s.signed(
        s.assertion(NEW_EMAIL, destination="https://another-sp.test/acs"), sign="both"
    ),
    "wrong recipient": lambda s, rogue: s.signed(
        s.assertion(
            NEW_EMAIL, acs_url="https://another-sp.test/acs", destination=saml.acs_url(s.subdomain)
        )
    ),
    "wrong issuer": lambda s, rogue: s.signed(
        s.assertion(NEW_EMAIL, issuer="https://idp.rogue.test/saml")
    ),
    "another certificate": lambda s, rogue: s.signed(s.assertion(NEW_EMAIL), signer=rogue),
    "response signed, assertion not": lambda s, rogue: s.signed(
        s.assertion(NEW_EMAIL), sign="response"
    ),
    "sha-1 signature": lambda s, rogue: encode(
        response_xml(s.assertion(NEW_EMAIL), s.idp, sha1=True)
    ),
    "not base64": lambda s, rogue: "%%% not base64 %%%",
    "not xml": lambda s, rogue: encode("<html>hello</html"),
}
EXPECTED_WORDS = {
    "unsigned": "signature",
    "expired": "expired",
    "not yet valid": "not valid yet",
    "tampered name id": "signature",
    "tampered attribute": "signature",
    "signature wrapping": "not valid",
    "wrong audience": "audience",
    "no audience": "audience",
    "wrong destination": "another address",
    "wrong recipient": "expired or is not valid yet",
    "wrong issuer": "another identity provider",
    "another certificate": "signature",
    "response signed, assertion not": "signature",
    "sha-1 signature": "signature",
    "not base64": "not valid",
    "not xml": "not valid",
}


@pytest.mark.parametrize("case", list(BAD_RESPONSES))
def test_bad_responses_are_refused_and_create_nothing(
    sso_a: Saml, rogue_idp: TestIdp, case: str, caplog: pytest.LogCaptureFixture
) -> None:
    sso_a.configure(create_members=True)
    saml_response = BAD_RESPONSES[case](sso_a, rogue_idp)
    with caplog.at_level(logging.WARNING, logger="sso"):
        response = sso_a.post(saml_response)

    assert response.status_code == 401, response.content
    body = response.json()
    assert body["code"] == "UNAUTHENTICATED"
    assert EXPECTED_WORDS[case] in body["message"]
    assert "Traceback" not in response.content.decode()
    assert not User.objects.filter(email=NEW_EMAIL).exists()
    assert not member_exists(sso_a, NEW_EMAIL)
    assert not ConsumedAssertion.objects.filter(workspace=sso_a.seeded.workspace).exists()
    # The operator finds python3-saml's own reason in the log.
    assert any("SAML response refused" in r.getMessage() for r in caplog.records)


def test_a_response_signed_as_a_whole_is_accepted_when_the_workspace_allows_it(
    sso_a: Saml,
) -> None:
    sso_a.configure(create_members=True, want_assertions_signed=False)
    response = sso_a.post(sso_a.signed(sso_a.assertion(NEW_EMAIL), sign="response"))
    assert response.status_code == 200, response.content
    # ... but a signature is still required.
    unsigned = sso_a.signed(sso_a.assertion("other@alpha.test"), sign="none")
    assert sso_a.post(unsigned).status_code == 401


def test_a_replayed_response_is_refused_within_its_validity(sso_a: Saml) -> None:
    sso_a.configure(create_members=True)
    saml_response = sso_a.signed(sso_a.assertion(NEW_EMAIL))
    assert sso_a.post(saml_response).status_code == 200

    again = sso_a.post(saml_response)
    assert again.status_code == 401
    assert "already used" in again.json()["message"]
    consumed = ConsumedAssertion.objects.get(workspace=sso_a.seeded.workspace)
    assert consumed.expires_at > consumed.consumed_at


def test_a_replay_under_a_new_response_id_is_refused(sso_a: Saml) -> None:
    """The assertion's ID (signed) is what counts, not the envelope's."""
    sso_a.configure(create_members=True)
    assertion = sso_a.assertion(NEW_EMAIL)
    assert sso_a.post(sso_a.signed(assertion)).status_code == 200
    assertion.response_id = "_another-envelope"
    assert sso_a.post(sso_a.signed(assertion)).status_code == 401


def test_sso_disabled_or_missing_is_404(sso_a: Saml) -> None:
    response = sso_a.post(sso_a.signed(sso_a.assertion(NEW_EMAIL)))
    assert response.status_code == 404
    assert response.json()["message"] == "SAML single sign-on is not set up for this workspace."

    sso_a.configure(create_members=True, enabled=False)
    response = sso_a.post(sso_a.signed(sso_a.assertion(NEW_EMAIL)))
    assert response.status_code == 404
    assert not User.objects.filter(email=NEW_EMAIL).exists()


def test_a_suspended_workspace_refuses_sign_in(sso_a: Saml) -> None:
    sso_a.configure(create_members=True)
    type(sso_a.seeded.workspace).objects.filter(id=sso_a.seeded.workspace.id).update(
        status=WorkspaceStatus.SUSPENDED
    )
    response = sso_a.post(sso_a.signed(sso_a.assertion(NEW_EMAIL)))
    assert response.status_code == 403
    assert response.json()["code"] == "WORKSPACE_SUSPENDED"
    assert not User.objects.filter(email=NEW_EMAIL).exists()


def test_a_too_large_post_is_413(sso_a: Saml, settings: Any) -> None:
    sso_a.configure(create_members=True)
    settings.MAX_REQUEST_BYTES = 1000
    response = sso_a.post(sso_a.signed(sso_a.assertion(NEW_EMAIL)))
    assert response.status_code == 413
    assert response.json()["code"] == "PAYLOAD_TOO_LARGE"
    assert not User.objects.filter(email=NEW_EMAIL).exists()


def test_a_post_without_a_saml_response_is_400(sso_a: Saml) -> None:
    sso_a.configure()
    response = sso_a.client.post(sso_a.acs_path, {}, headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert response.json()["field"] == "SAMLResponse"
    assert sso_a.client.get(sso_a.acs_path).status_code == 405
