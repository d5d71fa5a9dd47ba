from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError

from workspaces.management.base import WorkspaceCommand
from workspaces.services.workspaces import delete_workspace, get_workspace


class Command(WorkspaceCommand):
    help = "Delete a workspace and drop its schema, with all its data. Needs --yes."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("subdomain")
        parser.add_argument("--yes", action="store_true", help="confirm the deletion")

    def run(self, **options: Any) -> None:
        workspace = get_workspace(options["subdomain"])
        if not options["yes"]:
            raise CommandError(
                f"This deletes workspace {workspace.subdomain!r} and all its data; "
                "add --yes to confirm."
            )
        delete_workspace(workspace)
        self.stdout.write(f"Deleted workspace {workspace.subdomain} ({workspace.id}).")
