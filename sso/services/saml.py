"""python3-saml, per workspace: its settings, the SP metadata, the AuthnRequest redirect and
the validation of a SAML Response (strict mode, plus the checks python3-saml leaves optional).

Our SP side is derived from SAML_SP_BASE_URL and the workspace's subdomain, never from the
request's Host header or from the response itself:
entity id `<base>/auth/saml/<subdomain>/metadata`, ACS `<base>/auth/saml/<subdomain>/acs`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from onelogin.saml2.auth import OneLogin_Saml2_Auth
from onelogin.saml2.constants import OneLogin_Saml2_Constants as Constants
from onelogin.saml2.errors import OneLogin_Saml2_ValidationError as ValidationError
from onelogin.saml2.response import OneLogin_Saml2_Response
from onelogin.saml2.settings import OneLogin_Saml2_Settings
from onelogin.saml2.utils import OneLogin_Saml2_Utils
from onelogin.saml2.xml_utils import OneLogin_Saml2_XML

from sso.errors import SamlResponseRefused
from sso.models import SamlProvider

logger = logging.getLogger("sso")


def sp_base_url() -> str:
    return str(settings.SAML_SP_BASE_URL).rstrip("/")


def sp_entity_id(subdomain: str) -> str:
    return f"{sp_base_url()}/auth/saml/{subdomain}/metadata"


def acs_url(subdomain: str) -> str:
    return f"{sp_base_url()}/auth/saml/{subdomain}/acs"


def _sp_settings(subdomain: str) -> dict[str, Any]:
    return {
        "entityId": sp_entity_id(subdomain),
        "assertionConsumerService": {"url": acs_url(subdomain), "binding": Constants.BINDING_HTTP_POST},
        "NameIDFormat": Constants.NAMEID_UNSPECIFIED,
        "x509cert": "",
        "privateKey": "",
    }  # fmt: skip


def _security(provider: SamlProvider | None) -> dict[str, Any]:
    return {
        "wantAssertionsSigned": provider.want_assertions_signed if provider else True,
        "wantMessagesSigned": False,
        "authnRequestsSigned": False,
        "logoutRequestSigned": False,
        "logoutResponseSigned": False,
        "signMetadata": False,
        "wantNameId": True,
        "wantAttributeStatement": False,
        "wantAssertionsEncrypted": False,
        "wantNameIdEncrypted": False,
        "requestedAuthnContext": False,
        "rejectDeprecatedAlgorithm": True,
        "rejectUnsolicitedResponsesWithInResponseTo": False,
    }


def saml_settings(provider: SamlProvider) -> OneLogin_Saml2_Settings:
    subdomain = provider.workspace.subdomain
    idp: dict[str, Any] = {
        "entityId": provider.idp_entity_id,
        "singleSignOnService": {"url": provider.sso_url, "binding": Constants.BINDING_HTTP_REDIRECT},
        "x509cert": provider.x509_certificate,
    }  # fmt: skip
    if provider.slo_url:
        idp["singleLogoutService"] = {
            "url": provider.slo_url,
            "binding": Constants.BINDING_HTTP_REDIRECT,
        }
    return OneLogin_Saml2_Settings(
        {
            "strict": True,
            "debug": False,
            "sp": _sp_settings(subdomain),
            "idp": idp,
            "security": _security(provider),
        }
    )


def sp_metadata(provider: SamlProvider) -> str:
    """Our SP metadata XML for the workspace (validated by python3-saml before it is served)."""
    sp_only = OneLogin_Saml2_Settings(
        {"strict": True, "sp": _sp_settings(provider.workspace.subdomain), "security": _security(provider)},
        sp_validation_only=True,
    )  # fmt: skip
    metadata = sp_only.get_sp_metadata()
    errors = sp_only.validate_metadata(metadata)
    if errors:  # our own settings are wrong: a bug, not the caller's fault
        raise RuntimeError(f"SP metadata is invalid: {errors}")
    return metadata.decode() if isinstance(metadata, bytes) else str(metadata)


def _request_data(subdomain: str, post: dict[str, str] | None = None) -> dict[str, Any]:
    """The request as python3-saml wants it, built from our ACS URL (not the Host header), so
    Destination and Recipient are compared with the URL the IdP was told to post to."""
    url = urlsplit(acs_url(subdomain))
    return {
        "https": "on" if url.scheme == "https" else "off",
        "http_host": url.netloc,
        "script_name": url.path,
        "get_data": {},
        "post_data": post or {},
    }


def login_redirect_url(provider: SamlProvider, relay_state: str) -> str:
    """The IdP's sign-on URL with a deflated AuthnRequest and RelayState (HTTP-Redirect)."""
    auth = OneLogin_Saml2_Auth(
        _request_data(provider.workspace.subdomain), old_settings=saml_settings(provider)
    )
    return str(auth.login(return_to=relay_state))


@dataclass(frozen=True)
class SamlIdentity:
    """What a valid SAML response vouches for."""

    assertion_id: str
    expires_at: datetime
    name_id: str
    attributes: dict[str, list[str]] = field(default_factory=dict)


