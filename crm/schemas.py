"""Which PostgreSQL schema the default connection works in (django-tenants' connection).

Typed wrappers, so the rest of the code does not reach into the backend's untyped attributes.
"""

from __future__ import annotations

from typing import Any, Protocol, cast

from django.db import connection


class _TenantConnection(Protocol):
    schema_name: str

    def set_tenant(self, tenant: Any, include_public: bool = True) -> None: ...

    def set_schema_to_public(self) -> None: ...


def _connection() -> _TenantConnection:
    return cast(_TenantConnection, connection)


def use_public() -> None:
    _connection().set_schema_to_public()


def use_workspace(workspace: Any) -> None:
    _connection().set_tenant(workspace)


def current_schema() -> str:
    return _connection().schema_name


def use_schema(schema_name: str) -> None:
    """Point the connection at a schema that may have no workspace row (the template)."""
    cast(Any, connection).set_schema(schema_name)
