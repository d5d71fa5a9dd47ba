"""Identity-provider settings in the Django admin: validation errors a person understands,
the certificate kept as PEM, and what to give the IdP shown on the page."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from sso.models import SamlProvider
from sso.services import saml
from tests.conftest import SeededWorkspace
from tests.sso.idp import TestIdp
from workspaces.models import User

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/sso/samlprovider/add/"


@pytest.fixture
def operator(client: Client) -> Client:
    user = User.objects.create_superuser(email="operator@ops.test", password="Op-Passw0rd-long!")
    client.force_login(user)
    return client


def form(ws: SeededWorkspace, idp: TestIdp, **overrides: Any) -> dict[str, Any]:
    data = {
        "workspace": str(ws.workspace.id),
        "enabled": "on",
        "idp_entity_id": idp.entity_id,
        "sso_url": idp.sso_url,
        "slo_url": "",
        "x509_certificate": idp.cert_pem,
        "want_assertions_signed": "on",
        "member_role": "member",
        "allowed_email_domains": "",
        "email_attribute": "",
        "first_name_attribute": "firstName",
        "last_name_attribute": "lastName",
    }
    data.update(overrides)
    return data


def test_an_operator_configures_sso_with_a_bare_base64_certificate(
    operator: Client, ws_a: SeededWorkspace, idp: TestIdp
) -> None:
    response = operator.post(
        ADD_URL,
        form(ws_a, idp, x509_certificate=idp.cert_base64, allowed_email_domains="Alpha.test\n@corp.test"),
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    provider = SamlProvider.objects.get(workspace=ws_a.workspace)
    assert provider.x509_certificate.strip() == idp.cert_pem.strip()
    assert provider.allowed_email_domains == "alpha.test, corp.test"

    page = operator.get(f"/admin/sso/samlprovider/{provider.pk}/change/").content.decode()
    assert saml.acs_url(ws_a.workspace.subdomain) in page
    assert saml.sp_entity_id(ws_a.workspace.subdomain) in page
    assert "alpha test IdP" in page  # the certificate's subject
    assert "SHA-256" in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("x509_certificate", "not a certificate", "not valid base64"),
        ("x509_certificate", "QUJDRA==", "not a readable X.509 certificate"),
        ("x509_certificate", "-----BEGIN CERTIFICATE-----\nQUJD\n", "not an X.509 certificate"),
        ("sso_url", "not a url", "Enter a valid URL"),
        ("idp_entity_id", "   ", "required"),
        ("allowed_email_domains", "example.com, not a domain!", "is not a domain name"),
    ],
)
def test_bad_settings_are_refused_with_a_clear_error(
    operator: Client, ws_a: SeededWorkspace, idp: TestIdp, field: str, value: str, message: str
) -> None:
    response = operator.post(ADD_URL, form(ws_a, idp, **{field: value}))
    assert response.status_code == 200  # the form again, with the error
    assert message in response.content.decode()
    assert not SamlProvider.objects.filter(workspace=ws_a.workspace).exists()


def test_two_certificates_are_refused(ws_a: SeededWorkspace, idp: TestIdp, idp_b: TestIdp) -> None:
    provider = SamlProvider(
        workspace=ws_a.workspace,
        idp_entity_id=idp.entity_id,
        sso_url=idp.sso_url,
        x509_certificate=idp.cert_pem + idp_b.cert_pem,
    )
    with pytest.raises(ValidationError) as caught:
        provider.full_clean()
    assert "exactly one certificate" in str(caught.value.message_dict["x509_certificate"])


def test_one_provider_per_workspace(operator: Client, ws_a: SeededWorkspace, idp: TestIdp) -> None:
    assert operator.post(ADD_URL, form(ws_a, idp)).status_code == 302
    response = operator.post(ADD_URL, form(ws_a, idp))
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert SamlProvider.objects.filter(workspace=ws_a.workspace).count() == 1