# What a person is told for each kind of python3-saml refusal; the exact reason is logged.
_REASONS: list[tuple[set[int], str]] = [
    (
        {
            ValidationError.INVALID_SIGNATURE,
            ValidationError.NO_SIGNATURE_FOUND,
            ValidationError.NO_SIGNED_ASSERTION,
            ValidationError.NO_SIGNED_MESSAGE,
            ValidationError.WRONG_SIGNED_ELEMENT,
            ValidationError.ID_NOT_FOUND_IN_SIGNED_ELEMENT,
            ValidationError.DUPLICATED_ID_IN_SIGNED_ELEMENTS,
            ValidationError.INVALID_SIGNED_ELEMENT,
            ValidationError.DUPLICATED_REFERENCE_IN_SIGNED_ELEMENTS,
            ValidationError.UNEXPECTED_SIGNED_ELEMENTS,
            ValidationError.WRONG_NUMBER_OF_SIGNATURES_IN_RESPONSE,
            ValidationError.WRONG_NUMBER_OF_SIGNATURES_IN_ASSERTION,
            ValidationError.WRONG_NUMBER_OF_SIGNATURES,
            ValidationError.DEPRECATED_SIGNATURE_METHOD,
            ValidationError.DEPRECATED_DIGEST_METHOD,
        },
        "The SAML response is not signed, or its signature does not match the identity "
        "provider's certificate configured for this workspace.",
    ),
    (
        {
            ValidationError.ASSERTION_EXPIRED,
            ValidationError.ASSERTION_TOO_EARLY,
            ValidationError.SESSION_EXPIRED,
            ValidationError.RESPONSE_EXPIRED,
            ValidationError.WRONG_SUBJECTCONFIRMATION,
        },
        "The SAML response has expired or is not valid yet (or is not addressed to this "
        "workspace's sign-in URL). Sign in again; if it persists, check the clocks.",
    ),
    (
        {ValidationError.WRONG_AUDIENCE},
        "The SAML response was made for another service provider (audience); it is not for "
        "this workspace.",
    ),
    (
        {ValidationError.WRONG_DESTINATION, ValidationError.EMPTY_DESTINATION},
        "The SAML response was sent to another address than this workspace's sign-in URL.",
    ),
    (
        {
            ValidationError.WRONG_ISSUER,
            ValidationError.ISSUER_MULTIPLE_IN_RESPONSE,
            ValidationError.ISSUER_NOT_FOUND_IN_ASSERTION,
        },
        "The SAML response comes from another identity provider than the one configured for "
        "this workspace.",
    ),
    (
        {ValidationError.STATUS_CODE_IS_NOT_SUCCESS},
        "The identity provider did not sign you in.",
    ),
]
_GENERIC = "The SAML response is not valid for this workspace."


def _refusal(subdomain: str, reason: str, code: int | None) -> SamlResponseRefused:
    logger.warning("SAML response refused for workspace %s: %s", subdomain, reason)
    for codes, message in _REASONS:
        if code in codes:
            return SamlResponseRefused(message)
    return SamlResponseRefused(_GENERIC)


def _expiry(response: OneLogin_Saml2_Response) -> datetime | None:
    """The last moment the assertion could be accepted (Conditions and SubjectConfirmation
    NotOnOrAfter, with python3-saml's clock drift), or None when it carries no expiry."""
    moments: list[float] = []
    for node in OneLogin_Saml2_XML.query(
        response.document, "/samlp:Response/saml:Assertion/saml:Conditions[@NotOnOrAfter]"
    ):
        moments.append(
            OneLogin_Saml2_Utils.parse_SAML_to_time(node.get("NotOnOrAfter"))
            + Constants.ALLOWED_CLOCK_DRIFT
        )
    scd = response.get_assertion_not_on_or_after()
    if scd:
        moments.append(scd)
    if not moments:
        return None
    return datetime.fromtimestamp(max(moments), tz=UTC) + timedelta(seconds=1)


def validate_response(provider: SamlProvider, saml_response: str) -> SamlIdentity:
    """Validate a base64 SAMLResponse against the workspace's IdP; SamlResponseRefused if
    anything is wrong. Does not check replays (see sso.services.signin)."""
    subdomain = provider.workspace.subdomain
    request_data = _request_data(subdomain, {"SAMLResponse": saml_response})
    try:
        response = OneLogin_Saml2_Response(saml_settings(provider), saml_response)
        response.is_valid(request_data, raise_exceptions=True)
    except ValidationError as error:
        raise _refusal(subdomain, str(error), error.code) from None
    except Exception as error:  # malformed base64 or XML, or an error inside xmlsec
        raise _refusal(subdomain, f"unreadable response: {error!r}", None) from None

    # python3-saml accepts an assertion without an AudienceRestriction; we do not.
    audiences = response.get_audiences()
    if sp_entity_id(subdomain) not in audiences:
        raise _refusal(
            subdomain, f"audience {audiences!r} lacks our entity id", ValidationError.WRONG_AUDIENCE
        )
    # Without an expiry, a consumed assertion could not be remembered for as long as it lives.
    expires_at = _expiry(response)
    if expires_at is None:
        raise _refusal(subdomain, "the assertion has no NotOnOrAfter", None)
    assertion_id = response.get_assertion_id()
    if not assertion_id:
        raise _refusal(subdomain, "the assertion has no ID", None)
    return SamlIdentity(
        assertion_id=str(assertion_id),
        expires_at=expires_at,
        name_id=str(response.get_nameid() or ""),
        attributes={str(k): [str(v) for v in vs] for k, vs in response.get_attributes().items()},
    )
