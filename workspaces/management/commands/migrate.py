"""`migrate` is `migrate_schemas` in a multi-tenant project (as in django-tenants)."""

from workspaces.management.commands.migrate_schemas import Command

__all__ = ["Command"]
