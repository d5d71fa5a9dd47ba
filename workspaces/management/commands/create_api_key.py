from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from workspaces.management.base import WorkspaceCommand
from workspaces.services.api_keys import create_api_key, expiry_in_days
from workspaces.services.workspaces import get_workspace


class Command(WorkspaceCommand):
    help = "Create an API key for a workspace. The key is printed alone on the last line."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("subdomain")
        parser.add_argument("--name", required=True)
        parser.add_argument("--expires-in-days", type=int)

    def run(self, **options: Any) -> None:
        workspace = get_workspace(options["subdomain"])
        issued = create_api_key(
            workspace,
            options["name"],
            expires_at=expiry_in_days(options.get("expires_in_days")),
        )
        expiry = issued.api_key.expires_at.isoformat() if issued.api_key.expires_at else "never"
        self.stderr.write(
            f"API key {issued.api_key.name!r} ({issued.api_key.id}) for {workspace.subdomain}, "
            f"expires {expiry}. It is shown only once:"
        )
        self.stdout.write(issued.secret)
