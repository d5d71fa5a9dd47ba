"""Filters on standard objects through /graphql: operators, logic, relations, soft delete."""

from __future__ import annotations

from typing import Any

import pytest

from tests.records.conftest import Api

COMPANIES = """query($filter: CompanyFilterInput) { companies(filter: $filter, orderBy: [{name: AscNullsLast}]) {
  edges { node { name } } totalCount } }"""


@pytest.fixture
def world(api: Api) -> dict[str, Any]:
    companies = api.gql(
        "mutation($data: [CompanyCreateInput!]!) { createCompanies(data: $data) { id name } }",
        {"data": [
            {"name": "Acme", "employees": 120, "idealCustomerProfile": True,
             "domainName": {"primaryLinkUrl": "https://acme.com"},
             "annualRecurringRevenue": {"amountMicros": 5000000000, "currencyCode": "USD"},
             "address": {"addressCity": "Paris"}},
            {"name": "Globex", "employees": 40, "idealCustomerProfile": False,
             "domainName": {"primaryLinkUrl": "https://globex.io"}},
            {"name": "Initech", "employees": None},
        ]},
    )["createCompanies"]  # fmt: skip
    by_name = {c["name"]: c["id"] for c in companies}
    people = api.gql(
        "mutation($data: [PersonCreateInput!]!) { createPeople(data: $data) { id } }",
        {"data": [
            {"name": {"firstName": "Ada", "lastName": "Lovelace"}, "companyId": by_name["Acme"],
             "emails": {"primaryEmail": "ada@acme.com"}, "city": "London"},
            {"name": {"firstName": "Grace", "lastName": "Hopper"}, "companyId": by_name["Acme"]},
            {"name": {"firstName": "Alan", "lastName": "Turing"}, "companyId": by_name["Globex"]},
        ]},
    )["createPeople"]  # fmt: skip
    return {"companies": by_name, "people": [p["id"] for p in people]}


def names(api: Api, filter_: dict[str, Any]) -> list[str]:
    return [
        e["node"]["name"] for e in api.gql(COMPANIES, {"filter": filter_})["companies"]["edges"]
    ]


@pytest.mark.parametrize(
    ("filter_", "expected"),
    [
        ({"employees": {"gte": 40}}, ["Acme", "Globex"]),
        ({"employees": {"lt": 100, "gt": 10}}, ["Globex"]),
        ({"employees": {"is": "NULL"}}, ["Initech"]),
        ({"employees": {"in": [40, 120]}}, ["Acme", "Globex"]),
        ({"name": {"eq": "Acme"}}, ["Acme"]),
        ({"name": {"neq": "Acme"}}, ["Globex", "Initech"]),
        ({"name": {"like": "%ob%"}}, ["Globex"]),
        ({"name": {"ilike": "%AC%"}}, ["Acme"]),
        ({"name": {"startsWith": "In"}}, ["Initech"]),
        ({"name": {"endsWith": "ex"}}, ["Globex"]),
        ({"idealCustomerProfile": {"eq": True}}, ["Acme"]),
        ({"domainName": {"primaryLinkUrl": {"ilike": "%.io"}}}, ["Globex"]),
        ({"annualRecurringRevenue": {"amountMicros": {"gt": 1000}}}, ["Acme"]),
        ({"address": {"addressCity": {"eq": "Paris"}}}, ["Acme"]),
        ({"or": [{"name": {"eq": "Acme"}}, {"employees": {"lt": 50}}]}, ["Acme", "Globex"]),
        (
            {"and": [{"employees": {"is": "NOT_NULL"}}, {"not": {"name": {"eq": "Acme"}}}]},
            ["Globex"],
        ),
        ({"not": {"or": [{"name": {"eq": "Acme"}}, {"name": {"eq": "Globex"}}]}}, ["Initech"]),
        ({"searchVector": {"search": "globex"}}, ["Globex"]),
    ],
)
def test_operators(
    api: Api, world: dict[str, Any], filter_: dict[str, Any], expected: list[str]
) -> None:
    assert names(api, filter_) == expected


def test_relation_id_filter_and_nested_read(api: Api, world: dict[str, Any]) -> None:
    data = api.gql(
        """query($filter: PersonFilterInput) { people(filter: $filter, orderBy: [{name: {firstName: AscNullsLast}}]) {
            edges { node { name { firstName } companyId company { name } } } } }""",
        {"filter": {"companyId": {"eq": world["companies"]["Acme"]}}},
    )
    nodes = [e["node"] for e in data["people"]["edges"]]
    assert [n["name"]["firstName"] for n in nodes] == ["Ada", "Grace"]
    assert all(n["company"] == {"name": "Acme"} for n in nodes)
    assert nodes[0]["companyId"] == world["companies"]["Acme"]


def test_soft_deleted_records_are_left_out_unless_the_filter_names_deleted_at(
    api: Api, world: dict[str, Any]
) -> None:
    api.gql(
        "mutation($id: UUID!) { deleteCompany(id: $id) { id deletedAt } }",
        {"id": world["companies"]["Globex"]},
    )
    assert names(api, {}) == ["Acme", "Initech"]
    assert names(api, {"deletedAt": {"is": "NOT_NULL"}}) == ["Globex"]
    api.gql(
        "mutation($id: UUID!) { restoreCompany(id: $id) { id } }",
        {"id": world["companies"]["Globex"]},
    )
    assert names(api, {}) == ["Acme", "Globex", "Initech"]


@pytest.mark.parametrize(
    ("filter_", "fragment"),
    [
        ({"id": {"eq": "not-a-uuid"}}, "UUID"),
        ({"createdAt": {"gt": "yesterday"}}, "date-time"),
        ({"employees": {"eq": "many"}}, "numeric"),
        ({"employees": {"is": "MAYBE"}}, "MAYBE"),
    ],
)
def test_invalid_filter_values_are_bad_user_input(
    api: Api, filter_: dict[str, Any], fragment: str
) -> None:
    errors = api.errors(COMPANIES, {"filter": filter_})
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert fragment in errors[0]["message"]


def test_unknown_select_option_in_a_filter(api: Api) -> None:
    errors = api.errors("query { opportunities(filter: {stage: {eq: WON}}) { totalCount } }")
    assert errors[0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    errors = api.errors(
        "query($f: OpportunityFilterInput) { opportunities(filter: $f) { totalCount } }",
        {"f": {"stage": {"eq": "WON"}}},
    )
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_aggregates(api: Api, world: dict[str, Any]) -> None:
    data = api.gql("""query { companies { totalCount minEmployees maxEmployees avgEmployees sumEmployees
        countEmptyEmployees countNotEmptyEmployees percentageEmptyEmployees countTrueIdealCustomerProfile
        countFalseIdealCustomerProfile sumAnnualRecurringRevenueAmountMicros countUniqueValuesName } }""")[
        "companies"
    ]
    assert data == {
        "totalCount": 3, "minEmployees": 40, "maxEmployees": 120, "avgEmployees": 80, "sumEmployees": 160,
        "countEmptyEmployees": 1, "countNotEmptyEmployees": 2, "percentageEmptyEmployees": pytest.approx(1 / 3),
        "countTrueIdealCustomerProfile": 1, "countFalseIdealCustomerProfile": 2,
        "sumAnnualRecurringRevenueAmountMicros": 5000000000, "countUniqueValuesName": 3,
    }  # fmt: skip
    filtered = api.gql(
        "query { companies(filter: {employees: {gt: 50}}) { totalCount sumEmployees } }"
    )
    assert filtered["companies"] == {"totalCount": 1, "sumEmployees": 120}
