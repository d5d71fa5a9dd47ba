"""Password reset by e-mail: a link with a token from Django's PasswordResetTokenGenerator.

The token is `<user id, base64>.<token>`; it expires after PASSWORD_RESET_TIMEOUT and is
single-use by construction (it is bound to the password hash, which the reset changes).
Asking never tells whether the address has an account. A reset signs the user out everywhere.
"""

from __future__ import annotations

import uuid

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db import transaction
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from workspaces.errors import PasswordResetInvalid
from workspaces.models import User
from workspaces.services import emails, throttling, tokens
from workspaces.services.users import check_password, valid_email

generator = PasswordResetTokenGenerator()
THROTTLED = "Too many password reset requests. Wait a little, then try again."
INVALID = "The password reset link is invalid, expired or already used."


def make_token(user: User) -> str:
    return f"{urlsafe_base64_encode(user.pk.bytes)}.{generator.make_token(user)}"


def request_reset(email: str, *, address: str) -> None:
    """E-mail a reset link when the address has an active account; the same answer otherwise."""
    email = valid_email(email)
    attempt = throttling.Attempt("password_reset", email, address, THROTTLED)
    attempt.check()
    attempt.failed()  # every request counts: it sends an e-mail
    user = User.objects.filter(email=email, is_active=True).first()
    if user is None:
        return
    link = emails.frontend_link(f"reset-password/{make_token(user)}")
    emails.send(
        user.email,
        "Reset your password",
        "Someone (hopefully you) asked to reset the password of your account.\n\n"
        f"Choose a new password here: {link}\n\n"
        "The link works once and expires soon. If you did not ask for it, ignore this e-mail.",
    )


def user_for_token(token: str) -> User:
    uid, sep, value = (token or "").strip().partition(".")
    if not sep:
        raise PasswordResetInvalid(INVALID, field="passwordResetToken")
    try:
        user_id = uuid.UUID(bytes=urlsafe_base64_decode(uid))
    except (ValueError, TypeError):
        raise PasswordResetInvalid(INVALID, field="passwordResetToken") from None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not generator.check_token(user, force_str(value)):
        raise PasswordResetInvalid(INVALID, field="passwordResetToken")
    return user


def validate_token(token: str) -> str:
    """The email of the account a still-valid reset token is for (the form shows it)."""
    return user_for_token(token).email


def reset_password(token: str, new_password: str) -> User:
    """Set a new password (Django's validators) with a valid token; every sign-in is revoked."""
    user = user_for_token(token)
    check_password(new_password, user, field="newPassword")
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        tokens.revoke_user_families(user, reason="password_reset")
    throttling.reset(throttling.rule("sign_in", "account"), user.email)
    return user
