"""GraphiQL at /graphql and /metadata in a real browser, from this server's files only."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser


def open_graphiql(page: Any, url: str) -> tuple[list[str], list[str]]:
    """Open GraphiQL; return the URLs the page requests and its errors, as they happen."""
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url)
    page.wait_for_selector(".graphiql-execute-button")
    return requests, errors


def run_query(page: Any, api_key: str) -> str:
    page.fill("#crm-api-key", api_key)
    page.click(".graphiql-execute-button")
    # The response editor stays empty until the answer arrives.
    response = page.locator(".graphiql-response .CodeMirror-code", has_text="{")
    response.wait_for()
    return str(response.inner_text())


def assert_only_local(requests: list[str], server_url: str) -> None:
    assert requests
    outside = [url for url in requests if not url.startswith(f"{server_url}/")]
    assert not outside, outside


def test_graphiql_runs_the_example_query_with_an_api_key(
    page: Any, server_url: str, seeded: Any
) -> None:
    requests, errors = open_graphiql(page, f"{server_url}/graphql")
    assert "companies(first: 5)" in page.inner_text(".graphiql-query-editor")

    text = run_query(page, seeded["a"].api_key)
    assert '"totalCount"' in text
    assert '"errors"' not in text

    # The schema came through the same fetcher: the docs explorer knows the workspace's types.
    page.click("button[aria-label='Show Documentation Explorer']")
    page.locator(".graphiql-doc-explorer").get_by_text("Company", exact=True).first.wait_for()
    page.screenshot(path="/tmp/graphiql.png")

    # The key survives a reload.
    page.reload()
    page.wait_for_selector(".graphiql-execute-button")
    assert page.input_value("#crm-api-key") == seeded["a"].api_key

    assert_only_local(requests, server_url)
    assert any(u.endswith("/graphql") for u in requests)
    assert not errors, errors


def test_graphiql_on_the_metadata_endpoint(page: Any, server_url: str, seeded: Any) -> None:
    requests, errors = open_graphiql(page, f"{server_url}/metadata")
    text = run_query(page, seeded["b"].api_key)
    assert '"nameSingular"' in text
    assert_only_local(requests, server_url)
    assert not errors, errors
