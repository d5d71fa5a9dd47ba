"""Mutations: create one and many, upsert, update, soft delete, restore, destroy; all or
nothing; errors with codes naming the field."""

from __future__ import annotations

from typing import Any

import pytest

from tests.records.conftest import Api

CREATE_PEOPLE = "mutation($data: [PersonCreateInput!]!, $upsert: Boolean) { createPeople(data: $data, upsert: $upsert) { id name { firstName } emails { primaryEmail } jobTitle } }"
COUNT = "query { people { totalCount } }"


def count(api: Api) -> int:
    return int(api.gql(COUNT)["people"]["totalCount"])


def test_create_many_keeps_input_order(api: Api) -> None:
    created = api.gql(
        CREATE_PEOPLE, {"data": [{"name": {"firstName": n}} for n in ["C", "A", "B"]]}
    )
    assert [p["name"]["firstName"] for p in created["createPeople"]] == ["C", "A", "B"]
    assert count(api) == 3


def test_upsert_matches_on_id_then_on_unique_fields(api: Api) -> None:
    first = api.gql(
        CREATE_PEOPLE,
        {"data": [{"name": {"firstName": "Ada"}, "emails": {"primaryEmail": "ada@x.co"}}]},
    )
    ada = first["createPeople"][0]
    again = api.gql(CREATE_PEOPLE, {"upsert": True, "data": [
        {"name": {"firstName": "Ada L."}, "emails": {"primaryEmail": "ada@x.co"}, "jobTitle": "Countess"},
        {"id": ada["id"], "jobTitle": "Analyst", "emails": {"primaryEmail": "ada@x.co"}},
        {"name": {"firstName": "New"}, "emails": {"primaryEmail": "new@x.co"}},
    ]})["createPeople"]  # fmt: skip
    assert [p["id"] for p in again[:2]] == [ada["id"], ada["id"]]
    assert again[1]["jobTitle"] == "Analyst" and again[0]["name"]["firstName"] == "Ada L."
    assert count(api) == 2


def test_a_unique_violation_is_a_conflict_naming_the_field_and_nothing_is_written(api: Api) -> None:
    api.gql(CREATE_PEOPLE, {"data": [{"emails": {"primaryEmail": "dup@x.co"}}]})
    errors = api.errors(CREATE_PEOPLE, {"data": [
        {"name": {"firstName": "ok"}, "emails": {"primaryEmail": "fresh@x.co"}},
        {"emails": {"primaryEmail": "dup@x.co"}},
    ]})  # fmt: skip
    assert errors[0]["extensions"] == {"code": "CONFLICT", "field": "emails"}
    assert "emails" in errors[0]["message"]
    assert count(api) == 1


@pytest.mark.parametrize(
    ("data", "field", "fragment"),
    [
        ({"companyId": "not-a-uuid"}, "companyId", "UUID"),
        ({"companyId": "00000000-0000-4000-8000-000000000000"}, "companyId", "No company"),
        (
            {"createdAt": "2024-01-01T00:00:00Z"},
            "createdAt",
            "not defined by type 'PersonCreateInput'",
        ),
    ],
)
def test_bad_input_is_bad_user_input(
    api: Api, data: dict[str, Any], field: str, fragment: str
) -> None:
    errors = api.errors(CREATE_PEOPLE, {"data": [data]})
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert errors[0]["extensions"].get("field") in (field, None)
    assert fragment in errors[0]["message"]
    assert "Traceback" not in str(errors) and "psycopg" not in str(errors)
    assert count(api) == 0


def test_unknown_select_option_on_write(api: Api) -> None:
    errors = api.errors(
        "mutation($data: OpportunityCreateInput!) { createOpportunity(data: $data) { id } }",
        {"data": {"name": "Deal", "stage": "WON"}},
    )
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "WON" in errors[0]["message"]


def test_select_default_and_update(api: Api) -> None:
    deal = api.gql(
        "mutation($data: OpportunityCreateInput!) { createOpportunity(data: $data) { id stage amount { amountMicros currencyCode } } }",
        {"data": {"name": "Deal", "amount": {"amountMicros": 1500000, "currencyCode": "EUR"}}},
    )["createOpportunity"]
    assert deal["stage"] == "NEW"
    assert deal["amount"] == {"amountMicros": 1500000, "currencyCode": "EUR"}
    updated = api.gql(
        "mutation($id: UUID!, $data: OpportunityUpdateInput!) { updateOpportunity(id: $id, data: $data) { stage } }",
        {"id": deal["id"], "data": {"stage": "PROPOSAL"}},
    )
    assert updated["updateOpportunity"]["stage"] == "PROPOSAL"


