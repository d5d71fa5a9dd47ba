"""The REST routes of a custom object created through /metadata, with fields of many types
and a relation to a standard object: it answers on the very next request."""

from __future__ import annotations

from typing import Any

import pytest

from tests.records.conftest import Api
from tests.records.rest.conftest import Rest

OPTIONS = [
    {"value": "ALPHA", "label": "Alpha", "color": "green", "position": 0},
    {"value": "BETA", "label": "Beta", "color": "red", "position": 1},
    {"value": "GAMMA_RAY", "label": "Gamma ray", "color": "sky", "position": 2},
]
FIELDS: list[dict[str, Any]] = [
    {"name": "summary", "type": "TEXT"},
    {"name": "score", "type": "NUMBER"},
    {"name": "price", "type": "NUMERIC"},
    {"name": "active", "type": "BOOLEAN"},
    {"name": "launchDate", "type": "DATE"},
    {"name": "launchAt", "type": "DATE_TIME"},
    {"name": "stars", "type": "RATING"},
    {"name": "stage", "type": "SELECT", "options": OPTIONS},
    {"name": "tags", "type": "MULTI_SELECT", "options": OPTIONS},
    {"name": "payload", "type": "RAW_JSON"},
    {"name": "aliases", "type": "ARRAY"},
    {"name": "budget", "type": "CURRENCY"},
    {"name": "site", "type": "LINKS"},
    {"name": "externalId", "type": "UUID"},
]
CREATE_OBJECT = "mutation($input: CreateOneObjectInput!) { createOneObject(input: $input) { id } }"
CREATE_FIELD = (
    "mutation($input: CreateOneFieldMetadataInput!) { createOneField(input: $input) { id } }"
)
SPROCKET = {
    "name": "Sprocket", "summary": "small part", "score": 1.5, "price": "10.25", "active": True,
    "launchDate": "2024-02-29", "launchAt": "2024-01-01T10:00:00Z", "stars": "RATING_3",
    "stage": "ALPHA", "tags": ["ALPHA", "BETA"], "payload": {"a": [1, 2], "b": "x"},
    "aliases": ["spr", "ock"], "budget": {"amountMicros": 5000000, "currencyCode": "EUR"},
    "site": {"primaryLinkUrl": "https://sprocket.test"},
    "externalId": "6f1d2b2e-1111-4111-8111-111111111111",
}  # fmt: skip
GIZMO = {"name": "Gizmo", "score": -3, "price": "-0.5", "active": False, "stage": "BETA",
         "tags": [], "aliases": [], "launchDate": "2023-05-01", "stars": "RATING_5"}  # fmt: skip


def create_gadget_object(api: Api) -> None:
    objects = api.metadata(
        "query { objects(paging: {first: 1000}) { edges { node { id nameSingular } } } }"
    )["objects"]["edges"]
    company = next(e["node"]["id"] for e in objects if e["node"]["nameSingular"] == "company")
    gadget = api.metadata(CREATE_OBJECT, {"input": {"object": {
        "nameSingular": "gadget", "namePlural": "gadgets",
        "labelSingular": "Gadget", "labelPlural": "Gadgets"}}})["createOneObject"]["id"]  # fmt: skip
    for field in FIELDS:
        spec = {"objectMetadataId": gadget, "label": field["name"].title(), **field}
        api.metadata(CREATE_FIELD, {"input": {"field": spec}})
    api.metadata(CREATE_FIELD, {"input": {"field": {
        "objectMetadataId": gadget, "type": "RELATION", "name": "maker", "label": "Maker",
        "relationCreationPayload": {"targetObjectMetadataId": company, "targetFieldLabel": "Gadgets",
                                    "type": "MANY_TO_ONE"}}}})  # fmt: skip


@pytest.fixture
def gadgets(api: Api, rest: Rest) -> dict[str, Any]:
    create_gadget_object(api)
    maker = rest.create("companies", {"name": "Maker Inc"})
    sprocket = rest.create("gadgets", {**SPROCKET, "makerId": maker["id"]})
    gizmo = rest.create("gadgets", GIZMO)
    return {"maker": maker, "sprocket": sprocket, "gizmo": gizmo}


def test_a_custom_object_answers_on_the_next_request(api: Api, rest: Rest) -> None:
    rest.error("GET", "/rest/gadgets", status=404)
    create_gadget_object(api)
    answer = rest.list("gadgets")
    assert answer == {
        "data": {"gadgets": []},
        "pageInfo": {"hasNextPage": False, "hasPreviousPage": False, "startCursor": None,
                     "endCursor": None},
        "totalCount": 0,
    }  # fmt: skip


