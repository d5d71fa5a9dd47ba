"""REST tests: requests over the Django test client inside the test's transaction (metadata
changes roll back), plus a real server for schemathesis and the browser."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from metadata import snapshot
from tests.browser.conftest import page, server_url
from tests.conftest import SeededWorkspace

__all__ = ["page", "server_url"]


class Rest:
    def __init__(self, client: Client, workspace: SeededWorkspace) -> None:
        self.client = client
        self.workspace = workspace

    def call(self, method: str, path: str, body: Any = None, *, token: str | None = None,
             host: str | None = None, raw: bytes | None = None) -> tuple[int, Any]:  # fmt: skip
        headers: dict[str, str] = {}
        if token != "":
            headers["Authorization"] = f"Bearer {token or self.workspace.api_key}"
        if host:
            headers["Host"] = host
        data: Any = raw if raw is not None else body
        kwargs: dict[str, Any] = {"headers": headers}
        if data is not None or method in ("post", "patch", "put"):
            kwargs["data"] = data if data is not None else b""
            kwargs["content_type"] = "application/json"
        response = getattr(self.client, method)(path, **kwargs)
        content_type = response.get("Content-Type", "")
        payload = response.json() if content_type.startswith("application/json") else None
        return response.status_code, payload

    def get(self, path: str, **kw: Any) -> tuple[int, Any]:
        return self.call("get", path, **kw)

    def post(self, path: str, body: Any = None, **kw: Any) -> tuple[int, Any]:
        return self.call("post", path, body, **kw)

    def patch(self, path: str, body: Any = None, **kw: Any) -> tuple[int, Any]:
        return self.call("patch", path, body, **kw)

    def delete(self, path: str, **kw: Any) -> tuple[int, Any]:
        return self.call("delete", path, **kw)


@pytest.fixture(autouse=True)
def fresh_snapshots() -> Iterator[None]:
    """Metadata changes roll back with each test, and a metadata version number can come back
    with other content: start each test without remembered snapshots."""
    snapshot._cache.clear()
    yield
    snapshot._cache.clear()


@pytest.fixture
def rest(db: Any, client: Client, ws_a: SeededWorkspace) -> Rest:
    return Rest(client, ws_a)


@pytest.fixture
def rest_b(db: Any, client: Client, ws_b: SeededWorkspace) -> Rest:
    return Rest(client, ws_b)


def assert_error(status: int, body: Any, expected_status: int, code: str,
                 field: str | None = None) -> None:  # fmt: skip
    assert status == expected_status, body
    assert body["statusCode"] == expected_status and body["code"] == code, body
    assert body["message"] and body["messages"] == [body["message"]], body
    if field is not None:
        assert body.get("field") == field, body
