"""Signing in with SAML: a validated response becomes a member of the workspace (created on
first sign-in when the workspace allows it), then a one-time login token, then a token pair.

The workspace always comes from the URL the response was posted to, never from the response.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from crm.errors import WorkspaceSuspended
from sso.errors import InvalidLoginToken, SamlResponseRefused, SsoNotConfigured, SsoSignInRefused
from sso.models import ConsumedAssertion, LoginToken, SamlProvider
from sso.services import saml
from workspaces.models import Membership, MembershipRole, User, Workspace, normalize_email
from workspaces.services.api_keys import hash_secret
from workspaces.services.tokens import TokenPair, issue_tokens
from workspaces.services.users import get_or_create_user
from workspaces.services.workspaces import add_member

logger = logging.getLogger("sso")

# Where the email, first and last name are looked for when the configured name is missing.
EMAIL_ATTRIBUTES = (
    "email", "mail", "emailAddress", "Email",
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
    "urn:oid:0.9.2342.19200300.100.1.3",
)  # fmt: skip
FIRST_NAME_ATTRIBUTES = (
    "firstName", "givenName", "given_name", "FirstName",
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname", "urn:oid:2.5.4.42",
)  # fmt: skip
LAST_NAME_ATTRIBUTES = (
    "lastName", "surname", "sn", "family_name", "LastName",
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname", "urn:oid:2.5.4.4",
)  # fmt: skip
LOGIN_TOKEN_PREFIX = "sso_"


def enabled_provider(subdomain: str) -> SamlProvider:
    """The workspace's enabled IdP settings; SsoNotConfigured (404) otherwise."""
    provider = (
        SamlProvider.objects.select_related("workspace")
        .filter(workspace__subdomain=subdomain.strip().lower(), enabled=True)
        .first()
    )
    if provider is None:
        raise SsoNotConfigured("SAML single sign-on is not set up for this workspace.")
    return provider


def check_active(workspace: Workspace) -> None:
    if not workspace.is_active:
        raise WorkspaceSuspended("This workspace is suspended.")


def _first(attributes: dict[str, list[str]], names: tuple[str, ...]) -> str:
    for name in names:
        for value in attributes.get(name, []):
            if value.strip():
                return value.strip()
    return ""


def _is_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def identity_email(provider: SamlProvider, identity: saml.SamlIdentity) -> str:
    if provider.email_attribute:
        email = _first(identity.attributes, (provider.email_attribute,))
        where = f"the attribute {provider.email_attribute!r}"
    else:
        email = identity.name_id.strip()
        where = "the NameID"
        if not _is_email(email):
            email = _first(identity.attributes, EMAIL_ATTRIBUTES)
    email = normalize_email(email)
    if not _is_email(email):
        raise SsoSignInRefused(
            f"The identity provider sent no email address in {where}; ask your administrator "
            "to check the SAML attribute settings."
        )
    return email


def _consume(provider: SamlProvider, identity: saml.SamlIdentity) -> None:
    """Remember the assertion until it expires; SamlResponseRefused if it was used before."""
    now = timezone.now()
    ConsumedAssertion.objects.filter(expires_at__lt=now).delete()
    try:
        with transaction.atomic():
            ConsumedAssertion.objects.create(
                workspace=provider.workspace,
                assertion_id=identity.assertion_id,
                expires_at=identity.expires_at,
                consumed_at=now,
            )
    except IntegrityError:
        logger.warning(
            "SAML assertion %r replayed for workspace %s",
            identity.assertion_id,
            provider.workspace.subdomain,
        )
        raise SamlResponseRefused(
            "This SAML response was already used to sign in; sign in again."
        ) from None


def _member(provider: SamlProvider, identity: saml.SamlIdentity) -> User:
    """The member the identity stands for, created when the workspace allows it."""
    workspace = provider.workspace
    email = identity_email(provider, identity)
    domains = provider.email_domains
    if domains and email.rsplit("@", 1)[-1] not in domains:
        raise SsoSignInRefused(
            f"Emails of the domain {email.rsplit('@', 1)[-1]!r} may not sign in to this workspace."
        )
    user = User.objects.filter(email=email).first()
    if user is not None and not user.is_active:
        raise SsoSignInRefused("This user account is deactivated.")
    if user is not None and Membership.objects.filter(user=user, workspace=workspace).exists():
        return user
    if not provider.create_members:
        raise SsoSignInRefused(
            f"{email} is not a member of this workspace, and it does not create members on "
            "first sign-in; ask a workspace admin to invite you."
        )
    with transaction.atomic():
        if user is None:
            user = get_or_create_user(email, None)
            first = _first(
                identity.attributes, (provider.first_name_attribute, *FIRST_NAME_ATTRIBUTES)
            )
            last = _first(
                identity.attributes, (provider.last_name_attribute, *LAST_NAME_ATTRIBUTES)
            )
            if first or last:
                user.first_name, user.last_name = first[:150], last[:150]
                user.save(update_fields=["first_name", "last_name"])
        add_member(workspace, user, MembershipRole(provider.member_role))
    logger.info("SAML sign-in created member %s in workspace %s", email, workspace.subdomain)
    return user


@dataclass(frozen=True)
class SignedIn:
    workspace: Workspace
    user: User


def sign_in(subdomain: str, saml_response: str) -> SignedIn:
    """Validate the response posted to this workspace's ACS and return who signed in."""
    provider = enabled_provider(subdomain)
    check_active(provider.workspace)
    identity = saml.validate_response(provider, saml_response)
    _consume(provider, identity)
    return SignedIn(provider.workspace, _member(provider, identity))


def issue_login_token(workspace: Workspace, user: User) -> str:
    """A one-time token for the browser; lives SAML_LOGIN_TOKEN_SECONDS, stored hashed."""
    raw = LOGIN_TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    LoginToken.objects.create(
        workspace=workspace,
        user=user,
        token_hash=hash_secret(raw),
        created_at=now,
        expires_at=now + timedelta(seconds=settings.SAML_LOGIN_TOKEN_SECONDS),
    )
    return raw


def exchange_login_token(subdomain: str, raw: str) -> TokenPair:
    """The token pair for a login token issued by this workspace's ACS; once only."""
    refused = InvalidLoginToken("The login token is invalid, expired or already used.")
    digest = hash_secret(raw.strip())
    now = timezone.now()
    with transaction.atomic():
        token = (
            LoginToken.objects.select_for_update()
            .select_related("workspace", "user")
            .filter(token_hash=digest)
            .first()
        )
        if (
            token is None
            or token.workspace.subdomain != subdomain.strip().lower()
            or token.used_at is not None
            or token.expires_at <= now
        ):
            raise refused
        token.used_at = now
        token.save(update_fields=["used_at"])
    LoginToken.objects.filter(expires_at__lt=now - timedelta(days=1)).delete()
    check_active(token.workspace)
    if (
        not token.user.is_active
        or not Membership.objects.filter(user=token.user, workspace=token.workspace).exists()
    ):
        raise refused
    return issue_tokens(token.user, token.workspace)


def issue_tokens_for(signed_in: SignedIn) -> TokenPair:
    """The token pair straight away, for API clients that post the response themselves."""
    return issue_tokens(signed_in.user, signed_in.workspace)
