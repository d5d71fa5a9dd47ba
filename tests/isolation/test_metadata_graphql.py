"""The metadata API (/metadata): workspace A's credentials see and change nothing of B's data model."""

from __future__ import annotations

import pytest
from django.test import Client

from crm.schemas import use_public, use_workspace
from metadata.models import ObjectMetadata
from tests.conftest import SeededWorkspace
from tests.metadata.test_metadata_api import CREATE_FIELD, OBJECTS, create_object, gql

pytestmark = pytest.mark.django_db


def test_workspace_a_cannot_see_or_change_b(
    client: Client, ws_a: SeededWorkspace, ws_b: SeededWorkspace
) -> None:
    in_b = create_object(client, ws_b.api_key, "secretThing", "secretThings")
    _, body = gql(client, ws_a.api_key, OBJECTS)
    assert "secretThing" not in str(body)
    _, body = gql(
        client, ws_a.api_key, "query($id: UUID!) { object(id: $id) { id } }", {"id": in_b["id"]}
    )
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    _, body = gql(client, ws_a.api_key, """mutation($input: DeleteOneObjectInput!) {
        deleteOneObject(input: $input) { id } }""", {"input": {"id": in_b["id"]}})  # fmt: skip
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    _, body = gql(client, ws_a.api_key, CREATE_FIELD, {"input": {"field": {
        "objectMetadataId": in_b["id"], "type": "TEXT", "name": "x", "label": "X"}}})  # fmt: skip
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    status, body = gql(client, ws_a.api_key, OBJECTS, host=ws_b.host)
    assert status == 403
    use_workspace(ws_b.workspace)
    assert ObjectMetadata.objects.filter(id=in_b["id"], fields__isnull=False).exists()
    assert not ObjectMetadata.objects.get(id=in_b["id"]).fields.filter(name="x").exists()
    use_public()
