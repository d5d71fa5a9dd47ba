"""The fresh-machine set-up: embedded PostgreSQL and Redis (scripts/devservices.py), and the
idempotent demo data (`manage.py ensure_demo`)."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
import redis
from django.test import Client

from crm.schemas import use_public
from tests.conftest import ROOT, run_manage
from workspaces.models import ApiKey, Membership, MembershipRole, User, Workspace
from workspaces.services.workspaces import delete_workspace

DEMO_EMAIL = "admin@example.com"
KEY_RE = re.compile(r"crm_[0-9a-f]{32}_[A-Za-z0-9_-]+")


def devservices(command: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env["CRM_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "-m", "scripts.devservices", command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )


def exports(stdout: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for line in stdout.splitlines():
        words = shlex.split(line)
        assert words[0] == "export", line
        name, _, value = words[1].partition("=")
        found[name] = value
    return found


def postgres_answers(url: str) -> bool:
    try:
        with psycopg.connect(url, connect_timeout=5) as conn:
            return conn.execute("SELECT 1").fetchone() == (1,)
    except psycopg.Error:
        return False


def redis_answers(url: str) -> bool:
    try:
        client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        with client:
            return bool(client.ping())
    except redis.RedisError:
        return False


@pytest.fixture
def data_dir() -> Iterator[Path]:
    # Short and outside pytest's 0700 temp root: pgserver opens the parents of its data for
    # the `pgserver` user (when run as root), and Unix socket paths are limited to ~100 bytes.
    path = Path(tempfile.mkdtemp(prefix="crm-dev-"))
    try:
        yield path
    finally:
        devservices("stop", path)
        shutil.rmtree(path, ignore_errors=True)


def test_devservices_start_reuse_and_stop(data_dir: Path) -> None:
    first = devservices("env", data_dir)
    assert first.returncode == 0, first.stderr
    urls = exports(first.stdout)
    assert set(urls) == {"DATABASE_URL", "REDIS_URL"}
    assert urls["DATABASE_URL"].endswith("/crm")
    assert postgres_answers(urls["DATABASE_URL"])
    assert redis_answers(urls["REDIS_URL"])
    assert (data_dir / "pgdata" / "PG_VERSION").exists()
    assert (data_dir / "redis" / "redis.conf").exists()

    import dj_database_url

    parsed = dj_database_url.parse(urls["DATABASE_URL"])
    assert parsed["NAME"] == "crm"
    assert Path(str(parsed["HOST"])).is_dir()

    second = devservices("env", data_dir)
    assert second.returncode == 0, second.stderr
    assert exports(second.stdout) == urls
    assert "reused" in second.stderr

    stopped = devservices("stop", data_dir)
    assert stopped.returncode == 0, stopped.stderr
    assert not postgres_answers(urls["DATABASE_URL"])
    assert not redis_answers(urls["REDIS_URL"])
    assert devservices("stop", data_dir).returncode == 0  # stopping twice is fine


def test_devservices_keeps_urls_that_are_given(tmp_path: Path) -> None:
    env = dict(os.environ)
    env.update(
        CRM_DATA_DIR=str(tmp_path),
        DATABASE_URL="postgres://someone@db.example:5432/x",
        REDIS_URL="redis://cache.example:6379/3",
    )
    result = subprocess.run(
        [sys.executable, "-m", "scripts.devservices", "env"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    assert exports(result.stdout) == {
        "DATABASE_URL": "postgres://someone@db.example:5432/x",
        "REDIS_URL": "redis://cache.example:6379/3",
    }
    assert not (tmp_path / "pgdata").exists()


@pytest.fixture(scope="module")
def demo_cleanup(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """Runs after the test's transaction is gone: remove the committed demo data."""
    with django_db_blocker.unblock():
        use_public()
        user_existed = User.objects.filter(email=DEMO_EMAIL).exists()
    yield
    with django_db_blocker.unblock():
        use_public()
        for workspace in Workspace.objects.filter(subdomain="demo"):
            delete_workspace(workspace)
        if not user_existed:
            User.objects.filter(email=DEMO_EMAIL).delete()


@pytest.mark.django_db
def test_ensure_demo_twice(
    demo_cleanup: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, client: Client
) -> None:
    monkeypatch.setenv("CRM_DATA_DIR", str(tmp_path))  # run_manage passes os.environ on
    monkeypatch.delenv("DEMO_ADMIN_EMAIL", raising=False)
    monkeypatch.delenv("DEMO_ADMIN_PASSWORD", raising=False)

    first = run_manage("ensure_demo")
    assert first.returncode == 0, first.stderr
    second = run_manage("ensure_demo")
    assert second.returncode == 0, second.stderr

    key_match = KEY_RE.search(first.stdout)
    assert key_match is not None, first.stdout
    key = key_match.group(0)
    assert KEY_RE.findall(second.stdout)[0] == key
    assert "API key 'demo': exists" in second.stdout
    assert "http://localhost:8000/admin/" in second.stdout
    assert "/auth/token" in second.stdout

    key_file = tmp_path / "demo-api-key"
    assert key_file.read_text().strip() == key
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600

    use_public()
    assert Workspace.objects.filter(subdomain="demo").count() == 1
    admin = User.objects.get(email=DEMO_EMAIL)
    assert admin.is_superuser and admin.is_staff
    assert admin.check_password("admin-Passw0rd!")
    workspace = Workspace.objects.get(subdomain="demo")
    assert (
        Membership.objects.filter(
            workspace=workspace, user=admin, role=MembershipRole.ADMIN
        ).count()
        == 1
    )
    assert ApiKey.objects.filter(workspace=workspace, name="demo").count() == 1

    me = client.get("/auth/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert me.status_code == 200, me.content
    assert me.json()["workspace"]["subdomain"] == "demo"

    # A lost key file gets a new key, which works too.
    key_file.unlink()
    third = run_manage("ensure_demo")
    assert third.returncode == 0, third.stderr
    new_key = key_file.read_text().strip()
    assert new_key != key
    assert client.get("/auth/me", HTTP_AUTHORIZATION=f"Bearer {new_key}").status_code == 200
    assert Workspace.objects.filter(subdomain="demo").count() == 1
