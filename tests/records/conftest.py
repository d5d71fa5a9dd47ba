"""Workspace GraphQL tests: requests over the Django test client, inside the test's
transaction (records and metadata changes roll back after each test)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client

from tests.conftest import SeededWorkspace


class Api:
    def __init__(self, client: Client, workspace: SeededWorkspace) -> None:
        self.client = client
        self.workspace = workspace
        self.queries = 0

    def post(self, path: str, query: str, variables: dict[str, Any] | None = None,
             token: str | None = None, host: str | None = None) -> tuple[int, dict[str, Any]]:  # fmt: skip
        headers = {"Authorization": f"Bearer {token or self.workspace.api_key}"}
        if host:
            headers["Host"] = host
        response = self.client.post(
            path, {"query": query, "variables": variables or {}},
            content_type="application/json", headers=headers,
        )  # fmt: skip
        return response.status_code, response.json()

    def gql(self, query: str, variables: dict[str, Any] | None = None, **kw: Any) -> dict[str, Any]:
        """The data of a successful operation (fails the test on any error)."""
        status, body = self.post("/graphql", query, variables, **kw)
        assert status == 200 and "errors" not in body, body
        return dict(body["data"])

    def errors(
        self, query: str, variables: dict[str, Any] | None = None, **kw: Any
    ) -> list[dict[str, Any]]:
        _status, body = self.post("/graphql", query, variables, **kw)
        assert body.get("errors"), body
        return list(body["errors"])

    def metadata(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        status, body = self.post("/metadata", query, variables)
        assert status == 200 and "errors" not in body, body
        return dict(body["data"])


@pytest.fixture
def api(db: Any, client: Client, ws_a: SeededWorkspace) -> Api:
    return Api(client, ws_a)


@pytest.fixture
def api_b(db: Any, client: Client, ws_b: SeededWorkspace) -> Api:
    return Api(client, ws_b)


def count_queries() -> Any:
    from django.test.utils import CaptureQueriesContext

    return CaptureQueriesContext(connection)