def test_update_many_by_filter_and_update_not_found(api: Api) -> None:
    api.gql(CREATE_PEOPLE, {"data": [{"city": "Paris"}, {"city": "Paris"}, {"city": "Lyon"}]})
    updated = api.gql(
        'mutation { updatePeople(filter: {city: {eq: "Paris"}}, data: {jobTitle: "Parisian"}) { jobTitle } }'
    )["updatePeople"]
    assert [p["jobTitle"] for p in updated] == ["Parisian", "Parisian"]
    errors = api.errors(
        'mutation { updatePerson(id: "00000000-0000-4000-8000-000000000000", data: {city: "X"}) { id } }'
    )
    assert errors[0]["extensions"]["code"] == "NOT_FOUND"


def test_soft_delete_restore_destroy(api: Api) -> None:
    ids = [
        p["id"]
        for p in api.gql(CREATE_PEOPLE, {"data": [{"city": "A"}, {"city": "B"}]})["createPeople"]
    ]
    deleted = api.gql(
        "mutation($id: UUID!) { deletePerson(id: $id) { id deletedAt } }", {"id": ids[0]}
    )
    assert deleted["deletePerson"]["deletedAt"] is not None
    assert count(api) == 1
    errors = api.errors("mutation($id: UUID!) { deletePerson(id: $id) { id } }", {"id": ids[0]})
    assert errors[0]["extensions"]["code"] == "NOT_FOUND"
    restored = api.gql(
        "mutation($id: UUID!) { restorePerson(id: $id) { id deletedAt } }", {"id": ids[0]}
    )
    assert restored["restorePerson"] == {"id": ids[0], "deletedAt": None}
    gone = api.gql('mutation { destroyPeople(filter: {city: {eq: "B"}}) { id city } }')[
        "destroyPeople"
    ]
    assert gone == [{"id": ids[1], "city": "B"}]
    assert count(api) == 1
    api.gql("mutation($id: UUID!) { destroyPerson(id: $id) { id } }", {"id": ids[0]})
    assert count(api) == 0


def test_batch_size_is_capped(api: Api, settings: Any) -> None:
    settings.GRAPHQL_MAX_BATCH = 2
    errors = api.errors(CREATE_PEOPLE, {"data": [{}, {}, {}]})
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "At most 2" in errors[0]["message"]


def test_connect_and_disconnect_relations(api: Api) -> None:
    company = api.gql(
        'mutation { createCompany(data: {name: "Acme", domainName: {primaryLinkUrl: "https://acme.com"}}) { id } }'
    )["createCompany"]
    by_id = api.gql(
        "mutation($data: PersonCreateInput!) { createPerson(data: $data) { id company { name } } }",
        {"data": {"company": {"connect": {"where": {"id": company["id"]}}}}},
    )["createPerson"]
    assert by_id["company"] == {"name": "Acme"}
    by_unique = api.gql(
        "mutation($data: PersonCreateInput!) { createPerson(data: $data) { company { name } } }",
        {
            "data": {
                "company": {
                    "connect": {"where": {"domainName": {"primaryLinkUrl": "https://acme.com"}}}
                }
            }
        },
    )["createPerson"]
    assert by_unique["company"] == {"name": "Acme"}
    cut = api.gql(
        "mutation($id: UUID!) { updatePerson(id: $id, data: {company: {disconnect: true}}) { companyId } }",
        {"id": by_id["id"]},
    )["updatePerson"]
    assert cut == {"companyId": None}
    errors = api.errors(
        "mutation($data: PersonCreateInput!) { createPerson(data: $data) { id } }",
        {
            "data": {
                "company": {
                    "connect": {"where": {"domainName": {"primaryLinkUrl": "https://nope.com"}}}
                }
            }
        },
    )
    assert errors[0]["extensions"]["code"] == "NOT_FOUND"
    errors = api.errors(
        "mutation($data: PersonCreateInput!) { createPerson(data: $data) { id } }",
        {"data": {"company": {"connect": {"where": {"id": company["id"]}}, "disconnect": True}}},
    )
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert count(api) == 2
