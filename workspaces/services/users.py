"""Users: the people who sign in (shared across workspaces)."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from crm.errors import BadUserInput
from workspaces.errors import UserAlreadyExists
from workspaces.models import User, normalize_email
from workspaces.services import members

NAME_MAX = 150


def valid_email(email: str) -> str:
    email = normalize_email(email)
    try:
        validate_email(email)
    except ValidationError:
        raise BadUserInput(f"{email!r} is not a valid email address.", field="email") from None
    return email


def check_password(password: str, user: User, field: str = "password") -> None:
    """Django's password validators (AUTH_PASSWORD_VALIDATORS), as one BadUserInput."""
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise BadUserInput(" ".join(exc.messages), field=field) from None


def _name(value: str, field: str) -> str:
    value = (value or "").strip()
    if len(value) > NAME_MAX:
        raise BadUserInput(f"{field} is longer than {NAME_MAX} characters.", field=field)
    return value


def get_or_create_user(email: str, password: str | None) -> User:
    """Return the user with this email, creating it (with `password`) when there is none.

    An existing user's password is never changed here.
    """
    email = valid_email(email)
    existing = User.objects.filter(email=email).first()
    if existing is not None:
        return existing
    if password:
        check_password(password, User(email=email))
    return User.objects.create_user(email=email, password=password or None)


def create_user(email: str, password: str, *, first_name: str = "", last_name: str = "") -> User:
    """A new user who signs in with `password` (which must pass the validators)."""
    email = valid_email(email)
    first_name, last_name = _name(first_name, "firstName"), _name(last_name, "lastName")
    if not password:
        raise BadUserInput("A password is required.", field="password")
    check_password(password, User(email=email, first_name=first_name, last_name=last_name))
    if User.objects.filter(email=email).exists():
        raise UserAlreadyExists(
            "An account with this email already exists; sign in instead.", field="email"
        )
    return User.objects.create_user(
        email=email, password=password, first_name=first_name, last_name=last_name
    )


def update_user(
    user: User,
    *,
    email: str | None = None,
    first_name: str | None = None,
    last_name: str | None = None,
) -> User:
    """Change a user's name or email; their workspaceMember records follow in the same
    transaction."""
    with transaction.atomic():
        if email is not None:
            email = valid_email(email)
            if User.objects.filter(email=email).exclude(pk=user.pk).exists():
                raise UserAlreadyExists("Another account has this email.", field="email")
            user.email = email
        if first_name is not None:
            user.first_name = _name(first_name, "firstName")
        if last_name is not None:
            user.last_name = _name(last_name, "lastName")
        user.save()
        members.update_member_records(user)
    return user
