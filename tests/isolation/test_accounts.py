"""Isolation of the sign-in flows: with workspace A's credentials nothing of B is read or
changed. Forged and edited tokens, expired, revoked and rotated tokens, revoked API keys,
B's invitations used in A, switching to B, and A's admin against B's members and invitations."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import jwt
import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from tests.conftest import PASSWORD, SeededWorkspace
from tests.workspaces.conftest import STRONG, clear_throttle_counters, gql, new_email, post
from workspaces.models import Invitation, Membership, TokenFamily, User
from workspaces.services.api_keys import create_api_key, revoke_api_key
from workspaces.services.members import list_members
from workspaces.services.tokens import issue_tokens

pytestmark = pytest.mark.django_db

ME = "{ currentWorkspace { id displayName } }"


@pytest.fixture(autouse=True)
def _fresh_counters() -> Iterator[None]:
    clear_throttle_counters()
    yield
    clear_throttle_counters()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def refused(client: Client, token: str, ws_b: SeededWorkspace) -> None:
    """The token reaches nothing: 401 on every surface, and no trace of B in the answers."""
    for response in (
        client.get("/auth/me", headers=bearer(token)),
        client.get("/auth/members", headers=bearer(token)),
        post(client, "/auth/graphql", {"query": ME}, token=token),
        post(client, "/graphql", {"query": "{ companies { totalCount } }"}, token=token),
    ):
        assert response.status_code == 401, response.content
        assert str(ws_b.workspace.id) not in response.content.decode()
        assert ws_b.admin.email not in response.content.decode()


def claims_of(token: str) -> dict[str, Any]:
    return jwt.decode(token, options={"verify_signature": False})


def test_a_token_edited_to_claim_b_and_re_signed_with_another_key(
    client: Client, ws_a: SeededWorkspace, ws_b: SeededWorkspace
) -> None:
    claims = claims_of(ws_a.access_token)
    claims["workspace_id"] = str(ws_b.workspace.id)
    forged = jwt.encode(claims, "attacker-secret-that-is-long-enough-000", algorithm="HS256")
    refused(client, forged, ws_b)


def test_a_token_edited_to_claim_b_without_re_signing(
    client: Client, ws_a: SeededWorkspace, ws_b: SeededWorkspace
) -> None:
    header, _payload, signature = ws_a.access_token.split(".")
    claims = claims_of(ws_a.access_token)
    claims["workspace_id"] = str(ws_b.workspace.id)
    edited_payload = jwt.utils.base64url_encode(jwt.api_jws.json.dumps(claims).encode()).decode()
    refused(client, f"{header}.{edited_payload}.{signature}", ws_b)
    unsigned = jwt.encode(claims, key=None, algorithm="none")  # type: ignore[arg-type]
    refused(client, unsigned, ws_b)


def test_a_server_signed_token_of_a_user_of_a_claiming_b_with_a_family_of_a(
    client: Client, ws_a: SeededWorkspace, ws_b: SeededWorkspace
) -> None:
    """Even with the server's key (a leak): A's user is no member of B, and A's family is
    not B's, so nothing of B opens."""
    claims = claims_of(ws_a.access_token)
    claims["workspace_id"] = str(ws_b.workspace.id)
    forged = jwt.encode(claims, str(settings.SIMPLE_JWT["SIGNING_KEY"]), algorithm="HS256")
    refused(client, forged, ws_b)


def test_expired_revoked_and_rotated_tokens(
    client: Client, ws_a: SeededWorkspace, ws_b: SeededWorkspace
) -> None:
    expired = AccessToken(ws_a.access_token)  # type: ignore[arg-type]
    expired.set_exp(lifetime=-timedelta(seconds=1))
    refused(client, str(expired), ws_b)

    signed_out = issue_tokens(ws_a.admin, ws_a.workspace)
    assert post(client, "/auth/sign-out", {}, token=signed_out.access).status_code == 200
    refused(client, signed_out.access, ws_b)
    assert post(client, "/auth/token/refresh", {"refresh": signed_out.refresh}).status_code == 401

    rotated = issue_tokens(ws_a.admin, ws_a.workspace)
    renewed = post(client, "/auth/token/refresh", {"refresh": rotated.refresh}).json()
    assert post(client, "/auth/token/refresh", {"refresh": rotated.refresh}).status_code == 401
    for token in (rotated.access, renewed["access"]):
        refused(client, token, ws_b)
    assert post(client, "/auth/token/refresh", {"refresh": renewed["refresh"]}).status_code == 401

    expired_refresh = RefreshToken(issue_tokens(ws_a.admin, ws_a.workspace).refresh)  # type: ignore[arg-type]
    expired_refresh.set_exp(lifetime=-timedelta(seconds=1))
    assert post(client, "/auth/token/refresh", {"refresh": str(expired_refresh)}).status_code == 401


