"""The envelope of every metadata change: one transaction holding the metadata rows, the DDL
and the workspace's metadata version, serialised per workspace and bounded by lock_timeout.
A failure at any step rolls all three back together."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models.expressions import RawSQL
from psycopg import errors as pg_errors
from psycopg import sql

from crm.errors import Conflict
from crm.schemas import current_schema
from metadata.errors import SchemaBusy
from workspaces.models import Workspace

NEXT_VERSION = RawSQL("nextval('public.workspace_metadata_version_seq')", [])


@contextmanager
def schema_change() -> Iterator[str]:
    """Run a metadata change in the connection's current schema; yields the schema name."""
    schema = current_schema()
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    sql.SQL("SET LOCAL lock_timeout = {}").format(
                        sql.Literal(f"{int(settings.METADATA_LOCK_TIMEOUT_MS)}ms")
                    )
                )
                # Two changes to one workspace queue up here instead of racing on metadata.
                cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [schema])
            yield schema
            # From a sequence, not version + 1: a number is never reused after a rollback,
            # so caches keyed by (workspace, version) cannot serve a model that never was.
            Workspace.objects.filter(schema_name=schema).update(metadata_version=NEXT_VERSION)
    except OperationalError as exc:
        if isinstance(exc.__cause__, pg_errors.LockNotAvailable):
            raise SchemaBusy(
                "The table is busy (another operation holds a lock on it); try again shortly."
            ) from None
        raise
    except IntegrityError as exc:
        if isinstance(exc.__cause__, pg_errors.UniqueViolation):
            raise Conflict(
                "Existing records have duplicate values, so the field cannot be made unique."
            ) from None
        if isinstance(exc.__cause__, pg_errors.NotNullViolation):
            raise Conflict(
                "Existing records have no value for this field, so it cannot be made required."
            ) from None
        raise


def execute(statements: Iterable[sql.Composable]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def column_count(schema: str, table: str) -> int:
    """Columns PostgreSQL counts against its 1,600 limit (dropped ones included)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relname = %s AND a.attnum > 0",
            [schema, table],
        )
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def table_has_rows(schema: str, table: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("SELECT EXISTS (SELECT 1 FROM {}.{})").format(
                sql.Identifier(schema), sql.Identifier(table)
            )
        )
        row = cursor.fetchone()
    return bool(row and row[0])
