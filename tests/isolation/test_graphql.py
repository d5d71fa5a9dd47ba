"""Workspace A's credentials reach nothing of workspace B through /graphql."""

from __future__ import annotations

from typing import Any

import pytest

from tests.records.conftest import Api

CREATE = "mutation($data: CompanyCreateInput!) { createCompany(data: $data) { id name } }"


@pytest.fixture
def secret_of_b(api_b: Api) -> dict[str, Any]:
    return dict(api_b.gql(CREATE, {"data": {"name": "B's secret company"}})["createCompany"])


def test_a_cannot_read_b_by_id_or_filter(api: Api, secret_of_b: dict[str, Any]) -> None:
    data = api.gql(
        "query($id: UUID!) { companies(filter: {id: {eq: $id}}) { totalCount edges { node { id } } } "
        "company(filter: {id: {eq: $id}}) { id } }",
        {"id": secret_of_b["id"]},
    )
    assert data == {"companies": {"totalCount": 0, "edges": []}, "company": None}
    everything = api.gql("query { companies { edges { node { name } } } }")
    assert "B's secret company" not in str(everything)


@pytest.mark.parametrize(
    "mutation",
    [
        'mutation($id: UUID!) { updateCompany(id: $id, data: {name: "pwned"}) { id } }',
        "mutation($id: UUID!) { deleteCompany(id: $id) { id } }",
        "mutation($id: UUID!) { destroyCompany(id: $id) { id } }",
        "mutation($id: UUID!) { restoreCompany(id: $id) { id } }",
    ],
)
def test_a_cannot_change_b(
    api: Api, api_b: Api, secret_of_b: dict[str, Any], mutation: str
) -> None:
    _status, body = api.post("/graphql", mutation, {"id": secret_of_b["id"]})
    if body.get("data") and any(body["data"].values()):
        pytest.fail(f"A changed B's record: {body}")
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND" or list(
        body["data"].values()
    ) == [None]
    still = api_b.gql("query($id: UUID!) { company(filter: {id: {eq: $id}}) { name deletedAt } }",
                      {"id": secret_of_b["id"]})  # fmt: skip
    assert still["company"] == {"name": "B's secret company", "deletedAt": None}


def test_bulk_mutations_of_a_do_not_touch_b(
    api: Api, api_b: Api, secret_of_b: dict[str, Any]
) -> None:
    api.gql(
        'mutation { updateCompanies(filter: {name: {ilike: "%"}}, data: {name: "renamed"}) { id } }'
    )
    api.gql('mutation { destroyCompanies(filter: {name: {ilike: "%"}}) { id } }')
    assert api_b.gql("query { companies { totalCount } }")["companies"]["totalCount"] == 1


def test_a_relation_to_b_s_record_is_refused(api: Api, secret_of_b: dict[str, Any]) -> None:
    errors = api.errors(
        "mutation($data: PersonCreateInput!) { createPerson(data: $data) { id } }",
        {"data": {"companyId": secret_of_b["id"]}},
    )
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_a_token_on_b_host_and_no_token(api: Api, api_b: Api) -> None:
    status, body = api.post(
        "/graphql", "query { companies { totalCount } }", host=api_b.workspace.host
    )
    assert status == 403 and body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    response = api.client.post(
        "/graphql", {"query": "{ companies { totalCount } }"}, content_type="application/json"
    )
    assert response.status_code == 401
    status, body = api.post(
        "/graphql", "query { companies { totalCount } }", token="crm_" + "0" * 32 + "_x"
    )
    assert status == 401


def test_custom_objects_of_b_are_not_in_a_schema(api: Api, api_b: Api) -> None:
    api_b.metadata(
        "mutation($input: CreateOneObjectInput!) { createOneObject(input: $input) { id } }",
        {"input": {"object": {"nameSingular": "bSecret", "namePlural": "bSecrets",
                              "labelSingular": "B secret", "labelPlural": "B secrets"}}},
    )  # fmt: skip
    assert api_b.gql("query { bSecrets { totalCount } }")["bSecrets"]["totalCount"] == 0
    errors = api.errors("query { bSecrets { totalCount } }")
    assert errors[0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