def test_a_refresh_token_edited_to_claim_b(
    client: Client, ws_a: SeededWorkspace, ws_b: SeededWorkspace
) -> None:
    claims = claims_of(ws_a.refresh_token)
    claims["workspace_id"] = str(ws_b.workspace.id)
    for key in ("attacker-secret-that-is-long-enough-000", str(settings.SIMPLE_JWT["SIGNING_KEY"])):
        forged = jwt.encode(claims, key, algorithm="HS256")
        response = post(client, "/auth/token/refresh", {"refresh": forged})
        assert response.status_code == 401
    assert not TokenFamily.objects.filter(workspace=ws_b.workspace, user=ws_a.admin).exists()


def test_a_revoked_api_key(client: Client, ws_a: SeededWorkspace, ws_b: SeededWorkspace) -> None:
    issued = create_api_key(ws_a.workspace, "to revoke")
    assert client.get("/auth/me", headers=bearer(issued.secret)).status_code == 200
    revoke_api_key(issued.api_key)
    refused(client, issued.secret, ws_b)


def test_switch_workspace_to_b_is_refused(
    client: Client, ws_a: SeededWorkspace, ws_b: SeededWorkspace
) -> None:
    for target in (ws_b.workspace.subdomain, str(ws_b.workspace.id)):
        response = post(
            client, "/auth/switch-workspace", {"workspace": target}, token=ws_a.access_token
        )
        assert response.status_code == 403
        assert ws_b.workspace.name not in response.content.decode()
    status, body = gql(
        client, "mutation($id: UUID) { switchWorkspace(workspaceId: $id) { workspace { id } } }",
        {"id": str(ws_b.workspace.id)}, token=ws_a.access_token,
    )  # fmt: skip
    assert status == 403 and body["data"] is None
    assert not TokenFamily.objects.filter(user=ws_a.admin, workspace=ws_b.workspace).exists()


def test_signing_in_to_b_with_a_credentials(
    client: Client, ws_a: SeededWorkspace, ws_b: SeededWorkspace
) -> None:
    response = post(
        client, "/auth/sign-in",
        {"email": ws_a.admin.email, "password": PASSWORD, "workspace": ws_b.workspace.subdomain},
    )  # fmt: skip
    assert response.status_code == 401


def b_invitation(client: Client, ws_b: SeededWorkspace, email: str) -> str:
    response = post(client, "/auth/invitations", {"emails": [email]}, token=ws_b.access_token)
    assert response.status_code == 201, response.content
    match = re.search(r"/invite/(\S+)", str(mail.outbox[-1].body))
    assert match is not None
    return match.group(1)


def test_b_invitation_used_in_a_is_refused(
    client: Client, ws_a: SeededWorkspace, ws_b: SeededWorkspace
) -> None:
    # A's admin was invited to B; used with A's token or on A's host it grants nothing.
    token = b_invitation(client, ws_b, ws_a.admin.email)
    payload = {"token": token, "password": PASSWORD}
    with_a_token = post(client, "/auth/invitations/accept", payload, token=ws_a.access_token)
    assert with_a_token.status_code == 403
    on_a_host = client.post(
        "/auth/invitations/accept",
        payload,
        content_type="application/json",
        headers={"Host": ws_a.host},
    )
    assert on_a_host.status_code == 403
    status, _body = gql(
        client,
        "mutation($t: String!, $p: String!) { acceptWorkspaceInvitation(inviteToken: $t, password: $p) { workspace { id } } }",
        {"t": token, "p": PASSWORD},
        token=ws_a.api_key,
    )
    assert status == 403
    for response in (with_a_token, on_a_host):
        assert ws_b.workspace.name not in response.content.decode()
    assert not Membership.objects.filter(user=ws_a.admin, workspace=ws_b.workspace).exists()
    invitation = Invitation.objects.get(
        workspace=ws_b.workspace, email=ws_a.admin.email, revoked_at__isnull=True
    )
    assert invitation.accepted_at is None
    Invitation.objects.filter(pk=invitation.pk).delete()


