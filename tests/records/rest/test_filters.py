"""`filter=` and `order_by=` typed against a workspace's real GraphQL input types (unit), and
applied end to end through GET /rest/<plural>."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import GraphQLInputObjectType

from crm.errors import BadUserInput
from crm.schemas import use_workspace
from metadata import snapshot
from records.graphql.schema_cache import schema_for
from records.rest.filters import to_filter, to_order_by
from records.rest.grammar import GrammarError
from tests.records.conftest import Api
from tests.records.rest.conftest import Rest

UUID = "0b4e7f3a-0000-4000-8000-000000000001"


@pytest.fixture
def types(api: Api) -> dict[str, GraphQLInputObjectType]:
    use_workspace(api.workspace.workspace)
    schema = schema_for(snapshot.for_workspace(api.workspace.workspace))
    found: dict[str, GraphQLInputObjectType] = {}
    for name in ("PersonFilterInput", "OpportunityFilterInput", "PersonOrderByInput"):
        type_ = schema.get_type(name)
        assert isinstance(type_, GraphQLInputObjectType)
        found[name] = type_
    return found


def person(source: str, types: dict[str, GraphQLInputObjectType]) -> Any:
    return to_filter(source, types["PersonFilterInput"], "people")


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('name.firstName[ilike]:"%an%"', {"name": {"firstName": {"ilike": "%an%"}}}),
        ("emails.primaryEmail[eq]:a@b.co", {"emails": {"primaryEmail": {"eq": "a@b.co"}}}),
        (f"companyId[eq]:{UUID}", {"companyId": {"eq": UUID}}),
        ("companyId[is]:null", {"companyId": {"is": "NULL"}}),
        ("deletedAt[is]:NOT_NULL", {"deletedAt": {"is": "NOT_NULL"}}),
        ('city[in]:[Paris, "New York"]', {"city": {"in": ["Paris", "New York"]}}),
        ("city[in]:Paris", {"city": {"in": ["Paris"]}}),
        ("jobTitle[startsWith]:CE", {"jobTitle": {"startsWith": "CE"}}),
        ("position[gte]:1.5", {"position": {"gte": 1.5}}),
        ("createdAt[lt]:2030-01-01T00:00:00Z", {"createdAt": {"lt": "2030-01-01T00:00:00Z"}}),
        ("searchVector[search]:ada", {"searchVector": {"search": "ada"}}),
        (
            "city[eq]:Paris,jobTitle[neq]:CEO",
            {"and": [{"city": {"eq": "Paris"}}, {"jobTitle": {"neq": "CEO"}}]},
        ),
        (
            "or(city[eq]:Paris,not(city[is]:NULL))",
            {"or": [{"city": {"eq": "Paris"}}, {"not": {"city": {"is": "NULL"}}}]},
        ),
        (
            "not(city[eq]:a,city[eq]:b)",
            {"not": {"and": [{"city": {"eq": "a"}}, {"city": {"eq": "b"}}]}},
        ),
        (
            'emails.additionalEmails[containsJsonb]:["x@y.z", 2]',
            {"emails": {"additionalEmails": {"containsJsonb": ["x@y.z", 2]}}},
        ),
        (
            'emails.additionalEmails[containsJsonb]:"[\\"x@y.z\\"]"',
            {"emails": {"additionalEmails": {"containsJsonb": ["x@y.z"]}}},
        ),
    ],
)
def test_filters_become_the_graphql_filter(
    source: str, expected: Any, types: dict[str, GraphQLInputObjectType]
) -> None:
    assert person(source, types) == expected


def test_values_are_typed_by_the_field(types: dict[str, GraphQLInputObjectType]) -> None:
    opportunity = types["OpportunityFilterInput"]
    assert to_filter("stage[in]:[NEW,MEETING]", opportunity, "opportunities") == {
        "stage": {"in": ["NEW", "MEETING"]}
    }
    assert to_filter("amount.amountMicros[gt]:1000", opportunity, "opportunities") == {
        "amount": {"amountMicros": {"gt": "1000"}}
    }
    assert to_filter('closeDate[is]:"NULL"', opportunity, "opportunities") == {
        "closeDate": {"is": "NULL"}
    }


@pytest.mark.parametrize(
    ("source", "position", "words"),
    [
        ("nmae[eq]:x", 0, "people cannot be filtered by 'nmae'; use one of"),
        ("city[gtx]:1", 5, "city has no operator 'gtx'; use one of"),
        (
            "name[eq]:x",
            0,
            "name is a composite field; filter one of its sub-fields (name.firstName",
        ),
        ("name.middleName[eq]:x", 0, "name has no sub-field 'middleName'"),
        ("city.x[eq]:y", 0, "city has no sub-fields"),
        ("position[gt]:abc", 13, "position[gt] takes a number, not 'abc'"),
        ("position[gt]:inf", 13, "takes a finite number"),
        ("id[eq]:xyz", 7, "id[eq]: 'xyz' is not a valid UUID"),
        ("createdAt[gt]:yesterday", 14, "is not an ISO 8601 date-time"),
        ("city[eq]:[a,b]", 9, "city[eq] takes one value, not a list"),
        ("deletedAt[is]:MAYBE", 14, "deletedAt[is] takes one of NULL, NOT_NULL, not 'MAYBE'"),
        ("and[eq]:x", 0, "people cannot be filtered by 'and'"),
        ("company[eq]:x", 0, "people cannot be filtered by 'company'; use companyId"),
        ("companyId[like]:x", 10, "companyId has no operator 'like'"),
        ("emails.additionalEmails[containsJsonb]:{nope}", 39, "takes JSON"),
        ("or(city[eq]:a,nmae[eq]:b)", 14, "cannot be filtered by 'nmae'"),
    ],
)
def test_type_errors_point_at_the_fault(
    source: str, position: int, words: str, types: dict[str, GraphQLInputObjectType]
) -> None:
    with pytest.raises(GrammarError) as raised:
        person(source, types)
    assert raised.value.position == position, raised.value.message
    assert words in raised.value.message, raised.value.message


def test_enum_values_are_checked(types: dict[str, GraphQLInputObjectType]) -> None:
    with pytest.raises(GrammarError, match="stage\\[eq\\] takes one of NEW, SCREENING"):
        to_filter("stage[eq]:WON", types["OpportunityFilterInput"], "opportunities")


def test_order_by_becomes_the_graphql_order(types: dict[str, GraphQLInputObjectType]) -> None:
    order = types["PersonOrderByInput"]
    assert to_order_by("name.lastName[DescNullsLast],createdAt,companyId", order, "people") == [
        {"name": {"lastName": "DescNullsLast"}},
        {"createdAt": "AscNullsFirst"},
        {"companyId": "AscNullsFirst"},
    ]
    for source, words in [
        ("name", "name is a composite field; order by one of its sub-fields"),
        ("city[Sideways]", "city: the direction must be one of AscNullsFirst"),
        ("nope", "people cannot be ordered by 'nope'"),
        ("company", "people cannot be ordered by 'company'; use companyId"),
        ("emails.additionalEmails", "emails has no sub-field 'additionalEmails'"),
    ]:
        with pytest.raises(BadUserInput, match=words.replace("(", "\\(").replace("[", "\\[")):
            to_order_by(source, order, "people")


# --- end to end -----------------------------------------------------------------------------


@pytest.fixture
def people(rest: Rest) -> dict[str, str]:
    acme = rest.create("companies", {"name": "Acme", "employees": 100})["id"]
    globex = rest.create("companies", {"name": "Globex, Inc.", "employees": 7})["id"]
    made = rest.batch("people", [
        {"name": {"firstName": "Ada", "lastName": "Lovelace"}, "city": "London", "companyId": acme,
         "emails": {"primaryEmail": "ada@acme.test"}, "jobTitle": "Countess"},
        {"name": {"firstName": "Alan", "lastName": "Turing"}, "city": "London", "companyId": globex,
         "jobTitle": "Engineer"},
        {"name": {"firstName": "Grace", "lastName": "Hopper"}, "city": None},
        {"name": {"firstName": "Dan", "lastName": "O'Brien (Jr)"}, "city": "New York, NY"},
    ])  # fmt: skip
    return {"acme": acme, "globex": globex, **{p["name"]["firstName"]: p["id"] for p in made}}


def names(rest: Rest, **query: Any) -> list[str]:
    answer = rest.list("people", order_by="name.firstName", depth=0, **query)
    assert answer["totalCount"] == len(answer["data"]["people"])
    return [p["name"]["firstName"] for p in answer["data"]["people"]]


def test_filters_end_to_end(rest: Rest, people: dict[str, str]) -> None:
    assert names(rest, filter='name.firstName[ilike]:"%an%"') == ["Alan", "Dan"]
    assert names(rest, filter="emails.primaryEmail[eq]:ada@acme.test") == ["Ada"]
    assert names(rest, filter=f"companyId[eq]:{people['acme']}") == ["Ada"]
    assert names(rest, filter="city[is]:NULL") == ["Grace"]
    assert names(rest, filter='city[eq]:"New York, NY"') == ["Dan"]
    assert names(rest, filter='name.lastName[eq]:"O\'Brien (Jr)"') == ["Dan"]
    assert names(rest, filter="city[in]:[London,Paris]") == ["Ada", "Alan"]
    assert names(rest, filter="city[eq]:London,name.firstName[startsWith]:Al") == ["Alan"]
    assert names(rest, filter="or(city[is]:NULL,name.firstName[eq]:Ada)") == ["Ada", "Grace"]
    assert names(rest, filter="not(city[eq]:London)") == ["Dan"]  # NULL city: unknown, not kept
    assert names(rest, filter="and(city[eq]:London,not(jobTitle[eq]:Countess))") == ["Alan"]
    assert names(rest, filter=f"id[in]:[{people['Ada']},{people['Grace']}]") == ["Ada", "Grace"]


def test_deleted_records_only_when_the_filter_names_deleted_at(
    rest: Rest, people: dict[str, str]
) -> None:
    rest.ok("DELETE", f"/rest/people/{people['Grace']}")
    assert "Grace" not in names(rest)
    assert names(rest, filter="deletedAt[is]:NOT_NULL") == ["Grace"]


def test_malformed_filters_are_400_pointing_at_the_problem(rest: Rest) -> None:
    for source, words in [
        ("name.firstName[ilike]", "Invalid filter at character 22 (the end): expected ':'"),
        ("city[eq]:x,", "Invalid filter at character 12 (the end): expected a condition"),
        ("and(city[eq]:x", "expected ',' or ')'"),
        ("employees[gt]:5", "people cannot be filtered by 'employees'"),
        ("city[between]:1", "city has no operator 'between'"),
        ('city[eq]:"open', "never closed"),
    ]:
        error = rest.error("GET", "/rest/people", status=400, filter=source)
        assert error["code"] == "BAD_USER_INPUT" and error["field"] == "filter"
        assert words in error["message"], error["message"]


def test_order_by_end_to_end(rest: Rest, people: dict[str, str]) -> None:
    def order(source: str) -> list[str]:
        answer = rest.list("people", order_by=source, depth=0)
        return [p["name"]["firstName"] for p in answer["data"]["people"]]

    assert order("name.firstName[DescNullsLast]") == ["Grace", "Dan", "Alan", "Ada"]
    assert order("city[AscNullsFirst],name.firstName") == ["Grace", "Ada", "Alan", "Dan"]
    assert order("city[DescNullsLast],name.lastName[DescNullsFirst]") == [
        "Dan", "Alan", "Ada", "Grace",
    ]  # fmt: skip
    error = rest.error("GET", "/rest/people", status=400, order_by="city[Upwards]")
    assert "direction must be one of" in error["message"] and error["field"] == "order_by"
