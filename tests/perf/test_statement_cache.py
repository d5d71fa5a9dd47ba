"""Compiled read statements are cached (records/graphql/statements.py): a repeated read is not
compiled again, and everything that changes the answer's rules takes effect on the very next
request: a metadata change, a role change, a revoked API key, a signed-out token family."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from records.graphql import fast, statements
from tests.conftest import SeededWorkspace
from tests.permissions.conftest import Roles, code, make_member
from tests.records.conftest import Api, count_queries
from workspaces.models import ApiKey
from workspaces.services.api_keys import create_api_key, revoke_api_key

BY_NAME = "query($n: String) { companies(filter: {name: {eq: $n}}) { totalCount edges { node { id name } } } }"
CREATE = "mutation($d: CompanyCreateInput!) { createCompany(data: $d) { id } }"


@pytest.fixture
def compiles(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the read statements compiled (mutations go through compile_read too, and get
    None: the executor runs them)."""
    calls: list[int] = []
    original = fast.compile_read

    def counting(*args: Any) -> Any:
        compiled = original(*args)
        if compiled is not None:
            calls.append(1)
        return compiled

    monkeypatch.setattr(fast, "compile_read", counting)
    return calls


def names(data: dict[str, Any]) -> list[str]:
    return [e["node"]["name"] for e in data["companies"]["edges"]]


def test_a_repeated_read_is_compiled_once(api: Api, compiles: list[int]) -> None:
    api.gql(CREATE, {"d": {"name": "Acme"}})
    api.gql(CREATE, {"d": {"name": "Beta"}})
    assert names(api.gql(BY_NAME, {"n": "Acme"})) == ["Acme"]
    assert names(api.gql(BY_NAME, {"n": "Acme"})) == ["Acme"]
    assert len(compiles) == 1
    # Other variables are another statement; the first is still kept.
    assert names(api.gql(BY_NAME, {"n": "Beta"})) == ["Beta"]
    assert names(api.gql(BY_NAME, {"n": "Acme"})) == ["Acme"]
    assert len(compiles) == 2
    # Only the statement is kept, never an answer: new records show at once.
    api.gql(CREATE, {"d": {"name": "Acme"}})
    assert api.gql(BY_NAME, {"n": "Acme"})["companies"]["totalCount"] == 2
    assert len(compiles) == 2


def test_a_cached_read_is_still_one_statement_after_authentication(api: Api) -> None:
    api.gql(CREATE, {"d": {"name": "Acme"}})
    api.gql(BY_NAME, {"n": "Acme"})
    with count_queries() as captured:
        api.gql(BY_NAME, {"n": "Acme"})
    bookkeeping = ("SET search_path", "SAVEPOINT", "RELEASE SAVEPOINT")
    statements_run = [
        q["sql"] for q in captured.captured_queries if not q["sql"].startswith(bookkeeping)
    ]
    assert len(statements_run) == 2, statements_run  # the API key, then the read
    assert "workspaces_apikey" in statements_run[0]


def test_the_order_of_keys_in_variables_is_part_of_the_key(api: Api) -> None:
    for name, employees in [("A", 1), ("A", 2), ("B", 1)]:
        api.gql(CREATE, {"d": {"name": name, "employees": employees}})
    query = "query($o: [CompanyOrderByInput]) { companies(orderBy: $o) { edges { node { name employees } } } }"
    first = api.gql(query, {"o": [{"name": "AscNullsLast", "employees": "DescNullsLast"}]})
    second = api.gql(query, {"o": [{"employees": "AscNullsLast", "name": "DescNullsLast"}]})
    assert [e["node"]["name"] for e in first["companies"]["edges"]] == ["A", "A", "B"]
    assert [e["node"]["name"] for e in second["companies"]["edges"]] == ["B", "A", "A"]


def test_a_metadata_change_is_served_on_the_next_request(api: Api, compiles: list[int]) -> None:
    api.gql(CREATE, {"d": {"name": "Acme"}})
    query = "query { companies { edges { node { name } } } }"
    api.gql(query)
    api.gql(query)
    assert len(compiles) == 1
    company_id = api.metadata(
        "{ objects(paging: {first: 100}) { edges { node { id nameSingular } } } }"
    )["objects"]["edges"]
    object_id = next(e["node"]["id"] for e in company_id if e["node"]["nameSingular"] == "company")
    api.metadata(
        "mutation($i: CreateOneFieldMetadataInput!) { createOneField(input: $i) { id } }",
        {"i": {"field": {"objectMetadataId": object_id, "type": "TEXT", "name": "tagline",
                         "label": "Tagline"}}},
    )  # fmt: skip
    api.gql(query)
    assert len(compiles) == 2  # the new snapshot does not reuse the old statement
    data = api.gql("query { companies { edges { node { name tagline } } } }")
    assert data["companies"]["edges"] == [{"node": {"name": "Acme", "tagline": None}}]


def test_a_role_change_is_served_on_the_next_request(api: Api) -> None:
    roles = Roles(api)
    issued = create_api_key(api.workspace.workspace, "reporting")
    api.gql(CREATE, {"d": {"name": "Acme"}})
    query = "query { companies { totalCount } }"
    assert api.gql(query, token=issued.secret)["companies"]["totalCount"] == 1
    assert api.gql(query, token=issued.secret)["companies"]["totalCount"] == 1
    role_id = roles.create("No companies", canReadAllObjectRecords=True)
    roles.object_permission(role_id, "company", canReadObjectRecords=False)
    roles.assign_key(str(issued.api_key.pk), role_id)
    assert code(api.errors(query, token=issued.secret)[0]) == "FORBIDDEN"
    # The workspace's own (Admin) key is not affected.
    assert api.gql(query)["companies"]["totalCount"] == 1


