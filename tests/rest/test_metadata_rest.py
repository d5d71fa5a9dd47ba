"""The metadata REST routes: /rest/metadata/objects and /rest/metadata/fields."""

from __future__ import annotations

from typing import Any

from crm.schemas import use_public, use_workspace
from metadata.models import FieldMetadata, ObjectMetadata
from tests.conftest import SeededWorkspace
from tests.rest.conftest import Rest, assert_error
from workspaces.models import Membership, MembershipRole, User
from workspaces.services.tokens import issue_tokens

ROCKET = {"nameSingular": "rocket", "namePlural": "rockets",
          "labelSingular": "Rocket", "labelPlural": "Rockets", "description": "To the moon"}  # fmt: skip


def create_rocket(rest: Rest) -> dict[str, Any]:
    status, body = rest.post("/rest/metadata/objects", ROCKET)
    assert status == 201, body
    return dict(body["data"]["createOneObject"])


def test_list_objects_pages_forwards_and_backwards(rest: Rest) -> None:
    status, body = rest.get("/rest/metadata/objects?limit=3")
    assert status == 200, body
    first = body["data"]["objects"]
    total = body["totalCount"]
    assert len(first) == 3 and total > 6
    assert body["pageInfo"]["hasNextPage"] and not body["pageInfo"]["hasPreviousPage"]
    assert {"id", "nameSingular", "fields"} <= set(first[0])
    assert all("name" in f and "type" in f for f in first[0]["fields"])

    after = body["pageInfo"]["endCursor"]
    _, second = rest.get(f"/rest/metadata/objects?limit=3&starting_after={after}")
    names = [o["nameSingular"] for o in second["data"]["objects"]]
    assert len(names) == 3 and not set(names) & {o["nameSingular"] for o in first}
    assert second["pageInfo"]["hasPreviousPage"]

    before = second["pageInfo"]["startCursor"]
    _, back = rest.get(f"/rest/metadata/objects?limit=3&ending_before={before}")
    assert [o["id"] for o in back["data"]["objects"]] == [o["id"] for o in first]

    _, everything = rest.get("/rest/metadata/objects?limit=1000")
    assert len(everything["data"]["objects"]) == total
    assert "person" in {o["nameSingular"] for o in everything["data"]["objects"]}


def test_object_lifecycle(rest: Rest, ws_a: SeededWorkspace) -> None:
    rocket = create_rocket(rest)
    assert rocket["nameSingular"] == "rocket" and rocket["isCustom"] is True
    assert "name" in {f["name"] for f in rocket["fields"]}

    status, body = rest.get(f"/rest/metadata/objects/{rocket['id']}")
    assert status == 200 and body["data"]["object"]["namePlural"] == "rockets"

    status, body = rest.patch(f"/rest/metadata/objects/{rocket['id']}",
                              {"labelSingular": "Spaceship", "description": "Faster"})  # fmt: skip
    assert status == 200, body
    updated = body["data"]["updateOneObject"]
    assert updated["labelSingular"] == "Spaceship" and updated["description"] == "Faster"

    status, body = rest.delete(f"/rest/metadata/objects/{rocket['id']}")
    assert status == 200 and body == {"data": {"deleteOneObject": {"id": rocket["id"]}}}
    status, body = rest.get(f"/rest/metadata/objects/{rocket['id']}")
    assert_error(status, body, 404, "NOT_FOUND")
    use_workspace(ws_a.workspace)
    try:
        assert not ObjectMetadata.objects.filter(name_singular="rocket").exists()
    finally:
        use_public()


