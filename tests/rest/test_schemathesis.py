"""schemathesis against the live server (gunicorn, as in production): the core document of a
workspace whose custom object has a field of every type, and the metadata document. Every
response must be no server error and conform to the document (status code, content type,
body schema). Bounded: a few examples per operation, no deadline, deterministic."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.rest.fuzz_workspace import FuzzWorkspace, fuzz_workspace

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# The custom object with every field type, and a standard object with relations both ways.
# REST_FUZZ_OBJECTS (plurals, comma-separated, or "all") and REST_FUZZ_EXAMPLES run deeper.
OBJECTS = os.environ.get("REST_FUZZ_OBJECTS", "gadgets,people")
CORE_PATHS = (
    r"^/rest/" if OBJECTS == "all"
    else rf"^/rest/(batch/|restore/)?({'|'.join(OBJECTS.split(','))})(/|$)"
)  # fmt: skip
EXAMPLES = int(os.environ.get("REST_FUZZ_EXAMPLES", "12"))


@pytest.fixture(scope="module")
def fuzz(seeded: Any, django_db_blocker: Any) -> Iterator[FuzzWorkspace]:
    yield from fuzz_workspace(django_db_blocker)


def load(server_url: str, fuzz: FuzzWorkspace, document: str) -> Any:
    config = SchemathesisConfig.from_dict({
        "base-url": server_url,
        "headers": fuzz.headers,
        "generation": {"deterministic": True, "database": "none"},
        "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
    })  # fmt: skip
    return schemathesis.openapi.from_url(
        f"{server_url}/rest/open-api/{document}", config=config, headers=fuzz.headers, timeout=60
    )


@pytest.fixture(scope="module")
def core_schema(server_url: str, fuzz: FuzzWorkspace) -> Any:
    return load(server_url, fuzz, "core").include(path_regex=CORE_PATHS)


@pytest.fixture(scope="module")
def metadata_schema(server_url: str, fuzz: FuzzWorkspace) -> Any:
    return load(server_url, fuzz, "metadata")


FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
    suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate],
)  # fmt: skip


def fuzz_document(schema: Any, fuzz: FuzzWorkspace, seed: Callable[[str], str]) -> int:
    """Every operation, with valid and invalid inputs, then (for a path with `{id}`) valid
    inputs on a real item that `seed(path)` makes; every failure reported at the end.

    (schemathesis' own pytest loader, `schemathesis.pytest.from_fixture`, sets
    `request.node._nodeid`, which pytest 9 removed; hence Hypothesis driven here directly.)
    """
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        runs: list[tuple[str, Any]] = [
            (mode.value, operation.as_strategy(generation_mode=mode))
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
        ]
        if "{id}" in operation.path:
            runs.append(("positive, a real id", operation.as_strategy(
                path_parameters={"id": seed(operation.path)})))  # fmt: skip
        for label, strategy in runs:

            @FUZZ_SETTINGS
            @given(case=strategy)
            def check(case: Any) -> None:
                case.call_and_validate(headers=fuzz.headers, checks=CHECKS, timeout=60)

            try:
                check()
            except Exception as error:  # collected, reported below
                failures.append(f"{operation.label} ({label}):\n{error}")
    assert operations, "no operation to fuzz"
    assert not failures, "\n\n".join(failures)
    return operations


def post(server_url: str, fuzz: FuzzWorkspace, path: str, body: Any) -> dict[str, Any]:
    response = requests.post(f"{server_url}{path}", json=body, headers=fuzz.headers, timeout=60)
    assert response.status_code == 201, response.text
    return dict(next(iter(response.json()["data"].values())))


def test_core_document_holds_against_the_server(
    core_schema: Any, fuzz: FuzzWorkspace, server_url: str
) -> None:
    def seed(path: str) -> str:
        plural = path.removeprefix("/rest/").removeprefix("restore/").split("/")[0]
        record = post(server_url, fuzz, f"/rest/{plural}", {})
        if path.startswith("/rest/restore/"):
            requests.delete(f"{server_url}/rest/{plural}/{record['id']}", headers=fuzz.headers,
                            timeout=60).raise_for_status()  # fmt: skip
        return str(record["id"])

    operations = fuzz_document(core_schema, fuzz, seed)
    assert operations == 12 * len(OBJECTS.split(",")) or OBJECTS == "all"  # 12 per object


def test_metadata_document_holds_against_the_server(
    metadata_schema: Any, fuzz: FuzzWorkspace, server_url: str
) -> None:
    def seed(path: str) -> str:
        suffix = uuid.uuid4().hex[:8]
        widget = post(server_url, fuzz, "/rest/metadata/objects", {
            "nameSingular": f"widget{suffix}", "namePlural": f"widgets{suffix}",
            "labelSingular": "Widget", "labelPlural": "Widgets"})  # fmt: skip
        if path.startswith("/rest/metadata/objects/"):
            return str(widget["id"])
        field = post(server_url, fuzz, "/rest/metadata/fields", {
            "objectMetadataId": widget["id"], "type": "TEXT", "name": "note", "label": "Note"})  # fmt: skip
        return str(field["id"])

    assert fuzz_document(metadata_schema, fuzz, seed) == 10