def test_create_and_read_every_field_type(rest: Rest, gadgets: dict[str, Any]) -> None:
    sprocket = gadgets["sprocket"]
    for name, value in SPROCKET.items():
        if name == "launchAt":
            assert sprocket[name].startswith("2024-01-01T10:00:00")
        elif name == "price":
            assert float(sprocket[name]) == 10.25
        elif name == "site":
            assert sprocket[name]["primaryLinkUrl"] == "https://sprocket.test"
        else:
            assert sprocket[name] == value, name
    assert sprocket["makerId"] == gadgets["maker"]["id"]
    assert sprocket["maker"]["name"] == "Maker Inc"
    assert sprocket["noteTargets"] == [] and sprocket["timelineActivities"] == []
    got = rest.ok("GET", f"/rest/gadgets/{sprocket['id']}")["data"]["gadget"]
    assert got == sprocket
    maker = rest.ok("GET", f"/rest/companies/{gadgets['maker']['id']}")["data"]["company"]
    assert [g["id"] for g in maker["gadgets"]] == [sprocket["id"]]


def names(rest: Rest, filter_: str) -> list[str]:
    answer = rest.list("gadgets", filter=filter_, order_by="name", depth=0)
    return [g["name"] for g in answer["data"]["gadgets"]]


def test_filters_on_every_type(rest: Rest, gadgets: dict[str, Any]) -> None:
    cases = {
        "stage[eq]:ALPHA": ["Sprocket"],
        "stage[in]:[BETA,GAMMA_RAY]": ["Gizmo"],
        "tags[containsAny]:[BETA]": ["Sprocket"],
        "tags[isEmptyArray]:true": ["Gizmo"],
        "score[lt]:0": ["Gizmo"],
        "price[gte]:10": ["Sprocket"],
        "active[eq]:false": ["Gizmo"],
        "launchDate[lt]:2024-01-01": ["Gizmo"],
        "launchAt[is]:NULL": ["Gizmo"],
        "stars[eq]:RATING_5": ["Gizmo"],
        "aliases[contains]:[spr]": ["Sprocket"],
        "aliases[containsIlike]:%OCK%": ["Sprocket"],
        'payload[containsJsonb]:{"b": "x"}': ["Sprocket"],
        "budget.amountMicros[gt]:1000": ["Sprocket"],
        "budget.currencyCode[eq]:EUR": ["Sprocket"],
        'site.primaryLinkUrl[like]:"%sprocket%"': ["Sprocket"],
        "externalId[eq]:6f1d2b2e-1111-4111-8111-111111111111": ["Sprocket"],
        f"makerId[eq]:{gadgets['maker']['id']}": ["Sprocket"],
        "makerId[is]:NULL": ["Gizmo"],
        "or(stage[eq]:ALPHA,stars[eq]:RATING_5)": ["Gizmo", "Sprocket"],
        "summary[is]:NULL,not(name[eq]:Sprocket)": ["Gizmo"],
    }
    for source, expected in cases.items():
        assert names(rest, source) == expected, source
    error = rest.error("GET", "/rest/gadgets", status=400, filter="stage[eq]:OMEGA")
    assert "stage[eq] takes one of ALPHA, BETA, GAMMA_RAY, not 'OMEGA'" in error["message"]
    error = rest.error("GET", "/rest/gadgets", status=400, filter="launchDate[gt]:soon")
    assert "launchDate[gt]" in error["message"] and "at character 16" in error["message"]


def test_order_by_custom_fields(rest: Rest, gadgets: dict[str, Any]) -> None:
    def order(source: str) -> list[str]:
        answer = rest.list("gadgets", order_by=source, depth=0)
        return [g["name"] for g in answer["data"]["gadgets"]]

    assert order("score[DescNullsLast]") == ["Sprocket", "Gizmo"]
    assert order("budget.amountMicros[AscNullsFirst]") == ["Gizmo", "Sprocket"]
    assert order("stage[DescNullsLast]") == ["Gizmo", "Sprocket"]


