"""Invitations over HTTP: personal invitations by e-mail (send, list, resend, revoke, accept as
a new or an existing user) and the public invite link (create, join, revoke), with their
errors and the WORKSPACE_MEMBERS guard."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from tests.conftest import PASSWORD, SeededWorkspace, unique_subdomain
from tests.workspaces.conftest import STRONG, error_code, gql, new_email, post
from workspaces.models import Invitation, Membership, MembershipRole, User
from workspaces.services.members import list_members
from workspaces.services.tokens import issue_tokens
from workspaces.services.workspaces import (
    AdminAccount,
    add_member,
    create_workspace,
    delete_workspace,
)

pytestmark = pytest.mark.django_db

SEND = """mutation($emails: [String!]!) { sendInvitations(emails: $emails) {
  success errors result { id email expiresAt } } }"""
FIND = "{ findWorkspaceInvitations { id email role } }"
ACCEPT = """mutation($t: String!, $p: String!, $e: String, $f: String) {
  acceptWorkspaceInvitation(inviteToken: $t, password: $p, email: $e, firstName: $f) {
    tokens { accessToken { token } } workspace { id } user { email } } }"""
JOIN = """mutation($t: String!, $p: String!, $e: String!) {
  joinWorkspaceByInviteLink(inviteToken: $t, password: $p, email: $e) {
    tokens { accessToken { token } } workspace { id } user { email } } }"""


@pytest.fixture
def team() -> Iterator[tuple[object, str]]:
    """A workspace of our own (members come and go in these tests) and its admin's token."""
    email = new_email("owner")
    workspace = create_workspace(
        unique_subdomain("team"), "Team", admin=AdminAccount(email=email, password=STRONG)
    )
    token = issue_tokens(User.objects.get(email=email), workspace).access
    yield workspace, token
    delete_workspace(workspace)


def invite_token(message: mail.EmailMessage) -> str:
    match = re.search(r"/invite/(\S+)", str(message.body))
    assert match is not None, message.body
    return match.group(1)


def send(client: Client, token: str, *emails: str) -> tuple[int, dict]:
    return gql(client, SEND, {"emails": list(emails)}, token=token)


def test_send_list_and_accept_as_a_new_user(client: Client, team: tuple) -> None:
    workspace, admin_token = team
    invitee = new_email("invitee")
    status, body = send(client, admin_token, invitee.upper())
    assert status == 200, body
    output = body["data"]["sendInvitations"]
    assert output["success"] is True and output["result"][0]["email"] == invitee
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [invitee]
    assert "Team" in mail.outbox[0].subject
    token = invite_token(mail.outbox[0])
    stored = Invitation.objects.get(id=output["result"][0]["id"])
    assert token not in stored.token_hash and len(stored.token_hash) == 64

    _, listed = gql(client, FIND, token=admin_token)
    assert [i["email"] for i in listed["data"]["findWorkspaceInvitations"]] == [invitee]

    status, body = gql(client, ACCEPT, {"t": token, "p": STRONG, "f": "Ines"})
    assert status == 200, body
    joined = body["data"]["acceptWorkspaceInvitation"]
    assert joined["workspace"]["id"] == str(workspace.id)
    assert joined["user"]["email"] == invitee
    membership = Membership.objects.get(user__email=invitee, workspace=workspace)
    assert membership.role == MembershipRole.MEMBER
    record = next(m for m in list_members(workspace) if m.user.email == invitee)
    assert record.workspace_member_id is not None and record.user.first_name == "Ines"
    _, me = gql(
        client, "{ currentWorkspace { id } }", token=joined["tokens"]["accessToken"]["token"]
    )
    assert me["data"]["currentWorkspace"]["id"] == str(workspace.id)

    # used: refused the second time, and no longer pending
    status, body = gql(client, ACCEPT, {"t": token, "p": STRONG})
    assert status == 400 and error_code(body) == "BAD_USER_INPUT"
    _, listed = gql(client, FIND, token=admin_token)
    assert listed["data"]["findWorkspaceInvitations"] == []


def test_accept_as_an_existing_user_needs_their_password(
    client: Client, team: tuple, ws_a: SeededWorkspace
) -> None:
    workspace, admin_token = team
    send(client, admin_token, ws_a.admin.email)
    token = invite_token(mail.outbox[-1])
    wrong = post(client, "/auth/invitations/accept", {"token": token, "password": "nope-nope"})
    assert wrong.status_code == 401
    assert not Membership.objects.filter(user=ws_a.admin, workspace=workspace).exists()
    ok = post(client, "/auth/invitations/accept", {"token": token, "password": PASSWORD})
    assert ok.status_code == 200, ok.json()
    assert ok.json()["workspace"]["id"] == str(workspace.id)
    assert Membership.objects.filter(user=ws_a.admin, workspace=workspace).exists()
    # their password did not change, their other membership is untouched
    assert Membership.objects.filter(user=ws_a.admin, workspace=ws_a.workspace).exists()


def test_a_personal_invitation_is_for_its_address_only(client: Client, team: tuple) -> None:
    _, admin_token = team
    invitee = new_email("personal")
    send(client, admin_token, invitee)
    token = invite_token(mail.outbox[-1])
    status, body = gql(client, ACCEPT, {"t": token, "p": STRONG, "e": new_email("someone-else")})
    assert status == 400 and body["errors"][0]["extensions"]["field"] == "email"
    weak = gql(client, ACCEPT, {"t": token, "p": "123"})
    assert weak[0] == 400 and weak[1]["errors"][0]["extensions"]["field"] == "password"
    assert not User.objects.filter(email=invitee).exists()


