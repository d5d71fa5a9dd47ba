"""The operators' admin keeps workspaceMember records in step: adding and deleting
memberships, and editing a user's name or email, go through the members service."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client

from tests.conftest import unique_subdomain
from tests.workspaces.conftest import STRONG, new_email
from tests.workspaces.test_members import records
from workspaces.models import Membership, TokenFamily, User, Workspace
from workspaces.services.tokens import issue_tokens
from workspaces.services.workspaces import add_member, create_workspace, delete_workspace

pytestmark = pytest.mark.django_db


@pytest.fixture
def workspace() -> Iterator[Workspace]:
    created = create_workspace(unique_subdomain("adm"), "Adm")
    yield created
    delete_workspace(created)


@pytest.fixture
def operator(client: Client) -> Client:
    admin = User.objects.create_superuser(email=new_email("operator"), password=STRONG)
    client.force_login(admin)
    return client


def test_adding_and_deleting_a_membership_in_the_admin(
    operator: Client, workspace: Workspace
) -> None:
    user = User.objects.create_user(email=new_email("via-admin"), password=STRONG)
    response = operator.post(
        "/admin/workspaces/membership/add/",
        {"user": str(user.id), "workspace": str(workspace.id), "role": "member"},
    )
    assert response.status_code == 302, response.content[:2000]
    membership = Membership.objects.get(user=user, workspace=workspace)
    assert [r["user_email"] for r in records(workspace)] == [user.email]

    token = issue_tokens(user, workspace).access
    response = operator.post(
        f"/admin/workspaces/membership/{membership.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert records(workspace) == []
    assert operator.get("/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_editing_a_user_in_the_admin_updates_their_records(
    operator: Client, workspace: Workspace
) -> None:
    user = User.objects.create_user(email=new_email("rename"), password=STRONG)
    add_member(workspace, user)
    new = new_email("renamed")
    response = operator.post(
        f"/admin/workspaces/user/{user.pk}/change/",
        {
            "email": new, "first_name": "Re", "last_name": "Named", "is_active": "on",
            "last_login_0": "", "last_login_1": "", "date_joined_0": "2024-01-01",
            "date_joined_1": "00:00:00",
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content[:3000]
    row = records(workspace)[0]
    assert (row["user_email"], row["first_name"], row["last_name"]) == (new, "Re", "Named")


def test_sign_ins_are_revoked_from_the_admin(operator: Client, workspace: Workspace) -> None:
    user = User.objects.create_user(email=new_email("session"), password=STRONG)
    add_member(workspace, user)
    pair = issue_tokens(user, workspace)
    family = TokenFamily.objects.get(id=pair.family_id)
    response = operator.post(
        "/admin/workspaces/tokenfamily/",
        {"action": "revoke_families", "_selected_action": [str(family.id)]},
    )
    assert response.status_code == 302
    assert (
        operator.get("/auth/me", headers={"Authorization": f"Bearer {pair.access}"}).status_code
        == 401
    )
