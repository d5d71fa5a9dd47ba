"""Compare each workspace's metadata with its real tables; --repair fixes the drift."""

from __future__ import annotations

import os
import sys
from argparse import ArgumentParser
from functools import partial
from typing import Any

from django.core.management.base import CommandError

from crm.schemas import current_schema
from metadata.services import drift, fleet
from workspaces.management.base import WorkspaceCommand
from workspaces.models import Workspace
from workspaces.services.template import template_schema_name
from workspaces.services.workspaces import get_workspace


def check_current_schema(fix: bool) -> list[str]:
    schema = current_schema()
    return drift.repair(schema) if fix else drift.find_drift(schema).problems


class Command(WorkspaceCommand):
    help = (
        "Report differences between each workspace's metadata and its tables (--repair fixes them)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--workspace", help="only this workspace (subdomain)")
        parser.add_argument("--repair", action="store_true", help="fix the drift found")
        parser.add_argument("--jobs", type=int, default=min(4, os.cpu_count() or 1))

    def run(self, **options: Any) -> None:
        if options["workspace"]:
            schemas = [get_workspace(options["workspace"]).schema_name]
        else:
            workspaces = Workspace.objects.order_by("schema_name")
            schemas = [template_schema_name(), *workspaces.values_list("schema_name", flat=True)]
        drifted = failed = 0
        for outcome in fleet.run_over(
            schemas, partial(check_current_schema, options["repair"]), jobs=options["jobs"]
        ):
            if outcome.error is not None:
                failed += 1
                sys.stderr.write(f"FAILED {outcome.schema}: {outcome.error}\n")
                continue
            if outcome.lines:
                drifted += 1
            for line in outcome.lines:
                self.stdout.write(
                    f"{outcome.schema}: {'repaired ' if options['repair'] else ''}{line}"
                )
        self.stdout.write(
            f"{len(schemas)} schema(s) checked: {drifted} with drift"
            f"{' (repaired)' if options['repair'] and drifted else ''}, {failed} failed"
        )
        if failed:
            raise CommandError(f"{failed} schema(s) could not be checked.")
        if drifted and not options["repair"]:
            raise CommandError("Drift found; run again with --repair to fix it.")
