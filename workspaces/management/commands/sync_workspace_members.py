"""The data fix for workspaceMember records: one up-to-date record per membership, none for
people who left. Idempotent; prints one JSON object per workspace."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from crm.schemas import use_public
from workspaces.management.base import WorkspaceCommand
from workspaces.models import Workspace
from workspaces.services.members import sync_member_records
from workspaces.services.workspaces import get_workspace


class Command(WorkspaceCommand):
    help = "Create or update each member's workspaceMember record; remove records of ex-members."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--workspace", metavar="SUBDOMAIN", help="only this workspace")

    def run(self, **options: Any) -> None:
        use_public()
        if options.get("workspace"):
            workspaces = [get_workspace(options["workspace"])]
        else:
            workspaces = list(Workspace.objects.exclude(schema_name="public").order_by("subdomain"))
        for workspace in workspaces:
            result = sync_member_records(workspace)
            self.stdout.write(
                json.dumps(
                    {
                        "subdomain": workspace.subdomain,
                        "members": result.ensured,
                        "removed": result.removed,
                    }
                )
            )
