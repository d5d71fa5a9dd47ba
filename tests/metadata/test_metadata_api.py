"""The metadata API over HTTP, as a Twenty client calls it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from crm.schemas import use_public, use_workspace
from metadata.models import ObjectMetadata
from tests.conftest import SeededWorkspace
from workspaces.models import Membership, MembershipRole, User
from workspaces.services.tokens import issue_tokens

pytestmark = pytest.mark.django_db

OBJECTS = """
query Objects($paging: CursorPaging, $filter: ObjectFilter) {
  objects(paging: $paging, filter: $filter) {
    edges { node { id nameSingular namePlural isCustom labelIdentifierFieldMetadataId
      fields(paging: { first: 1000 }) { edges { node { id name type isCustom options } } }
      fieldsList { name } } cursor }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    totalCount
  }
}"""
CREATE_OBJECT = """
mutation($input: CreateOneObjectInput!) {
  createOneObject(input: $input) { id nameSingular namePlural labelSingular isCustom fieldsList { name type } }
}"""
CREATE_FIELD = """
mutation($input: CreateOneFieldMetadataInput!) {
  createOneField(input: $input) { id name type label isNullable options defaultValue settings
    relation { type sourceObjectMetadata { nameSingular } targetObjectMetadata { nameSingular }
               sourceFieldMetadata { name } targetFieldMetadata { name } } }
}"""


def gql(client: Client, token: str, query: str, variables: dict[str, Any] | None = None,
        host: str | None = None) -> tuple[int, dict[str, Any]]:  # fmt: skip
    headers = {"Authorization": f"Bearer {token}"}
    if host:
        headers["Host"] = host
    response = client.post(
        "/metadata", {"query": query, "variables": variables or {}},
        content_type="application/json", headers=headers,
    )  # fmt: skip
    return response.status_code, response.json()


def create_object(client: Client, token: str, singular: str, plural: str) -> dict[str, Any]:
    status, body = gql(client, token, CREATE_OBJECT, {"input": {"object": {
        "nameSingular": singular, "namePlural": plural,
        "labelSingular": singular.title(), "labelPlural": plural.title(), "icon": "IconRocket",
    }}})  # fmt: skip
    assert status == 200 and "errors" not in body, body
    return dict(body["data"]["createOneObject"])


def test_create_object_then_list_it(client: Client, ws_a: SeededWorkspace) -> None:
    created = create_object(client, ws_a.api_key, "rocket", "rockets")
    assert created["isCustom"] is True
    assert {"id", "name", "createdAt", "searchVector"} <= {f["name"] for f in created["fieldsList"]}

    status, body = gql(client, ws_a.api_key, OBJECTS, {"paging": {"first": 1000}})
    assert status == 200, body
    nodes = [e["node"] for e in body["data"]["objects"]["edges"]]
    rocket = next(n for n in nodes if n["nameSingular"] == "rocket")
    names = {e["node"]["name"] for e in rocket["fields"]["edges"]}
    assert "name" in names
    assert rocket["labelIdentifierFieldMetadataId"] is not None
    assert body["data"]["objects"]["totalCount"] == len(nodes)


def test_paging_and_filter(client: Client, ws_a: SeededWorkspace) -> None:
    for name in ("alpha", "bravo", "charlie"):
        create_object(client, ws_a.api_key, name, name + "s")
    _, first = gql(
        client,
        ws_a.api_key,
        OBJECTS,
        {"paging": {"first": 2}, "filter": {"isCustom": {"is": True}}},
    )
    page = first["data"]["objects"]
    assert [e["node"]["nameSingular"] for e in page["edges"]] == ["alpha", "bravo"]
    assert page["pageInfo"]["hasNextPage"] is True and page["totalCount"] == 3
    _, second = gql(client, ws_a.api_key, OBJECTS, {"paging": {"first": 2, "after": page["pageInfo"]["endCursor"]},
                                                    "filter": {"isCustom": {"is": True}}})  # fmt: skip
    assert [e["node"]["nameSingular"] for e in second["data"]["objects"]["edges"]] == ["charlie"]
    assert second["data"]["objects"]["pageInfo"]["hasNextPage"] is False


def test_create_fields_of_several_types_and_a_relation(
    client: Client, ws_a: SeededWorkspace
) -> None:
    rocket = create_object(client, ws_a.api_key, "rocket", "rockets")
    pad = create_object(client, ws_a.api_key, "launchPad", "launchPads")
    _, body = gql(client, ws_a.api_key, CREATE_FIELD, {"input": {"field": {
        "objectMetadataId": rocket["id"], "type": "SELECT", "name": "status", "label": "Status",
        "options": [{"value": "READY", "label": "Ready", "color": "green", "position": 0},
                    {"value": "SCRUBBED", "label": "Scrubbed", "color": "red", "position": 1}],
        "defaultValue": "READY", "isNullable": False,
    }}})  # fmt: skip
    assert "errors" not in body, body
    field = body["data"]["createOneField"]
    assert field["type"] == "SELECT" and field["defaultValue"] == "READY"
    assert [o["value"] for o in field["options"]] == ["READY", "SCRUBBED"]

    _, body = gql(client, ws_a.api_key, CREATE_FIELD, {"input": {"field": {
        "objectMetadataId": rocket["id"], "type": "RELATION", "name": "launchPad", "label": "Launch pad",
        "relationCreationPayload": {"targetObjectMetadataId": pad["id"], "targetFieldLabel": "Rockets",
                                    "targetFieldIcon": "IconRocket", "type": "MANY_TO_ONE"},
    }}})  # fmt: skip
    assert "errors" not in body, body
    relation = body["data"]["createOneField"]["relation"]
    assert relation == {
        "type": "MANY_TO_ONE",
        "sourceObjectMetadata": {"nameSingular": "rocket"},
        "targetObjectMetadata": {"nameSingular": "launchPad"},
        "sourceFieldMetadata": {"name": "launchPad"},
        "targetFieldMetadata": {"name": "rockets"},
    }


def test_update_and_delete(client: Client, ws_a: SeededWorkspace) -> None:
    rocket = create_object(client, ws_a.api_key, "rocket", "rockets")
    _, body = gql(client, ws_a.api_key, CREATE_FIELD, {"input": {"field": {
        "objectMetadataId": rocket["id"], "type": "TEXT", "name": "fuel", "label": "Fuel"}}})  # fmt: skip
    field_id = body["data"]["createOneField"]["id"]
    _, body = gql(client, ws_a.api_key, """mutation($input: UpdateOneFieldMetadataInput!) {
        updateOneField(input: $input) { id name label } }""",
        {"input": {"id": field_id, "update": {"name": "propellant", "label": "Propellant"}}})  # fmt: skip
    assert body["data"]["updateOneField"] == {
        "id": field_id,
        "name": "propellant",
        "label": "Propellant",
    }
    _, body = gql(client, ws_a.api_key, """mutation($input: UpdateOneObjectInput!) {
        updateOneObject(input: $input) { id labelPlural } }""",
        {"input": {"id": rocket["id"], "update": {"labelPlural": "Launchers"}}})  # fmt: skip
    assert body["data"]["updateOneObject"]["labelPlural"] == "Launchers"
    _, body = gql(client, ws_a.api_key, """mutation($input: DeleteOneFieldInput!) {
        deleteOneField(input: $input) { id name } }""", {"input": {"id": field_id}})  # fmt: skip
    assert body["data"]["deleteOneField"]["name"] == "propellant"
    _, body = gql(client, ws_a.api_key, """mutation($input: DeleteOneObjectInput!) {
        deleteOneObject(input: $input) { id nameSingular } }""", {"input": {"id": rocket["id"]}})  # fmt: skip
    assert body["data"]["deleteOneObject"] == {"id": rocket["id"], "nameSingular": "rocket"}


@pytest.mark.parametrize(
    ("variables", "code", "fragment"),
    [
        ({"nameSingular": "Rocket", "namePlural": "rockets"}, "BAD_USER_INPUT", "camelCase"),
        ({"nameSingular": "rocket", "namePlural": "rocket"}, "BAD_USER_INPUT", "must differ"),
        ({"nameSingular": "select", "namePlural": "selects"}, "BAD_USER_INPUT", "reserved"),
    ],
)
def test_validation_errors_have_codes(client: Client, ws_a: SeededWorkspace, variables: dict[str, str],
                                      code: str, fragment: str) -> None:  # fmt: skip
    _, body = gql(client, ws_a.api_key, CREATE_OBJECT, {"input": {"object": {
        **variables, "labelSingular": "R", "labelPlural": "Rs"}}})  # fmt: skip
    error = body["errors"][0]
    assert error["extensions"]["code"] == code
    assert fragment in error["message"]
    assert "Traceback" not in str(body) and "psycopg" not in str(body)


def test_taken_name_is_a_conflict(client: Client, ws_a: SeededWorkspace) -> None:
    create_object(client, ws_a.api_key, "rocket", "rockets")
    _, body = gql(client, ws_a.api_key, CREATE_OBJECT, {"input": {"object": {
        "nameSingular": "rocket", "namePlural": "rocketz", "labelSingular": "R", "labelPlural": "Rs"}}})  # fmt: skip
    assert body["errors"][0]["extensions"] == {"code": "CONFLICT", "field": "nameSingular"}


def test_graphql_document_errors(client: Client, ws_a: SeededWorkspace) -> None:
    status, body = gql(client, ws_a.api_key, "query { objects { ")
    assert status == 400 and body["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    status, body = gql(client, ws_a.api_key, "query { objects { nope } }")
    assert status == 400 and body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    status, body = gql(
        client, ws_a.api_key, "query($id: UUID!) { object(id: $id) { id } }", {"id": "zzz"}
    )
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    status, body = gql(client, ws_a.api_key, "query($id: UUID!) { object(id: $id) { id } }",
                       {"id": "6f1c8a36-8a55-4c53-9d22-000000000000"})  # fmt: skip
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def test_unauthenticated_and_forbidden(client: Client, ws_a: SeededWorkspace) -> None:
    response = client.post(
        "/metadata", {"query": "{ objects { totalCount } }"}, content_type="application/json"
    )
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"

    member = User.objects.create_user(email="member@a.test", password="Member-pass-123")
    Membership.objects.create(user=member, workspace=ws_a.workspace, role=MembershipRole.MEMBER)
    token = issue_tokens(member, ws_a.workspace).access
    status, body = gql(client, token, "{ objects { totalCount } }")
    assert status == 200 and "errors" not in body
    _, body = gql(client, token, CREATE_OBJECT, {"input": {"object": {
        "nameSingular": "rocket", "namePlural": "rockets", "labelSingular": "R", "labelPlural": "Rs"}}})  # fmt: skip
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    use_workspace(ws_a.workspace)
    assert not ObjectMetadata.objects.filter(name_singular="rocket").exists()
    use_public()


def test_a_change_is_seen_on_the_very_next_request(client: Client, ws_a: SeededWorkspace) -> None:
    create_object(client, ws_a.api_key, "rocket", "rockets")
    _, body = gql(client, ws_a.api_key, OBJECTS, {"filter": {"isCustom": {"is": True}}})
    assert [e["node"]["nameSingular"] for e in body["data"]["objects"]["edges"]] == ["rocket"]
