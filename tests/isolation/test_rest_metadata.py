"""Workspace A's credentials reach nothing of workspace B through /rest/metadata and the
OpenAPI documents."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.conftest import SeededWorkspace
from tests.rest.conftest import Rest, assert_error, fresh_snapshots
from workspaces.services.api_keys import create_api_key, revoke_api_key

__all__ = ["fresh_snapshots"]  # autouse: B's metadata changes roll back with each test

ROUTES = [
    "/rest/metadata/objects", "/rest/metadata/fields", "/rest/open-api/core",
    "/rest/open-api/metadata",
]  # fmt: skip


@pytest.fixture
def a(db: Any, client: Client, ws_a: SeededWorkspace) -> Rest:
    return Rest(client, ws_a)


@pytest.fixture
def b(db: Any, client: Client, ws_b: SeededWorkspace) -> Rest:
    return Rest(client, ws_b)


@pytest.fixture
def secret_of_b(b: Rest) -> dict[str, Any]:
    """B's custom object with a custom field."""
    status, body = b.post("/rest/metadata/objects", {
        "nameSingular": "vault", "namePlural": "vaults",
        "labelSingular": "Vault", "labelPlural": "Vaults"})  # fmt: skip
    assert status == 201, body
    vault = body["data"]["createOneObject"]
    status, body = b.post("/rest/metadata/fields", {
        "objectMetadataId": vault["id"], "type": "TEXT", "name": "combination",
        "label": "Combination"})  # fmt: skip
    assert status == 201, body
    return {"object": vault, "field": body["data"]["createOneField"]}


def test_a_cannot_read_b_objects_or_fields_by_id(a: Rest, secret_of_b: dict[str, Any]) -> None:
    status, body = a.get(f"/rest/metadata/objects/{secret_of_b['object']['id']}")
    assert_error(status, body, 404, "NOT_FOUND")
    status, body = a.get(f"/rest/metadata/fields/{secret_of_b['field']['id']}")
    assert_error(status, body, 404, "NOT_FOUND")
    status, body = a.get(f"/rest/metadata/fields?object_metadata_id={secret_of_b['object']['id']}")
    assert status == 200 and body["data"]["fields"] == [] and body["totalCount"] == 0

    _, objects = a.get("/rest/metadata/objects?limit=1000")
    assert "vault" not in {o["nameSingular"] for o in objects["data"]["objects"]}
    assert secret_of_b["object"]["id"] not in str(objects)
    _, fields = a.get("/rest/metadata/fields?limit=1000")
    assert secret_of_b["field"]["id"] not in str(fields)

    doc = a.get("/rest/open-api/core")[1]
    assert "/rest/vaults" not in doc["paths"] and "Vault" not in doc["components"]["schemas"]


def test_a_cannot_change_b_objects_or_fields(a: Rest, b: Rest, secret_of_b: dict[str, Any]) -> None:
    object_id, field_id = secret_of_b["object"]["id"], secret_of_b["field"]["id"]
    for status, body in (
        a.patch(f"/rest/metadata/objects/{object_id}", {"labelSingular": "pwned"}),
        a.delete(f"/rest/metadata/objects/{object_id}"),
        a.patch(f"/rest/metadata/fields/{field_id}", {"label": "pwned"}),
        a.delete(f"/rest/metadata/fields/{field_id}"),
        a.post("/rest/metadata/fields", {"objectMetadataId": object_id, "type": "TEXT",
                                         "name": "planted", "label": "Planted"}),
    ):  # fmt: skip
        assert_error(status, body, 404, "NOT_FOUND")

    status, body = b.get(f"/rest/metadata/objects/{object_id}")
    assert status == 200
    vault = body["data"]["object"]
    assert vault["labelSingular"] == "Vault"
    assert {f["name"] for f in vault["fields"]} >= {"combination"}
    assert "planted" not in {f["name"] for f in vault["fields"]}
    assert b.get(f"/rest/metadata/fields/{field_id}")[1]["data"]["field"]["label"] == "Combination"


@pytest.mark.parametrize("path", ROUTES)
def test_a_token_on_b_host_is_refused(a: Rest, ws_b: SeededWorkspace, path: str) -> None:
    for token in (a.workspace.api_key, a.workspace.access_token):
        status, body = a.get(path, token=token, host=ws_b.host)
        assert_error(status, body, 403, "FORBIDDEN")
    status, body = a.post("/rest/metadata/objects", {"nameSingular": "x"}, host=ws_b.host)
    assert_error(status, body, 403, "FORBIDDEN")


@pytest.mark.parametrize("path", ROUTES)
def test_no_bad_or_revoked_token_is_401(a: Rest, ws_a: SeededWorkspace, path: str) -> None:
    status, body = a.get(path, token="")
    assert_error(status, body, 401, "UNAUTHENTICATED")
    status, body = a.get(path, token="not-a-token")
    assert_error(status, body, 401, "UNAUTHENTICATED")
    key = create_api_key(ws_a.workspace, "revoked soon")
    assert a.get(path, token=key.secret)[0] == 200
    revoke_api_key(key.api_key)
    status, body = a.get(path, token=key.secret)
    assert_error(status, body, 401, "UNAUTHENTICATED")
