"""The side-by-side benchmark's questions on a small seeded workspace (no timing asserted, no
PostGraphile or wrk needed): our /graphql and the hand-written floor answer the same records,
the comparable forms see PostGraphile's flat shape as ours, a difference is caught, and a
batch of creates stores the same rows through ours and through the floor."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from graphql import OperationDefinitionNode, parse
from psycopg import sql

from bench import questions as q
from bench.graphql_list_page import floor_sql
from bench.graphql_vs_postgraphile import MIN_COMPANIES, Mismatch, same_records
from bench.load import HttpRequest, PythonClient, sql_load
from bench.seed import seed_workspace
from tests.conftest import SeededWorkspace
from tests.records.conftest import Api


def _floor(statement: sql.Composable) -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute(statement)
        row = cursor.fetchone()
    assert row is not None
    data = json.loads(row[0])
    assert isinstance(data, dict)
    return data


@pytest.fixture
def api(db: Any, client: Client, ws_a: SeededWorkspace) -> Api:
    return Api(client, ws_a)


@pytest.fixture
def seeded_api(api: Api) -> Api:
    seed_workspace(api.workspace.workspace, MIN_COMPANIES, 3_000, vacuum=False)
    return api


def _flat(node: dict[str, Any]) -> dict[str, Any]:
    """A company of ours in PostGraphile's shape (flat column names, BigFloat as a string)."""
    amount = node["annualRecurringRevenue"]["amountMicros"]
    return {
        "id": node["id"], "name": node["name"], "employees": node["employees"],
        "createdAt": node["createdAt"], "idealCustomerProfile": node["idealCustomerProfile"],
        "position": node["position"],
        "domainNamePrimaryLinkUrl": node["domainName"]["primaryLinkUrl"],
        "addressAddressCity": node["address"]["addressCity"],
        "addressAddressCountry": node["address"]["addressCountry"],
        "annualRecurringRevenueAmountMicros": None if amount is None else str(amount),
        "annualRecurringRevenueCurrencyCode": node["annualRecurringRevenue"]["currencyCode"],
        "linkedinLinkPrimaryLinkUrl": node["linkedinLink"]["primaryLinkUrl"],
        "xLinkPrimaryLinkUrl": node["xLink"]["primaryLinkUrl"],
    }  # fmt: skip


def test_list_page_ours_and_floor_agree(seeded_api: Api) -> None:
    schema = seeded_api.workspace.workspace.schema_name
    ours = q.list_page_records(seeded_api.gql(q.OURS_LIST_PAGE))
    floor = q.list_page_records(_floor(floor_sql(schema)))
    assert len(ours) == q.PAGE_SIZE
    assert sum(len(c[-1]) for c in ours) > 0  # people came along
    assert all(len(c[-1]) <= q.PEOPLE_PER_COMPANY for c in ours)
    assert ours == floor


def test_by_id_ours_and_floor_agree(seeded_api: Api) -> None:
    schema = seeded_api.workspace.workspace.schema_name
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("SELECT id::text FROM {} WHERE company_id IS NOT NULL LIMIT 3").format(
                sql.Identifier(schema, "person")
            )
        )
        ids = [r[0] for r in cursor.fetchall()]
    for person_id in ids:
        ours = q.by_id_records(seeded_api.gql(q.OURS_BY_ID, {"id": person_id}))
        assert ours is not None and ours[0] == person_id
        company = ours[-1]
        assert company is not None and 0 < len(company[-1]) <= q.PEOPLE_PER_COMPANY
        assert ours == q.by_id_records(_floor(q.floor_by_id(schema, person_id)))


def test_filtered_pages_ours_and_floor_agree(seeded_api: Api) -> None:
    schema = seeded_api.workspace.workspace.schema_name
    variables: dict[str, Any] = {"pattern": q.FILTER_PATTERN}
    after: tuple[str, str] | None = None
    seen: set[str] = set()
    for _page in (1, 2):
        data = seeded_api.gql(q.OURS_FILTERED, variables)
        ours = q.filtered_records(data)
        assert ours == q.filtered_records(_floor(q.floor_filtered(schema, q.FILTER_PATTERN, after)))
        assert len(ours[0]) == q.PAGE_SIZE
        assert all("robot" in c[1].lower() for c in ours[0])
        ids = {c[0] for c in ours[0]}
        assert not ids & seen  # the next page follows, it does not repeat
        seen |= ids
        last = ours[0][-1]
        variables = {**variables, "after": q.end_cursor(data)}
        after = (last[3].isoformat(), last[0])


