"""A real Celery worker, against the real Redis, runs tasks in the schema of their workspace."""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from crm.celery import app
from crm.schemas import use_public, use_workspace
from metadata.models import ObjectMetadata
from metadata.tasks import describe_workspace_objects
from tests.conftest import ROOT, SeededWorkspace, subprocess_env

pytestmark = pytest.mark.worker


@pytest.fixture
def worker_queue(seeded: Any) -> Iterator[str]:
    """Start a worker that consumes one private queue, so no other worker takes our tasks."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    process = subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "crm", "worker", "--pool=solo",
            "--concurrency=1", "-Q", queue, "--without-heartbeat", "--without-gossip",
            "--without-mingle", "-l", "warning",
        ],
        cwd=ROOT,
        env=subprocess_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    try:
        yield queue
    finally:
        process.terminate()
        try:
            output, _ = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
        assert "Traceback" not in output, output


@pytest.fixture
def rows_in_a(seeded: dict[str, SeededWorkspace], django_db_blocker: Any) -> Iterator[str]:
    name = f"rocket{uuid.uuid4().hex[:6]}"
    with django_db_blocker.unblock():
        use_workspace(seeded["a"].workspace)
        ObjectMetadata.objects.create(
            name_singular=name, name_plural=name + "s", label_singular="Rocket",
            label_plural="Rockets", table_name=name,
        )  # fmt: skip
        use_public()
        yield name
        use_workspace(seeded["a"].workspace)
        ObjectMetadata.objects.filter(name_singular=name).delete()
        use_public()


def test_a_task_runs_in_the_schema_of_the_workspace_that_queued_it(
    seeded: dict[str, SeededWorkspace], worker_queue: str, rows_in_a: str, django_db_blocker: Any
) -> None:
    with django_db_blocker.unblock():
        use_workspace(seeded["a"].workspace)
        from_a = describe_workspace_objects.apply_async(queue=worker_queue)
        use_workspace(seeded["b"].workspace)
        from_b = describe_workspace_objects.apply_async(queue=worker_queue)
        use_public()

    result_a = from_a.get(timeout=60)
    result_b = from_b.get(timeout=60)
    assert result_a["schema"] == seeded["a"].workspace.schema_name
    assert rows_in_a in result_a["objects"]
    assert result_b["schema"] == seeded["b"].workspace.schema_name
    assert rows_in_a not in result_b["objects"]


def test_the_broker_is_redis() -> None:
    assert app.conf.broker_url.startswith(("redis://", "redis+socket://", "unix://"))
