from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable

import django


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
    django.setup()
    from bench import (
        graphql_list_page,
        graphql_vs_postgraphile,
        metadata_changes,
        workspace_creation,
    )

    benchmarks: dict[str, Callable[..., None]] = {
        "workspace_creation": workspace_creation.run,
        "add_field_large_table": metadata_changes.run_add_field_large_table,
        "sync_metadata_fleet": metadata_changes.run_sync_metadata_fleet,
        "graphql_list_page": graphql_list_page.run,
        "graphql_vs_postgraphile": graphql_vs_postgraphile.run,
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
    parser.add_argument(
        "--companies", type=int, default=10_000, help="companies seeded (graphql_...)"
    )
    parser.add_argument("--people", type=int, default=50_000, help="people seeded (graphql_...)")
    parser.add_argument(
        "--duration",
        type=float,
        default=10.0,
        help="seconds per load measurement (graphql_list_page)",
    )
    parser.add_argument(
        "--question-duration",
        type=float,
        default=5.0,
        help="seconds per question and contender (graphql_vs_postgraphile)",
    )
    parser.add_argument(
        "--concurrency", type=int, default=8, help="requests in flight (graphql_...)"
    )
    parser.add_argument(
        "--client",
        choices=("auto", "wrk", "python"),
        default="auto",
        help="HTTP load generator (graphql_...); auto: wrk when installed, else Python",
    )
    args = parser.parse_args()
    unknown = set(args.names) - set(benchmarks)
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    from bench.report import describe_machine

    print(describe_machine())
    start = time.perf_counter()
    for name in args.names or list(benchmarks):
        print(f"== {name}", flush=True)
        try:
            benchmarks[name](
                repeat=args.repeat,
                rows=args.rows,
                workspaces=args.workspaces,
                companies=args.companies,
                people=args.people,
                duration=args.duration,
                question_duration=args.question_duration,
                concurrency=args.concurrency,
                client=args.client,
            )
        # A missing tool, a server that did not start, a mismatch, sizes it cannot run with.
        except (RuntimeError, ValueError) as error:
            print(f"bench {name} stopped: {error}", file=sys.stderr)
            return 1
    print(f"all done in {time.perf_counter() - start:.0f} s; {describe_machine()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