def test_field_lifecycle(rest: Rest, ws_a: SeededWorkspace) -> None:
    rocket = create_rocket(rest)
    status, body = rest.post("/rest/metadata/fields", {
        "objectMetadataId": rocket["id"], "type": "SELECT", "name": "stage", "label": "Stage",
        "options": [{"value": "DESIGN", "label": "Design"}, {"value": "FLIGHT", "label": "Flight"}],
    })  # fmt: skip
    assert status == 201, body
    stage = body["data"]["createOneField"]
    assert stage["type"] == "SELECT" and stage["objectMetadataId"] == rocket["id"]
    assert [o["value"] for o in stage["options"]] == ["DESIGN", "FLIGHT"]

    status, body = rest.get(f"/rest/metadata/fields?object_metadata_id={rocket['id']}&limit=1000")
    assert status == 200, body
    names = {f["name"] for f in body["data"]["fields"]}
    assert {"stage", "name", "id"} <= names
    assert {f["objectMetadataId"] for f in body["data"]["fields"]} == {rocket["id"]}
    assert body["totalCount"] == len(body["data"]["fields"])

    status, body = rest.get(f"/rest/metadata/fields/{stage['id']}")
    assert status == 200 and body["data"]["field"]["name"] == "stage"

    status, body = rest.patch(f"/rest/metadata/fields/{stage['id']}", {"label": "Phase"})
    assert status == 200 and body["data"]["updateOneField"]["label"] == "Phase", body

    status, body = rest.delete(f"/rest/metadata/fields/{stage['id']}")
    assert status == 200 and body == {"data": {"deleteOneField": {"id": stage["id"]}}}
    use_workspace(ws_a.workspace)
    try:
        assert not FieldMetadata.objects.filter(id=stage["id"]).exists()
    finally:
        use_public()


def test_relation_field_through_rest(rest: Rest) -> None:
    rocket = create_rocket(rest)
    _, body = rest.get("/rest/metadata/objects?limit=1000")
    company = next(o for o in body["data"]["objects"] if o["nameSingular"] == "company")
    status, body = rest.post("/rest/metadata/fields", {
        "objectMetadataId": rocket["id"], "type": "RELATION", "name": "builder",
        "label": "Builder", "relationCreationPayload": {
            "targetObjectMetadataId": company["id"], "targetFieldLabel": "Rockets",
            "type": "MANY_TO_ONE"}})  # fmt: skip
    assert status == 201, body
    relation = body["data"]["createOneField"]["relation"]
    assert relation["type"] == "MANY_TO_ONE"
    assert relation["targetObjectMetadata"]["nameSingular"] == "company"


def test_bad_input_is_400_naming_the_field(rest: Rest) -> None:
    status, body = rest.post("/rest/metadata/objects", raw=b"{not json")
    assert_error(status, body, 400, "BAD_USER_INPUT")
    status, body = rest.post("/rest/metadata/objects", [1, 2])
    assert_error(status, body, 400, "BAD_USER_INPUT")

    missing = {k: v for k, v in ROCKET.items() if k != "namePlural"}
    status, body = rest.post("/rest/metadata/objects", missing)
    assert_error(status, body, 400, "BAD_USER_INPUT", field="namePlural")
    assert "$input" not in body["message"]

    status, body = rest.post("/rest/metadata/objects", {**ROCKET, "nameSingular": 5})
    assert_error(status, body, 400, "BAD_USER_INPUT", field="nameSingular")

    status, body = rest.post("/rest/metadata/objects", {**ROCKET, "nameSingular": "Rocket!"})
    assert_error(status, body, 400, "BAD_USER_INPUT", field="nameSingular")

    status, body = rest.post("/rest/metadata/objects", {**ROCKET, "colour": "red"})
    assert_error(status, body, 400, "BAD_USER_INPUT", field="colour")

    # Found by schemathesis: PostgreSQL text cannot hold NUL (it was a 500).
    status, body = rest.post("/rest/metadata/objects", {**ROCKET, "labelPlural": "R\u0000s"})
    assert_error(status, body, 400, "BAD_USER_INPUT")

    status, body = rest.get("/rest/metadata/objects/not-a-uuid")
    assert_error(status, body, 400, "BAD_USER_INPUT", field="id")
    status, body = rest.patch("/rest/metadata/fields/not-a-uuid", {"label": "x"})
    assert_error(status, body, 400, "BAD_USER_INPUT", field="id")

    for query in ("limit=0", "limit=1001", "limit=ten", "starting_after=bogus",
                  "starting_after=a&ending_before=b"):  # fmt: skip
        status, body = rest.get(f"/rest/metadata/objects?{query}")
        assert_error(status, body, 400, "BAD_USER_INPUT")
    status, body = rest.get("/rest/metadata/fields?object_metadata_id=nope")
    assert_error(status, body, 400, "BAD_USER_INPUT", field="object_metadata_id")

    status, body = rest.post("/rest/metadata/fields", {
        "objectMetadataId": "6f1c8a36-8a55-4c53-9d22-000000000000", "type": "TEXT",
        "name": "x", "label": "X"})  # fmt: skip
    assert_error(status, body, 404, "NOT_FOUND")
    status, body = rest.post("/rest/metadata/fields", {
        "objectMetadataId": "6f1c8a36-8a55-4c53-9d22-000000000000", "type": "NOPE",
        "name": "x", "label": "X"})  # fmt: skip
    assert_error(status, body, 400, "BAD_USER_INPUT", field="type")


