"""The operators' admin: only operators (staff) use it, only on the base domain. A workspace's
own admin, with their password, session or tokens, reaches nothing of any workspace there."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import PASSWORD, SeededWorkspace

pytestmark = pytest.mark.django_db

PAGES = [
    "/admin/",
    "/admin/workspaces/workspace/",
    "/admin/workspaces/membership/",
    "/admin/workspaces/apikey/",
    "/admin/sso/samlprovider/",
]


def test_a_workspace_admin_cannot_sign_in_to_the_operators_admin(
    client: Client, ws_a: SeededWorkspace, ws_b: SeededWorkspace
) -> None:
    assert not ws_a.admin.is_staff
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": ws_a.admin.email, "password": PASSWORD, "next": "/admin/"},
    )
    assert response.status_code == 200  # the form again, with its error
    assert "_auth_user_id" not in client.session
    for page in PAGES:
        listing = client.get(page)
        assert listing.status_code == 302 and "/admin/login/" in listing["Location"], page


@pytest.mark.parametrize("page", PAGES)
def test_bearer_credentials_of_a_workspace_do_not_open_the_admin(
    client: Client, ws_a: SeededWorkspace, ws_b: SeededWorkspace, page: str
) -> None:
    for credential in (ws_a.api_key, ws_a.access_token):
        response = client.get(page, headers={"Authorization": f"Bearer {credential}"})
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
        assert ws_b.workspace.subdomain.encode() not in response.content


def test_a_session_of_a_non_operator_does_not_open_the_admin(
    client: Client, ws_a: SeededWorkspace, ws_b: SeededWorkspace
) -> None:
    client.force_login(ws_a.admin)
    for page in PAGES:
        response = client.get(page)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], page
    listing = client.get("/admin/workspaces/workspace/", headers={"Host": ws_a.host})
    assert listing.status_code == 404
    assert ws_b.workspace.subdomain.encode() not in listing.content
