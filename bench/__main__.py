from __future__ import annotations

import argparse
import os
import sys

import django


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
    django.setup()
    from bench import workspace_creation

    benchmarks = {"workspace_creation": workspace_creation.run}
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("names", nargs="*", help=f"of {', '.join(benchmarks)}; default: all")
    parser.add_argument("--repeat", type=int, default=10, help="runs of each measurement")
    args = parser.parse_args()
    unknown = set(args.names) - set(benchmarks)
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    for name in args.names or list(benchmarks):
        print(f"== {name}")
        benchmarks[name](repeat=args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