def test_b_invite_link_used_on_a_host_is_refused(
    client: Client, ws_a: SeededWorkspace, ws_b: SeededWorkspace
) -> None:
    link = post(client, "/auth/invite-link", {}, token=ws_b.access_token).json()
    email = new_email("linked")
    response = client.post(
        "/auth/invite-link/join",
        {"token": link["token"], "password": STRONG, "email": email},
        content_type="application/json",
        headers={"Host": ws_a.host},
    )
    assert response.status_code == 403
    assert not User.objects.filter(email=email).exists()
    assert client.delete("/auth/invite-link", headers=bearer(ws_b.access_token)).status_code == 200


def test_a_admin_cannot_see_or_touch_b_members_and_invitations(
    client: Client, ws_a: SeededWorkspace, ws_b: SeededWorkspace
) -> None:
    b_record = next(m for m in list_members(ws_b.workspace) if m.user == ws_b.admin)
    pending_email = new_email("pending")
    b_invitation(client, ws_b, pending_email)
    invitation = Invitation.objects.get(workspace=ws_b.workspace, email=pending_email)

    listed = client.get("/auth/members", headers=bearer(ws_a.access_token)).json()
    assert ws_b.admin.email not in str(listed)
    _, body = gql(client, "{ findWorkspaceInvitations { email } }", token=ws_a.access_token)
    assert pending_email not in str(body)

    for credential in (ws_a.access_token, ws_a.api_key):
        response = client.delete(
            f"/auth/members/{b_record.workspace_member_id}", headers=bearer(credential)
        )
        assert response.status_code == 404
        status, _ = gql(
            client, "mutation($id: String!) { deleteUserFromWorkspace(workspaceMemberIdToDelete: $id) { id } }",
            {"id": str(b_record.workspace_member_id)}, token=credential,
        )  # fmt: skip
        assert status == 404
        response = client.delete(f"/auth/invitations/{invitation.id}", headers=bearer(credential))
        assert response.status_code == 404
        response = post(client, f"/auth/invitations/{invitation.id}/resend", {}, token=credential)
        assert response.status_code == 404
        # and on B's host, A's credential is refused outright
        on_b = client.get("/auth/members", headers={**bearer(credential), "Host": ws_b.host})
        assert on_b.status_code == 403

    assert Membership.objects.filter(user=ws_b.admin, workspace=ws_b.workspace).exists()
    assert any(m.user == ws_b.admin for m in list_members(ws_b.workspace))
    invitation.refresh_from_db()
    assert invitation.revoked_at is None
    Invitation.objects.filter(pk=invitation.pk).delete()


def test_revoking_a_link_in_a_leaves_b_link_working(
    client: Client, ws_a: SeededWorkspace, ws_b: SeededWorkspace
) -> None:
    b_link = post(client, "/auth/invite-link", {}, token=ws_b.access_token).json()
    assert client.delete("/auth/invite-link", headers=bearer(ws_a.access_token)).status_code == 200
    email = new_email("still")
    joined = post(
        client,
        "/auth/invite-link/join",
        {"token": b_link["token"], "password": STRONG, "email": email},
    )
    assert joined.status_code == 200
    assert joined.json()["workspace"]["id"] == str(ws_b.workspace.id)
    user = User.objects.get(email=email)
    assert not Membership.objects.filter(user=user, workspace=ws_a.workspace).exists()
    # tidy up B: the link and the member
    client.delete("/auth/invite-link", headers=bearer(ws_b.access_token))
    record = next(m for m in list_members(ws_b.workspace) if m.user == user)
    assert (
        client.delete(
            f"/auth/members/{record.workspace_member_id}", headers=bearer(ws_b.access_token)
        ).status_code
        == 200
    )
