"""search, duplicates, groupBy and merge."""

from __future__ import annotations

from typing import Any

import pytest

from tests.records.conftest import Api

PEOPLE = "mutation($data: [PersonCreateInput!]!) { createPeople(data: $data) { id } }"
COMPANIES = "mutation($data: [CompanyCreateInput!]!) { createCompanies(data: $data) { id name } }"
SEARCH = """query($q: String!, $limit: Int!, $after: String, $in: [String!]) {
  search(searchInput: $q, limit: $limit, after: $after, includedObjectNameSingulars: $in) {
    edges { node { recordId objectNameSingular label tsRankCD } cursor } pageInfo { hasNextPage endCursor } } }"""


@pytest.fixture
def crowd(api: Api) -> dict[str, Any]:
    companies = api.gql(COMPANIES, {"data": [
        {"name": "Lovelace Analytics", "employees": 10, "address": {"addressCity": "London"}},
        {"name": "Babbage Engines", "employees": 10, "address": {"addressCity": "London"}},
        {"name": "Hopper Systems", "employees": 50, "address": {"addressCity": "New York"}},
    ]})["createCompanies"]  # fmt: skip
    ids = {c["name"]: c["id"] for c in companies}
    people = api.gql(PEOPLE, {"data": [
        {"name": {"firstName": "Ada", "lastName": "Lovelace"}, "emails": {"primaryEmail": "ada@lovelace.io"},
         "companyId": ids["Lovelace Analytics"], "city": "London"},
        {"name": {"firstName": "Charles", "lastName": "Babbage"}, "companyId": ids["Babbage Engines"], "city": "London"},
        {"name": {"firstName": "Ada", "lastName": "Lovelace"}, "jobTitle": "Countess", "city": "Paris"},
        {"name": {"firstName": "Grace", "lastName": "Hopper"}, "companyId": ids["Hopper Systems"]},
    ]})["createPeople"]  # fmt: skip
    return {"companies": ids, "people": [p["id"] for p in people]}


def test_search_across_objects_by_words_and_prefixes(api: Api, crowd: dict[str, Any]) -> None:
    found = api.gql(SEARCH, {"q": "lovelace", "limit": 10})["search"]
    hits = {(e["node"]["objectNameSingular"], e["node"]["label"]) for e in found["edges"]}
    assert ("company", "Lovelace Analytics") in hits
    assert ("person", "Ada Lovelace") in hits
    assert ("company", "Babbage Engines") not in hits
    assert (
        api.gql(SEARCH, {"q": "lovel", "limit": 10, "in": ["company"]})["search"]["edges"][0][
            "node"
        ]["label"]
        == "Lovelace Analytics"
    )
    short = api.gql(SEARCH, {"q": "ho", "limit": 10})["search"]["edges"]
    assert any(e["node"]["label"] == "Hopper Systems" for e in short)


def test_search_pages(api: Api, crowd: dict[str, Any]) -> None:
    first = api.gql(SEARCH, {"q": "a", "limit": 2})["search"]
    assert len(first["edges"]) == 2 and first["pageInfo"]["hasNextPage"] is True
    second = api.gql(SEARCH, {"q": "a", "limit": 2, "after": first["pageInfo"]["endCursor"]})[
        "search"
    ]
    assert {e["node"]["recordId"] for e in second["edges"]}.isdisjoint(
        {e["node"]["recordId"] for e in first["edges"]}
    )
    errors = api.errors(SEARCH, {"q": "a", "limit": 0})
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_duplicates_by_id_and_by_data(api: Api, crowd: dict[str, Any]) -> None:
    ada = crowd["people"][0]
    data = api.gql(
        """query($ids: [UUID]) { personDuplicates(ids: $ids) { totalCount edges { node { id jobTitle } } } }""",
        {"ids": [ada]},
    )["personDuplicates"]
    assert data[0]["totalCount"] == 1
    assert data[0]["edges"][0]["node"]["jobTitle"] == "Countess"
    by_data = api.gql(
        """query($data: [PersonCreateInput]) { personDuplicates(data: $data) { totalCount } }""",
        {
            "data": [
                {"emails": {"primaryEmail": "ADA@lovelace.io"}},
                {"name": {"firstName": "Nobody"}},
            ]
        },
    )["personDuplicates"]
    assert [d["totalCount"] for d in by_data] == [1, 0]


