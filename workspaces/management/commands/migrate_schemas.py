"""django-tenants' migrate_schemas, which also keeps the workspace template schema migrated.

New workspaces are cloned from the template, so it must carry every tenant migration.
"""

from __future__ import annotations

from typing import Any

from django_tenants.management.commands.migrate_schemas import MigrateSchemasCommand


class Command(MigrateSchemasCommand):
    def handle(self, *args: Any, **options: Any) -> None:
        one_schema = options.get("schema_name")
        super().handle(*args, **options)
        if self.sync_tenant and not one_schema:
            from workspaces.services.template import migrate_template

            migrate_template(verbosity=int(options.get("verbosity", 1)))
