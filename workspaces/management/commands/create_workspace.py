from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError

from workspaces.management.base import WorkspaceCommand
from workspaces.services.workspaces import AdminAccount, create_workspace


class Command(WorkspaceCommand):
    help = "Create a workspace (its schema cloned from the template). Prints one JSON object."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("subdomain")
        parser.add_argument("--name", required=True)
        parser.add_argument("--admin-email")
        parser.add_argument("--admin-password")

    def run(self, **options: Any) -> None:
        email, password = options.get("admin_email"), options.get("admin_password")
        if password and not email:
            raise CommandError("--admin-password needs --admin-email.")
        admin = AdminAccount(email=email, password=password) if email else None
        workspace = create_workspace(options["subdomain"], options["name"], admin=admin)
        self.stdout.write(
            json.dumps(
                {
                    "id": str(workspace.id),
                    "subdomain": workspace.subdomain,
                    "schema": workspace.schema_name,
                    "name": workspace.name,
                }
            )
        )
