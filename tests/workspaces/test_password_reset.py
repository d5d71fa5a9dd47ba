"""Password reset by e-mail token over HTTP: the e-mail, the link's token, its single use,
its errors, and the sessions it ends."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from tests.conftest import unique_subdomain
from tests.workspaces.conftest import STRONG, error_code, gql, new_email, post
from workspaces.models import User
from workspaces.services.tokens import issue_tokens
from workspaces.services.workspaces import AdminAccount, create_workspace, delete_workspace

pytestmark = pytest.mark.django_db

ASK = "mutation($e: String!) { emailPasswordResetLink(email: $e) { success } }"
UPDATE = """mutation($t: String!, $p: String!) {
  updatePasswordViaResetToken(passwordResetToken: $t, newPassword: $p) { success } }"""
VALIDATE = "query($t: String!) { validatePasswordResetToken(passwordResetToken: $t) { id email } }"


def token_from(message: mail.EmailMessage) -> str:
    match = re.search(r"/reset-password/(\S+)", str(message.body))
    assert match is not None, message.body
    return match.group(1)


@pytest.fixture
def account() -> User:
    return User.objects.create_user(email=new_email("forgetful"), password=STRONG)


def test_the_reset_link_is_emailed_and_sets_a_new_password(client: Client, account: User) -> None:
    status, body = gql(client, ASK, {"e": account.email.upper()})
    assert status == 200 and body["data"]["emailPasswordResetLink"]["success"] is True
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [account.email]
    assert "http://localhost:3000/reset-password/" in message.body
    token = token_from(message)
    assert str(account.id) not in token  # the id is encoded, the token is not guessable

    status, body = gql(client, VALIDATE, {"t": token})
    assert body["data"]["validatePasswordResetToken"]["email"] == account.email

    status, body = gql(client, UPDATE, {"t": token, "p": "A-brand-new-Passw0rd"})
    assert status == 200 and body["data"]["updatePasswordViaResetToken"]["success"] is True
    account.refresh_from_db()
    assert account.check_password("A-brand-new-Passw0rd")
    assert not account.check_password(STRONG)

    # single use: the same token is refused now
    status, body = gql(client, UPDATE, {"t": token, "p": "Another-new-Passw0rd"})
    assert status == 400 and error_code(body) == "BAD_USER_INPUT"
    assert body["errors"][0]["extensions"]["field"] == "passwordResetToken"


def test_reset_over_rest(client: Client, account: User) -> None:
    response = post(client, "/auth/password-reset", {"email": account.email})
    assert response.status_code == 202
    token = token_from(mail.outbox[-1])
    weak = post(client, "/auth/password-reset/confirm", {"token": token, "password": "123"})
    assert weak.status_code == 400 and weak.json()["field"] == "newPassword"
    done = post(
        client, "/auth/password-reset/confirm", {"token": token, "password": "Fresh-Passw0rd-99"}
    )
    assert done.status_code == 200
    account.refresh_from_db()
    assert account.check_password("Fresh-Passw0rd-99")


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client: Client) -> None:
    status, body = gql(client, ASK, {"e": new_email("nobody")})
    assert status == 200 and body["data"]["emailPasswordResetLink"]["success"] is True
    assert mail.outbox == []
    status, body = gql(client, ASK, {"e": "not an email"})
    assert status == 400 and body["errors"][0]["extensions"]["field"] == "email"


@pytest.mark.parametrize("token", ["", "garbage", "abc.def", "MTIz.cz0abc-123"])
def test_bad_tokens_are_refused(client: Client, token: str) -> None:
    status, body = gql(client, UPDATE, {"t": token, "p": "Fresh-Passw0rd-99"})
    assert status == 400 and error_code(body) == "BAD_USER_INPUT"


def test_a_token_for_another_user_id_is_refused(client: Client, account: User) -> None:
    gql(client, ASK, {"e": account.email})
    token = token_from(mail.outbox[-1])
    other = User.objects.create_user(email=new_email("other"), password=STRONG)
    from django.utils.http import urlsafe_base64_encode

    forged = urlsafe_base64_encode(other.pk.bytes) + "." + token.split(".", 1)[1]
    status, _ = gql(client, UPDATE, {"t": forged, "p": "Fresh-Passw0rd-99"})
    assert status == 400
    other.refresh_from_db()
    assert other.check_password(STRONG)


def test_a_weak_new_password_keeps_the_old_one(client: Client, account: User) -> None:
    gql(client, ASK, {"e": account.email})
    token = token_from(mail.outbox[-1])
    status, body = gql(client, UPDATE, {"t": token, "p": "password"})
    assert status == 400 and body["errors"][0]["extensions"]["field"] == "newPassword"
    account.refresh_from_db()
    assert account.check_password(STRONG)


def test_a_reset_signs_the_user_out_everywhere(client: Client) -> None:
    email = new_email("reset")
    sub = unique_subdomain("reset")
    workspace = create_workspace(sub, "Reset", admin=AdminAccount(email=email, password=STRONG))
    try:
        user = User.objects.get(email=email)
        pair = issue_tokens(user, workspace)
        headers = {"Authorization": f"Bearer {pair.access}"}
        assert client.get("/auth/me", headers=headers).status_code == 200
        gql(client, ASK, {"e": email})
        token = token_from(mail.outbox[-1])
        assert gql(client, UPDATE, {"t": token, "p": "After-Reset-Passw0rd"})[0] == 200
        assert client.get("/auth/me", headers=headers).status_code == 401
        assert post(client, "/auth/token/refresh", {"refresh": pair.refresh}).status_code == 401
        signed = post(
            client,
            "/auth/sign-in",
            {"email": email, "password": "After-Reset-Passw0rd", "workspace": sub},
        )
        assert signed.status_code == 200
    finally:
        delete_workspace(workspace)


def test_reset_requests_are_throttled(client: Client, settings: object, account: User) -> None:
    limit = settings.THROTTLE_LIMITS["password_reset"]["account"][0]  # type: ignore[attr-defined]
    for _ in range(limit):
        assert gql(client, ASK, {"e": account.email})[0] == 200
    status, body = gql(client, ASK, {"e": account.email})
    assert status == 429 and error_code(body) == "TOO_MANY_REQUESTS"
    assert len(mail.outbox) == limit
    response = post(client, "/auth/password-reset", {"email": account.email})
    assert response.status_code == 429 and int(response["Retry-After"]) > 0


def test_a_mail_server_failure_is_a_clear_error(
    client: Client, account: User, settings: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    status, body = gql(client, ASK, {"e": account.email})
    assert status == 500
    assert body["errors"][0]["message"] == "The e-mail could not be sent; try again later."
    assert "127.0.0.1" not in str(body) and "Errno" not in str(body)
