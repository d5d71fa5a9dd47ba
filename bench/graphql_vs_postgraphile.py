"""Our /graphql against PostGraphile 4 and the SQL floor, side by side, in one run.

One workspace is seeded (10,000 companies and 50,000 people by default); our server runs as in
production (gunicorn, two sync workers) and PostGraphile 4 runs on the same workspace schema
(two cluster workers: Node processes, as many as gunicorn's). The same load generator (wrk, or
the Python client) keeps the same number of requests in flight against each, for the same
questions (see `bench.questions`):

- list page: 60 companies with twelve fields, each with its first 10 people;
- by id: a person with its company and that company's first 10 people (100 people in turn);
- filtered list: companies whose name matches `ilike '%robot%'`, newest first, 60 rows; and
  the next page, after the first page's end cursor;
- creates: a batch of 60 companies (ours: one `createCompanies`; PostGraphile: 60 aliased
  `createCompany` mutations in one document), deleted again after each contender's round.

The floor is the same question as one hand-written SQL statement run directly with psycopg.
Before anything is timed, all three must return the same records (ids and the compared
fields, in order) for every read question, and write the same rows; the run stops otherwise.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from psycopg import sql

from bench import questions as q
from bench.graphql_list_page import floor_sql
from bench.load import (
    HttpRequest,
    Load,
    PythonClient,
    WrkClient,
    conninfo,
    cpu_busy,
    http_client,
    sql_load,
    wants_wrk,
)
from bench.report import save
from bench.seed import seed_workspace, temporary_workspace
from bench.servers import (
    POSTGRAPHILE_DIR,
    WORKERS,
    Server,
    gunicorn,
    http_post,
    postgraphile,
    postgraphile_missing,
)
from crm.schemas import use_public
from workspaces.services.api_keys import create_api_key

BY_ID_PEOPLE = 100  # people asked for in turn by the by-id question
CHECKED_BY_ID = 10  # of which checked against each other before timing
MIN_COMPANIES = 3_000  # about 1 in 15 matches the filter: two full pages of 60


class Mismatch(RuntimeError):
    """The contenders do not answer the same records: nothing is timed."""


@dataclass
class Question:
    key: str
    title: str
    ours: HttpRequest
    theirs: HttpRequest
    floor: list[str]
    loads: list[Load] = field(default_factory=list)
    statements: list[str] = field(default_factory=list)  # ours runs per request (in process)
    written: dict[str, int] = field(default_factory=dict)  # rows created per contender


@dataclass
class Contenders:
    ours: Server
    theirs: Server
    headers: dict[str, str]  # ours: with the API key
    dsn: str
    schema: str


def _graphql(server: Server, body: bytes, headers: dict[str, str], who: str) -> dict[str, Any]:
    status, raw = http_post(server.port, "/graphql", body, headers)
    if status != 200:
        raise RuntimeError(f"{who} answered HTTP {status}: {raw[:500]!r}")
    answer = json.loads(raw)
    if answer.get("errors"):
        raise RuntimeError(f"{who} answered errors: {json.dumps(answer['errors'])[:1000]}")
    data = answer["data"]
    assert isinstance(data, dict)
    return data


def _floor(dsn: str, statement: str) -> dict[str, Any]:
    with psycopg.connect(dsn, autocommit=True) as conn:
        row = conn.execute(statement).fetchone()
    if row is None:
        raise RuntimeError(f"the floor answered no row: {statement[:200]}")
    data = json.loads(row[0])
    assert isinstance(data, dict)
    return data


def same_records(what: str, ours: Any, theirs: Any, floor: Any) -> None:
    for name, other in (("PostGraphile", theirs), ("the SQL floor", floor)):
        if other != ours:
            mine, yours = first_difference(ours, other)
            raise Mismatch(
                f"{what}: {name} does not return the same records as ours.\n"
                f"  ours:  {mine}\n"
                f"  {name}: {yours}"
            )


def first_difference(a: Any, b: Any) -> tuple[str, str]:
    """The first records that differ (whole records, for context), or the lengths."""
    if isinstance(a, list) and isinstance(b, list):
        for x, y in zip(a, b, strict=False):
            if x != y:
                return repr(x)[:500], repr(y)[:500]
        return f"{len(a)} records", f"{len(b)} records"
    return repr(a)[:500], repr(b)[:500]


# -- building and checking the questions ------------------------------------------------------


def build_questions(c: Contenders, person_ids: list[str]) -> list[Question]:
    """The questions with their requests, each checked: all three answer the same records."""
    schema, dsn = c.schema, c.dsn
    ours_h, theirs_h = c.headers, {"Content-Type": "application/json"}

    def request(bodies: list[bytes], headers: dict[str, str]) -> HttpRequest:
        variants = tuple(bodies) if len(bodies) > 1 else ()  # one body: wrk sends it as is
        return HttpRequest("POST", "/graphql", bodies[0], tuple(headers.items()), variants)

    def ours(bodies: list[bytes]) -> HttpRequest:
        return request(bodies, ours_h)

    def theirs(bodies: list[bytes]) -> HttpRequest:
        return request(bodies, theirs_h)

    def floor_text(statement: sql.Composable) -> str:
        return statement.as_string()  # literals quoted without a connection (psycopg >= 3.2)

    built: list[Question] = []

    # list page
    ours_body, their_body = q.body(q.OURS_LIST_PAGE), q.body(q.THEIR_LIST_PAGE)
    floor = floor_text(floor_sql(schema))
    page = q.list_page_records(_graphql(c.ours, ours_body, ours_h, "ours"))
    same_records(
        "list page", page,
        q.list_page_records(_graphql(c.theirs, their_body, theirs_h, "PostGraphile")),
        q.list_page_records(_floor(dsn, floor)),
    )  # fmt: skip
    if len(page) != q.PAGE_SIZE or not any(p[-1] for p in page):
        raise Mismatch(f"list page: expected {q.PAGE_SIZE} companies with people, got {page[:1]}")
    built.append(Question("list_page", f"list page: {q.PAGE_SIZE} companies x 12 fields + "
                          f"first {q.PEOPLE_PER_COMPANY} people each",
                          ours([ours_body]), theirs([their_body]), [floor]))  # fmt: skip

    # one record by id, with its relations
    ours_bodies = [q.body(q.OURS_BY_ID, {"id": i}) for i in person_ids]
    their_bodies = [q.body(q.THEIR_BY_ID, {"id": i}) for i in person_ids]
    floors = [floor_text(q.floor_by_id(schema, i)) for i in person_ids]
    for index in range(min(CHECKED_BY_ID, len(person_ids))):
        record = q.by_id_records(_graphql(c.ours, ours_bodies[index], ours_h, "ours"))
        if record is None or record[-1] is None:
            raise Mismatch(f"by id: person {person_ids[index]} or its company not found by ours")
        same_records(
            f"by id ({person_ids[index]})", record,
            q.by_id_records(_graphql(c.theirs, their_bodies[index], theirs_h, "PostGraphile")),
            q.by_id_records(_floor(dsn, floors[index])),
        )  # fmt: skip
    built.append(Question("by_id", "one person by id + its company + the company's first "
                          f"{q.PEOPLE_PER_COMPANY} people ({len(person_ids)} people in turn)",
                          ours(ours_bodies), theirs(their_bodies), floors))  # fmt: skip

    # filtered, ordered list and its next page
    variables = {"pattern": q.FILTER_PATTERN}
    pages: list[tuple[bytes, bytes, str]] = []
    ours_body, their_body = (
        q.body(q.OURS_FILTERED, variables),
        q.body(q.THEIR_FILTERED, variables),
    )
    floor = floor_text(q.floor_filtered(schema, q.FILTER_PATTERN, None))
    for page_number in (1, 2):
        ours_data = _graphql(c.ours, ours_body, ours_h, "ours")
        their_data = _graphql(c.theirs, their_body, theirs_h, "PostGraphile")
        floor_data = _floor(dsn, floor)
        records = q.filtered_records(ours_data)
        same_records(
            f"filtered list, page {page_number}", records,
            q.filtered_records(their_data), q.filtered_records(floor_data),
        )  # fmt: skip
        if len(records[0]) != q.PAGE_SIZE:
            raise RuntimeError(
                f"filtered list, page {page_number}: expected {q.PAGE_SIZE} companies, "
                f"got {len(records[0])} (seed more companies)"
            )
        pages.append((ours_body, their_body, floor))
        last = records[0][-1]
        ours_body = q.body(q.OURS_FILTERED, {**variables, "after": q.end_cursor(ours_data)})
        their_body = q.body(q.THEIR_FILTERED, {**variables, "after": q.end_cursor(their_data)})
        floor = floor_text(
            q.floor_filtered(schema, q.FILTER_PATTERN, (last[3].isoformat(), last[0]))
        )
    for number, (ours_body, their_body, floor) in enumerate(pages, start=1):
        built.append(Question(f"filtered_page_{number}", f"filtered list (name ilike "
                              f"'{q.FILTER_PATTERN}', newest first, {q.PAGE_SIZE} rows), "
                              f"page {number}", ours([ours_body]), theirs([their_body]),
                              [floor]))  # fmt: skip

    # a batch of creates
    rows = q.write_rows()
    ours_body = q.body(q.OURS_CREATE, q.ours_create_variables(rows))
    their_body = q.body(q.their_create(len(rows)), q.their_create_variables(rows))
    floor = floor_text(q.floor_create(schema, rows))
    written = []
    for run in (
        lambda: _graphql(c.ours, ours_body, ours_h, "ours"),
        lambda: _graphql(c.theirs, their_body, theirs_h, "PostGraphile"),
        lambda: _floor(dsn, floor),
    ):
        data = run()
        created = list(data.values())
        count = len(created[0]) if len(created) == 1 else len(created)
        if count != len(rows):
            raise Mismatch(f"creates: {count} records answered, {len(rows)} sent")
        written.append(_written(dsn, schema))
        _delete_written(dsn, schema)
    same_records("creates (the rows stored)", *written)
    if len(written[0]) != len(rows):
        raise Mismatch(f"creates: {len(written[0])} rows stored, {len(rows)} sent")
    built.append(Question("create_batch", f"a batch of {len(rows)} creates (companies)",
                          ours([ours_body]), theirs([their_body]), [floor]))  # fmt: skip
    return built


def capture_statements(question: Question, api_key: str) -> None:
    """The SQL statements our server runs for one request of the question, in process (Django's
    test client, after a warm-up request), `SET search_path` left out."""
    client = Client()
    body = question.ours.bodies()[0]
    headers = {"Authorization": f"Bearer {api_key}"}
    client.post("/graphql", body, content_type="application/json", headers=headers)
    with CaptureQueriesContext(connection) as captured:
        response = client.post("/graphql", body, content_type="application/json", headers=headers)
    use_public()
    if response.status_code != 200 or "errors" in response.json():
        raise RuntimeError(f"{question.key}: in process, ours answered {response.content[:300]!r}")
    question.statements = [
        x["sql"]
        for x in captured.captured_queries
        if not x["sql"].lstrip().upper().startswith("SET ")
    ]


def _written(dsn: str, schema: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(dsn, autocommit=True) as conn:
        return [tuple(r) for r in conn.execute(q.written_rows_sql(schema)).fetchall()]


def _delete_written(dsn: str, schema: str) -> int:
    with psycopg.connect(dsn, autocommit=True) as conn:
        return conn.execute(q.delete_written_sql(schema)).rowcount


# -- the benchmark ----------------------------------------------------------------------------


def _postgraphile_version() -> str:
    try:
        package = POSTGRAPHILE_DIR / "node_modules" / "postgraphile" / "package.json"
        return str(json.loads(package.read_text())["version"])
    except (OSError, ValueError, KeyError):
        return "4"


def run(
    companies: int = 10_000,
    people: int = 50_000,
    question_duration: float = 5.0,
    concurrency: int = 8,
    client: str = "auto",
    **_: object,
) -> None:
    if companies < MIN_COMPANIES or people < 1:
        raise ValueError(
            f"need at least {MIN_COMPANIES:,} companies (two filtered pages) and some people"
        )
    missing = postgraphile_missing()
    if missing is not None:
        raise RuntimeError(missing)
    use_wrk = wants_wrk(client)
    total_start = time.perf_counter()
    with temporary_workspace("bench-vs", "Bench versus") as (workspace, tmp):
        _run(workspace, tmp, companies, people, question_duration, concurrency, use_wrk)
    print(f"  total {time.perf_counter() - total_start:.0f} s (workspace created and deleted)")


def _run(workspace: Any, workdir: Path, companies: int, people: int, duration: float,
         concurrency: int, use_wrk: bool) -> None:  # fmt: skip
    schema = workspace.schema_name
    busy_before = cpu_busy()
    seeded = seed_workspace(workspace, companies, people)
    print(f"  seeded {companies:,} companies + {people:,} people in {seeded.total_s:.1f} s")
    api_key = create_api_key(workspace, "bench graphql_vs_postgraphile").secret
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {api_key}"}
    dsn = conninfo()
    with psycopg.connect(dsn, autocommit=True) as conn:
        person_ids = [
            str(r[0])
            for r in conn.execute(
                sql.SQL(
                    "SELECT id FROM {} WHERE company_id IS NOT NULL ORDER BY md5(id::text) LIMIT {}"
                ).format(sql.Identifier(schema, "person"), sql.Literal(BY_ID_PEOPLE))
            ).fetchall()
        ]
    with gunicorn(workdir) as ours, postgraphile(workdir, schema) as theirs:
        version, node_version = _postgraphile_version(), _node_version()
        print(
            f"  ours: gunicorn, {WORKERS} sync workers, production settings, API key checked "
            f"per request (up in {ours.started_s:.1f} s)\n"
            f"  PostGraphile {version}: {WORKERS} cluster workers on Node "
            f"{node_version}, no authentication, pool of 10 connections per worker "
            f"(up in {theirs.started_s:.1f} s)"
        )
        contenders = Contenders(ours, theirs, headers, dsn, schema)
        asked = build_questions(contenders, person_ids)
        for question in asked:
            capture_statements(question, api_key)
        _delete_written(dsn, schema)  # the create question's two batches
        print(
            "  checked before timing: ours, PostGraphile and the floor return the same records "
            f"for every question ({CHECKED_BY_ID} of the by-id people; the rows stored by a "
            "batch of creates)"
        )
        load = http_client(use_wrk, ours.port, workdir)
        their_load = http_client(use_wrk, theirs.port, workdir)
        warm = min(2.0, duration)
        for question in asked:  # warm both servers' workers and caches, untimed
            if question.key != "create_batch":
                load.run("warm-up", question.ours, concurrency, warm / 2)
                their_load.run("warm-up", question.theirs, concurrency, warm / 2)
        for question in asked:
            _measure(question, load, their_load, dsn, schema, concurrency, duration)
        health = load.run(
            "load generator vs /healthz", HttpRequest("GET", "/healthz"), concurrency, duration
        )
        tails = {"ours": ours.log_tail(5), "PostGraphile": theirs.log_tail(5)}
    select_one = sql_load("psycopg client vs SELECT 1", dsn, "SELECT 1", concurrency, duration)
    _report(asked, health, select_one, load.name, concurrency, duration, busy_before, tails)
    save(
        "graphql_vs_postgraphile",
        {
            "companies": companies,
            "people": people,
            "duration_s": duration,
            "concurrency": concurrency,
            "gunicorn_workers": WORKERS,
            "postgraphile_workers": WORKERS,
            "postgraphile_version": version,
            "node_version": node_version,
            "load_client": load.name,
            "seed": asdict(seeded),
            "cpu_busy_before": busy_before,
            "questions": [
                {
                    "key": x.key,
                    "title": x.title,
                    "measurements": [{**asdict(m), "rps": m.rps} for m in x.loads],
                    "ratios": _ratios(x),
                    "rows_written": x.written,
                    "ours_statements": x.statements,
                    "ours_query": json.loads(x.ours.bodies()[0] or b"{}"),
                    "postgraphile_query": json.loads(x.theirs.bodies()[0] or b"{}"),
                    "floor_sql": x.floor[0],
                }
                for x in asked
            ],
            "client_checks": [{**asdict(m), "rps": m.rps} for m in (health, select_one)],
        },
    )


def _node_version() -> str:
    try:
        done = subprocess.run(["node", "--version"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    return done.stdout.strip() or "?"


def _measure(question: Question, load: PythonClient | WrkClient,
             their_load: PythonClient | WrkClient, dsn: str, schema: str, concurrency: int,
             duration: float) -> None:  # fmt: skip
    writes = question.key == "create_batch"
    runs: list[tuple[str, Callable[[], Load]]] = [
        ("ours", lambda: load.run("ours (gunicorn)", question.ours, concurrency, duration)),
        (
            "PostGraphile",
            lambda: their_load.run("PostGraphile 4", question.theirs, concurrency, duration),
        ),
        (
            "floor",
            lambda: sql_load("floor (SQL, psycopg)", dsn, question.floor, concurrency, duration),
        ),
    ]
    for who, measure in runs:
        question.loads.append(measure())
        if writes:
            question.written[who] = _delete_written(dsn, schema)


def _ratios(question: Question) -> dict[str, float]:
    ours, theirs, floor = question.loads

    def ratio(a: float, b: float) -> float:
        """a / b; not a number when either side measured nothing (no request finished)."""
        return a / b if a > 0 and b > 0 else float("nan")

    return {
        "ours_over_postgraphile_rps": ratio(ours.rps, theirs.rps),
        "ours_over_postgraphile_p50": ratio(ours.p50_ms, theirs.p50_ms),
        "ours_over_postgraphile_p99": ratio(ours.p99_ms, theirs.p99_ms),
        "ours_over_floor_rps": ratio(ours.rps, floor.rps),
        "ours_over_floor_p50": ratio(ours.p50_ms, floor.p50_ms),
        "ours_over_floor_p99": ratio(ours.p99_ms, floor.p99_ms),
    }


def _row(load: Load) -> str:
    return (
        f"    {load.label:<30}{load.client:>8}{load.requests:>10,}{load.errors:>8}"
        f"{load.rps:>9.1f}{load.p50_ms:>9.2f}{load.p99_ms:>9.2f}{load.client_cpu:>12.0%}"
    )


def _report(asked: list[Question], health: Load, select_one: Load, client: str,
            concurrency: int, duration: float, busy_before: float | None,
            tails: dict[str, str]) -> None:  # fmt: skip
    print(
        f"  concurrency {concurrency}, {duration:g} s per measurement, {os.cpu_count()} CPUs "
        "shared by the load generator, both servers and PostgreSQL"
        + (f" (CPUs {busy_before:.0%} busy before seeding)" if busy_before is not None else "")
    )
    print(f"    {'':<30}{'client':>8}{'requests':>10}{'errors':>8}{'req/s':>9}{'p50 ms':>9}"
          f"{'p99 ms':>9}{'client CPU':>12}")  # fmt: skip
    for question in asked:
        print(f"  {question.title}; ours runs {len(question.statements)} SQL statements")
        for load in question.loads:
            print(_row(load))
        if question.written:
            per_request = {
                who: f"{question.written[who]:,} rows ({load.requests:,} x {q.BATCH} = "
                f"{load.requests * q.BATCH:,})"
                for who, load in zip(("ours", "PostGraphile", "floor"), question.loads, strict=True)
            }
            print(
                f"    rows written (deleted after each round; batches still in flight when the "
                f"clock stopped count too): {'; '.join(f'{k} {v}' for k, v in per_request.items())}"
            )
    print(
        "  client checks (client CPU: the load generator's own CPU use, 100% = one core; "
        "against trivial work they go much faster than above):"
    )
    print(_row(health))
    print(_row(select_one))
    print(f"  {'ratios':<20}{'ours / PostGraphile':^27}{'ours / floor':^27}")
    print(f"  {'':<20}{'req/s':>9}{'p50':>9}{'p99':>9}{'req/s':>9}{'p50':>9}{'p99':>9}")
    for question in asked:
        r = _ratios(question)
        cells = "".join(
            f"{r[key]:>9.2f}" if r[key] == r[key] else f"{'n/a':>9}"  # NaN != NaN
            for key in (
                "ours_over_postgraphile_rps", "ours_over_postgraphile_p50",
                "ours_over_postgraphile_p99", "ours_over_floor_rps", "ours_over_floor_p50",
                "ours_over_floor_p99",
            )
        )  # fmt: skip
        print(f"  {question.key:<20}{cells}")
    print(
        "  (req/s above 1: ours serves more; p50/p99 below 1: ours answers faster. "
        f"Load generator: {client}.)"
    )
    if any(m.errors for x in asked for m in x.loads):
        for who, tail in tails.items():
            print(f"  NOTE: errors during the load; {who}'s log ends with:\n{tail}")
