"""SP metadata and the sign-in redirect (HTTP-Redirect binding) over HTTP, RelayState checks."""

from __future__ import annotations

import base64
import zlib
from urllib.parse import parse_qs, urlsplit

import pytest
from lxml import etree

from sso.services import relay, saml
from tests.sso.conftest import Saml
from workspaces.models import Workspace, WorkspaceStatus

pytestmark = pytest.mark.django_db

MD = "urn:oasis:names:tc:SAML:2.0:metadata"
SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"


def test_metadata_describes_the_workspaces_service_provider(sso_a: Saml) -> None:
    sso_a.configure()
    response = sso_a.client.get(f"/auth/saml/{sso_a.subdomain}/metadata")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/samlmetadata+xml")
    root = etree.fromstring(response.content)
    assert root.tag == f"{{{MD}}}EntityDescriptor"
    assert root.get("entityID") == saml.sp_entity_id(sso_a.subdomain)
    sp = root.find(f"{{{MD}}}SPSSODescriptor")
    assert sp is not None and sp.get("WantAssertionsSigned") == "true"
    acs = sp.find(f"{{{MD}}}AssertionConsumerService")
    assert acs is not None
    assert acs.get("Location") == saml.acs_url(sso_a.subdomain)
    assert acs.get("Binding") == "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
    assert saml.acs_url(sso_a.subdomain).endswith(f"/auth/saml/{sso_a.subdomain}/acs")


@pytest.mark.parametrize("endpoint", ["metadata", "login"])
def test_unconfigured_or_disabled_sso_is_a_404_json_error(sso_a: Saml, endpoint: str) -> None:
    path = f"/auth/saml/{sso_a.subdomain}/{endpoint}"
    response = sso_a.client.get(path)
    assert response.status_code == 404
    assert response.json()["code"] == "NOT_FOUND"
    sso_a.configure(enabled=False)
    assert sso_a.client.get(path).status_code == 404
    assert sso_a.client.get(f"/auth/saml/no-such-workspace/{endpoint}").status_code == 404


def _authn_request(location: str) -> tuple[etree._Element, dict[str, list[str]]]:
    query = parse_qs(urlsplit(location).query)
    xml = zlib.decompress(base64.b64decode(query["SAMLRequest"][0]), -15)
    return etree.fromstring(xml), query


def test_login_redirects_to_the_idp_with_an_authn_request(sso_a: Saml) -> None:
    sso_a.configure()
    response = sso_a.client.get(f"/auth/saml/{sso_a.subdomain}/login", {"next": "/deals?x=1"})
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(sso_a.idp.sso_url + "?")
    request, query = _authn_request(location)
    assert request.tag == f"{{{SAMLP}}}AuthnRequest"
    assert request.get("Destination") == sso_a.idp.sso_url
    assert request.get("AssertionConsumerServiceURL") == saml.acs_url(sso_a.subdomain)
    assert request.get("ProtocolBinding") == "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
    assert request.findtext(f"{{{SAML}}}Issuer") == saml.sp_entity_id(sso_a.subdomain)
    assert query["RelayState"] == [relay.default_target().rstrip("/") + "/deals?x=1"]


def test_login_without_next_returns_to_the_front_end(sso_a: Saml) -> None:
    sso_a.configure()
    response = sso_a.client.get(f"/auth/saml/{sso_a.subdomain}/login")
    _, query = _authn_request(response["Location"])
    assert query["RelayState"] == [relay.default_target()]


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.test/",
        "//evil.test/path",
        "/\\evil.test",
        "https://localhost.evil.test/",
        "https://user@evil.test/",
        "javascript:alert(1)",
        "ftp://localhost/x",
        "https://localhost:99999/",
    ],
)
def test_login_refuses_an_off_site_next(sso_a: Saml, target: str) -> None:
    sso_a.configure()
    response = sso_a.client.get(f"/auth/saml/{sso_a.subdomain}/login", {"next": target})
    assert response.status_code == 400
    assert response.json()["field"] == "RelayState"


def test_login_accepts_a_workspace_host(sso_a: Saml) -> None:
    sso_a.configure()
    target = f"http://{sso_a.seeded.host}/people"
    response = sso_a.client.get(f"/auth/saml/{sso_a.subdomain}/login", {"next": target})
    assert response.status_code == 302
    assert parse_qs(urlsplit(response["Location"]).query)["RelayState"] == [target]


def test_login_to_a_suspended_workspace_is_refused(sso_a: Saml) -> None:
    sso_a.configure()
    Workspace.objects.filter(id=sso_a.seeded.workspace.id).update(status=WorkspaceStatus.SUSPENDED)
    response = sso_a.client.get(f"/auth/saml/{sso_a.subdomain}/login")
    assert response.status_code == 403
    assert response.json()["code"] == "WORKSPACE_SUSPENDED"
