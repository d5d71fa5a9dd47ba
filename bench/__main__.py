from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable

import django


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
    django.setup()
    from bench import metadata_changes, workspace_creation

    benchmarks: dict[str, Callable[..., None]] = {
        "workspace_creation": workspace_creation.run,
        "add_field_large_table": metadata_changes.run_add_field_large_table,
        "sync_metadata_fleet": metadata_changes.run_sync_metadata_fleet,
    }
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("names", nargs="*", help=f"of {', '.join(benchmarks)}; default: all")
    parser.add_argument("--repeat", type=int, default=10, help="runs of each measurement")
    parser.add_argument(
        "--rows", type=int, default=1_000_000, help="records in the large table (add_field_...)"
    )
    parser.add_argument(
        "--workspaces", type=int, default=200, help="workspaces in the fleet (sync_metadata_...)"
    )
    args = parser.parse_args()
    unknown = set(args.names) - set(benchmarks)
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    for name in args.names or list(benchmarks):
        print(f"== {name}")
        benchmarks[name](repeat=args.repeat, rows=args.rows, workspaces=args.workspaces)
    return 0


if __name__ == "__main__":
    sys.exit(main())
