"""SAML single sign-on, in the public schema: one identity provider per workspace, the
assertions already consumed (replay protection) and one-time login tokens."""

from __future__ import annotations

import re
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from crm.errors import ApiError
from workspaces.models import MembershipRole, User, Workspace

_DOMAIN_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def parse_email_domains(text: str) -> list[str]:
    """The domains of a comma-, space- or newline-separated list, lowercased; ValueError
    naming the first entry that is not a domain."""
    domains: list[str] = []
    for raw in re.split(r"[\s,;]+", text or ""):
        domain = raw.strip().lower().removeprefix("@")
        if not domain:
            continue
        if not _DOMAIN_RE.match(domain):
            raise ValueError(f"{raw!r} is not a domain name (write it like example.com).")
        if domain not in domains:
            domains.append(domain)
    return domains


class SamlProvider(models.Model):
    """A workspace's SAML 2.0 identity provider (IdP) and how its sign-ins become members."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.OneToOneField(
        Workspace, on_delete=models.CASCADE, related_name="saml_provider"
    )
    enabled = models.BooleanField(
        default=True, help_text="Untick to stop SAML sign-in without losing the settings."
    )
    idp_entity_id = models.CharField(
        "IdP entity id",
        max_length=1024,
        help_text="The identity provider's entity id (its Issuer), e.g. https://idp.example.com/saml.",
    )
    sso_url = models.URLField(
        "IdP sign-on URL",
        max_length=2048,
        help_text="Where users are sent to sign in (the HTTP-Redirect SingleSignOnService).",
    )
    slo_url = models.URLField(
        "IdP sign-out URL", max_length=2048, blank=True, help_text="Optional."
    )
    x509_certificate = models.TextField(
        "IdP signing certificate",
        help_text="The X.509 certificate the IdP signs with: PEM or bare base64.",
    )
    want_assertions_signed = models.BooleanField(
        "require signed assertions",
        default=True,
        help_text="Untick only if the IdP signs the whole Response but not the Assertion "
        "(a signature is always required).",
    )
    create_members = models.BooleanField(
        "create members on first sign-in",
        default=False,
        help_text="Make anyone the IdP vouches for a member on their first sign-in. Otherwise "
        "only existing members may sign in.",
    )
    member_role = models.CharField(
        "role of created members",
        max_length=16,
        choices=MembershipRole.choices,
        default=MembershipRole.MEMBER,
    )
    allowed_email_domains = models.TextField(
        blank=True,
        help_text="Optional: only emails of these domains may sign in (comma-separated, e.g. "
        "example.com, example.org). Empty: any.",
    )
    email_attribute = models.CharField(
        max_length=255,
        blank=True,
        help_text="The attribute holding the email. Empty: the NameID is the email.",
    )
    first_name_attribute = models.CharField(max_length=255, blank=True, default="firstName")
    last_name_attribute = models.CharField(max_length=255, blank=True, default="lastName")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "SAML identity provider"
        ordering = ["workspace__subdomain"]

    def __str__(self) -> str:
        return f"SAML for {self.workspace.subdomain}"

    def clean(self) -> None:
        from sso.services.certificates import parse_certificate

        super().clean()
        errors: dict[str, Any] = {}
        self.idp_entity_id = (self.idp_entity_id or "").strip()
        if not self.idp_entity_id:
            errors["idp_entity_id"] = "The identity provider's entity id is required."
        if self.x509_certificate:
            try:
                self.x509_certificate = parse_certificate(self.x509_certificate).pem
            except ApiError as error:
                errors["x509_certificate"] = error.message
        try:
            self.allowed_email_domains = ", ".join(parse_email_domains(self.allowed_email_domains))
        except ValueError as error:
            errors["allowed_email_domains"] = str(error)
        if errors:
            raise ValidationError(errors)

    @property
    def email_domains(self) -> list[str]:
        return parse_email_domains(self.allowed_email_domains)


class ConsumedAssertion(models.Model):
    """An assertion already used to sign in, kept until it expires so that it is never
    accepted twice."""

    id = models.BigAutoField(primary_key=True)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    assertion_id = models.CharField(max_length=256)
    expires_at = models.DateTimeField(db_index=True)
    consumed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "assertion_id"], name="sso_consumed_assertion_unique"
            )
        ]

    def __str__(self) -> str:
        return f"assertion {self.assertion_id}"


class LoginToken(models.Model):
    """A one-time, short-lived token the ACS hands to the browser; exchanged for a token pair.
    Only its SHA-256 is stored."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"login token of {self.user_id} for {self.workspace_id}"
