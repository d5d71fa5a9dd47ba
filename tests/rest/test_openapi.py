"""The OpenAPI 3.1 documents: valid, complete for the workspace's data model, served fresh
after a metadata change, and describing what the REST routes really answer."""

from __future__ import annotations

from typing import Any

import jsonschema_rs
import orjson
from schemathesis.specs.openapi.definitions import OPENAPI_31_VALIDATOR

from metadata import snapshot
from records.rest.openapi.common import DocumentCache
from records.rest.openapi.core import build_core, core_document_json
from tests.conftest import SeededWorkspace
from tests.rest.conftest import Rest, assert_error

METHODS = {"get", "post", "patch", "put", "delete"}


def fetch(rest: Rest, kind: str = "core", **kw: Any) -> dict[str, Any]:
    status, body = rest.get(f"/rest/open-api/{kind}", **kw)
    assert status == 200, body
    return dict(body)


def check_document(doc: dict[str, Any]) -> None:
    """Valid OpenAPI 3.1, every schema a valid JSON Schema, every $ref resolvable."""
    OPENAPI_31_VALIDATOR.validate(doc)
    for name, schema in doc["components"]["schemas"].items():
        assert jsonschema_rs.meta.is_valid(schema), name
    refs: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str):
                refs.add(node["$ref"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(doc)
    for pointer in refs:
        _, section, name = pointer.removeprefix("#/").split("/")
        assert name in doc["components"][section], pointer
    for path, item in doc["paths"].items():
        for method in set(item) & METHODS:
            operation = item[method]
            assert {"401", "403", "400"} <= set(operation["responses"]), (path, method)
            assert operation["operationId"]


def validator(doc: dict[str, Any], path: str, method: str, status: str) -> Any:
    """A validator of one documented response body, with the document's $refs."""
    response = doc["paths"][path][method]["responses"][status]
    if "$ref" in response:
        response = doc["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    schema = response["content"]["application/json"]["schema"]
    return jsonschema_rs.Draft202012Validator(
        {"components": doc["components"], **schema}, validate_formats=True
    )


def test_core_document_describes_every_route_of_every_object(rest: Rest) -> None:
    doc = fetch(rest)
    check_document(doc)
    assert doc["openapi"].startswith("3.1")
    assert doc["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert doc["security"] == [{"bearerAuth": []}]
    paths = doc["paths"]
    for path, methods in {
        "/rest/people": {"get", "post"}, "/rest/people/{id}": {"get", "patch", "put", "delete"},
        "/rest/batch/people": {"post"}, "/rest/people/duplicates": {"post"},
        "/rest/people/merge": {"patch"}, "/rest/restore/people": {"patch"},
        "/rest/restore/people/{id}": {"patch"}, "/rest/people/groupBy": {"get"},
    }.items():  # fmt: skip
        assert set(paths[path]) & METHODS == methods, path
    listing = paths["/rest/people"]["get"]
    params = {p["name"]: p for p in listing["parameters"]}
    assert set(params) == {"filter", "order_by", "limit", "depth", "starting_after",
                           "ending_before"}  # fmt: skip
    assert params["limit"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 200,
                                         "default": 60}  # fmt: skip
    assert params["depth"]["schema"]["maximum"] == 2
    assert set(listing["responses"]) >= {"200", "400", "401", "403", "429"}
    assert "201" in paths["/rest/people"]["post"]["responses"]
    assert "409" in paths["/rest/people"]["post"]["responses"]
    assert "413" in paths["/rest/people"]["post"]["responses"]
    assert "404" in paths["/rest/people/{id}"]["get"]["responses"]
    error = doc["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"statusCode", "code", "error", "message", "messages"}

    # One set of component schemas per active object.
    model_objects = {o["nameSingular"] for o in rest.get("/rest/metadata/objects?limit=1000")[1][
        "data"]["objects"] if o["isActive"]}  # fmt: skip
    schemas = doc["components"]["schemas"]
    for name in model_objects:
        pascal = name[0].upper() + name[1:]
        assert {pascal, f"{pascal}ForCreate", f"{pascal}ForUpdate"} <= set(schemas), name


def test_person_schemas_use_the_field_types_forms(rest: Rest) -> None:
    schemas = fetch(rest)["components"]["schemas"]
    person = schemas["Person"]["properties"]
    assert person["id"]["format"] == "uuid" and person["id"]["type"] == "string"
    assert person["createdAt"]["format"] == "date-time"
    assert set(person["name"]["properties"]) == {"firstName", "lastName"}
    assert set(person["emails"]["properties"]) == {"primaryEmail", "additionalEmails"}
    assert person["companyId"]["format"] == "uuid"
    assert person["company"]["anyOf"][0] == {"$ref": "#/components/schemas/Company"}
    assert person["noteTargets"]["items"] == {"$ref": "#/components/schemas/NoteTarget"}
    assert "searchVector" not in person  # an index, left out of REST records

    create = schemas["PersonForCreate"]
    assert create["additionalProperties"] is False
    assert not {"createdAt", "updatedAt", "deletedAt", "searchVector"} & set(create["properties"])
    assert "id" in create["properties"] and "id" not in schemas["PersonForUpdate"]["properties"]
    assert create["properties"]["company"] == {"$ref": "#/components/schemas/CompanyRelationInput"}
    where = schemas["CompanyRelationInput"]["properties"]["connect"]["properties"]["where"]
    assert "domainName" in where["properties"]  # company's unique field


def test_custom_object_with_enums_formats_and_required_fields(rest: Rest) -> None:
    rocket = rest.post("/rest/metadata/objects", {
        "nameSingular": "rocket", "namePlural": "rockets",
        "labelSingular": "Rocket", "labelPlural": "Rockets"})[1]["data"]["createOneObject"]  # fmt: skip
    for field in (
        {"type": "SELECT", "name": "stage", "label": "Stage", "isNullable": False,
         "defaultValue": "'DESIGN'",
         "options": [{"value": "DESIGN", "label": "D"}, {"value": "FLIGHT", "label": "F"}]},
        {"type": "MULTI_SELECT", "name": "tags", "label": "Tags",
         "options": [{"value": "FAST", "label": "Fast"}]},
        {"type": "DATE", "name": "launchDay", "label": "Launch day"},
        {"type": "NUMBER", "name": "thrust", "label": "Thrust", "isNullable": False,
         "defaultValue": 1},
    ):  # fmt: skip
        status, body = rest.post("/rest/metadata/fields", {"objectMetadataId": rocket["id"],
                                                           **field})  # fmt: skip
        if status != 201 and field["name"] == "stage":  # the default without SQL quotes
            status, body = rest.post("/rest/metadata/fields", {
                "objectMetadataId": rocket["id"], **field, "defaultValue": "DESIGN"})  # fmt: skip
        assert status == 201, body
    schemas = fetch(rest)["components"]["schemas"]
    props = schemas["Rocket"]["properties"]
    assert props["stage"]["enum"] == ["DESIGN", "FLIGHT"]  # not nullable: no null
    assert props["stage"]["type"] == "string"
    assert props["tags"]["items"]["enum"] == ["FAST"]
    assert props["launchDay"]["format"] == "date"
    assert props["thrust"]["type"] == "number"
    assert "null" in props["name"]["type"]
    create = schemas["RocketForCreate"]
    assert "stage" not in create.get("required", [])  # it has a default
    assert "/rest/rockets" in fetch(rest)["paths"]


def test_a_custom_object_made_through_metadata_is_in_the_next_document(rest: Rest) -> None:
    before = fetch(rest)
    assert "/rest/spaceships" not in before["paths"]
    response = rest.client.post(
        "/metadata",
        {"query": "mutation($input: CreateOneObjectInput!) { createOneObject(input: $input) { id } }",
         "variables": {"input": {"object": {"nameSingular": "spaceship", "namePlural": "spaceships",
                                            "labelSingular": "Spaceship",
                                            "labelPlural": "Spaceships"}}}},
        content_type="application/json",
        headers={"Authorization": f"Bearer {rest.workspace.api_key}"},
    )  # fmt: skip
    assert response.status_code == 200 and "errors" not in response.json(), response.json()
    after = fetch(rest)
    assert {"/rest/spaceships", "/rest/spaceships/{id}", "/rest/batch/spaceships"} <= set(
        after["paths"]
    )
    assert "Spaceship" in after["components"]["schemas"]
    check_document(after)

    # And it answers: the records route the document describes exists.
    status, listing = rest.get("/rest/spaceships")
    assert status == 200, listing
    validator(after, "/rest/spaceships", "get", "200").validate(listing)


def test_real_answers_conform_to_the_document(rest: Rest) -> None:
    doc = fetch(rest)
    status, created = rest.post("/rest/companies", {"name": "Acme", "domainName": {
        "primaryLinkUrl": "https://acme.test"}, "employees": 12})  # fmt: skip
    assert status == 201, created
    validator(doc, "/rest/companies", "post", "201").validate(created)
    company_id = created["data"]["createCompany"]["id"]
    status, person = rest.post("/rest/people?depth=1", {
        "name": {"firstName": "Ada", "lastName": "Lovelace"}, "companyId": company_id,
        "emails": {"primaryEmail": "ada@acme.test", "additionalEmails": []}})  # fmt: skip
    assert status == 201, person
    validator(doc, "/rest/people", "post", "201").validate(person)

    assert not validator(doc, "/rest/people", "get", "200").is_valid({"data": {"people": [{}]}})
    for depth in (0, 1, 2):
        status, listing = rest.get(f"/rest/people?depth={depth}&limit=5")
        assert status == 200, listing
        validator(doc, "/rest/people", "get", "200").validate(listing)
        status, one = rest.get(f"/rest/companies/{company_id}?depth={depth}")
        assert status == 200, one
        validator(doc, "/rest/companies/{id}", "get", "200").validate(one)

    status, error = rest.get("/rest/people?filter=name[nope]:1")
    assert status == 400
    validator(doc, "/rest/people", "get", "400").validate(error)
    status, deleted = rest.delete(f"/rest/companies/{company_id}")
    assert status == 200, deleted
    validator(doc, "/rest/companies/{id}", "delete", "200").validate(deleted)


def test_metadata_document(rest: Rest) -> None:
    doc = fetch(rest, "metadata")
    check_document(doc)
    assert set(doc["paths"]) == {"/rest/metadata/objects", "/rest/metadata/objects/{id}",
                                 "/rest/metadata/fields", "/rest/metadata/fields/{id}"}  # fmt: skip
    create = doc["components"]["schemas"]["FieldForCreate"]
    assert "RELATION" in create["properties"]["type"]["enum"]
    status, listing = rest.get("/rest/metadata/objects?limit=2")
    assert status == 200
    validator(doc, "/rest/metadata/objects", "get", "200").validate(listing)
    status, fields = rest.get("/rest/metadata/fields?limit=50")
    assert status == 200
    validator(doc, "/rest/metadata/fields", "get", "200").validate(fields)


def test_documents_need_a_credential_and_only_answer_get(rest: Rest) -> None:
    for kind in ("core", "metadata"):
        status, body = rest.get(f"/rest/open-api/{kind}", token="")
        assert_error(status, body, 401, "UNAUTHENTICATED")
        status, body = rest.post(f"/rest/open-api/{kind}", {})
        assert status == 405, body
    # An access token works like an API key.
    assert "/rest/people" in fetch(rest, token=rest.workspace.access_token)["paths"]


def test_documents_are_cached_by_fingerprint_and_bounded(ws_a: SeededWorkspace, db: Any) -> None:
    from crm.schemas import use_public, use_workspace

    use_workspace(ws_a.workspace)
    try:
        model = snapshot.for_workspace(ws_a.workspace)
        first = core_document_json(model)
        assert core_document_json(snapshot.load(ws_a.workspace.schema_name)) is first
        assert orjson.loads(first) == build_core(model)
    finally:
        use_public()

    cache = DocumentCache(2)
    built: list[str] = []

    def build(key: str) -> bytes:
        built.append(key)
        return key.encode()

    for key in ("a", "b", "a", "c", "b"):
        assert cache.get_or_build(key, lambda key=key: build(key)) == key.encode()  # type: ignore[misc]
    assert built == ["a", "b", "c", "b"] and len(cache) == 2


def test_api_page_is_served_from_local_files(rest: Rest) -> None:
    response = rest.client.get("/rest/api-docs", headers={"Accept": "text/html"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui-bundle.js" in html and "/rest/open-api/core" in html
    assert "http://" not in html and "https://" not in html
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert rest.client.post("/rest/api-docs").status_code == 405


def test_date_times_outside_years_1_to_9999_in_utc_are_refused(rest: Rest) -> None:
    """Found by schemathesis: 0001-01-01T01:01:16+02:03 was stored, and answered as
    "0001-12-31T22:58:16+00:00 BC", which is no date-time of the document."""
    for value in ("0001-01-01T01:01:16+02:03", "9999-12-31T23:00:00-05:00"):
        status, body = rest.post("/rest/tasks", {"title": "t", "dueAt": value})
        assert_error(status, body, 400, "BAD_USER_INPUT", field="dueAt")
    status, body = rest.post("/rest/tasks", {"title": "t", "dueAt": "0001-01-01T01:00:00-01:00"})
    assert status == 201, body
    assert body["data"]["createTask"]["dueAt"].startswith("0001-01-01T02:00:00")


def test_an_object_named_docs_is_documented_and_answers(rest: Rest) -> None:
    """The API page is /rest/api-docs, so `docs` stays free for an object's plural."""
    status, body = rest.post("/rest/metadata/objects", {
        "nameSingular": "doc", "namePlural": "docs", "labelSingular": "Doc",
        "labelPlural": "Docs"})  # fmt: skip
    assert status == 201, body
    doc = fetch(rest)
    assert {"/rest/docs", "/rest/docs/{id}"} <= set(doc["paths"])
    status, created = rest.post("/rest/docs", {"name": "Read me"})
    assert status == 201, created
    status, listing = rest.get("/rest/docs")
    assert status == 200 and listing["data"]["docs"][0]["name"] == "Read me", listing
    validator(doc, "/rest/docs", "get", "200").validate(listing)
