from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from workspaces.management.base import WorkspaceCommand
from workspaces.models import Workspace


class Command(WorkspaceCommand):
    help = "List workspaces: a table, or one JSON object per line with --json."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--json", action="store_true", help="one JSON object per line")

    def run(self, **options: Any) -> None:
        workspaces = Workspace.objects.exclude(schema_name="public").order_by("subdomain")
        rows = [
            {
                "id": str(w.id),
                "subdomain": w.subdomain,
                "name": w.name,
                "schema": w.schema_name,
                "status": w.status,
                "createdAt": w.created_at.isoformat(),
            }
            for w in workspaces
        ]
        if options["json"]:
            for row in rows:
                self.stdout.write(json.dumps(row))
            return
        header = ("SUBDOMAIN", "NAME", "STATUS", "SCHEMA", "ID")
        table = [header] + [
            (r["subdomain"], r["name"], r["status"], r["schema"], r["id"]) for r in rows
        ]
        widths = [max(len(str(row[i])) for row in table) for i in range(len(header))]
        for row in table:
            self.stdout.write(
                "  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True)).rstrip()
            )
