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

import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import psycopg
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from psycopg import sql

from bench.report import save
from bench.seed import seed_workspace
from crm.schemas import use_public
from workspaces.services.api_keys import create_api_key
from workspaces.services.workspaces import create_workspace, delete_workspace

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PAGE_SIZE = 60
PEOPLE_PER_COMPANY = 10
WORKERS = 2  # gunicorn sync workers, as the Dockerfile's WEB_CONCURRENCY
DESIGN_TARGET = 0.5  # ours >= half the floor's requests/s (context, not asserted)

QUERY = """
query CompanyListPage {
  companies(first: PAGE_SIZE, orderBy: [{createdAt: DescNullsLast}]) {
    edges {
      node {
        id
        name
        employees
        createdAt
        idealCustomerProfile
        position
        domainName { primaryLinkUrl }
        address { addressCity addressCountry }
        annualRecurringRevenue { amountMicros currencyCode }
        linkedinLink { primaryLinkUrl }
        xLink { primaryLinkUrl }
        people(first: PEOPLE_PER_COMPANY) {
          edges { node { id name { firstName lastName } emails { primaryEmail } jobTitle } }
        }
      }
    }
  }
}
""".replace("PEOPLE_PER_COMPANY", str(PEOPLE_PER_COMPANY)).replace("PAGE_SIZE", str(PAGE_SIZE))


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


# -- measurements -----------------------------------------------------------------------------


@dataclass
class Load:
    """One measurement: a client keeping `concurrency` requests in flight for `duration`."""

    label: str
    client: str
    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p99_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def _percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(q * len(sorted_values)) - 1))
    return sorted_values[index]


def _from_latencies(label: str, client: str, per_thread: list[tuple[list[float], int]],
                    seconds: float) -> Load:  # fmt: skip
    latencies = sorted(x for samples, _ in per_thread for x in samples)
    errors = sum(e for _, e in per_thread)
    return Load(
        label, client, len(latencies), errors, seconds,
        statistics.median(latencies) * 1000 if latencies else float("nan"),
        _percentile(latencies, 0.99) * 1000,
    )  # fmt: skip


def _threaded(worker: Callable[[float], tuple[list[float], int]], concurrency: int,
              duration: float) -> tuple[list[tuple[list[float], int]], float]:  # fmt: skip
    """Run `worker(deadline)` in `concurrency` threads; their results and the wall time."""
    start = time.perf_counter()
    deadline = start + duration
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        futures = [pool.submit(worker, deadline) for _ in range(concurrency)]
        results = [f.result() for f in futures]
    return results, time.perf_counter() - start


@dataclass(frozen=True)
class HttpRequest:
    method: str
    path: str
    body: bytes | None = None
    headers: tuple[tuple[str, str], ...] = ()


class PythonClient:
    """Threads, each with its own http.client connection (kept alive when the server lets
    it; gunicorn's sync workers close it after each response, and it is then reopened)."""

    name = "python"

    def __init__(self, port: int) -> None:
        self.port = port

    def run(self, label: str, request: HttpRequest, concurrency: int, duration: float) -> Load:
        headers = dict(request.headers)

        def worker(deadline: float) -> tuple[list[float], int]:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            samples: list[float] = []
            errors = 0
            try:
                while True:
                    start = time.perf_counter()
                    if start >= deadline:
                        break
                    try:
                        conn.request(request.method, request.path, request.body, headers)
                        response = conn.getresponse()
                        response.read()
                    except (OSError, http.client.HTTPException):
                        conn.close()
                        errors += 1
                        continue
                    samples.append(time.perf_counter() - start)
                    if response.status != 200:
                        errors += 1
            finally:
                conn.close()
            return samples, errors

        results, seconds = _threaded(worker, concurrency, duration)
        return _from_latencies(label, self.name, results, seconds)


WRK_DONE = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "\\nWRK_RESULT {\\"requests\\": %d, \\"duration_us\\": %d, \\"p50_us\\": %d, "
    .. "\\"p99_us\\": %d, \\"non2xx\\": %d, \\"socket_errors\\": %d}\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout))
