"""Read-only operations skip graphql-core's executor; their answers must be the executor's."""

from __future__ import annotations

from typing import Any

import pytest

from records.graphql import view
from tests.records.conftest import Api
from tests.records.test_nested import LIST_PAGE, seed

QUERIES = [
    LIST_PAGE,
    "query { a: companies(first: 2, orderBy: [{employees: DescNullsLast}]) { n: totalCount edges { cursor node { __typename id name } } pageInfo { hasNextPage endCursor } } __typename }",
    "query($f: PersonFilterInput) { person(filter: $f) { name { firstName } company { name } } }",
    "query Q { companies { ...F } } fragment F on CompanyConnection { totalCount sumEmployees }",
]


@pytest.mark.parametrize("query", QUERIES)
def test_fast_answers_equal_the_executor(
    api: Api, query: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(api, 3, 2)
    variables: dict[str, Any] = {"f": {"name": {"firstName": {"eq": "p1"}}}}
    fast = api.gql(query, variables)
    monkeypatch.setattr(view, "compiled_response", lambda *args: None)
    slow = api.gql(query, variables)
    assert fast == slow


def test_the_executor_is_not_used_for_reads(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    seed(api, 1, 1)

    def no_executor(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the executor ran")

    monkeypatch.setattr("crm.graphql.view.execute", no_executor)
    assert api.gql("query { companies { totalCount } }")["companies"]["totalCount"] == 1


def test_errors_still_take_the_executor_path(api: Api) -> None:
    errors = api.errors("query { companies(first: 500) { totalCount } }")
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert errors[0]["path"] == ["companies"]