def test_expired_and_revoked_invitations_are_refused(client: Client, team: tuple) -> None:
    _, admin_token = team
    send(client, admin_token, new_email("late"), new_email("revoked"))
    late, revoked = (invite_token(m) for m in mail.outbox[-2:])
    first, second = Invitation.objects.order_by("-created_at")[:2][::-1]
    Invitation.objects.filter(pk=first.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    status, body = gql(
        client, "mutation($id: String!) { deleteWorkspaceInvitation(appTokenId: $id) }",
        {"id": str(second.id)}, token=admin_token,
    )  # fmt: skip
    assert status == 200 and body["data"]["deleteWorkspaceInvitation"] == str(second.id)
    for token in (late, revoked, "not-a-token"):
        status, body = gql(client, ACCEPT, {"t": token, "p": STRONG})
        assert status == 400, token
        assert "invalid, expired, revoked or already used" in body["errors"][0]["message"]


def test_resend_replaces_the_token(client: Client, team: tuple) -> None:
    _, admin_token = team
    invitee = new_email("resend")
    _, body = send(client, admin_token, invitee)
    old_id = body["data"]["sendInvitations"]["result"][0]["id"]
    old_token = invite_token(mail.outbox[-1])
    response = post(client, f"/auth/invitations/{old_id}/resend", {}, token=admin_token)
    assert response.status_code == 201
    new_token = invite_token(mail.outbox[-1])
    assert new_token != old_token and len(mail.outbox) == 2
    assert gql(client, ACCEPT, {"t": old_token, "p": STRONG})[0] == 400
    assert gql(client, ACCEPT, {"t": new_token, "p": STRONG})[0] == 200
    listed = client.get("/auth/invitations", headers={"Authorization": f"Bearer {admin_token}"})
    assert listed.status_code == 200 and listed.json()["invitations"] == []


def test_send_reports_members_and_refuses_bad_input(
    client: Client, team: tuple, ws_a: SeededWorkspace
) -> None:
    workspace, admin_token = team
    owner = Membership.objects.get(workspace=workspace).user
    status, body = send(client, admin_token, owner.email, new_email("fresh"))
    output = body["data"]["sendInvitations"]
    assert output["success"] is False and "already a member" in output["errors"][0]
    assert len(output["result"]) == 1
    status, body = send(client, admin_token, "no-at-sign")
    assert status == 400 and body["errors"][0]["extensions"]["field"] == "email"
    assert send(client, admin_token)[0] == 400
    response = post(client, "/auth/invitations", {"emails": "x@y.z"}, token=admin_token)
    assert response.status_code == 400
    assert post(client, "/auth/invitations", {"emails": []}).status_code == 401


def test_a_plain_member_cannot_manage_invitations(client: Client, team: tuple) -> None:
    workspace, _ = team
    member = User.objects.create_user(email=new_email("plain"), password=STRONG)
    add_member(workspace, member, MembershipRole.MEMBER)
    token = issue_tokens(member, workspace).access
    status, body = send(client, token, new_email())
    assert status == 403 and error_code(body) == "FORBIDDEN"
    assert gql(client, FIND, token=token)[0] == 403
    assert gql(client, "mutation { createWorkspaceInviteLink { url } }", token=token)[0] == 403
    assert mail.outbox == []


def test_invite_link_create_join_and_revoke(client: Client, team: tuple) -> None:
    workspace, admin_token = team
    status, body = gql(
        client, "mutation { createWorkspaceInviteLink { id url token } }", token=admin_token
    )
    assert status == 200
    link = body["data"]["createWorkspaceInviteLink"]
    assert link["url"].endswith(link["token"])
    stored = Invitation.objects.get(id=link["id"])
    assert link["token"] not in stored.token_hash

    # reusable by several people
    first, second = new_email("link1"), new_email("link2")
    for email in (first, second):
        status, body = gql(client, JOIN, {"t": link["token"], "p": STRONG, "e": email})
        assert status == 200, body
        assert body["data"]["joinWorkspaceByInviteLink"]["workspace"]["id"] == str(workspace.id)
    emails = {m.user.email for m in list_members(workspace)}
    assert {first, second} <= emails
    # email is required with a link
    assert (
        post(
            client, "/auth/invite-link/join", {"token": link["token"], "password": STRONG}
        ).status_code
        == 400
    )

    # a new link replaces the old one; revoking kills it
    renewed = post(client, "/auth/invite-link", {}, token=admin_token)
    assert renewed.status_code == 201
    assert gql(client, JOIN, {"t": link["token"], "p": STRONG, "e": new_email()})[0] == 400
    revoked = client.delete("/auth/invite-link", headers={"Authorization": f"Bearer {admin_token}"})
    assert revoked.status_code == 200 and revoked.json()["revoked"] == 1
    third = new_email("link3")
    response = post(
        client,
        "/auth/invite-link/join",
        {"token": renewed.json()["token"], "password": STRONG, "email": third},
    )
    assert response.status_code == 400
    assert not User.objects.filter(email=third).exists()


def test_an_invitation_whose_email_fails_is_reported_and_revoked(
    client: Client, team: tuple, settings: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    workspace, admin_token = team
    invitee = new_email("unlucky")
    status, body = send(client, admin_token, invitee)
    assert status == 200
    output = body["data"]["sendInvitations"]
    assert output["success"] is False and output["result"] == []
    assert output["errors"] == [f"{invitee}: The e-mail could not be sent; try again later."]
    invitation = Invitation.objects.get(workspace=workspace, email=invitee)
    assert invitation.revoked_at is not None
    assert gql(client, FIND, token=admin_token)[1]["data"]["findWorkspaceInvitations"] == []
