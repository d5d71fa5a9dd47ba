"""Shared fixtures. Tests run against the real PostgreSQL and Redis named by DATABASE_URL and
REDIS_URL (see .ci/run and scripts/devservices.py).

Workspaces A and B are created once per session through the real service and committed, so
subprocesses (commands, servers, Celery workers) pointed at the test database see them too.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from crm.schemas import use_public
from workspaces.models import User, Workspace
from workspaces.services.api_keys import create_api_key
from workspaces.services.tokens import issue_tokens
from workspaces.services.workspaces import AdminAccount, create_workspace, delete_workspace

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Correct-Horse-42-battery"


@dataclass
class SeededWorkspace:
    workspace: Workspace
    admin: User
    access_token: str
    refresh_token: str
    api_key: str

    @property
    def host(self) -> str:
        return f"{self.workspace.subdomain}.{settings.BASE_DOMAIN}"


def _seed(subdomain: str) -> SeededWorkspace:
    email = f"admin@{subdomain}.test"
    workspace = create_workspace(
        subdomain, subdomain.upper(), admin=AdminAccount(email=email, password=PASSWORD)
    )
    admin = User.objects.get(email=email)
    pair = issue_tokens(admin, workspace)
    key = create_api_key(workspace, "seed key").secret
    return SeededWorkspace(workspace, admin, pair.access, pair.refresh, key)


@pytest.fixture(scope="session")
def seeded(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, SeededWorkspace]]:
    with django_db_blocker.unblock():
        use_public()
        tag = uuid.uuid4().hex[:6]
        seeded = {"a": _seed(f"alpha-{tag}"), "b": _seed(f"beta-{tag}")}
        yield seeded
        use_public()
        for item in seeded.values():
            delete_workspace(item.workspace)


@pytest.fixture
def ws_a(seeded: dict[str, SeededWorkspace]) -> SeededWorkspace:
    return seeded["a"]


@pytest.fixture
def ws_b(seeded: dict[str, SeededWorkspace]) -> SeededWorkspace:
    return seeded["b"]


@pytest.fixture
def client() -> Client:
    return Client()


def unique_subdomain(prefix: str = "t") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def test_database_url() -> str:
    db = settings.DATABASES["default"]
    host = db.get("HOST") or ""
    port = db.get("PORT") or ""
    user = db.get("USER") or ""
    password = db.get("PASSWORD") or ""
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    if host.startswith("/"):
        return f"postgres://{auth}/{db['NAME']}?host={host}" + (f"&port={port}" if port else "")
    return f"postgres://{auth}{host}:{port}/{db['NAME']}"


test_database_url.__test__ = False  # type: ignore[attr-defined]


def subprocess_env(**extra: str) -> dict[str, str]:
    """The environment for a child process that must use the test database."""
    env = dict(os.environ)
    env["DATABASE_URL"] = test_database_url()
    env["DJANGO_SETTINGS_MODULE"] = "crm.settings"
    env.update(extra)
    return env


def run_manage(*args: str, check: bool = False) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=subprocess_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=check,
    )
