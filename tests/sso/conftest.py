"""SAML fixtures: test identity providers (keys made once per session) and a helper that
configures a workspace's IdP and posts signed responses to its ACS over HTTP."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.test.client import Client as _Client

from sso.models import SamlProvider
from sso.services import saml
from tests.conftest import SeededWorkspace
from tests.sso.idp import Assertion, TestIdp, encode, make_idp, response_xml


@pytest.fixture(scope="session")
def idp() -> TestIdp:
    return make_idp("alpha")


@pytest.fixture(scope="session")
def idp_b() -> TestIdp:
    return make_idp("beta")


@pytest.fixture(scope="session")
def rogue_idp() -> TestIdp:
    """Another key pair: the same entity id as `idp` is given to it in the tests that need it."""
    return make_idp("rogue")


class Saml:
    """One workspace's SAML set-up and the IdP that signs for it."""

    def __init__(self, client: _Client, seeded: SeededWorkspace, idp: TestIdp) -> None:
        self.client = client
        self.seeded = seeded
        self.idp = idp
        self.subdomain = seeded.workspace.subdomain

    def configure(self, **fields: Any) -> SamlProvider:
        values: dict[str, Any] = {
            "idp_entity_id": self.idp.entity_id,
            "sso_url": self.idp.sso_url,
            "x509_certificate": self.idp.cert_pem,
        }
        values.update(fields)
        provider = SamlProvider(workspace=self.seeded.workspace, **values)
        provider.full_clean()
        provider.save()
        return provider

    @property
    def acs_path(self) -> str:
        return f"/auth/saml/{self.subdomain}/acs"

    def assertion(self, name_id: str, **overrides: Any) -> Assertion:
        values: dict[str, Any] = {
            "name_id": name_id,
            "audience": saml.sp_entity_id(self.subdomain),
            "acs_url": saml.acs_url(self.subdomain),
            "issuer": self.idp.entity_id,
        }
        values.update(overrides)
        return Assertion(**values)

    def signed(self, assertion: Assertion, *, signer: TestIdp | None = None, sign: str = "assertion") -> str:  # fmt: skip
        return encode(response_xml(assertion, signer or self.idp, sign=sign))

    def post(self, saml_response: str, *, json: bool = True, relay_state: str | None = None,
             path: str | None = None, host: str | None = None) -> Any:  # fmt: skip
        data = {"SAMLResponse": saml_response}
        if relay_state is not None:
            data["RelayState"] = relay_state
        headers = {"Accept": "application/json" if json else "text/html,application/xhtml+xml"}
        if host is not None:
            headers["Host"] = host
        return self.client.post(path or self.acs_path, data, headers=headers)


@pytest.fixture
def sso_a(db: Any, client: Client, ws_a: SeededWorkspace, idp: TestIdp) -> Saml:
    return Saml(client, ws_a, idp)


@pytest.fixture
def sso_b(db: Any, client: Client, ws_b: SeededWorkspace, idp_b: TestIdp) -> Saml:
    return Saml(client, ws_b, idp_b)
