"""The cache of compiled read statements (records/graphql/statements.py) never lets one
workspace's statement answer another workspace's request, even for the same query, the same
variables and the same data model."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from records.graphql import statements
from tests.records.conftest import Api

CREATE = "mutation($d: CompanyCreateInput!) { createCompany(data: $d) { id } }"
QUERY = "query($n: String) { companies(filter: {name: {like: $n}}) { edges { node { id name } } } }"


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    statements.cache.clear()
    statements.templates.clear()
    yield
    statements.cache.clear()
    statements.templates.clear()


def names(data: dict[str, Any]) -> list[str]:
    return [e["node"]["name"] for e in data["companies"]["edges"]]


def test_the_same_read_in_a_and_b_answers_from_each_own_workspace(api: Api, api_b: Api) -> None:
    api.gql(CREATE, {"d": {"name": "Secret of A"}})
    api_b.gql(CREATE, {"d": {"name": "Secret of B"}})
    variables = {"n": "Secret%"}
    for _ in range(2):  # the second round is served from the cache
        assert names(api.gql(QUERY, variables)) == ["Secret of A"]
        assert names(api_b.gql(QUERY, variables)) == ["Secret of B"]
    # Two entries, each naming only its own workspace's schema.
    schema_a = api.workspace.workspace.schema_name
    schema_b = api_b.workspace.workspace.schema_name
    kept = list([entry for _, entry in statements.cache.items()])
    assert len(kept) == 2
    by_schema = {entry.model.schema: entry.statement for entry in kept}
    assert f'"{schema_a}".' in by_schema[schema_a] and f'"{schema_b}".' not in by_schema[schema_a]
    assert f'"{schema_b}".' in by_schema[schema_b] and f'"{schema_a}".' not in by_schema[schema_b]


def test_an_entry_of_a_is_refused_for_b_even_under_the_same_key(api: Api, api_b: Api) -> None:
    """Entries are served only for the very snapshot, permissions and document they were
    compiled for: a key collision (or a forged key) still cannot hand A's statement to B."""
    api.gql(CREATE, {"d": {"name": "Secret of A"}})
    assert names(api.gql(QUERY, {"n": "Secret%"})) == ["Secret of A"]
    ((key_a, entry_a),) = statements.cache.items()
    assert names(api_b.gql(QUERY, {"n": "Secret%"})) == []
    key_b = next(k for k, _ in statements.cache.items() if k != key_a)
    # Put A's statement under B's key: B's request must not use it.
    statements.cache._entries.put(key_b, entry_a)
    assert names(api_b.gql(QUERY, {"n": "Secret%"})) == []


def test_a_read_by_id_template_of_a_never_reads_b(api: Api, api_b: Api) -> None:
    by_id = "query($id: UUID!) { company(filter: {id: {eq: $id}}) { name } }"
    a_ids = [api.gql(CREATE, {"d": {"name": f"A{i}"}})["createCompany"]["id"] for i in range(2)]
    b_id = api_b.gql(CREATE, {"d": {"name": "B0"}})["createCompany"]["id"]
    assert api.gql(by_id, {"id": a_ids[0]})["company"] == {"name": "A0"}
    assert api.gql(by_id, {"id": a_ids[1]})["company"] == {"name": "A1"}  # from A's template
    # B, with the same data model and document: its own statement, its own schema.
    assert api_b.gql(by_id, {"id": a_ids[0]})["company"] is None
    assert api_b.gql(by_id, {"id": b_id})["company"] == {"name": "B0"}
    assert api.gql(by_id, {"id": b_id})["company"] is None
    schemas = {entry.model.schema for entry in (entry for _, entry in statements.templates.items())}
    assert schemas == {api.workspace.workspace.schema_name, api_b.workspace.workspace.schema_name}
