from __future__ import annotations

from tests.records.conftest import Api


def test_create_and_list_people(api: Api) -> None:
    created = api.gql(
        """mutation($data: PersonCreateInput!) { createPerson(data: $data) {
            id name { firstName lastName } emails { primaryEmail } jobTitle createdBy { source } } }""",
        {
            "data": {
                "name": {"firstName": "Ada", "lastName": "Lovelace"},
                "emails": {"primaryEmail": "ada@example.com"},
                "jobTitle": "Engineer",
            }
        },
    )["createPerson"]
    assert created["name"] == {"firstName": "Ada", "lastName": "Lovelace"}
    assert created["createdBy"] == {"source": "API"}
    data = api.gql(
        """query($filter: PersonFilterInput, $first: Int) { people(filter: $filter, first: $first) {
            edges { node { id name { firstName } emails { primaryEmail } } cursor }
            pageInfo { hasNextPage hasPreviousPage startCursor endCursor } totalCount } }""",
        {"filter": {"name": {"firstName": {"ilike": "%ad%"}}}, "first": 10},
    )["people"]
    assert data["totalCount"] == 1
    assert data["edges"][0]["node"]["id"] == created["id"]
    assert data["pageInfo"]["hasNextPage"] is False
