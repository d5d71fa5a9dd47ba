"""The operators' admin, driven in a real browser: sign in, create a workspace, see it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django_tenants.utils import schema_exists

from crm.schemas import use_public
from workspaces.models import ApiKey, User, Workspace
from workspaces.services.workspaces import delete_workspace

pytestmark = pytest.mark.browser

PASSWORD = "Operator-pass-77"


@pytest.fixture
def operator(django_db_blocker: Any) -> Iterator[str]:
    email = f"operator-{uuid.uuid4().hex[:6]}@example.com"
    with django_db_blocker.unblock():
        use_public()
        User.objects.create_superuser(email=email, password=PASSWORD)
        yield email
        User.objects.filter(email=email).delete()


def sign_in(page: Any, server_url: str, email: str) -> None:
    page.goto(f"{server_url}/admin/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")


def test_operator_creates_a_workspace_in_the_admin(
    page: Any, server_url: str, operator: str, django_db_blocker: Any
) -> None:
    subdomain = f"browser-{uuid.uuid4().hex[:8]}"
    sign_in(page, server_url, operator)

    page.goto(f"{server_url}/admin/workspaces/workspace/add/")
    page.fill("input[name=name]", "Browser Co")
    page.fill("input[name=subdomain]", subdomain)
    page.fill("input[name=admin_email]", operator)
    page.click("input[name=_save]")
    page.wait_for_selector("ul.messagelist")

    page.goto(f"{server_url}/admin/workspaces/workspace/?q={subdomain}")
    assert subdomain in page.inner_text("#result_list")

    with django_db_blocker.unblock():
        use_public()
        workspace = Workspace.objects.get(subdomain=subdomain)
        try:
            assert schema_exists(workspace.schema_name)
            assert workspace.memberships.filter(user__email=operator).exists()
        finally:
            delete_workspace(workspace)


def test_the_admin_refuses_a_bad_subdomain(page: Any, server_url: str, operator: str) -> None:
    sign_in(page, server_url, operator)
    page.goto(f"{server_url}/admin/workspaces/workspace/add/")
    page.fill("input[name=name]", "Bad")
    page.fill("input[name=subdomain]", "Not_Valid")
    page.click("input[name=_save]")
    error = page.inner_text(".errorlist")
    assert "not valid" in error


def test_operator_creates_an_api_key_and_sees_it_once(
    page: Any, server_url: str, operator: str, seeded: Any, django_db_blocker: Any
) -> None:
    workspace = seeded["a"].workspace
    sign_in(page, server_url, operator)
    page.goto(f"{server_url}/admin/workspaces/apikey/add/")
    # The workspace field is an autocomplete (select2): search it as a person would.
    page.click(".field-workspace .select2-selection")
    page.fill(".select2-search__field", workspace.subdomain)
    page.click(f".select2-results__option:has-text('{workspace.subdomain}')")
    page.fill("input[name=name]", "browser key")
    page.click("input[name=_save]")
    message = page.inner_text("ul.messagelist")
    key = message.split("copy it now: ", 1)[1].split()[0]

    import urllib.request

    request = urllib.request.Request(
        f"{server_url}/auth/me", headers={"Authorization": f"Bearer {key}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200

    with django_db_blocker.unblock():
        stored = ApiKey.objects.get(workspace=workspace, name="browser key")
        assert key.rsplit("_", 1)[1] not in stored.secret_hash
        stored.delete()
