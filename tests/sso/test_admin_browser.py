"""The SAML settings form of the admin, driven in a real browser (Debian's Chromium) against
the production server (gunicorn): a bad certificate is refused with its message, a good one
saved."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from crm.schemas import use_public
from sso.models import SamlProvider
from tests.browser.conftest import page, server_url
from tests.sso.idp import TestIdp
from workspaces.models import User

__all__ = ["page", "server_url"]  # the browser suite's fixtures, used here

pytestmark = pytest.mark.browser

PASSWORD = "Operator-pass-77"


@pytest.fixture
def operator(django_db_blocker: Any, seeded: Any) -> Iterator[str]:
    email = f"sso-operator-{uuid.uuid4().hex[:6]}@example.com"
    with django_db_blocker.unblock():
        use_public()
        User.objects.create_superuser(email=email, password=PASSWORD)
        yield email
        SamlProvider.objects.filter(workspace=seeded["a"].workspace).delete()
        User.objects.filter(email=email).delete()


def test_operator_sets_up_saml_in_the_admin(
    page: Any, server_url: str, operator: str, seeded: Any, idp: TestIdp, django_db_blocker: Any
) -> None:
    workspace = seeded["a"].workspace
    page.goto(f"{server_url}/admin/login/")
    page.fill("input[name=username]", operator)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")

    page.goto(f"{server_url}/admin/sso/samlprovider/add/")
    # The workspace box is an autocomplete widget: choose the option the way it does.
    page.evaluate(
        """([id, label]) => {
            const select = document.querySelector('select[name=workspace]');
            select.add(new Option(label, id, true, true));
        }""",
        [str(workspace.id), workspace.subdomain],
    )
    page.fill("input[name=idp_entity_id]", idp.entity_id)
    page.fill("input[name=sso_url]", idp.sso_url)
    page.fill("textarea[name=x509_certificate]", "this is not a certificate")
    page.click("input[name=_save]")
    assert "not valid base64" in page.inner_text(".errorlist")

    page.fill("textarea[name=x509_certificate]", idp.cert_base64)
    page.click("input[name=_save]")
    page.wait_for_selector("ul.messagelist")

    with django_db_blocker.unblock():
        use_public()
        provider = SamlProvider.objects.get(workspace=workspace)
        assert provider.x509_certificate.startswith("-----BEGIN CERTIFICATE-----")
        assert provider.idp_entity_id == idp.entity_id