end
"""


def _lua_string(value: str) -> str:
    if "]==]" in value:
        raise ValueError("value cannot be embedded in a Lua long string")
    return f"[==[{value}]==]"


class WrkClient:
    """wrk (Debian's package) with a Lua script for the method, body and headers."""

    name = "wrk"

    def __init__(self, port: int, workdir: Path) -> None:
        self.port = port
        self.workdir = workdir
        self.raw: dict[str, str] = {}

    def run(self, label: str, request: HttpRequest, concurrency: int, duration: float) -> Load:
        lines = [f"wrk.method = {_lua_string(request.method)}"]
        if request.body is not None:
            lines.append(f"wrk.body = {_lua_string(request.body.decode())}")
        # (a space after "[": "[[" would open a Lua long string)
        lines += [f"wrk.headers[ {_lua_string(k)} ] = {_lua_string(v)}" for k, v in request.headers]
        script = self.workdir / f"wrk-{uuid.uuid4().hex[:8]}.lua"
        script.write_text("\n".join(lines) + "\n" + WRK_DONE)
        try:
            done = subprocess.run(
                [
                    "wrk", "--latency", "--timeout", "60s",
                    "-t", str(max(1, min(concurrency, os.cpu_count() or 1))),
                    "-c", str(concurrency), "-d", f"{max(1, round(duration))}s",
                    "-s", str(script), f"http://127.0.0.1:{self.port}{request.path}",
                ],
                capture_output=True, text=True, timeout=duration + 120,
            )  # fmt: skip
        finally:
            script.unlink(missing_ok=True)
        if done.returncode != 0 or done.stderr.strip():
            # wrk reports a broken script on stderr and goes on with a plain GET.
            raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr.strip()}")
        marker = next((x for x in done.stdout.splitlines() if x.startswith("WRK_RESULT ")), None)
        if marker is None:
            raise RuntimeError(f"wrk printed no result: {done.stdout.strip()}")
        self.raw[label] = done.stdout
        result = json.loads(marker.removeprefix("WRK_RESULT "))
        requests = int(result["requests"])
        return Load(
            label, self.name, requests, int(result["non2xx"]) + int(result["socket_errors"]),
            int(result["duration_us"]) / 1e6,
            int(result["p50_us"]) / 1000, int(result["p99_us"]) / 1000,
        )  # fmt: skip


def sql_load(label: str, conninfo: str, statement: str, concurrency: int, duration: float) -> Load:
    """`concurrency` threads, each with its own psycopg connection (opened and warmed before
    the clock starts), running `statement` and fetching its one value, back to back."""
    connections = [psycopg.connect(conninfo, autocommit=True) for _ in range(concurrency)]
    try:
        for conn in connections:
            conn.execute(statement).fetchone()  # warm each backend's catalogue caches
        free = list(connections)
        lock = threading.Lock()

        def worker(deadline: float) -> tuple[list[float], int]:
            with lock:
                conn = free.pop()
            samples: list[float] = []
            with conn.cursor() as cursor:
                while True:
                    start = time.perf_counter()
                    if start >= deadline:
                        break
                    cursor.execute(statement)
                    cursor.fetchone()
                    samples.append(time.perf_counter() - start)
            return samples, 0

        results, seconds = _threaded(worker, concurrency, duration)
    finally:
        for conn in connections:
            conn.close()
    return _from_latencies(label, "psycopg", results, seconds)


# -- the server ---------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(port: int, path: str, timeout: float = 5) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    log: Path
    started_s: float

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(p) for p in children.read_text().split()]
        except OSError:
            return []

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


@contextmanager
def gunicorn(workdir: Path, workers: int = WORKERS) -> Iterator[Server]:
    """Our server as the Dockerfile runs it (gunicorn, sync workers, production settings, the
    access log on), on a free loopback port; stopped on exit."""
    port = _free_port()
    env = {
        **os.environ,
        "CRM_ENV": "production",
        "SECRET_KEY": secrets.token_hex(25),  # 50 characters
        "DEBUG": "false",
        "DATABASE_URL": settings.DATABASE_URL,
        "REDIS_URL": settings.REDIS_URL,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PYTHONUNBUFFERED": "1",
    }
    log = workdir / "gunicorn.log"
    command = [
        sys.executable, "-m", "gunicorn", "crm.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--worker-class", "sync",
        "--timeout", "30", "--access-logfile", "-", "--error-logfile", "-",
    ]  # fmt: skip
    start = time.perf_counter()
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    server = Server(process, port, log, 0.0)
    try:
        deadline = start + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({process.returncode}):\n{server.log_tail()}")
            try:
                status, _ = _get(port, "/healthz", timeout=2)
                if status == 200:
                    break
            except OSError:
                pass
            if time.perf_counter() > deadline:
                raise RuntimeError(
                    f"gunicorn did not answer /healthz in 60 s:\n{server.log_tail()}"
                )
            time.sleep(0.1)
        server.started_s = time.perf_counter() - start
        yield server
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)  # graceful: the master stops its workers
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


