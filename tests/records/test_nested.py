"""Nested relations compile into the root's one statement; custom objects appear at once."""

from __future__ import annotations

from typing import Any

from tests.records.conftest import Api, count_queries

LIST_PAGE = """query { companies(first: 60, orderBy: [{name: AscNullsLast}]) { edges { node {
  id name employees domainName { primaryLinkUrl } address { addressCity } createdAt
  accountOwner { name { firstName } }
  people(first: 10, orderBy: [{name: {firstName: AscNullsLast}}]) {
    totalCount edges { node { id name { firstName lastName } emails { primaryEmail }
      company { name people(first: 1) { totalCount } } } } }
} } totalCount } }"""


def seed(api: Api, companies: int, people_each: int) -> None:
    created = api.gql(
        "mutation($data: [CompanyCreateInput!]!) { createCompanies(data: $data) { id } }",
        {"data": [{"name": f"company {i:02}", "employees": i} for i in range(companies)]},
    )["createCompanies"]
    api.gql(
        "mutation($data: [PersonCreateInput!]!) { createPeople(data: $data) { id } }",
        {
            "data": [
                {"name": {"firstName": f"p{j}"}, "companyId": c["id"]}
                for c in created
                for j in range(people_each)
            ]
        },
    )


def queries_for(api: Api, query: str) -> tuple[int, dict[str, Any]]:
    """Statements a request runs, leaving out django-tenants' `SET search_path`."""
    api.gql(query)  # warm the metadata and schema caches
    with count_queries() as captured:
        data = api.gql(query)
    # The test runs inside a transaction, so the fast path guards its statement with a
    # savepoint it does not need in production (autocommit).
    bookkeeping = ("SET search_path", "SAVEPOINT", "RELEASE SAVEPOINT")
    statements = [
        q["sql"] for q in captured.captured_queries if not q["sql"].startswith(bookkeeping)
    ]
    return len(statements), data


def test_the_list_page_is_one_statement_whatever_the_size(api: Api) -> None:
    seed(api, 3, 2)
    small, data = queries_for(api, LIST_PAGE)
    companies = data["companies"]
    assert companies["totalCount"] == 3
    first = companies["edges"][0]["node"]
    assert first["people"]["totalCount"] == 2
    assert [e["node"]["name"]["firstName"] for e in first["people"]["edges"]] == ["p0", "p1"]
    assert first["people"]["edges"][0]["node"]["company"]["people"]["totalCount"] == 2

    seed(api, 12, 5)
    large, data = queries_for(api, LIST_PAGE)
    assert data["companies"]["totalCount"] == 15
    assert large == small
    # Authentication is one query (the API key with its workspace); the page is one more.
    assert large == 2


def test_find_one_with_relations(api: Api) -> None:
    seed(api, 1, 3)
    person = api.gql(
        'query { person(filter: {name: {firstName: {eq: "p1"}}}) { name { firstName } company { name } } }'
    )["person"]
    assert person == {"name": {"firstName": "p1"}, "company": {"name": "company 00"}}
    assert (
        api.gql('query { person(filter: {name: {firstName: {eq: "zz"}}}) { id } }')["person"]
        is None
    )


def test_aliases_fragments_and_directives(api: Api) -> None:
    seed(api, 2, 1)
    data = api.gql(
        """query($withPeople: Boolean!) {
          big: companies(filter: {employees: {gte: 1}}) { n: totalCount ...Edges }
          all: companies { totalCount }
        }
        fragment Edges on CompanyConnection { edges { node { __typename label: name
          people @include(if: $withPeople) { totalCount } } } }""",
        {"withPeople": False},
    )
    assert data["big"]["n"] == 1 and data["all"]["totalCount"] == 2
    assert data["big"]["edges"] == [{"node": {"__typename": "Company", "label": "company 01"}}]


def test_depth_is_limited(api: Api, settings: Any) -> None:
    settings.GRAPHQL_MAX_DEPTH = 2
    errors = api.errors(
        "query { people { edges { node { company { people { edges { node { company { name } } } } } } } } }"
    )
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "deeper than 2" in errors[0]["message"]


CREATE_OBJECT = (
    """mutation($input: CreateOneObjectInput!) { createOneObject(input: $input) { id } }"""
)
CREATE_FIELD = (
    """mutation($input: CreateOneFieldMetadataInput!) { createOneField(input: $input) { id } }"""
)


def test_a_custom_object_is_served_on_the_next_request_with_many_to_many(api: Api) -> None:
    def make(singular: str, plural: str) -> str:
        return str(api.metadata(CREATE_OBJECT, {"input": {"object": {
            "nameSingular": singular, "namePlural": plural,
            "labelSingular": singular.title(), "labelPlural": plural.title()}}})["createOneObject"]["id"])  # fmt: skip

    rocket, pad = make("rocket", "rockets"), make("launchPad", "launchPads")
    api.metadata(CREATE_FIELD, {"input": {"field": {"objectMetadataId": rocket, "type": "NUMBER",
                                                    "name": "thrust", "label": "Thrust"}}})  # fmt: skip
    api.metadata(CREATE_FIELD, {"input": {"field": {
        "objectMetadataId": rocket, "type": "RELATION", "name": "pads", "label": "Pads",
        "relationCreationPayload": {"targetObjectMetadataId": pad, "targetFieldLabel": "Rockets",
                                    "type": "MANY_TO_MANY"}}}})  # fmt: skip
    created = api.gql(
        'mutation { createRocket(data: {name: "Falcon", thrust: 7600}) { id name thrust } }'
    )["createRocket"]
    assert created["thrust"] == 7600
    pad_id = api.gql('mutation { createLaunchPad(data: {name: "SLC-40"}) { id } }')[
        "createLaunchPad"
    ]["id"]

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{api.workspace.workspace.schema_name}".rocket_pads_links (rocket_id, launch_pad_id) '
            "VALUES (%s, %s)",
            [created["id"], pad_id],
        )
    data = api.gql(
        "query { rockets { edges { node { name pads { edges { node { name rockets { totalCount } } } } } } } }"
    )
    pads = data["rockets"]["edges"][0]["node"]["pads"]["edges"]
    assert pads == [{"node": {"name": "SLC-40", "rockets": {"totalCount": 1}}}]


def test_query_cost_is_limited(api: Api, settings: Any) -> None:
    settings.GRAPHQL_MAX_COST = 5000
    ok = "query { companies(first: 10) { edges { node { name people(first: 10) { edges { node { id } } } } } } }"
    api.gql(ok)
    too_much = "query { companies(first: 200) { edges { node { name people(first: 200) { edges { node { id } } } } } } }"
    errors = api.errors(too_much)
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "more than 5000 values" in errors[0]["message"]


def test_request_size_is_limited(api: Api, settings: Any) -> None:
    settings.MAX_REQUEST_BYTES = 2000
    status, body = api.post("/graphql", "query { companies { totalCount } }", {"pad": "x" * 5000})
    assert status == 413
    assert body["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
