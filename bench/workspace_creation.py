"""Creating a workspace with all standard objects by cloning the template schema, against
django-tenants' default of creating an empty schema and running every tenant migration into it
(then creating the standard objects, which the template already holds)."""

from __future__ import annotations

import time
import uuid

from django.core.management import call_command
from django.db import connection
from psycopg import sql

from bench.report import median_ms, save
from crm.schemas import use_public, use_schema
from metadata.services.sync import sync
from metadata.standard.catalogue import standard_catalogue
from workspaces.management.commands.migrate_schemas import Command as MigrateSchemas
from workspaces.services.workspaces import create_workspace, delete_workspace


def _by_cloning() -> float:
    subdomain = f"bench-{uuid.uuid4().hex[:10]}"
    start = time.perf_counter()
    workspace = create_workspace(subdomain, "Bench")
    elapsed = time.perf_counter() - start
    delete_workspace(workspace)
    return elapsed


def _by_migrations() -> float:
    schema = f"bench_mig_{uuid.uuid4().hex[:10]}"
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    call_command(MigrateSchemas(), tenant=True, schema_name=schema, interactive=False, verbosity=0)
    # ... and, like a cloned workspace, with every standard object.
    use_schema(schema)
    sync(standard_catalogue())
    elapsed = time.perf_counter() - start
    use_public()
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))
    return elapsed


def run(repeat: int = 10, **_: object) -> None:
    use_public()
    _by_cloning()  # warm: the clone function is installed on first use
    cloning = [_by_cloning() for _ in range(repeat)]
    migrations = [_by_migrations() for _ in range(repeat)]
    clone_ms, migrate_ms = median_ms(cloning), median_ms(migrations)
    print(f"{'create a workspace':<34}{'median ms':>10}")
    print(f"{'  by cloning the template':<34}{clone_ms:>10.1f}")
    print(f"{'  by migrations + standard objects':<34}{migrate_ms:>10.1f}")
    print(f"  cloning / migrations = {clone_ms / migrate_ms:.2f}  ({repeat} runs each)")
    save(
        "workspace_creation",
        {"repeat": repeat, "clone_median_ms": clone_ms, "migrations_median_ms": migrate_ms},
    )
