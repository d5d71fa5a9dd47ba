"""Helpers for the account tests: throttling counters cleared around every test, GraphQL calls
to /auth/graphql, fresh e-mail addresses."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from django.conf import settings
from django.test import Client

from workspaces.services.throttling import PREFIX


def clear_throttle_counters() -> None:
    """Delete every throttling counter in the test cache (only those: the Redis database is
    shared with Celery)."""
    client = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
    keys = list(client.scan_iter(match=f"*:{PREFIX}:*", count=1000))
    if keys:
        client.delete(*keys)


@pytest.fixture(autouse=True)
def _fresh_throttle_counters() -> Iterator[None]:
    clear_throttle_counters()
    yield
    clear_throttle_counters()


def new_email(prefix: str = "user") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}@example.test"


STRONG = "Tr1cky-Passphrase-77"


def post(
    client: Client,
    path: str,
    data: Any,
    token: str | None = None,
    remote_addr: str | None = None,
    **headers: str,
) -> Any:
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    if remote_addr:
        return client.post(
            path, data, content_type="application/json", headers=headers, REMOTE_ADDR=remote_addr
        )
    return client.post(path, data, content_type="application/json", headers=headers)


def gql(
    client: Client,
    query: str,
    variables: dict[str, Any] | None = None,
    token: str | None = None,
    **headers: str,
) -> tuple[int, dict[str, Any]]:
    response = post(
        client, "/auth/graphql", {"query": query, "variables": variables or {}}, token, **headers
    )
    return response.status_code, response.json()


def error_code(body: dict[str, Any]) -> str:
    return str(body["errors"][0]["extensions"]["code"])
