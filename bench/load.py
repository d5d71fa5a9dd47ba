"""Load measurements shared by the HTTP benchmarks: a load generator (wrk, or a Python client
when wrk is missing) against a server on loopback, and a psycopg client running SQL directly.

Each keeps `concurrency` requests in flight for `duration` seconds and reports requests,
errors, requests per second and the median and 99th percentile latency. A request may carry
several bodies (`HttpRequest.variants`, SQL statements likewise): they are sent in turn, so a
measurement can ask for many different records instead of one answer over and over.
"""

from __future__ import annotations

import http.client
import json
import os
import resource
import shutil
import statistics
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import psycopg
from django.conf import settings


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
    client_cpu_s: float = float("nan")  # CPU time the load generator itself used

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def client_cpu(self) -> float:
        """The load generator's CPU use, as a share of one core (1.0 = one core busy)."""
        return self.client_cpu_s / self.seconds if self.seconds else float("nan")


def _percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(q * len(sorted_values)) - 1))
    return sorted_values[index]


def _from_latencies(label: str, client: str, per_thread: list[tuple[list[float], int]],
                    seconds: float, cpu_s: float) -> Load:  # fmt: skip
    latencies = sorted(x for samples, _ in per_thread for x in samples)
    errors = sum(e for _, e in per_thread)
    return Load(
        label, client, len(latencies), errors, seconds,
        statistics.median(latencies) * 1000 if latencies else float("nan"),
        _percentile(latencies, 0.99) * 1000, cpu_s,
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
    variants: tuple[bytes, ...] = ()  # when given: the bodies, sent in turn (`body` unused)

    def bodies(self) -> tuple[bytes | None, ...]:
        return self.variants or (self.body,)


class PythonClient:
    """Threads, each with its own http.client connection (kept alive when the server lets
    it; gunicorn's sync workers close it after each response, and it is then reopened)."""

    name = "python"

    def __init__(self, port: int) -> None:
        self.port = port

    def run(self, label: str, request: HttpRequest, concurrency: int, duration: float) -> Load:
        headers = dict(request.headers)
        bodies = request.bodies()
        threads = iter(range(concurrency))
        lock = threading.Lock()

        def worker(deadline: float) -> tuple[list[float], int]:
            with lock:
                turn = next(threads) * 7  # threads start at different bodies
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            samples: list[float] = []
            errors = 0
            try:
                while True:
                    start = time.perf_counter()
                    if start >= deadline:
                        break
                    body = bodies[turn % len(bodies)]
                    turn += 1
                    try:
                        conn.request(request.method, request.path, body, headers)
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

        cpu_start = time.process_time()  # this process's threads: the client alone
        results, seconds = _threaded(worker, concurrency, duration)
        cpu_s = time.process_time() - cpu_start
        return _from_latencies(label, self.name, results, seconds, cpu_s)


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


# Each wrk thread sends the bodies in turn, starting at its own place in the list.
WRK_VARIANTS = """
local threads = 0
setup = function(thread)
  thread:set("turn", threads * 7)
  threads = threads + 1
end
request = function()
  turn = turn + 1
  return wrk.format(nil, nil, nil, bodies[(turn % #bodies) + 1])
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
        if request.body is not None and not request.variants:
            lines.append(f"wrk.body = {_lua_string(request.body.decode())}")
        # (a space after "[": "[[" would open a Lua long string)
        lines += [f"wrk.headers[ {_lua_string(k)} ] = {_lua_string(v)}" for k, v in request.headers]
        if request.variants:
            bodies = ",\n".join(_lua_string(b.decode()) for b in request.variants)
            lines += [f"bodies = {{\n{bodies}\n}}", WRK_VARIANTS]
        script = self.workdir / f"wrk-{uuid.uuid4().hex[:8]}.lua"
        script.write_text("\n".join(lines) + "\n" + WRK_DONE)
        # wrk is the only child that ends during the run: the children's usage is its own.
        usage_start = resource.getrusage(resource.RUSAGE_CHILDREN)
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
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu_s = (usage.ru_utime + usage.ru_stime) - (usage_start.ru_utime + usage_start.ru_stime)
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
            int(result["p50_us"]) / 1000, int(result["p99_us"]) / 1000, cpu_s,
        )  # fmt: skip


def wants_wrk(choice: str) -> bool:
    """Whether `--client choice` means wrk ("auto": when it is installed); asking for wrk by
    name when it is missing is an error."""
    installed = shutil.which("wrk") is not None
    if choice == "wrk" and not installed:
        raise RuntimeError("--client wrk: wrk is not installed (apt-get install wrk)")
    return installed and choice != "python"


def http_client(wrk: bool, port: int, workdir: Path) -> PythonClient | WrkClient:
    return WrkClient(port, workdir) if wrk else PythonClient(port)


def sql_load(label: str, conninfo: str, statement: str | Sequence[str], concurrency: int,
             duration: float) -> Load:  # fmt: skip
    """`concurrency` threads, each with its own psycopg connection (opened and warmed before
    the clock starts), running `statement` and fetching its first row, back to back. Several
    statements are run in turn (each thread starting at its own place in the list)."""
    statements = [statement] if isinstance(statement, str) else list(statement)
    connections = [psycopg.connect(conninfo, autocommit=True) for _ in range(concurrency)]
    try:
        for conn in connections:
            conn.execute(statements[0]).fetchone()  # warm each backend's catalogue caches
        free = list(enumerate(connections))
        lock = threading.Lock()

        def worker(deadline: float) -> tuple[list[float], int]:
            with lock:
                index, conn = free.pop()
            turn = index * 7
            samples: list[float] = []
            with conn.cursor() as cursor:
                while True:
                    start = time.perf_counter()
                    if start >= deadline:
                        break
                    cursor.execute(statements[turn % len(statements)])
                    turn += 1
                    cursor.fetchone()
                    samples.append(time.perf_counter() - start)
            return samples, 0

        cpu_start = time.process_time()
        results, seconds = _threaded(worker, concurrency, duration)
        cpu_s = time.process_time() - cpu_start
    finally:
        for conn in connections:
            conn.close()
    return _from_latencies(label, "psycopg", results, seconds, cpu_s)


def cpu_busy(seconds: float = 1.0) -> float | None:
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


def conninfo() -> str:
    db = settings.DATABASES["default"]
    parts = {
        "dbname": db.get("NAME"), "user": db.get("USER"), "password": db.get("PASSWORD"),
        "host": db.get("HOST"), "port": db.get("PORT"),
    }  # fmt: skip
    return psycopg.conninfo.make_conninfo(**{k: str(v) for k, v in parts.items() if v})