def test_conflicts_not_found_and_methods(rest: Rest) -> None:
    create_rocket(rest)
    status, body = rest.post("/rest/metadata/objects", ROCKET)
    assert_error(status, body, 409, "CONFLICT", field="nameSingular")

    missing = "6f1c8a36-8a55-4c53-9d22-000000000000"
    for method in ("get", "patch", "delete"):
        for kind in ("objects", "fields"):
            status, body = rest.call(method, f"/rest/metadata/{kind}/{missing}",
                                     {"description": "x"} if method == "patch" else None)  # fmt: skip
            assert_error(status, body, 404, "NOT_FOUND")

    status, body = rest.call("put", "/rest/metadata/objects", {})
    assert_error(status, body, 405, "METHOD_NOT_ALLOWED")
    response = rest.client.delete("/rest/metadata/fields")
    assert response.status_code == 405 and response["Allow"] == "GET, POST"


def test_standard_objects_are_protected(rest: Rest) -> None:
    _, body = rest.get("/rest/metadata/objects?limit=1000")
    person = next(o for o in body["data"]["objects"] if o["nameSingular"] == "person")
    status, body = rest.delete(f"/rest/metadata/objects/{person['id']}")
    assert status in (400, 403, 409), body
    _, again = rest.get(f"/rest/metadata/objects/{person['id']}")
    assert again["data"]["object"]["nameSingular"] == "person"


def test_reading_needs_a_credential_changing_needs_the_data_model_permission(
    rest: Rest, ws_a: SeededWorkspace
) -> None:
    status, body = rest.get("/rest/metadata/objects", token="")
    assert_error(status, body, 401, "UNAUTHENTICATED")
    status, body = rest.get("/rest/metadata/objects", token="crm_not-a-real-key")
    assert_error(status, body, 401, "UNAUTHENTICATED")

    member = User.objects.create_user(email="member@rest-a.test", password="Member-pass-123")
    Membership.objects.create(user=member, workspace=ws_a.workspace, role=MembershipRole.MEMBER)
    token = issue_tokens(member, ws_a.workspace).access
    status, body = rest.get("/rest/metadata/objects?limit=1", token=token)
    assert status == 200 and len(body["data"]["objects"]) == 1

    status, body = rest.post("/rest/metadata/objects", ROCKET, token=token)
    assert_error(status, body, 403, "FORBIDDEN")
    field_id = rest.get("/rest/metadata/fields?limit=1")[1]["data"]["fields"][0]["id"]
    status, body = rest.patch(f"/rest/metadata/fields/{field_id}", {"label": "x"}, token=token)
    assert_error(status, body, 403, "FORBIDDEN")
    status, body = rest.delete(f"/rest/metadata/fields/{field_id}", token=token)
    assert_error(status, body, 403, "FORBIDDEN")
    use_workspace(ws_a.workspace)
    try:
        assert not ObjectMetadata.objects.filter(name_singular="rocket").exists()
    finally:
        use_public()

    # The workspace admin's token may change the data model.
    status, body = rest.post("/rest/metadata/objects", ROCKET, token=ws_a.access_token)
    assert status == 201, body


def test_nul_is_refused_by_the_metadata_graphql_api_too(rest: Rest) -> None:
    """The same resolvers serve POST /metadata: found by schemathesis on REST, it was an
    INTERNAL_SERVER_ERROR there as well."""
    rocket = {**ROCKET, "labelSingular": "R\u0000"}
    response = rest.client.post(
        "/metadata",
        {"query": "mutation($input: CreateOneObjectInput!) { createOneObject(input: $input) "
                  "{ id } }", "variables": {"input": {"object": rocket}}},
        content_type="application/json",
        headers={"Authorization": f"Bearer {rest.workspace.api_key}"},
    )  # fmt: skip
    errors = response.json()["errors"]
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT", errors