def test_writes_on_a_custom_object(rest: Rest, gadgets: dict[str, Any]) -> None:
    gizmo = gadgets["gizmo"]
    updated = rest.ok("PUT", f"/rest/gadgets/{gizmo['id']}",
                      {"tags": ["GAMMA_RAY"], "makerId": gadgets["maker"]["id"]})  # fmt: skip
    assert updated["data"]["updateGadget"]["tags"] == ["GAMMA_RAY"]
    assert updated["data"]["updateGadget"]["maker"]["id"] == gadgets["maker"]["id"]
    error = rest.error("PATCH", f"/rest/gadgets/{gizmo['id']}", {"stage": "OMEGA"}, status=400)
    assert error["field"] == "stage"

    batch = rest.ok("POST", "/rest/batch/gadgets", [{"name": "A"}, {"name": "B"}], status=201)
    assert [g["name"] for g in batch["data"]["createGadgets"]] == ["A", "B"]

    deleted = rest.ok("DELETE", f"/rest/gadgets/{gizmo['id']}")
    assert deleted == {"data": {"deleteGadget": {"id": gizmo["id"]}}}
    restored = rest.ok("PATCH", "/rest/restore/gadgets", {"ids": [gizmo["id"]]})
    assert [g["id"] for g in restored["data"]["restoreGadgets"]] == [gizmo["id"]]
    destroyed = rest.ok("DELETE", f"/rest/gadgets/{gizmo['id']}", soft_delete="false")
    assert destroyed == {"data": {"destroyGadget": {"id": gizmo["id"]}}}
    assert rest.list("gadgets")["totalCount"] == 3


def test_duplicates_merge_and_group_by_on_a_custom_object(
    rest: Rest, gadgets: dict[str, Any]
) -> None:
    twin = rest.create("gadgets", {"name": "Sprocket", "summary": "the other one"})
    answer = rest.ok("POST", "/rest/gadgets/duplicates", {"ids": [twin["id"]]})
    # A custom object has no duplicate criteria (as in Twenty): one empty answer per input.
    (found,) = answer["data"]["gadgetDuplicates"]
    assert found["totalCount"] == 0 and found["edges"] == []

    merged = rest.ok("PATCH", "/rest/gadgets/merge",
                     {"ids": [twin["id"], gadgets["sprocket"]["id"]], "conflictPriorityIndex": 0})  # fmt: skip
    survivor = merged["data"]["mergeGadgets"]
    assert survivor["id"] == twin["id"] and survivor["summary"] == "the other one"
    assert survivor["stage"] == "ALPHA"  # filled from the merged record

    groups = rest.ok("GET", "/rest/gadgets/groupBy", group_by='[{"stage": true}]')
    assert [(g["groupByDimensionValues"], g["totalCount"]) for g in groups["data"]["gadgetsGroupBy"]] == [
        (["ALPHA"], 1), (["BETA"], 1),
    ]  # fmt: skip


def test_many_to_many_relations_are_lists(api: Api, rest: Rest) -> None:
    def make(singular: str, plural: str) -> str:
        return str(api.metadata(CREATE_OBJECT, {"input": {"object": {
            "nameSingular": singular, "namePlural": plural,
            "labelSingular": singular.title(), "labelPlural": plural.title()}}})["createOneObject"]["id"])  # fmt: skip

    rocket_object, pad_object = make("rocket", "rockets"), make("launchPad", "launchPads")
    api.metadata(CREATE_FIELD, {"input": {"field": {
        "objectMetadataId": rocket_object, "type": "RELATION", "name": "pads", "label": "Pads",
        "relationCreationPayload": {"targetObjectMetadataId": pad_object,
                                    "targetFieldLabel": "Rockets", "type": "MANY_TO_MANY"}}}})  # fmt: skip
    rocket = rest.create("rockets", {"name": "Falcon"})
    pads = rest.batch("launchPads", [{"name": "SLC-40"}, {"name": "LC-39A"}])
    from django.db import connection

    with connection.cursor() as cursor:
        for pad in pads:
            cursor.execute(
                f'INSERT INTO "{rest.workspace.workspace.schema_name}".rocket_pads_links '
                "(rocket_id, launch_pad_id) VALUES (%s, %s)",
                [rocket["id"], pad["id"]],
            )
    got = rest.ok("GET", f"/rest/rockets/{rocket['id']}")["data"]["rocket"]
    assert sorted(p["name"] for p in got["pads"]) == ["LC-39A", "SLC-40"]
    assert all("rockets" not in p for p in got["pads"])
    deep = rest.list("launchPads", depth=2, limit=2, order_by="name")["data"]["launchPads"]
    assert [r["name"] for r in deep[0]["rockets"]] == ["Falcon"]
    assert sorted(p["name"] for p in deep[0]["rockets"][0]["pads"]) == ["LC-39A", "SLC-40"]
    assert rest.list("rockets", depth=0)["data"]["rockets"][0].keys().isdisjoint({"pads"})
