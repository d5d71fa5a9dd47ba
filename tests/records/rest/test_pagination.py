"""Cursor pagination of GET /rest/<plural> forwards (starting_after) and backwards
(ending_before), over ties and nulls; limit bounds."""

from __future__ import annotations

from typing import Any

import pytest

from tests.records.rest.conftest import Rest

EMPLOYEES = [10, 10, 10, None, 5, None, 20, 5]


@pytest.fixture
def companies(rest: Rest) -> list[dict[str, Any]]:
    return rest.batch(
        "companies", [{"name": f"c{i}", "employees": e} for i, e in enumerate(EMPLOYEES)]
    )


def expected(rows: list[dict[str, Any]]) -> list[str]:
    """employees DescNullsLast, then id (the order's tie-breaker)."""

    def key(row: dict[str, Any]) -> tuple[Any, ...]:
        value = row["employees"]
        return (value is None, -(value or 0), row["id"])

    return [row["id"] for row in sorted(rows, key=key)]


def page(rest: Rest, **query: Any) -> dict[str, Any]:
    return rest.list("companies", order_by="employees[DescNullsLast]", depth=0, **query)


def ids(answer: dict[str, Any]) -> list[str]:
    return [c["id"] for c in answer["data"]["companies"]]


def test_forwards_then_backwards(rest: Rest, companies: list[dict[str, Any]]) -> None:
    order = expected(companies)
    seen: list[str] = []
    pages: list[dict[str, Any]] = []
    after = None
    while True:
        answer = page(rest, limit=3, starting_after=after)
        assert answer["totalCount"] == len(EMPLOYEES)
        pages.append(answer)
        seen += ids(answer)
        info = answer["pageInfo"]
        assert info["hasPreviousPage"] is (after is not None)
        if not info["hasNextPage"]:
            break
        after = info["endCursor"]
    assert seen == order
    assert [len(ids(p)) for p in pages] == [3, 3, 2]

    # Back from the last page: the page before it, then the first.
    back = page(rest, limit=3, ending_before=pages[2]["pageInfo"]["startCursor"])
    assert ids(back) == order[3:6]
    assert back["pageInfo"]["hasPreviousPage"] is True and back["pageInfo"]["hasNextPage"] is True
    first = page(rest, limit=3, ending_before=back["pageInfo"]["startCursor"])
    assert ids(first) == order[0:3]
    assert first["pageInfo"]["hasPreviousPage"] is False
    assert first["pageInfo"]["startCursor"] == pages[0]["pageInfo"]["startCursor"]


def test_between_two_cursors(rest: Rest, companies: list[dict[str, Any]]) -> None:
    order = expected(companies)
    everything = page(rest, limit=1)
    start = everything["pageInfo"]["endCursor"]
    fifth = page(rest, limit=1, starting_after=page(rest, limit=4)["pageInfo"]["endCursor"])
    between = page(rest, limit=10, starting_after=start,
                   ending_before=fifth["pageInfo"]["startCursor"])  # fmt: skip
    assert ids(between) == order[1:4]


def test_limit_default_and_bounds(rest: Rest, settings: Any) -> None:
    assert settings.GRAPHQL_DEFAULT_PAGE_SIZE == 60 and settings.GRAPHQL_MAX_PAGE_SIZE == 200
    rest.batch("companies", [{"name": f"c{i:03}"} for i in range(61)])
    default = rest.list("companies", depth=0)
    assert len(default["data"]["companies"]) == 60 and default["totalCount"] == 61
    assert default["pageInfo"]["hasNextPage"] is True
    assert len(rest.list("companies", depth=0, limit=200)["data"]["companies"]) == 61
    assert len(rest.list("companies", depth=0, limit=1)["data"]["companies"]) == 1
    for bad in ("0", "201", "-5", "1.5", ""):
        if bad == "":
            continue  # empty means the default
        error = rest.error("GET", "/rest/companies", status=400, limit=bad)
        assert error["message"] == f"limit must be an integer from 1 to 200, got {bad!r}."


def test_a_cursor_of_another_order_is_refused(rest: Rest, companies: list[dict[str, Any]]) -> None:
    cursor = page(rest, limit=1)["pageInfo"]["endCursor"]
    error = rest.error("GET", "/rest/companies", status=400, starting_after=cursor,
                       order_by="name,employees")  # fmt: skip
    assert error["code"] == "BAD_USER_INPUT" and "ordering" in error["message"]