def test_postgraphile_shape_compares_equal_and_a_difference_is_caught(seeded_api: Api) -> None:
    data = seeded_api.gql(q.OURS_LIST_PAGE)
    ours_nodes = [e["node"] for e in data["companies"]["edges"]]
    theirs = {
        "allCompanies": {
            "nodes": [
                {
                    **_flat(n),
                    "peopleByCompanyId": {
                        "nodes": [
                            {
                                "id": p["node"]["id"],
                                "nameFirstName": p["node"]["name"]["firstName"],
                                "nameLastName": p["node"]["name"]["lastName"],
                                "emailsPrimaryEmail": p["node"]["emails"]["primaryEmail"],
                                "jobTitle": p["node"]["jobTitle"],
                            }
                            for p in n["people"]["edges"]
                        ]
                    },
                }
                for n in ours_nodes
            ]
        }
    }
    ours = q.list_page_records(data)
    same_records("list page", ours, q.list_page_records(theirs), ours)

    theirs["allCompanies"]["nodes"][5]["addressAddressCity"] = "Atlantis"
    with pytest.raises(Mismatch, match="PostGraphile does not return the same records"):
        same_records("list page", ours, q.list_page_records(theirs), ours)
    with pytest.raises(Mismatch, match="the SQL floor"):
        same_records("list page", ours, ours, ours[:-1])


def test_creates_store_the_same_rows_through_ours_and_the_floor(api: Api) -> None:
    schema = api.workspace.workspace.schema_name
    rows = q.write_rows()

    def stored() -> list[tuple[Any, ...]]:
        with connection.cursor() as cursor:
            cursor.execute(q.written_rows_sql(schema))
            found = [tuple(r) for r in cursor.fetchall()]
            cursor.execute(q.delete_written_sql(schema))
        return found

    created = api.gql(q.OURS_CREATE, q.ours_create_variables(rows))["createCompanies"]
    assert len(created) == q.BATCH
    through_ours = stored()
    floor = _floor(q.floor_create(schema, rows))
    assert len(floor["createCompanies"]) == q.BATCH
    through_floor = stored()
    assert len(through_ours) == q.BATCH
    assert through_ours == through_floor
    assert stored() == []  # deleted


def test_postgraphile_create_document_has_one_aliased_mutation_per_row() -> None:
    document = parse(q.their_create(q.BATCH))
    operation = document.definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    fields = operation.selection_set.selections
    assert len(fields) == q.BATCH
    assert len(operation.variable_definitions) == q.BATCH
    variables = q.their_create_variables(q.write_rows())
    assert sorted(variables) == sorted(f"c{i}" for i in range(q.BATCH))
    assert variables["c3"]["name"] == f"{q.WRITE_MARKER}03"


@pytest.mark.django_db
def test_sql_load_runs_several_statements_in_turn() -> None:
    from bench.load import conninfo

    load = sql_load("check", conninfo(), ["SELECT 1", "SELECT 2"], 2, 0.2)
    assert load.requests > 0
    assert load.errors == 0
    assert load.client_cpu_s >= 0


def test_python_client_sends_the_variants_in_turn() -> None:
    import http.server
    import threading
    from collections import Counter

    seen: Counter[bytes] = Counter()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            seen[self.rfile.read(int(self.headers["Content-Length"]))] += 1
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.send_header("Connection", "close")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        bodies = tuple(f"body-{i}".encode() for i in range(5))
        request = HttpRequest("POST", "/", bodies[0], (), bodies)
        load = PythonClient(server.server_address[1]).run("check", request, 2, 0.5)
    finally:
        server.shutdown()
        server.server_close()
    assert load.errors == 0
    assert load.requests == sum(seen.values()) >= len(bodies)
    assert set(seen) == set(bodies)
