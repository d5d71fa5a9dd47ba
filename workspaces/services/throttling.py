"""Counters of failed attempts (sign-in, password-reset requests ...) per account and per client
address, kept in Redis through Django's cache framework.

A counter starts at the first failure and expires `window` seconds later (the Retry-After is
the time left). While a counter is at its limit every attempt is refused before credentials are
checked, so guessing stops even with the right password.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from workspaces.errors import TooManyRequests

PREFIX = "throttle"


@dataclass(frozen=True)
class Rule:
    scope: str  # "sign_in", "password_reset" ...
    kind: str  # "account" or "address"
    limit: int
    window: int  # seconds


def rule(scope: str, kind: str) -> Rule:
    limits: dict[str, tuple[int, int]] = settings.THROTTLE_LIMITS[scope]
    limit, window = limits[kind]
    return Rule(scope, kind, limit, window)


def client_address(request: HttpRequest) -> str:
    """The address the request came from (REMOTE_ADDR: the proxy in front must set it)."""
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def _key(rule: Rule, identity: str) -> str:
    digest = hashlib.sha256(identity.strip().lower().encode()).hexdigest()[:32]
    return f"{PREFIX}:{rule.scope}:{rule.kind}:{digest}"


def _retry_after(key: str) -> int:
    reset_at = cache.get(f"{key}:reset")
    if reset_at is None:
        return 1
    return max(1, math.ceil(float(reset_at) - time.time()))


def check(rule: Rule, identity: str, message: str) -> None:
    """Raise TooManyRequests (with the seconds to wait) when the counter is at its limit."""
    key = _key(rule, identity)
    count = cache.get(key)
    if count is not None and int(count) >= rule.limit:
        raise TooManyRequests(message, retry_after=_retry_after(key))


def hit(rule: Rule, identity: str) -> int:
    """Count one failure; the counter's window starts with its first failure."""
    key = _key(rule, identity)
    if cache.add(key, 1, timeout=rule.window):
        cache.set(f"{key}:reset", time.time() + rule.window, timeout=rule.window)
        return 1
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=rule.window)
        cache.set(f"{key}:reset", time.time() + rule.window, timeout=rule.window)
        return 1


def reset(rule: Rule, identity: str) -> None:
    key = _key(rule, identity)
    cache.delete_many([key, f"{key}:reset"])


@dataclass(frozen=True)
class Attempt:
    """One guarded attempt, by an account (email) from an address."""

    scope: str
    email: str
    address: str
    message: str

    def check(self) -> None:
        check(rule(self.scope, "account"), self.email, self.message)
        check(rule(self.scope, "address"), self.address, self.message)

    def failed(self) -> None:
        hit(rule(self.scope, "account"), self.email)
        hit(rule(self.scope, "address"), self.address)

    def succeeded(self) -> None:
        reset(rule(self.scope, "account"), self.email)