def test_group_by_with_counts_aggregates_and_edges(api: Api, crowd: dict[str, Any]) -> None:
    groups = api.gql(
        """query { companiesGroupBy(groupBy: [{employees: true}], orderBy: [{name: AscNullsLast}]) {
            groupByDimensionValues totalCount sumEmployees edges { node { name } } } }"""
    )["companiesGroupBy"]
    assert groups == [
        {"groupByDimensionValues": [10], "totalCount": 2, "sumEmployees": 20,
         "edges": [{"node": {"name": "Babbage Engines"}}, {"node": {"name": "Lovelace Analytics"}}]},
        {"groupByDimensionValues": [50], "totalCount": 1, "sumEmployees": 50,
         "edges": [{"node": {"name": "Hopper Systems"}}]},
    ]  # fmt: skip
    by_city = api.gql(
        "query { peopleGroupBy(groupBy: [{city: true}], filter: {city: {is: NOT_NULL}}) { groupByDimensionValues totalCount } }"
    )["peopleGroupBy"]
    assert by_city == [
        {"groupByDimensionValues": ["London"], "totalCount": 2},
        {"groupByDimensionValues": ["Paris"], "totalCount": 1},
    ]
    composite = api.gql(
        "query { companiesGroupBy(groupBy: [{address: {addressCity: true}}]) { groupByDimensionValues totalCount } }"
    )["companiesGroupBy"]
    assert [g["groupByDimensionValues"] for g in composite] == [["London"], ["New York"]]


def test_merge_keeps_the_priority_record_fills_gaps_and_moves_relations(
    api: Api, crowd: dict[str, Any]
) -> None:
    companies = crowd["companies"]
    task = api.gql(
        "mutation($data: NoteTargetCreateInput!) { createNoteTarget(data: $data) { id } }",
        {"data": {"companyId": companies["Babbage Engines"]}},
    )["createNoteTarget"]
    merged = api.gql(
        """mutation($ids: [UUID!]!) { mergeCompanies(ids: $ids, conflictPriorityIndex: 0) {
            id name employees address { addressCity } people { totalCount } noteTargets { totalCount } } }""",
        {"ids": [companies["Lovelace Analytics"], companies["Babbage Engines"]]},
    )["mergeCompanies"]
    assert merged["id"] == companies["Lovelace Analytics"]
    assert merged["name"] == "Lovelace Analytics"
    assert merged["people"]["totalCount"] == 2
    assert merged["noteTargets"]["totalCount"] == 1
    remaining = api.gql("query { companies { totalCount } }")["companies"]["totalCount"]
    assert remaining == 2
    gone = api.gql(
        "query { companies(filter: {deletedAt: {is: NOT_NULL}}) { edges { node { id } } } }"
    )
    assert gone["companies"]["edges"] == [{"node": {"id": companies["Babbage Engines"]}}]
    del task


def test_merge_fills_empty_fields_from_the_others(api: Api, crowd: dict[str, Any]) -> None:
    ada, _, countess, _ = crowd["people"]
    merged = api.gql(
        """mutation($ids: [UUID!]!) { mergePeople(ids: $ids, conflictPriorityIndex: 1) {
            id jobTitle city emails { primaryEmail } } }""",
        {"ids": [ada, countess]},
    )["mergePeople"]
    assert merged == {
        "id": countess, "jobTitle": "Countess", "city": "Paris", "emails": {"primaryEmail": "ada@lovelace.io"}
    }  # fmt: skip


def test_merge_dry_run_changes_nothing_and_bad_input(api: Api, crowd: dict[str, Any]) -> None:
    a, b = crowd["people"][0], crowd["people"][2]
    preview = api.gql(
        "mutation($ids: [UUID!]!) { mergePeople(ids: $ids, conflictPriorityIndex: 0, dryRun: true) { id jobTitle } }",
        {"ids": [a, b]},
    )["mergePeople"]
    assert preview == {"id": a, "jobTitle": "Countess"}
    assert api.gql("query { people { totalCount } }")["people"]["totalCount"] == 4
    errors = api.errors(
        "mutation($ids: [UUID!]!) { mergePeople(ids: $ids, conflictPriorityIndex: 5) { id } }",
        {"ids": [a, b]},
    )
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    errors = api.errors(
        "mutation($ids: [UUID!]!) { mergePeople(ids: $ids, conflictPriorityIndex: 0) { id } }",
        {"ids": [a, a]},
    )
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
