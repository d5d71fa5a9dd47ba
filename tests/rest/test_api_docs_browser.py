"""The REST API page (/rest/api-docs): Swagger UI from this server's files only, reading the
workspace's documents with the pasted key and running a request."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser


def test_api_page_loads_the_documents_and_tries_a_request(
    page: Any, server_url: str, seeded: Any
) -> None:
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(f"{server_url}/rest/api-docs")
    page.get_by_text("Enter an API key or access token above").wait_for()
    assert not any("/rest/open-api/" in url for url in requests)  # nothing without a key

    page.fill("#crm-api-key", seeded["a"].api_key)
    page.locator(".swagger-ui .info .title", has_text="Workspace records").wait_for()
    # Tags start collapsed (forty objects make a long page): open people's.
    page.locator("#operations-tag-people").click()

    # Try it out: list people (the interceptor sends the key).
    operation = page.locator("#operations-people-findManyPeople")
    operation.locator("button.opblock-summary-control").click()
    operation.locator("button.execute").click()
    status = operation.locator(".live-responses-table .response .response-col_status").first
    status.wait_for()
    assert status.inner_text().strip() == "200"
    assert (
        '"totalCount"' in operation.locator(".live-responses-table .microlight").first.inner_text()
    )
    page.screenshot(path="/tmp/api-docs.png")

    # The data-model document, from the select box; the key survives a reload.
    page.select_option("#crm-api-document", "metadata")
    page.locator(".swagger-ui .info .title", has_text="Workspace data model").wait_for()
    page.reload()
    page.locator(".swagger-ui .info .title", has_text="Workspace data model").wait_for()
    assert page.input_value("#crm-api-key") == seeded["a"].api_key

    outside = [url for url in requests if not url.startswith(f"{server_url}/")]
    assert not outside, outside
    assert any(url.endswith("/rest/open-api/core") for url in requests)
    assert any("/rest/people" in url for url in requests)
    assert not errors, errors
