"""GET /graphql and /metadata: GraphiQL for browsers, the API's 405 JSON for everything else."""

from __future__ import annotations

import re

import pytest
from django.test import Client

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "example"), [("/graphql", "companies"), ("/metadata", "objects")])
def test_a_browser_gets_graphiql_from_local_static_files(
    client: Client, path: str, example: str
) -> None:
    response = client.get(path, headers={"Accept": BROWSER_ACCEPT})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "Accept" in response["Vary"]
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy
    assert "script-src 'self';" in policy
    html = response.content.decode()

    urls = re.findall(r'(?:src|href)="([^"]*)"', html)
    assert urls
    assert all(url.startswith("/static/") or url == "data:," for url in urls), urls
    assert not re.search(r"https?://", html)
    for name in (
        "graphiql/react/react.production.min.js",
        "graphiql/react-dom/react-dom.production.min.js",
        "graphiql/graphiql/graphiql.min.js",
        "graphiql/graphiql/graphiql.min.css",
        "graphiql/page.js",
    ):
        assert f'"/static/{name}"' in html
    # No inline script: the settings are a JSON data block the page script reads.
    assert re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html) == [
        ' id="graphiql-config" type="application/json"'
    ]
    assert f'"endpoint": "{path}"' in html
    assert example in html


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/graphql", "/metadata"])
@pytest.mark.parametrize("accept", [None, "*/*", "application/json"])
def test_an_api_client_get_is_still_405_json(client: Client, path: str, accept: str | None) -> None:
    headers = {"Accept": accept} if accept else {}
    response = client.get(path, headers=headers)
    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    assert response.json()["errors"][0]["message"] == "Send GraphQL operations with POST."
    assert "Accept" in response["Vary"]


@pytest.mark.django_db
def test_a_post_is_unchanged_by_the_page(client: Client) -> None:
    response = client.post(
        "/graphql",
        data={"query": "{ __typename }"},
        content_type="application/json",
        headers={"Accept": BROWSER_ACCEPT},
    )
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