# -- checks ---------------------------------------------------------------------------------


def _post_graphql(port: int, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("POST", "/graphql", body, headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


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


def _cpu_busy(seconds: float = 1.0) -> float | None:
    """The share of CPU time the whole machine spent busy over `seconds` (Linux only)."""

    def sample() -> tuple[int, int]:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
        return sum(fields), idle

    try:
        total_0, idle_0 = sample()
        time.sleep(seconds)
        total_1, idle_1 = sample()
    except (OSError, ValueError, IndexError):
        return None
    total = total_1 - total_0
    return 1 - (idle_1 - idle_0) / total if total else None


def _conninfo() -> str:
    db = settings.DATABASES["default"]
    parts = {
        "dbname": db.get("NAME"), "user": db.get("USER"), "password": db.get("PASSWORD"),
        "host": db.get("HOST"), "port": db.get("PORT"),
    }  # fmt: skip
    return psycopg.conninfo.make_conninfo(**{k: str(v) for k, v in parts.items() if v})


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
    use_public()
    workspace = create_workspace(f"bench-gql-{uuid.uuid4().hex[:10]}", "Bench GraphQL")
    try:
        with tempfile.TemporaryDirectory(prefix="bench-gql-") as tmp:
            _run(workspace, Path(tmp), companies, people, duration, concurrency, client)
    finally:
        use_public()
        delete_workspace(workspace)
    print(f"  total {time.perf_counter() - total_start:.0f} s (workspace created and deleted)")


def _run(workspace: Any, workdir: Path, companies: int, people: int, duration: float,
         concurrency: int, client_choice: str) -> None:  # fmt: skip
    schema = workspace.schema_name
    busy_before = _cpu_busy()
    seeded = seed_workspace(workspace, companies, people)
    print(
        f"  seeded {companies:,} companies + {people:,} people in {seeded.total_s:.1f} s "
        f"(companies {seeded.companies_s:.1f} s, people {seeded.people_s:.1f} s, "
        f"VACUUM ANALYZE {seeded.analyze_s:.1f} s)"
    )
    api_key = create_api_key(workspace, "bench graphql_list_page").secret
    body = json.dumps({"query": QUERY}).encode()
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {api_key}"}

    statements, compiled = capture_statements(api_key, body, schema)
    conninfo = _conninfo()
    floor = floor_sql(schema)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        floor_text = floor.as_string(conn)
        floor_page = json.loads(conn.execute(floor_text).fetchone()[0])  # type: ignore[index]
        compiled_value = conn.execute(compiled).fetchone()[0]  # type: ignore[index]
    compiled_page = json.loads(compiled_value) if isinstance(compiled_value, str) else None

    wrk = shutil.which("wrk")
    if client_choice == "wrk" and wrk is None:
        raise RuntimeError("--client wrk: wrk is not installed (apt-get install wrk)")
    use_wrk = wrk is not None and client_choice != "python"

    with gunicorn(workdir) as server:
        status, raw = _post_graphql(server.port, body, headers)
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
        load: PythonClient | WrkClient = (
            WrkClient(server.port, workdir) if use_wrk else PythonClient(server.port)
        )
        graphql_request = HttpRequest("POST", "/graphql", body, tuple(headers.items()))
        health_request = HttpRequest("GET", "/healthz")
        # Warm both workers (and the PostgreSQL backends behind them), untimed.
        load.run("warm-up", graphql_request, concurrency, min(2.0, duration))

        ours = load.run("our /graphql (gunicorn)", graphql_request, concurrency, duration)
        health = load.run("load generator vs /healthz", health_request, concurrency, duration)
        tail = server.log_tail(5)
    compiled_direct = sql_load(
        "our compiled SQL, direct", conninfo, compiled, concurrency, duration
    )
    floor_direct = sql_load(
        "floor: hand-written SQL, direct", conninfo, floor_text, concurrency, duration
    )
    select_one = sql_load("psycopg client vs SELECT 1", conninfo, "SELECT 1", concurrency, duration)

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
            "query": QUERY,
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
