"""Keyset pagination forwards and backwards, over ties and nulls, in every direction."""

from __future__ import annotations

from typing import Any

import pytest

from tests.records.conftest import Api

EMPLOYEES = [10, 10, 10, None, 5, None, 20, 5]
PAGE = """query($first: Int, $last: Int, $after: String, $before: String, $orderBy: [CompanyOrderByInput]) {
  companies(first: $first, last: $last, after: $after, before: $before, orderBy: $orderBy) {
    edges { node { id employees } cursor }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  } }"""


def seed(api: Api) -> list[dict[str, Any]]:
    return list(api.gql(
        "mutation($data: [CompanyCreateInput!]!) { createCompanies(data: $data) { id employees } }",
        {"data": [{"name": f"c{i}", "employees": e} for i, e in enumerate(EMPLOYEES)]},
    )["createCompanies"])  # fmt: skip


def expected(rows: list[dict[str, Any]], direction: str) -> list[str]:
    descending, nulls_first = direction.startswith("Desc"), direction.endswith("NullsFirst")

    def key(row: dict[str, Any]) -> tuple[Any, ...]:
        value = row["employees"]
        is_null = value is None
        null_rank = (0 if is_null else 1) if nulls_first else (1 if is_null else 0)
        number = 0 if is_null else (-value if descending else value)
        return (null_rank, number, row["id"])

    return [row["id"] for row in sorted(rows, key=key)]


@pytest.mark.parametrize(
    "direction", ["AscNullsFirst", "AscNullsLast", "DescNullsFirst", "DescNullsLast"]
)
def test_forward_and_backward_pages_cover_every_record_once(api: Api, direction: str) -> None:
    rows = seed(api)
    order = [{"employees": direction}]
    want = expected(rows, direction)

    seen: list[str] = []
    after = None
    pages = 0
    while True:
        page = api.gql(PAGE, {"first": 3, "after": after, "orderBy": order})["companies"]
        seen += [e["node"]["id"] for e in page["edges"]]
        assert page["pageInfo"]["hasPreviousPage"] is (after is not None)
        pages += 1
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
        assert after == page["edges"][-1]["cursor"]
    assert seen == want
    assert pages == 3

    backwards: list[str] = []
    before = None
    while True:
        page = api.gql(PAGE, {"last": 3, "before": before, "orderBy": order})["companies"]
        backwards = [e["node"]["id"] for e in page["edges"]] + backwards
        assert page["pageInfo"]["hasNextPage"] is (before is not None)
        if not page["pageInfo"]["hasPreviousPage"]:
            break
        before = page["pageInfo"]["startCursor"]
    assert backwards == want


def test_default_order_is_total_and_first_zero_is_empty(api: Api) -> None:
    seed(api)
    page = api.gql(PAGE, {"first": 0})["companies"]
    assert page["edges"] == [] and page["pageInfo"]["hasNextPage"] is True


@pytest.mark.parametrize(
    ("variables", "fragment"),
    [
        ({"first": 201}, "between 0 and 200"),
        ({"first": -1}, "between 0 and 200"),
        ({"first": 1, "last": 1}, "either"),
        ({"after": "not-a-cursor"}, "cursor"),
        ({"after": "WzEsIDJd"}, "cursor"),
    ],
)
def test_bad_paging_is_bad_user_input(api: Api, variables: dict[str, Any], fragment: str) -> None:
    errors = api.errors(PAGE, variables)
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert fragment in errors[0]["message"]


def test_a_cursor_from_another_ordering_is_refused(api: Api) -> None:
    seed(api)
    page = api.gql(
        PAGE, {"first": 2, "orderBy": [{"employees": "AscNullsLast"}, {"name": "AscNullsLast"}]}
    )
    cursor = page["companies"]["pageInfo"]["endCursor"]
    errors = api.errors(PAGE, {"first": 2, "after": cursor})
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
