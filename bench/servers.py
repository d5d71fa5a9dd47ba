"""The servers a benchmark drives, started on a free loopback port and stopped on exit: ours as
in production (gunicorn), and PostGraphile 4 (Node) from `bench/postgraphile/node_modules`."""

from __future__ import annotations

import http.client
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

PROJECT_ROOT = Path(__file__).resolve().parent.parent
POSTGRAPHILE_DIR = Path(__file__).resolve().parent / "postgraphile"
POSTGRAPHILE_BIN = POSTGRAPHILE_DIR / "node_modules" / ".bin" / "postgraphile"
WORKERS = 2  # gunicorn sync workers, as the Dockerfile's WEB_CONCURRENCY
START_TIMEOUT_S = 120


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def http_get(port: int, path: str, timeout: float = 5) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def http_post(port: int, path: str, body: bytes, headers: dict[str, str],
              timeout: float = 60) -> tuple[int, bytes]:  # fmt: skip
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("POST", path, body, headers)
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

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


@contextmanager
def _serve(name: str, command: list[str], env: dict[str, str], cwd: Path, log: Path, port: int,
           ready: Callable[[int], bool]) -> Iterator[Server]:  # fmt: skip
    """Start `command`, wait until `ready(port)`, yield; SIGTERM (then SIGKILL) on exit."""
    start = time.perf_counter()
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
    server = Server(process, port, log, 0.0)
    try:
        deadline = start + START_TIMEOUT_S
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited ({process.returncode}):\n{server.log_tail()}")
            try:
                if ready(port):
                    break
            except OSError:
                pass
            if time.perf_counter() > deadline:
                raise RuntimeError(
                    f"{name} did not answer in {START_TIMEOUT_S} s:\n{server.log_tail()}"
                )
            time.sleep(0.1)
        server.started_s = time.perf_counter() - start
        yield server
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)  # graceful: a master stops its workers
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextmanager
def gunicorn(workdir: Path, workers: int = WORKERS) -> Iterator[Server]:
    """Our server as the Dockerfile runs it (gunicorn, sync workers, production settings, the
    access log on), on a free loopback port; stopped on exit."""
    port = free_port()
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
    command = [
        sys.executable, "-m", "gunicorn", "crm.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--worker-class", "sync",
        "--timeout", "30", "--access-logfile", "-", "--error-logfile", "-",
    ]  # fmt: skip

    def ready(port: int) -> bool:
        return http_get(port, "/healthz", timeout=2)[0] == 200

    with _serve("gunicorn", command, env, PROJECT_ROOT, workdir / "gunicorn.log", port,
                ready) as server:  # fmt: skip
        yield server


def postgraphile_missing() -> str | None:
    """Why PostGraphile cannot be started here (None when it can)."""
    if shutil.which("node") is None:
        return "node is not installed (PostGraphile 4 needs Node.js; apt-get install nodejs)"
    if not POSTGRAPHILE_BIN.exists():
        return (
            f"PostGraphile is not installed: run `npm ci` in {POSTGRAPHILE_DIR} "
            "(`make bench` does it)"
        )
    return None


def postgraphile_command(database_url: str, schema: str, port: int, workers: int) -> list[str]:
    """PostGraphile 4 with the options its documentation recommends for production, the
    connection-filter plugin (for `ilike`) and `workers` cluster workers (one Node process
    each, like gunicorn's workers)."""
    command = [
        str(POSTGRAPHILE_BIN),
        "--connection", database_url,
        "--schema", schema,
        "--host", "127.0.0.1",
        "--port", str(port),
        "--append-plugins", "postgraphile-plugin-connection-filter",
        "--dynamic-json",
        "--no-setof-functions-contain-nulls",
        "--disable-graphiql",
        "--disable-query-log",
        "--body-size-limit", "5MB",
    ]  # fmt: skip
    if workers > 1:
        command += ["--cluster-workers", str(workers)]
    return command


@contextmanager
def postgraphile(workdir: Path, schema: str, workers: int = WORKERS) -> Iterator[Server]:
    """PostGraphile 4 on the workspace's schema, on a free loopback port; stopped on exit."""
    reason = postgraphile_missing()
    if reason is not None:
        raise RuntimeError(reason)
    port = free_port()
    env = {**os.environ, "NODE_ENV": "production"}
    command = postgraphile_command(settings.DATABASE_URL, schema, port, workers)

    def ready(port: int) -> bool:
        status, raw = http_post(
            port, "/graphql", b'{"query": "{ __typename }"}',
            {"Content-Type": "application/json"}, timeout=5,
        )  # fmt: skip
        return status == 200 and b"Query" in raw

    with _serve("postgraphile", command, env, POSTGRAPHILE_DIR, workdir / "postgraphile.log",
                port, ready) as server:  # fmt: skip
        yield server
