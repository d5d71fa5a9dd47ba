"""Workspace API keys: created with a secret shown once, stored as a hash, revocable."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from workspaces.errors import InvalidApiKeyInput
from workspaces.models import ApiKey, Workspace

KEY_PREFIX = "crm_"


@dataclass(frozen=True)
class IssuedApiKey:
    api_key: ApiKey
    secret: str  # the whole key, as the caller sends it; never stored


def hash_secret(secret: str) -> str:
    # The secret is 256 random bits, so a fast hash is enough: no dictionary can guess it,
    # and checking a key on every request must stay cheap.
    return hashlib.sha256(secret.encode()).hexdigest()


def expiry_in_days(days: int | None) -> datetime | None:
    if days is None:
        return None
    if days <= 0:
        raise InvalidApiKeyInput("The expiry must be a positive number of days.", field="expiresAt")
    return timezone.now() + timedelta(days=days)


def create_api_key(
    workspace: Workspace, name: str, *, expires_at: datetime | None = None
) -> IssuedApiKey:
    name = name.strip()
    if not name:
        raise InvalidApiKeyInput("An API key needs a name.", field="name")
    if expires_at is not None and expires_at <= timezone.now():
        raise InvalidApiKeyInput("The expiry must be in the future.", field="expiresAt")
    key_id = uuid.uuid4()
    secret = secrets.token_urlsafe(32)
    api_key = ApiKey.objects.create(
        id=key_id,
        workspace=workspace,
        name=name,
        secret_hash=hash_secret(secret),
        expires_at=expires_at,
    )
    return IssuedApiKey(api_key=api_key, secret=f"{KEY_PREFIX}{key_id.hex}_{secret}")


def revoke_api_key(api_key: ApiKey) -> None:
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])


def looks_like_api_key(raw: str) -> bool:
    return raw.startswith(KEY_PREFIX)


def parse_key(raw: str) -> tuple[uuid.UUID, str] | None:
    """The (key id, secret) that `raw` is made of; None when it is not shaped like a key."""
    body = raw.removeprefix(KEY_PREFIX)
    key_hex, sep, secret = body.partition("_")
    if not sep or len(key_hex) != 32:
        return None
    try:
        return uuid.UUID(hex=key_hex), secret
    except ValueError:
        return None


def accepts(api_key: ApiKey | None, secret: str) -> bool:
    """Whether `api_key` exists, `secret` is its secret, and it is usable now."""
    if api_key is None or not hmac.compare_digest(api_key.secret_hash, hash_secret(secret)):
        return False
    return api_key.is_usable()


def find_api_key(raw: str) -> ApiKey | None:
    """The usable key that `raw` is, with its workspace; None for anything else."""
    parsed = parse_key(raw)
    if parsed is None:
        return None
    key_id, secret = parsed
    api_key = ApiKey.objects.select_related("workspace").filter(id=key_id).first()
    return api_key if accepts(api_key, secret) else None
