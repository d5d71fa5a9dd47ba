"""`depth` 0, 1 and 2: which relations a REST record carries; a list page is one statement."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.records.rest.conftest import Rest

PERSON_LISTS = {"pointOfContactForOpportunities", "noteTargets", "taskTargets", "attachments",
                "favorites", "timelineActivities"}  # fmt: skip


@pytest.fixture
def world(rest: Rest) -> dict[str, Any]:
    acme = rest.create("companies", {"name": "Acme"})
    ada = rest.create("people", {"name": {"firstName": "Ada"}, "companyId": acme["id"]})
    alan = rest.create("people", {"name": {"firstName": "Alan"}, "companyId": acme["id"]})
    deal = rest.create("opportunities", {"name": "Deal", "companyId": acme["id"],
                                         "pointOfContactId": ada["id"]})  # fmt: skip
    return {"acme": acme, "ada": ada, "alan": alan, "deal": deal}


def get_person(rest: Rest, id_: str, depth: int | None) -> dict[str, Any]:
    answer = rest.ok("GET", f"/rest/people/{id_}", depth=depth)
    return dict(answer["data"]["person"])


def test_depth_0_has_ids_and_no_relations(rest: Rest, world: dict[str, Any]) -> None:
    person = get_person(rest, world["ada"]["id"], 0)
    assert person["companyId"] == world["acme"]["id"]
    assert "company" not in person
    assert not PERSON_LISTS & set(person)
    assert person["name"] == {"firstName": "Ada", "lastName": None}


def test_depth_1_is_the_default(rest: Rest, world: dict[str, Any]) -> None:
    person = get_person(rest, world["ada"]["id"], None)
    assert person == get_person(rest, world["ada"]["id"], 1)
    company = person["company"]
    assert company["id"] == world["acme"]["id"] and company["name"] == "Acme"
    assert "people" not in company and "accountOwner" not in company  # one level only
    assert set(person) >= PERSON_LISTS
    (deal,) = person["pointOfContactForOpportunities"]
    assert deal["id"] == world["deal"]["id"] and deal["companyId"] == world["acme"]["id"]
    assert "company" not in deal


def test_depth_2_goes_two_levels(rest: Rest, world: dict[str, Any]) -> None:
    person = get_person(rest, world["ada"]["id"], 2)
    company = person["company"]
    assert sorted(p["name"]["firstName"] for p in company["people"]) == ["Ada", "Alan"]
    assert all("company" not in p for p in company["people"])  # the third level is not there
    assert [o["id"] for o in company["opportunities"]] == [world["deal"]["id"]]
    (deal,) = person["pointOfContactForOpportunities"]
    assert deal["company"]["name"] == "Acme" and deal["pointOfContact"]["id"] == world["ada"]["id"]


def test_depth_on_lists_and_writes(rest: Rest, world: dict[str, Any]) -> None:
    listed = rest.list("companies", depth=2, limit=1)["data"]["companies"]
    people = {p["name"]["firstName"]: p for p in listed[0]["people"]}
    assert [o["id"] for o in people["Ada"]["pointOfContactForOpportunities"]] == [
        world["deal"]["id"]
    ]
    created = rest.create("people", {"name": {"firstName": "Grace"}}, depth=0)
    assert "favorites" not in created
    updated = rest.ok("PATCH", f"/rest/people/{created['id']}", {"companyId": world["acme"]["id"]},
                      depth=2)["data"]["updatePerson"]  # fmt: skip
    assert len(updated["company"]["people"]) == 3


def test_too_much_is_refused_before_it_runs(
    rest: Rest, world: dict[str, Any], settings: Any
) -> None:
    settings.GRAPHQL_MAX_COST = 1000
    error = rest.error("GET", "/rest/companies", status=400, depth=2)
    assert error["field"] == "depth" and "ask for a smaller depth or limit" in error["message"]
    assert rest.list("companies", depth=0)["totalCount"] == 1


@pytest.mark.parametrize(
    "plural", ["people", "companies", "opportunities", "workspaceMembers", "tasks", "gadgets"]
)
def test_the_budget_fits_a_full_page_at_depth_1(rest: Rest, api: Any, plural: str) -> None:
    """The cost is bounded by the selection, not the data: empty tables show it as well."""
    if plural == "gadgets":
        from tests.records.rest.test_custom import create_gadget_object

        create_gadget_object(api)
    assert rest.list(plural, depth=1, limit=200)["totalCount"] >= 0
    rest.error("GET", f"/rest/{plural}", status=400, depth=2, limit=200)


def test_one_record_at_depth_2(rest: Rest, world: dict[str, Any]) -> None:
    company = rest.ok("GET", f"/rest/companies/{world['acme']['id']}", depth=2)["data"]["company"]
    assert sorted(p["name"]["firstName"] for p in company["people"]) == ["Ada", "Alan"]
    assert company["opportunities"][0]["pointOfContact"]["id"] == world["ada"]["id"]


def statements_of(rest: Rest, **query: Any) -> tuple[list[str], dict[str, Any]]:
    rest.list("companies", **query)  # warm the metadata, schema, document and role caches
    with CaptureQueriesContext(connection) as captured:
        answer = rest.list("companies", **query)
    # The test runs inside a transaction, so the read guards its statement with a savepoint it
    # does not need in production (autocommit); django-tenants sets the search path.
    bookkeeping = ("SET search_path", "SAVEPOINT", "RELEASE SAVEPOINT")
    statements = [
        q["sql"] for q in captured.captured_queries if not q["sql"].startswith(bookkeeping)
    ]
    return statements, answer


def test_a_list_page_is_one_statement_whatever_its_size(rest: Rest) -> None:
    def seed(companies: int, people_each: int) -> None:
        made = rest.batch("companies", [{"name": f"c{i}"} for i in range(companies)])
        rest.batch("people", [{"name": {"firstName": f"p{j}"}, "companyId": c["id"]}
                              for c in made for j in range(people_each)])  # fmt: skip

    seed(2, 2)
    small, answer = statements_of(rest, depth=1)
    assert answer["totalCount"] == 2 and len(answer["data"]["companies"][0]["people"]) == 2
    seed(10, 5)
    large, answer = statements_of(rest, depth=1)
    assert answer["totalCount"] == 12
    assert len(large) == len(small)
    reads = [s for s in large if "json_build_object" in s]
    assert len(reads) == 1, large
    # Authentication (the API key with its workspace) is the only other statement.
    assert len(large) == 2, large