def test_a_row_level_filter_on_me_is_per_caller(api: Api) -> None:
    roles = Roles(api)
    one, two = make_member(api), make_member(api)
    role_id = roles.create("Own people", canReadAllObjectRecords=True,
                           canUpdateAllObjectRecords=True)  # fmt: skip
    roles.object_permission(
        role_id, "company", canReadObjectRecords=True,
        rowLevelFilter={"accountOwnerId": {"eq": "me"}},
    )  # fmt: skip
    roles.assign(one, role_id)
    roles.assign(two, role_id)
    api.gql(CREATE, {"d": {"name": "Of one", "accountOwnerId": one.member_id}})
    api.gql(CREATE, {"d": {"name": "Of two", "accountOwnerId": two.member_id}})
    query = "query { companies { edges { node { name } } } }"
    for _ in range(2):
        assert names(api.gql(query, token=one.token)) == ["Of one"]
        assert names(api.gql(query, token=two.token)) == ["Of two"]


def test_a_revoked_api_key_is_refused_on_the_next_request(api: Api, client: Client) -> None:
    issued = create_api_key(api.workspace.workspace, "soon revoked")
    query = "query { companies { totalCount } }"
    api.gql(query, token=issued.secret)
    api.gql(query, token=issued.secret)
    revoke_api_key(ApiKey.objects.get(pk=issued.api_key.pk))
    status, body = api.post("/graphql", query, token=issued.secret)
    assert status == 401 and body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_a_signed_out_token_is_refused_on_the_next_request(
    api: Api, client: Client, ws_a: SeededWorkspace
) -> None:
    query = "query { companies { totalCount } }"
    api.gql(query, token=ws_a.access_token)
    api.gql(query, token=ws_a.access_token)
    response = client.post(
        "/auth/sign-out",
        {},
        content_type="application/json",
        headers={"Authorization": f"Bearer {ws_a.access_token}"},
    )
    assert response.status_code == 200, response.content
    status, body = api.post("/graphql", query, token=ws_a.access_token)
    assert status == 401 and body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_the_cache_is_bounded(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(statements.cache, "size", 3)
    for i in range(6):
        api.gql(BY_NAME, {"n": f"n{i}"})
    assert len(statements.cache) == 3


def test_settings_the_compiler_reads_are_part_of_the_key(api: Api, settings: Any) -> None:
    query = "query { companies(first: 150) { totalCount } }"
    assert api.gql(query)["companies"]["totalCount"] == 0
    settings.GRAPHQL_MAX_PAGE_SIZE = 100
    assert code(api.errors(query)[0]) == "BAD_USER_INPUT"


BY_ID = "query($id: UUID!) { company(filter: {id: {eq: $id}}) { id name } }"


def test_a_read_by_id_is_compiled_once_for_every_id(api: Api, compiles: list[int]) -> None:
    ids = {
        name: api.gql(CREATE, {"d": {"name": name}})["createCompany"]["id"]
        for name in ("Acme", "Beta", "Gamma")
    }
    for name, id_ in ids.items():
        assert api.gql(BY_ID, {"id": id_})["company"] == {"id": id_, "name": name}
    # The first id compiles twice (its statement, and once more with another UUID to check
    # that only the literal changes); the other ids only bind theirs.
    assert len(compiles) == 2
    assert len(statements.templates) == 1
    # Any spelling of a UUID is the same id; an unknown one is no record; a bad one an error.
    assert api.gql(BY_ID, {"id": ids["Beta"].upper()})["company"]["name"] == "Beta"
    assert api.gql(BY_ID, {"id": str(uuid.uuid4())})["company"] is None
    assert code(api.errors(BY_ID, {"id": "not-a-uuid"})[0]) in {
        "BAD_USER_INPUT",
        "GRAPHQL_VALIDATION_FAILED",
    }
    assert len(compiles) == 2


def test_equal_uuid_variables_are_not_mistaken_for_one(api: Api) -> None:
    a = api.gql(CREATE, {"d": {"name": "Acme"}})["createCompany"]["id"]
    b = api.gql(CREATE, {"d": {"name": "Beta"}})["createCompany"]["id"]
    query = (
        "query($a: UUID!, $b: UUID!) { x: company(filter: {id: {eq: $a}}) { name } "
        "y: company(filter: {id: {eq: $b}}) { name } }"
    )
    for first, second in [(a, a), (a, b), (b, a), (b, b), (a, b)]:
        data = api.gql(query, {"a": first, "b": second})
        expected = {a: "Acme", b: "Beta"}
        assert data == {"x": {"name": expected[first]}, "y": {"name": expected[second]}}


def test_a_template_is_refused_when_the_probe_compiles_differently() -> None:
    real_id, probe_id = uuid.uuid4(), uuid.uuid4()
    real = f"SELECT 1 WHERE id = '{real_id.hex}'::uuid LIMIT 1"
    same = f"SELECT 1 WHERE id = '{probe_id.hex}'::uuid LIMIT 1"
    other = f"SELECT 1 WHERE id = '{probe_id.hex}'::uuid LIMIT 2"
    with connection.cursor() as cursor:
        context = cursor.cursor
        template = statements.make_template(real, same, [real_id], [probe_id], context)
        assert template is not None
        new = uuid.uuid4()
        assert statements.fill(template, [new], context) == real.replace(real_id.hex, new.hex)
        assert statements.make_template(real, other, [real_id], [probe_id], context) is None
        # A value that is not in the statement at all gives no template either.
        assert statements.make_template(same, same, [real_id], [probe_id], context) is None
