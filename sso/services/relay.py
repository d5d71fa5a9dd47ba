"""RelayState: where the browser goes after signing in. Only our own hosts, never an open
redirect: checked when the sign-in starts and again when the response comes back (an
IdP-initiated response carries whatever RelayState its sender chose)."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings

from crm.errors import BadUserInput
from sso.services.saml import sp_base_url

MAX_LENGTH = 2048
_UNSAFE = re.compile(r"[\x00-\x20\x7f\\]")


class InvalidRelayState(BadUserInput):
    pass


def default_target() -> str:
    """FRONTEND_URL when the project sets one, else the public base URL."""
    frontend = str(getattr(settings, "FRONTEND_URL", "") or "").rstrip("/")
    return (frontend or sp_base_url()) + "/"


def _allowed_host(host: str) -> bool:
    base = str(settings.BASE_DOMAIN).lower()
    own = {base, urlsplit(sp_base_url()).hostname or "", urlsplit(default_target()).hostname or ""}
    return host in own or host.endswith("." + base)


def safe_target(relay_state: str | None) -> str:
    """The absolute URL to send the browser to; InvalidRelayState for anything off our domain."""
    if not relay_state:
        return default_target()
    refused = InvalidRelayState(
        "RelayState must be a path or an http(s) URL on this site's domain.", field="RelayState"
    )
    if len(relay_state) > MAX_LENGTH or _UNSAFE.search(relay_state):
        raise refused
    if relay_state.startswith("/") and not relay_state.startswith("//"):
        relay_state = default_target().rstrip("/") + relay_state
    parts = urlsplit(relay_state)
    if parts.scheme not in {"http", "https"} or "@" in parts.netloc or not parts.hostname:
        raise refused
    try:
        parts.port  # noqa: B018 - a malformed port raises here
    except ValueError:
        raise refused from None
    if not _allowed_host(parts.hostname.lower()):
        raise refused
    return relay_state


def with_login_token(target: str, login_token: str) -> str:
    parts = urlsplit(target)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "loginToken"]
    query.append(("loginToken", login_token))
    return urlunsplit(parts._replace(query=urlencode(query)))
