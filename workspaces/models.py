"""The shared (public schema) side of tenancy: workspaces, their domains, users and API keys."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django_tenants.models import DomainMixin, TenantMixin


class WorkspaceStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"


class Workspace(TenantMixin):
    """A tenant: one PostgreSQL schema holding the workspace's metadata and records."""

    id: models.UUIDField[uuid.UUID, uuid.UUID] = models.UUIDField(
        primary_key=True, default=uuid.uuid4, editable=False
    )
    name: models.CharField[str, str] = models.CharField(max_length=200)
    subdomain: models.CharField[str, str] = models.CharField(max_length=63, unique=True)
    status: models.CharField[str, str] = models.CharField(
        max_length=16, choices=WorkspaceStatus.choices, default=WorkspaceStatus.ACTIVE
    )
    # Bumped by every metadata change; caches of generated schemas are keyed on it.
    metadata_version: models.PositiveBigIntegerField[int, int] = models.PositiveBigIntegerField(
        default=1
    )
    created_at: models.DateTimeField[datetime, datetime] = models.DateTimeField(
        default=timezone.now, editable=False
    )

    # Creation and deletion go through workspaces.services.workspaces, which clones the
    # template schema inside the same transaction as the row; never as a save() side effect.
    auto_create_schema = False
    auto_drop_schema = False

    class Meta:
        ordering = ["subdomain"]

    def __str__(self) -> str:
        return f"{self.name} ({self.subdomain})"

    @property
    def is_active(self) -> bool:
        return self.status == WorkspaceStatus.ACTIVE


class Domain(DomainMixin):
    """A host name that resolves to a workspace (its subdomain, or a custom domain)."""

    def __str__(self) -> str:
        return str(self.domain)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email=normalize_email(username or ""))


def normalize_email(email: str) -> str:
    # Emails are the login; compare them case-insensitively by storing them lowercased.
    return email.strip().lower()


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in. Email is the login; passwords are hashed with argon2."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(unique=True)
    first_name = models.CharField(max_length=150, blank=True)
    last_name = models.CharField(max_length=150, blank=True)
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return str(self.email)

    def clean(self) -> None:
        super().clean()
        self.email = normalize_email(self.email)


class MembershipRole(models.TextChoices):
    ADMIN = "admin", "Admin"
    MEMBER = "member", "Member"


class Membership(models.Model):
    """A user's membership of a workspace."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(
        max_length=16, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "workspace"], name="membership_unique")
        ]
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.user} in {self.workspace.subdomain}"


class ApiKey(models.Model):
    """A workspace API key. The secret is shown once at creation; only its hash is kept."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=200)
    secret_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.name} ({self.workspace.subdomain})"

    def is_usable(self, now: Any = None) -> bool:
        now = now or timezone.now()
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > now


class TokenFamily(models.Model):
    """One sign-in: every refresh token rotated from it, and their access tokens, carry its id.

    Presenting a refresh token that was already rotated revokes the family (a stolen token
    was used); signing out revokes it too. Access tokens are checked against it on each use.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="token_families")
    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="token_families"
    )
    # The jti of the one refresh token of the family that may still be used.
    current_jti = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    rotated_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_reason = models.CharField(max_length=32, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "token families"
        indexes = [models.Index(fields=["user", "workspace"], name="token_family_user_ws")]

    def __str__(self) -> str:
        return f"{self.user} in {self.workspace.subdomain} ({self.created_at:%Y-%m-%d %H:%M})"


class InvitationKind(models.TextChoices):
    PERSONAL = "personal", "Personal (sent to one e-mail address)"
    LINK = "link", "Public invite link"


class Invitation(models.Model):
    """An invitation to one workspace. The token is shown once (in the e-mail or to the admin
    who made the link) and only its hash is kept. Personal invitations are single-use."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="invitations")
    kind = models.CharField(max_length=16, choices=InvitationKind.choices)
    email = models.EmailField(blank=True)  # empty for a public link
    role = models.CharField(
        max_length=16, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True, editable=False)
    accepted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["workspace", "kind"], name="invitation_ws_kind")]

    def __str__(self) -> str:
        return f"{self.email or 'link'} to {self.workspace.subdomain}"

    def is_usable(self, now: Any = None) -> bool:
        now = now or timezone.now()
        if self.revoked_at is not None or self.accepted_at is not None:
            return False
        return self.expires_at is None or self.expires_at > now
