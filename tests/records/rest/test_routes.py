"""Every records REST route on the standard objects (people, companies), with the response
shapes of the contract and the errors a REST client expects."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import Client

from tests.records.conftest import Api
from tests.records.rest.conftest import Rest

UNKNOWN = str(uuid.UUID(int=12345))


@pytest.fixture
def acme(rest: Rest) -> dict[str, Any]:
    return rest.create("companies", {"name": "Acme", "employees": 10,
                                     "domainName": {"primaryLinkUrl": "https://acme.test"}})  # fmt: skip


def graphql_person(api: Api, id_: str) -> Any:
    return api.gql(
        "query($id: UUID!) { person(filter: {id: {eq: $id}, or: [{deletedAt: {is: NULL}}, "
        "{deletedAt: {is: NOT_NULL}}]}) { id jobTitle city deletedAt name { firstName } } }",
        {"id": id_},
    )["person"]


def test_create_and_get_one(rest: Rest, acme: dict[str, Any], api: Api) -> None:
    answer = rest.ok("POST", "/rest/people", {
        "name": {"firstName": "Ada", "lastName": "Lovelace"}, "companyId": acme["id"],
        "emails": {"primaryEmail": "ada@acme.test", "additionalEmails": ["a@b.test"]},
        "city": "London",
    }, status=201)  # fmt: skip
    created = answer["data"]["createPerson"]
    assert created["name"] == {"firstName": "Ada", "lastName": "Lovelace"}
    assert created["emails"] == {"primaryEmail": "ada@acme.test", "additionalEmails": ["a@b.test"]}
    assert created["companyId"] == acme["id"] and created["company"]["name"] == "Acme"
    assert created["createdBy"]["source"] == "API"
    assert "searchVector" not in created
    assert graphql_person(api, created["id"])["city"] == "London"

    got = rest.ok("GET", f"/rest/people/{created['id']}")
    assert got == {"data": {"person": created}}
    upper = rest.ok("GET", f"/rest/people/{created['id'].upper()}", depth=0)
    assert upper["data"]["person"]["id"] == created["id"]


def test_list_shape(rest: Rest, acme: dict[str, Any]) -> None:
    rest.create("people", {"name": {"firstName": "Ada"}, "companyId": acme["id"]})
    answer = rest.list("people")
    assert set(answer) == {"data", "pageInfo", "totalCount"}
    assert answer["totalCount"] == 1
    assert set(answer["pageInfo"]) == {"hasNextPage", "hasPreviousPage", "startCursor", "endCursor"}
    (person,) = answer["data"]["people"]
    assert person["company"]["id"] == acme["id"]
    (company,) = rest.list("companies")["data"]["companies"]
    (nested,) = company["people"]
    # one level deeper: the person's own fields, no relation objects or lists
    assert nested == {k: v for k, v in person.items() if k != "company" and not isinstance(v, list)}
    assert nested["companyId"] == acme["id"]


def test_upsert(rest: Rest) -> None:
    first = rest.create("people", {"name": {"firstName": "Ada"},
                                   "emails": {"primaryEmail": "ada@acme.test"}})  # fmt: skip
    again = rest.create(
        "people",
        {"name": {"firstName": "Ada B."}, "emails": {"primaryEmail": "ada@acme.test"}},
        upsert="true",
    )
    assert again["id"] == first["id"] and again["name"]["firstName"] == "Ada B."
    assert rest.list("people")["totalCount"] == 1


def test_batch_create(rest: Rest, acme: dict[str, Any]) -> None:
    answer = rest.ok("POST", "/rest/batch/people", [
        {"name": {"firstName": f"p{i}"}, "companyId": acme["id"]} for i in range(3)
    ], status=201)  # fmt: skip
    created = answer["data"]["createPeople"]
    assert [p["name"]["firstName"] for p in created] == ["p0", "p1", "p2"]
    assert all(p["companyId"] == acme["id"] and "company" not in p for p in created)  # depth 0
    deeper = rest.ok("POST", "/rest/batch/people", [{"companyId": acme["id"]}], status=201,
                     depth=1)  # fmt: skip
    assert deeper["data"]["createPeople"][0]["company"]["name"] == "Acme"
    assert rest.list("people")["totalCount"] == 4


def test_batch_is_all_or_nothing(rest: Rest) -> None:
    error = rest.error("POST", "/rest/batch/people", [
        {"name": {"firstName": "ok"}, "emails": {"primaryEmail": "same@x.test"}},
        {"name": {"firstName": "dup"}, "emails": {"primaryEmail": "same@x.test"}},
    ], status=409)  # fmt: skip
    assert error["code"] == "CONFLICT" and error["field"] == "emails"
    assert rest.list("people")["totalCount"] == 0


def test_batch_limits(rest: Rest, settings: Any) -> None:
    settings.GRAPHQL_MAX_BATCH = 2
    error = rest.error("POST", "/rest/batch/people", [{}, {}, {}], status=400)
    assert "At most 2 records" in error["message"]
    error = rest.error("POST", "/rest/batch/people", {"name": {}}, status=400)
    assert "JSON array" in error["message"]
    error = rest.error("POST", "/rest/batch/people", [{}, 3], status=400)
    assert "Item 1" in error["message"]


@pytest.mark.parametrize("method", ["PATCH", "PUT"])
def test_update(rest: Rest, acme: dict[str, Any], api: Api, method: str) -> None:
    person = rest.create("people", {"name": {"firstName": "Ada"}, "city": "London"})
    answer = rest.ok(method, f"/rest/people/{person['id']}",
                     {"jobTitle": "Countess", "companyId": acme["id"]})  # fmt: skip
    updated = answer["data"]["updatePerson"]
    assert updated["jobTitle"] == "Countess" and updated["city"] == "London"
    assert updated["company"]["name"] == "Acme"
    assert graphql_person(api, person["id"])["jobTitle"] == "Countess"


def test_soft_delete_restore_and_destroy(rest: Rest, api: Api) -> None:
    person = rest.create("people", {"name": {"firstName": "Ada"}})
    answer = rest.ok("DELETE", f"/rest/people/{person['id']}")
    assert answer == {"data": {"deletePerson": {"id": person["id"]}}}
    assert graphql_person(api, person["id"])["deletedAt"] is not None
    rest.error("GET", f"/rest/people/{person['id']}", status=404)
    assert rest.list("people")["totalCount"] == 0

    restored = rest.ok("PATCH", f"/rest/restore/people/{person['id']}")
    assert restored["data"]["restorePerson"]["id"] == person["id"]
    assert restored["data"]["restorePerson"]["deletedAt"] is None
    assert rest.list("people")["totalCount"] == 1

    destroyed = rest.ok("DELETE", f"/rest/people/{person['id']}", soft_delete="false")
    assert destroyed == {"data": {"destroyPerson": {"id": person["id"]}}}
    assert graphql_person(api, person["id"]) is None
    rest.error("DELETE", f"/rest/people/{person['id']}", status=404)


def test_restore_many_by_ids_and_by_filter(rest: Rest) -> None:
    made = rest.batch("people", [{"name": {"firstName": n}, "city": c}
                                 for n, c in [("a", "X"), ("b", "X"), ("c", "Y")]])  # fmt: skip
    for person in made:
        rest.ok("DELETE", f"/rest/people/{person['id']}")
    by_ids = rest.ok("PATCH", "/rest/restore/people", {"ids": [made[0]["id"]]})
    assert [p["id"] for p in by_ids["data"]["restorePeople"]] == [made[0]["id"]]
    by_filter = rest.ok("PATCH", "/rest/restore/people", filter="city[eq]:X")
    assert [p["id"] for p in by_filter["data"]["restorePeople"]] == [made[1]["id"]]
    assert rest.list("people")["totalCount"] == 2
    error = rest.error("PATCH", "/rest/restore/people", {}, status=400)
    assert "ids" in error["message"]


def test_duplicates_by_ids_and_by_data(rest: Rest) -> None:
    made = rest.batch("people", [
        {"name": {"firstName": "Ada", "lastName": "Lovelace"}},
        {"name": {"firstName": "Ada", "lastName": "Lovelace"}, "city": "London"},
        {"name": {"firstName": "Grace", "lastName": "Hopper"}},
    ])  # fmt: skip
    answer = rest.ok("POST", "/rest/people/duplicates", {"ids": [made[0]["id"], made[2]["id"]]})
    first, second = answer["data"]["personDuplicates"]
    assert first["totalCount"] == 1
    assert [e["node"]["id"] for e in first["edges"]] == [made[1]["id"]]
    assert first["edges"][0]["node"]["city"] == "London"
    assert second["totalCount"] == 0 and second["edges"] == []
    assert set(first["pageInfo"]) == {"hasNextPage", "hasPreviousPage", "startCursor", "endCursor"}

    by_data = rest.ok("POST", "/rest/people/duplicates",
                      {"data": [{"name": {"firstName": "Grace", "lastName": "Hopper"}}]})  # fmt: skip
    (only,) = by_data["data"]["personDuplicates"]
    assert [e["node"]["id"] for e in only["edges"]] == [made[2]["id"]]

    rest.error("POST", "/rest/people/duplicates", {}, status=400)
    rest.error("POST", "/rest/people/duplicates", {"ids": [UNKNOWN]}, status=404)
    rest.error("POST", "/rest/people/duplicates", {"data": "x"}, status=400)


def test_merge(rest: Rest, api: Api) -> None:
    keep = rest.create("companies", {"name": "Keep", "employees": None})
    other = rest.create("companies", {"name": "Other", "employees": 42})
    person = rest.create("people", {"name": {"firstName": "Ada"}, "companyId": other["id"]})

    dry = rest.ok("PATCH", "/rest/companies/merge",
                  {"ids": [keep["id"], other["id"]], "conflictPriorityIndex": 0, "dryRun": True})  # fmt: skip
    assert dry["data"]["mergeCompanies"]["employees"] == 42
    assert rest.list("companies")["totalCount"] == 2  # nothing changed

    merged = rest.ok("PATCH", "/rest/companies/merge",
                     {"ids": [keep["id"], other["id"]], "conflictPriorityIndex": 0})  # fmt: skip
    survivor = merged["data"]["mergeCompanies"]
    assert survivor["id"] == keep["id"] and survivor["name"] == "Keep"
    assert survivor["employees"] == 42
    assert [p["id"] for p in survivor["people"]] == [person["id"]]
    assert rest.list("companies")["totalCount"] == 1

    for body, words in [
        ({"ids": [keep["id"]]}, "at least two"),
        ({"ids": [keep["id"], other["id"]], "conflictPriorityIndex": 5}, "conflictPriorityIndex"),
        ({"ids": "x"}, "list of record ids"),
        ({"ids": [keep["id"], other["id"]], "conflictPriorityIndex": "0"}, "integer"),
        ({"ids": [keep["id"], other["id"]], "dryRun": "yes"}, "dryRun"),
    ]:
        error = rest.error("PATCH", "/rest/companies/merge", body, status=400)
        assert words in error["message"], error


def test_group_by(rest: Rest) -> None:
    rest.batch("people", [{"name": {"firstName": n}, "city": c}
                          for n, c in [("a", "Paris"), ("b", "Paris"), ("c", "Rome"), ("d", None)]])  # fmt: skip
    answer = rest.ok("GET", "/rest/people/groupBy", group_by='[{"city": true}]',
                     order_by="name.firstName[DescNullsLast]")  # fmt: skip
    groups = answer["data"]["peopleGroupBy"]
    assert [(g["groupByDimensionValues"], g["totalCount"]) for g in groups] == [
        (["Paris"], 2), (["Rome"], 1), ([None], 1),
    ]  # fmt: skip
    assert [e["node"]["name"]["firstName"] for e in groups[0]["edges"]] == ["b", "a"]
    filtered = rest.ok("GET", "/rest/people/groupBy", group_by='{"city": true}',
                       filter="city[is]:NOT_NULL", limit=1)  # fmt: skip
    assert [g["groupByDimensionValues"] for g in filtered["data"]["peopleGroupBy"]] == [["Paris"]]
    composite = rest.ok("GET", "/rest/people/groupBy", group_by='[{"name": {"firstName": true}}]')
    assert len(composite["data"]["peopleGroupBy"]) == 4

    for query, words in [
        ({}, "group_by is required"),
        ({"group_by": "[{city: true}]"}, "must be JSON"),
        ({"group_by": "[]"}, "non-empty"),
        ({"group_by": '[{"nope": true}]'}, "nope"),
    ]:
        error = rest.error("GET", "/rest/people/groupBy", status=400, **query)
        assert words in error["message"], error


# --- errors -------------------------------------------------------------------------------


def test_unknown_object_and_record(rest: Rest) -> None:
    error = rest.error("GET", "/rest/rockets", status=404)
    assert error["code"] == "NOT_FOUND" and "rockets" in error["message"]
    rest.error("GET", f"/rest/rockets/{UNKNOWN}", status=404)
    rest.error("POST", "/rest/batch/rockets", [], status=404)
    error = rest.error("GET", f"/rest/people/{UNKNOWN}", status=404)
    assert error["code"] == "NOT_FOUND" and error["field"] == "id"
    rest.error("PATCH", f"/rest/people/{UNKNOWN}", {"city": "x"}, status=404)
    rest.error("DELETE", f"/rest/people/{UNKNOWN}", status=404)
    rest.error("PATCH", f"/rest/restore/people/{UNKNOWN}", status=404)


def test_malformed_ids_are_400(rest: Rest) -> None:
    for method in ("GET", "PATCH", "DELETE"):
        error = rest.error(method, "/rest/people/not-a-uuid", {}, status=400)
        assert error["field"] == "id" and "not a valid record id" in error["message"]
    error = rest.error("PATCH", "/rest/restore/people", {"ids": ["nope"]}, status=400)
    assert error["field"] == "id"


def test_wrong_methods_are_405_with_the_error_shape(rest: Rest) -> None:
    for method, path in [
        ("DELETE", "/rest/people"),
        ("PUT", "/rest/people"),
        ("POST", f"/rest/people/{UNKNOWN}"),
        ("GET", "/rest/batch/people"),
        ("GET", "/rest/people/merge"),
        ("POST", "/rest/people/groupBy"),
        ("GET", "/rest/restore/people"),
    ]:
        error = rest.error(method, path, status=405)
        assert error["code"] == "METHOD_NOT_ALLOWED" and method in error["message"]


def test_bad_bodies(rest: Rest) -> None:
    error = rest.error("POST", "/rest/people", raw=b"{not json", status=400)
    assert "not valid JSON" in error["message"]
    error = rest.error("POST", "/rest/people", [1, 2], status=400)
    assert "JSON object" in error["message"]
    error = rest.error("POST", "/rest/people", raw=b"", status=400)
    assert "needs a JSON body" in error["message"]
    error = rest.error("POST", "/rest/people", {"nmae": "x"}, status=400)
    assert error["message"] == "Unknown field 'nmae' in the body; did you mean 'name'?"
    assert error["field"] == "nmae" and error["code"] == "BAD_USER_INPUT"
    error = rest.error("POST", "/rest/companies", {"employees": "many"}, status=400)
    assert error["field"] == "employees", error
    error = rest.error("PATCH", f"/rest/people/{UNKNOWN}", {"companyId": "x"}, status=400)
    assert error["field"] == "companyId"


def test_unique_violation_is_409(rest: Rest) -> None:
    rest.create("people", {"emails": {"primaryEmail": "a@b.test"}})
    error = rest.error("POST", "/rest/people", {"emails": {"primaryEmail": "a@b.test"}}, status=409)
    assert error["code"] == "CONFLICT" and error["field"] == "emails"
    assert rest.list("people")["totalCount"] == 1


def test_a_relation_to_a_missing_record_is_400_and_writes_nothing(rest: Rest) -> None:
    error = rest.error("POST", "/rest/people", {"companyId": UNKNOWN}, status=400)
    assert error["field"] == "companyId"
    assert rest.list("people")["totalCount"] == 0


def test_request_size_is_limited(rest: Rest, settings: Any) -> None:
    settings.MAX_REQUEST_BYTES = 2000
    error = rest.error("POST", "/rest/people", {"city": "x" * 5000}, status=413)
    assert error["code"] == "PAYLOAD_TOO_LARGE"
    rest.error("POST", "/rest/batch/people", [{"city": "x" * 5000}], status=413)
    assert rest.list("people")["totalCount"] == 0


def test_bad_query_parameters(rest: Rest) -> None:
    for query, field in [
        ({"depth": "3"}, "depth"),
        ({"depth": "-1"}, "depth"),
        ({"depth": "one"}, "depth"),
        ({"limit": "0"}, "limit"),
        ({"limit": "201"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"starting_after": "garbage!"}, "cursor"),
        ({"filter": "city[eq]:a\x00b"}, "filter"),
    ]:
        error = rest.error("GET", "/rest/people", status=400, **query)
        assert error["field"] == field, error
    error = rest.error("POST", "/rest/people", {}, status=400, upsert="maybe")
    assert error["field"] == "upsert"
    error = rest.error("DELETE", f"/rest/people/{UNKNOWN}", status=400, soft_delete="no")
    assert error["field"] == "soft_delete"


def test_bearer_clients_need_no_csrf_token(rest: Rest) -> None:
    strict = Rest(Client(enforce_csrf_checks=True), rest.workspace)
    created = strict.create("companies", {"name": "Acme"})
    strict.ok("PATCH", f"/rest/companies/{created['id']}", {"name": "Acme 2"})
    strict.ok("DELETE", f"/rest/companies/{created['id']}")
