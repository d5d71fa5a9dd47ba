"""Per-request cost: the caches and shortcuts of the GraphQL read path, and what invalidates
them. Each test starts with empty caches (role and metadata changes roll back with the test,
which would otherwise leave version-keyed entries behind)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from metadata import snapshot
from permissions.services import resolve
from records.graphql import statements
from tests.records.conftest import api, api_b

__all__ = ["api", "api_b", "fresh_caches"]


@pytest.fixture(autouse=True)
def fresh_caches() -> Iterator[None]:
    def clear() -> None:
        resolve.cache.clear()
        snapshot._cache.clear()
        statements.cache.clear()
        statements.templates.clear()

    clear()
    yield
    clear()
