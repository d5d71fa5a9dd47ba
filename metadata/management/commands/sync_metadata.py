"""Bring every workspace's standard objects and fields to the current declarations."""

from __future__ import annotations

import os
import sys
from argparse import ArgumentParser
from functools import partial
from typing import Any

from django.core.management.base import CommandError
from tqdm import tqdm

from metadata.services import fleet
from metadata.services.sync import sync
from metadata.standard.catalogue import standard_catalogue
from workspaces.management.base import WorkspaceCommand
from workspaces.models import Workspace
from workspaces.services.template import template_schema_name
from workspaces.services.workspaces import get_workspace


def sync_current_schema(dry_run: bool) -> list[str]:
    return sync(standard_catalogue(), dry_run=dry_run)


class Command(WorkspaceCommand):
    help = (
        "Sync the standard objects and fields of every workspace (and the template) to the "
        "current declarations. Idempotent; custom objects are never touched."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--workspace", help="only this workspace (subdomain)")
        parser.add_argument("--dry-run", action="store_true", help="print the plan, change nothing")
        parser.add_argument(
            "--jobs", type=int, default=min(4, os.cpu_count() or 1), help="parallel processes"
        )

    def run(self, **options: Any) -> None:
        if options["workspace"]:
            schemas = [get_workspace(options["workspace"]).schema_name]
        else:
            workspaces = Workspace.objects.order_by("schema_name")
            schemas = [template_schema_name(), *workspaces.values_list("schema_name", flat=True)]
        job = partial(sync_current_schema, options["dry_run"])
        failures = changed = 0
        progress = tqdm(
            total=len(schemas), unit="schema", file=sys.stderr, disable=None, desc="sync_metadata"
        )
        for outcome in fleet.run_over(schemas, job, jobs=max(1, options["jobs"])):
            progress.update()
            if outcome.error is not None:
                failures += 1
                progress.write(f"FAILED {outcome.schema}: {outcome.error}", file=sys.stderr)
                continue
            if outcome.lines:
                changed += 1
                verb = "would" if options["dry_run"] else "did"
                for line in outcome.lines:
                    self.stdout.write(f"{outcome.schema}: {verb} {line}")
        progress.close()
        self.stdout.write(
            f"{len(schemas)} schema(s): {changed} "
            f"{'to change' if options['dry_run'] else 'changed'}, {failures} failed"
        )
        if failures:
            raise CommandError(f"{failures} schema(s) failed; run the command again to retry them.")
