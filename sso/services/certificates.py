"""The identity provider's signing certificate: accepted as PEM or bare base64, kept as PEM."""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes

from sso.errors import InvalidProviderSettings

_PEM_RE = re.compile(
    r"-----BEGIN CERTIFICATE-----(?P<body>[A-Za-z0-9+/=\s]+)-----END CERTIFICATE-----"
)
_FIELD = "x509Certificate"


@dataclass(frozen=True)
class CertificateInfo:
    pem: str
    subject: str
    not_valid_after: datetime
    sha256_fingerprint: str


def _der(text: str) -> bytes:
    text = text.strip()
    if not text:
        raise InvalidProviderSettings("Paste the identity provider's certificate.", field=_FIELD)
    blocks = _PEM_RE.findall(text)
    if len(blocks) > 1:
        raise InvalidProviderSettings(
            "Paste exactly one certificate (the identity provider's signing certificate).",
            field=_FIELD,
        )
    body = blocks[0] if blocks else text
    if "-----" in body or (not blocks and "-----" in text):
        raise InvalidProviderSettings(
            "This is not an X.509 certificate: paste the PEM text "
            "(-----BEGIN CERTIFICATE----- ...) or its bare base64 content.",
            field=_FIELD,
        )
    try:
        return base64.b64decode("".join(body.split()), validate=True)
    except (binascii.Error, ValueError):
        raise InvalidProviderSettings(
            "The certificate is not valid base64: paste it as PEM or as bare base64.",
            field=_FIELD,
        ) from None


def parse_certificate(text: str) -> CertificateInfo:
    """The certificate in `text` (PEM or bare base64), or InvalidProviderSettings."""
    der = _der(text)
    try:
        cert = x509.load_der_x509_certificate(der)
    except ValueError:
        raise InvalidProviderSettings(
            "This is not a readable X.509 certificate: copy the signing certificate from the "
            "identity provider's metadata or settings page.",
            field=_FIELD,
        ) from None
    encoded = base64.b64encode(der).decode()
    lines = [encoded[i : i + 64] for i in range(0, len(encoded), 64)]
    pem = "-----BEGIN CERTIFICATE-----\n" + "\n".join(lines) + "\n-----END CERTIFICATE-----\n"
    fingerprint = cert.fingerprint(hashes.SHA256()).hex(":").upper()
    return CertificateInfo(
        pem=pem,
        subject=cert.subject.rfc4514_string(),
        not_valid_after=cert.not_valid_after_utc,
        sha256_fingerprint=fingerprint,
    )
