"""Metadata tests run inside workspace A's schema, in the test's transaction: every table
they create is rolled back with it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from psycopg import sql

from crm.schemas import use_public, use_workspace
from metadata.models import ObjectMetadata
from metadata.services.objects import ObjectInput, create_object
from tests.conftest import SeededWorkspace


@pytest.fixture
def in_a(db: Any, ws_a: SeededWorkspace) -> Iterator[SeededWorkspace]:
    use_workspace(ws_a.workspace)
    try:
        yield ws_a
    finally:
        use_public()


@pytest.fixture
def rocket(in_a: SeededWorkspace) -> ObjectMetadata:
    return create_object(ObjectInput("rocket", "rockets", "Rocket", "Rockets"))


def columns_of(schema: str, table: str) -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = %s AND table_name = %s",
            [schema, table],
        )
        return dict(cursor.fetchall())


def table_exists(schema: str, table: str) -> bool:
    return bool(columns_of(schema, table))


def fetch(query: sql.Composable | str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return list(cursor.fetchall())
