"""Running one metadata job over many schemas: in parallel processes, each schema on its own,
a failure in one reported while the others go on."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from django.db import connections

from crm.schemas import use_public, use_schema


@dataclass(frozen=True)
class Outcome:
    schema: str
    lines: list[str]
    error: str | None = None


Job = Callable[[], list[str]]


def _run_one(job: Job, schema: str) -> Outcome:
    try:
        use_schema(schema)
        return Outcome(schema, job())
    except Exception as exc:  # one workspace's failure must not stop the fleet
        return Outcome(schema, [], f"{type(exc).__name__}: {exc}")
    finally:
        use_public()


def _run_in_child(args: tuple[Job, str]) -> Outcome:
    return _run_one(*args)


def run_over(schemas: Sequence[str], job: Job, *, jobs: int = 1) -> Iterator[Outcome]:
    """Yield each schema's outcome as it finishes."""
    if jobs <= 1 or len(schemas) <= 1:
        for schema in schemas:
            yield _run_one(job, schema)
        return
    # Children are forked: none may inherit this process's open database connection.
    connections.close_all()
    context = multiprocessing.get_context("fork")
    with context.Pool(processes=jobs, initializer=connections.close_all) as pool:
        yield from pool.imap_unordered(_run_in_child, [(job, schema) for schema in schemas])
