"""A list page through the workspace GraphQL API, served as in production, against the floor.

The question is the one a CRM list view asks: the newest 60 companies with twelve fields, and
the first 10 people of each. It is sent to our server (gunicorn, two sync workers, production
settings) by a load generator on loopback (`wrk`, or a Python client when wrk is missing) and
compared with:

- the compiled SQL our server runs for it, captured from a real request and executed directly
  with psycopg (our SQL without HTTP, Django and GraphQL);
- the floor: the same data question as ONE hand-written SQL statement, executed likewise;
- the load generator against /healthz, and the psycopg client against `SELECT 1`, to show
  that neither client is what limits the rates above.

Everything runs on one machine: the load generator, gunicorn and PostgreSQL share its cores.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import psycopg
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from psycopg import sql

from bench.load import (
    HttpRequest,
    WrkClient,
    conninfo,
    cpu_busy,
    http_client,
    sql_load,
    wants_wrk,
)
from bench.questions import OURS_LIST_PAGE, PAGE_SIZE, PEOPLE_PER_COMPANY
from bench.report import save
from bench.seed import seed_workspace, temporary_workspace
from bench.servers import WORKERS, gunicorn, http_post
from crm.schemas import use_public
from workspaces.services.api_keys import create_api_key

DESIGN_TARGET = 0.5  # ours >= half the floor's requests/s (context, not asserted)


def floor_sql(schema: str) -> sql.Composable:
    """The same data question, written by hand as one statement, answering the same JSON
    shape. Companies: newest first, id breaking ties (as our API orders); people: the API's
    default order (position, nulls first, then id)."""
    return sql.SQL(
        """
        SELECT json_build_object('companies', json_build_object('edges', coalesce(json_agg(
            json_build_object('node', json_build_object(
                'id', c.id, 'name', c.name, 'employees', c.employees, 'createdAt', c.created_at,
                'idealCustomerProfile', c.ideal_customer_profile, 'position', c.position,
                'domainName', json_build_object('primaryLinkUrl', c.domain_name_primary_link_url),
                'address', json_build_object(
                    'addressCity', c.address_address_city,
                    'addressCountry', c.address_address_country),
                'annualRecurringRevenue', json_build_object(
                    'amountMicros', c.annual_recurring_revenue_amount_micros,
                    'currencyCode', c.annual_recurring_revenue_currency_code),
                'linkedinLink', json_build_object('primaryLinkUrl', c.linkedin_link_primary_link_url),
                'xLink', json_build_object('primaryLinkUrl', c.x_link_primary_link_url),
                'people', json_build_object('edges', p.edges)))
            ORDER BY c.created_at DESC NULLS LAST, c.id), '[]'::json)))::text
        FROM (
            SELECT id, name, employees, created_at, ideal_customer_profile, position,
                   domain_name_primary_link_url, address_address_city, address_address_country,
                   annual_recurring_revenue_amount_micros, annual_recurring_revenue_currency_code,
                   linkedin_link_primary_link_url, x_link_primary_link_url
            FROM {company}
            WHERE deleted_at IS NULL
            ORDER BY created_at DESC NULLS LAST, id
            LIMIT {page}
        ) AS c
        CROSS JOIN LATERAL (
            SELECT coalesce(json_agg(json_build_object('node', json_build_object(
                       'id', x.id,
                       'name', json_build_object('firstName', x.name_first_name,
                                                 'lastName', x.name_last_name),
                       'emails', json_build_object('primaryEmail', x.emails_primary_email),
                       'jobTitle', x.job_title))
                   ORDER BY x.position NULLS FIRST, x.id), '[]'::json) AS edges
            FROM (
                SELECT id, position, name_first_name, name_last_name, emails_primary_email,
                       job_title
                FROM {person}
                WHERE company_id = c.id AND deleted_at IS NULL
                ORDER BY position NULLS FIRST, id
                LIMIT {people}
            ) AS x
        ) AS p
        """
    ).format(
        company=sql.Identifier(schema, "company"),
        person=sql.Identifier(schema, "person"),
        page=sql.Literal(PAGE_SIZE),
        people=sql.Literal(PEOPLE_PER_COMPANY),
    )


# -- checks ---------------------------------------------------------------------------------


def _ids(page: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """(company id, [its people ids]) in order, from a {"companies": ...} answer."""
    return [
        (e["node"]["id"], [p["node"]["id"] for p in e["node"]["people"]["edges"]])
        for e in page["companies"]["edges"]
    ]


def check_answer(status: int, raw: bytes) -> dict[str, Any]:
    if status != 200:
        raise RuntimeError(f"/graphql answered {status}: {raw[:500]!r}")
    answer = json.loads(raw)
    if answer.get("errors"):
        raise RuntimeError(f"/graphql answered errors: {answer['errors']}")
    data = answer["data"]
    edges = data["companies"]["edges"]
    people = [len(e["node"]["people"]["edges"]) for e in edges]
    if len(edges) != PAGE_SIZE:
        raise RuntimeError(f"expected {PAGE_SIZE} companies, got {len(edges)}")
    if not any(people) or max(people) > PEOPLE_PER_COMPANY:
        raise RuntimeError(f"unexpected people per company: {people}")
    node = edges[0]["node"]
    if not node["domainName"]["primaryLinkUrl"] or not node["address"]["addressCity"]:
        raise RuntimeError(f"composite fields missing in {node}")
    assert isinstance(data, dict)
    return data


def capture_statements(api_key: str, body: bytes, schema: str) -> tuple[list[str], str]:
    """The statements one request runs, in process (Django's test client), SET search_path
    left out; and the one that reads the data (the compiled SQL)."""
    client = Client()
    headers = {"Authorization": f"Bearer {api_key}"}
    warm = client.post("/graphql", body, content_type="application/json", headers=headers)
    check_answer(warm.status_code, warm.content)  # loads the metadata snapshot (cached after)
    with CaptureQueriesContext(connection) as captured:
        response = client.post("/graphql", body, content_type="application/json", headers=headers)
    use_public()
    check_answer(response.status_code, response.content)
    statements = [
        q["sql"]
        for q in captured.captured_queries
        if not q["sql"].lstrip().upper().startswith("SET ")
    ]
    reads = [s for s in statements if f'"{schema}"."company"' in s]
    if len(reads) != 1:
        raise RuntimeError(f"expected one statement reading the data, got {len(reads)}")
    return statements, reads[0]


# -- the benchmark --------------------------------------------------------------------------


def run(
    companies: int = 10_000,
    people: int = 50_000,
    duration: float = 10.0,
    concurrency: int = 8,
    client: str = "auto",
    **_: object,
) -> None:
    if companies < PAGE_SIZE or people < 1:
        raise ValueError(f"need at least {PAGE_SIZE} companies and some people")
    total_start = time.perf_counter()
    with temporary_workspace("bench-gql", "Bench GraphQL") as (workspace, tmp):
        _run(workspace, tmp, companies, people, duration, concurrency, client)
    print(f"  total {time.perf_counter() - total_start:.0f} s (workspace created and deleted)")


def _run(workspace: Any, workdir: Path, companies: int, people: int, duration: float,
         concurrency: int, client_choice: str) -> None:  # fmt: skip
    schema = workspace.schema_name
    busy_before = cpu_busy()
    seeded = seed_workspace(workspace, companies, people)
    print(
        f"  seeded {companies:,} companies + {people:,} people in {seeded.total_s:.1f} s "
        f"(companies {seeded.companies_s:.1f} s, people {seeded.people_s:.1f} s, "
        f"VACUUM ANALYZE {seeded.analyze_s:.1f} s)"
    )
    api_key = create_api_key(workspace, "bench graphql_list_page").secret
    body = json.dumps({"query": OURS_LIST_PAGE}).encode()
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {api_key}"}

    statements, compiled = capture_statements(api_key, body, schema)
    dsn = conninfo()
    floor = floor_sql(schema)
    with psycopg.connect(dsn, autocommit=True) as conn:
        floor_text = floor.as_string(conn)
        floor_page = json.loads(conn.execute(floor_text).fetchone()[0])  # type: ignore[index]
        compiled_value = conn.execute(compiled).fetchone()[0]  # type: ignore[index]
    compiled_page = json.loads(compiled_value) if isinstance(compiled_value, str) else None

    use_wrk = wants_wrk(client_choice)

    with gunicorn(workdir) as server:
        status, raw = http_post(server.port, "/graphql", body, headers)
        data = check_answer(status, raw)
        if _ids(data) != _ids(floor_page):
            raise RuntimeError(
                "the hand-written floor does not answer the same records as /graphql"
            )
        # The fast path's statement answers the whole `data` object, keyed by root field.
        wrapped = (
            compiled_page
            if compiled_page and "companies" in compiled_page
            else {"companies": compiled_page}
        )
        if compiled_page is None or _ids(wrapped) != _ids(data):
            raise RuntimeError("the captured compiled SQL does not answer what /graphql answers")
        people_edges = sum(len(e["node"]["people"]["edges"]) for e in data["companies"]["edges"])
        print(
            f"  gunicorn ({WORKERS} sync workers, production settings) up in "
            f"{server.started_s:.1f} s on port {server.port}; one answer: {len(raw):,} bytes, "
            f"{PAGE_SIZE} companies, {people_edges} people"
        )
        print(
            f"  statements per request (in process, SET search_path left out): "
            f"{len(statements)} = auth {len(statements) - 1} + 1 compiled read"
        )
        load = http_client(use_wrk, server.port, workdir)
        graphql_request = HttpRequest("POST", "/graphql", body, tuple(headers.items()))
        health_request = HttpRequest("GET", "/healthz")
        # Warm both workers (and the PostgreSQL backends behind them), untimed.
        load.run("warm-up", graphql_request, concurrency, min(2.0, duration))

        ours = load.run("our /graphql (gunicorn)", graphql_request, concurrency, duration)
        health = load.run("load generator vs /healthz", health_request, concurrency, duration)
        tail = server.log_tail(5)
    compiled_direct = sql_load("our compiled SQL, direct", dsn, compiled, concurrency, duration)
    floor_direct = sql_load(
        "floor: hand-written SQL, direct", dsn, floor_text, concurrency, duration
    )
    select_one = sql_load("psycopg client vs SELECT 1", dsn, "SELECT 1", concurrency, duration)

    rows = [ours, compiled_direct, floor_direct, health, select_one]
    print(
        f"  {PAGE_SIZE} companies x 12 fields + {PEOPLE_PER_COMPANY} people each, "
        f"concurrency {concurrency}, {duration:g} s each, {os.cpu_count()} CPUs shared by all"
    )
    if busy_before is not None:
        print(
            f"  (CPUs {busy_before:.0%} busy in the second before seeding: anything else running "
            "on the machine takes CPU from the measurements)"
        )
    print(
        f"  {'':<36}{'client':>8}{'requests':>10}{'errors':>8}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}"
    )
    for row in rows:
        print(
            f"  {row.label:<36}{row.client:>8}{row.requests:>10,}{row.errors:>8}{row.rps:>9.1f}"
            f"{row.p50_ms:>9.2f}{row.p99_ms:>9.2f}"
        )
    ratio_rps = ours.rps / floor_direct.rps
    print(
        f"  ours / floor: req/s {ratio_rps:.2f}, p50 {ours.p50_ms / floor_direct.p50_ms:.2f}x, "
        f"p99 {ours.p99_ms / floor_direct.p99_ms:.2f}x"
    )
    print(
        f"  ours / our compiled SQL direct (HTTP + Django + GraphQL): req/s "
        f"{ours.rps / compiled_direct.rps:.2f}; compiled / floor (SQL alone): req/s "
        f"{compiled_direct.rps / floor_direct.rps:.2f}"
    )
    print(
        f"  load generator vs /healthz: {health.rps / ours.rps:.1f}x our /graphql rate; "
        f"psycopg client vs SELECT 1: {select_one.rps / floor_direct.rps:.1f}x the floor's rate"
    )
    print(
        f"  design target (ours >= {DESIGN_TARGET:g} x floor req/s): "
        f"{'met' if ratio_rps >= DESIGN_TARGET else 'NOT met'} ({ratio_rps:.2f})"
    )
    if any(r.errors for r in rows):
        print(f"  NOTE: errors during the load; the server's log ends with:\n{tail}")
    save(
        "graphql_list_page",
        {
            "companies": companies,
            "people": people,
            "duration_s": duration,
            "concurrency": concurrency,
            "gunicorn_workers": WORKERS,
            "load_client": load.name,
            "seed": asdict(seeded),
            "cpu_busy_before": busy_before,
            "response_bytes": len(raw),
            "statements_per_request": len(statements),
            "statements": statements,
            "query": OURS_LIST_PAGE,
            "floor_sql": floor_text,
            "measurements": [{**asdict(r), "rps": r.rps} for r in rows],
            "ratios": {
                "ours_over_floor_rps": ratio_rps,
                "ours_over_floor_p50": ours.p50_ms / floor_direct.p50_ms,
                "ours_over_floor_p99": ours.p99_ms / floor_direct.p99_ms,
                "ours_over_compiled_rps": ours.rps / compiled_direct.rps,
                "compiled_over_floor_rps": compiled_direct.rps / floor_direct.rps,
                "healthz_over_ours_rps": health.rps / ours.rps,
            },
            "design_target_ours_over_floor_rps": DESIGN_TARGET,
            "wrk_output": load.raw if isinstance(load, WrkClient) else {},
        },
    )
