"""REST API tests: real HTTP through Django's test client against the seeded workspaces, inside
the test's transaction (records and metadata changes roll back after each test)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import orjson
import pytest
from django.test import Client

from tests.conftest import SeededWorkspace
from tests.records.conftest import Api, api, api_b

__all__ = ["Rest", "api", "api_b", "rest", "rest_b"]


class Rest:
    def __init__(self, client: Client, workspace: SeededWorkspace) -> None:
        self.client = client
        self.workspace = workspace

    def call(self, method: str, path: str, body: Any = None, *, token: str | None = None,
             host: str | None = None, raw: bytes | None = None,
             headers: dict[str, str] | None = None, **query: Any) -> tuple[int, Any]:  # fmt: skip
        sent = {"Authorization": f"Bearer {token or self.workspace.api_key}", **(headers or {})}
        if token == "":
            del sent["Authorization"]
        if host:
            sent["Host"] = host
        if query:
            path += "?" + urlencode({k: v for k, v in query.items() if v is not None})
        data = raw if raw is not None else (orjson.dumps(body) if body is not None else b"")
        response = self.client.generic(
            method, path, data, content_type="application/json", headers=sent
        )
        assert response["Content-Type"] == "application/json", response.content[:200]
        return response.status_code, orjson.loads(response.content)

    def ok(self, method: str, path: str, body: Any = None, *, status: int = 200,
           **query: Any) -> Any:  # fmt: skip
        got, answer = self.call(method, path, body, **query)
        assert got == status, answer
        return answer

    def error(self, method: str, path: str, body: Any = None, *, status: int,
              **query: Any) -> dict[str, Any]:  # fmt: skip
        got, answer = self.call(method, path, body, **query)
        assert got == status, answer
        assert answer["statusCode"] == status and answer["code"] == answer["error"], answer
        assert answer["messages"] == [answer["message"]]
        return dict(answer)

    def create(self, plural: str, record: dict[str, Any], **query: Any) -> dict[str, Any]:
        answer = self.ok("POST", f"/rest/{plural}", record, status=201, **query)
        (created,) = answer["data"].values()
        return dict(created)

    def batch(self, plural: str, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        answer = self.ok("POST", f"/rest/batch/{plural}", records, status=201)
        (created,) = answer["data"].values()
        return list(created)

    def list(self, plural: str, **query: Any) -> dict[str, Any]:
        return dict(self.ok("GET", f"/rest/{plural}", **query))


@pytest.fixture
def rest(api: Api) -> Rest:
    return Rest(api.client, api.workspace)


@pytest.fixture
def rest_b(api_b: Api) -> Rest:
    return Rest(api_b.client, api_b.workspace)
