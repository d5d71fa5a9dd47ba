"""Failures of single sign-on, each with a stable code (see crm.errors)."""

from __future__ import annotations

from crm.errors import BadUserInput, Forbidden, NotFound, Unauthenticated


class InvalidProviderSettings(BadUserInput):
    """The identity-provider settings an operator entered are not usable."""


class SsoNotConfigured(NotFound):
    """The workspace has no enabled SAML identity provider."""


class SamlResponseRefused(Unauthenticated):
    """The SAML response failed validation (signature, time, audience, issuer, replay ...)."""


class SsoSignInRefused(Forbidden):
    """The response is valid, but this person may not sign in to this workspace."""


class InvalidLoginToken(Unauthenticated):
    """A one-time login token that is unknown, used, expired or for another workspace."""
