"""Users: the people who sign in (shared across workspaces)."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from crm.errors import BadUserInput
from workspaces.models import User, normalize_email


def get_or_create_user(email: str, password: str | None) -> User:
    """Return the user with this email, creating it (with `password`) when there is none.

    An existing user's password is never changed here.
    """
    email = normalize_email(email)
    try:
        validate_email(email)
    except ValidationError:
        raise BadUserInput(f"{email!r} is not a valid email address.", field="email") from None
    existing = User.objects.filter(email=email).first()
    if existing is not None:
        return existing
    if password:
        try:
            validate_password(password, user=User(email=email))
        except ValidationError as exc:
            raise BadUserInput(" ".join(exc.messages), field="password") from None
    return User.objects.create_user(email=email, password=password or None)
