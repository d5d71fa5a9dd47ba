"""The template schema that every new workspace is cloned from.

`migrate_schemas` keeps it migrated (see the command of that name in this app), so creating a
workspace copies finished tables instead of replaying every migration.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django_tenants.utils import schema_exists
from psycopg import sql

from crm.schemas import use_public, use_schema
from workspaces.services import clone


def template_schema_name() -> str:
    return str(settings.WORKSPACE_TEMPLATE_SCHEMA)


def migrate_template(verbosity: int = 1) -> None:
    """Create the template schema when missing, then apply every tenant migration to it."""
    from workspaces.management.commands.migrate_schemas import Command as MigrateSchemas

    name = template_schema_name()
    use_public()
    if not schema_exists(name):
        with connection.cursor() as cursor:
            cursor.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(name)))
    call_command(
        MigrateSchemas(),
        tenant=True,
        schema_name=name,
        interactive=False,
        verbosity=verbosity,
    )
    sync_template_metadata(verbosity)


def sync_template_metadata(verbosity: int = 1) -> None:
    """Bring the template's standard objects to the current declarations, so new workspaces
    are born with them."""
    from metadata.services.sync import sync
    from metadata.standard.catalogue import standard_catalogue

    use_schema(template_schema_name())
    try:
        steps = sync(standard_catalogue())
    finally:
        use_public()
    if verbosity and steps:
        print(f"Template schema: {len(steps)} standard metadata change(s) applied.")


def clone_template(schema_name: str) -> None:
    """Copy the template schema, tables and rows, into a new schema `schema_name`.

    Runs inside the caller's transaction: if anything after it fails, the new schema
    disappears with the rollback.
    """
    clone.clone_schema(template_schema_name(), schema_name)


def drop_schema(schema_name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema_name))
        )
