"""Workspace A's credentials reach nothing of workspace B through the records REST API."""

from __future__ import annotations

from typing import Any

import pytest

from crm.schemas import use_public
from tests.records.conftest import Api
from tests.records.rest.conftest import Rest
from workspaces.services.api_keys import create_api_key, revoke_api_key


@pytest.fixture
def rest(api: Api) -> Rest:
    return Rest(api.client, api.workspace)


@pytest.fixture
def rest_b(api_b: Api) -> Rest:
    return Rest(api_b.client, api_b.workspace)


@pytest.fixture
def secrets_of_b(rest_b: Rest) -> dict[str, Any]:
    company = rest_b.create("companies", {"name": "B's secret company", "employees": 7})
    other = rest_b.create("companies", {"name": "B's other company"})
    person = rest_b.create("people", {"name": {"firstName": "B's secret"},
                                      "emails": {"primaryEmail": "secret@b.test"},
                                      "companyId": company["id"]})  # fmt: skip
    deleted = rest_b.create("people", {"name": {"firstName": "B's deleted"}})
    rest_b.ok("DELETE", f"/rest/people/{deleted['id']}")
    return {"company": company, "other": other, "person": person, "deleted": deleted}


def b_state(rest_b: Rest) -> Any:
    companies = rest_b.list("companies", depth=0, order_by="name")
    people = rest_b.list("people", depth=0, order_by="name.firstName",
                         filter="or(deletedAt[is]:NULL,deletedAt[is]:NOT_NULL)")  # fmt: skip
    return companies, people


def test_a_cannot_list_or_get_b(rest: Rest, secrets_of_b: dict[str, Any]) -> None:
    company = secrets_of_b["company"]
    assert rest.list("companies")["totalCount"] == 0
    assert rest.list("companies", filter=f"id[eq]:{company['id']}")["totalCount"] == 0
    found = rest.list("people", filter="or(deletedAt[is]:NULL,deletedAt[is]:NOT_NULL)")
    assert found["totalCount"] == 0
    error = rest.error("GET", f"/rest/companies/{company['id']}", status=404)
    assert error["code"] == "NOT_FOUND"
    rest.error("GET", f"/rest/people/{secrets_of_b['person']['id']}", status=404)
    groups = rest.ok("GET", "/rest/companies/groupBy", group_by='[{"name": true}]')
    assert groups["data"]["companiesGroupBy"] == []
    rest.error("POST", "/rest/people/duplicates", {"ids": [secrets_of_b["person"]["id"]]},
               status=404)  # fmt: skip
    by_data = rest.ok("POST", "/rest/people/duplicates",
                      {"data": [{"emails": {"primaryEmail": "secret@b.test"}}]})  # fmt: skip
    assert by_data["data"]["personDuplicates"][0]["totalCount"] == 0


def test_a_cannot_change_b(rest: Rest, rest_b: Rest, secrets_of_b: dict[str, Any]) -> None:
    before = b_state(rest_b)
    company, person = secrets_of_b["company"]["id"], secrets_of_b["person"]["id"]
    deleted = secrets_of_b["deleted"]["id"]
    for method, path, body, query in [
        ("PATCH", f"/rest/companies/{company}", {"name": "pwned"}, {}),
        ("PUT", f"/rest/companies/{company}", {"name": "pwned"}, {}),
        ("DELETE", f"/rest/companies/{company}", None, {}),
        ("DELETE", f"/rest/companies/{company}", None, {"soft_delete": "false"}),
        ("PATCH", f"/rest/restore/people/{deleted}", None, {}),
        ("PATCH", "/rest/companies/merge",
         {"ids": [company, secrets_of_b["other"]["id"]], "conflictPriorityIndex": 0}, {}),
        ("PATCH", f"/rest/people/{person}", {"city": "pwned"}, {}),
    ]:  # fmt: skip
        error = rest.error(method, path, body, status=404, **query)
        assert error["code"] == "NOT_FOUND", (method, path)
    restored = rest.ok("PATCH", "/rest/restore/people", {"ids": [deleted]})
    assert restored == {"data": {"restorePeople": []}}
    rest.ok("PATCH", "/rest/restore/people", filter="deletedAt[is]:NOT_NULL")
    assert b_state(rest_b) == before


def test_a_cannot_point_at_b_s_records(
    rest: Rest, rest_b: Rest, secrets_of_b: dict[str, Any]
) -> None:
    company = secrets_of_b["company"]["id"]
    error = rest.error("POST", "/rest/people", {"companyId": company}, status=400)
    assert error["field"] == "companyId"
    error = rest.error("POST", "/rest/batch/people", [{"companyId": company}], status=400)
    assert rest.list("people")["totalCount"] == 0
    # An upsert by B's id creates nothing in B and changes nothing there.
    before = b_state(rest_b)
    rest.ok("POST", "/rest/people", {"id": secrets_of_b["person"]["id"], "city": "x"},
            status=201, upsert="true")  # fmt: skip
    assert b_state(rest_b) == before


def test_b_s_custom_object_is_not_a_s(rest: Rest, api_b: Api, rest_b: Rest) -> None:
    api_b.metadata(
        "mutation($input: CreateOneObjectInput!) { createOneObject(input: $input) { id } }",
        {"input": {"object": {"nameSingular": "bSecret", "namePlural": "bSecrets",
                              "labelSingular": "B secret", "labelPlural": "B secrets"}}},
    )  # fmt: skip
    made = rest_b.create("bSecrets", {"name": "hidden"})
    error = rest.error("GET", "/rest/bSecrets", status=404)
    assert "bSecrets" in error["message"]
    rest.error("GET", f"/rest/bSecrets/{made['id']}", status=404)
    rest.error("POST", "/rest/bSecrets", {"name": "x"}, status=404)
    assert rest_b.list("bSecrets")["totalCount"] == 1


def test_credentials(rest: Rest, rest_b: Rest, secrets_of_b: dict[str, Any]) -> None:
    path = f"/rest/companies/{secrets_of_b['company']['id']}"
    # A's key or token on B's host: refused.
    error = rest.error("GET", path, status=403, host=rest_b.workspace.host)
    assert error["code"] == "FORBIDDEN"
    rest.error("GET", "/rest/companies", status=403, token=rest.workspace.access_token,
               host=rest_b.workspace.host)  # fmt: skip
    rest.error("PATCH", path, {"name": "pwned"}, status=403, host=rest_b.workspace.host)
    # No token, or a bad one.
    for token in ("", "crm_" + "0" * 32 + "_x", "not-a-jwt"):
        got, body = rest.call("GET", "/rest/companies", token=token)
        assert got == 401 and body["code"] == "UNAUTHENTICATED", body
    got, _body = rest.call("DELETE", path, token="")
    assert got == 401
    # A revoked key.
    use_public()
    issued = create_api_key(rest.workspace.workspace, "short-lived")
    assert rest.call("GET", "/rest/companies", token=issued.secret)[0] == 200
    use_public()
    revoke_api_key(issued.api_key)
    got, body = rest.call("GET", "/rest/companies", token=issued.secret)
    assert got == 401 and body["code"] == "UNAUTHENTICATED"
    got, _body = rest.call("POST", "/rest/companies", {"name": "x"}, token=issued.secret)
    assert got == 401
    assert b_state(rest_b)[0]["totalCount"] == 2
