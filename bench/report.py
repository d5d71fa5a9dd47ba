"""Printing and saving benchmark results."""

from __future__ import annotations

import json
import math
import platform
import statistics
from pathlib import Path
from typing import Any

RESULTS_DIR = Path(__file__).resolve().parent / "results"


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def _proc_value(path: str, key: str) -> str | None:
    """The value of the first `key: value` line of a /proc file (None off Linux)."""
    try:
        for line in Path(path).read_text().splitlines():
            name, _, value = line.partition(":")
            if name.strip() == key:
                return value.strip()
    except OSError:
        pass
    return None


def machine() -> dict[str, Any]:
    import os

    memory = _proc_value("/proc/meminfo", "MemTotal")  # "24683584 kB"
    try:
        load = list(os.getloadavg())
    except OSError:
        load = []
    return {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "cpu_model": _proc_value("/proc/cpuinfo", "model name") or platform.processor(),
        "memory_gib": round(int(memory.split()[0]) / 1024**2, 1) if memory else None,
        "load_average": load,
        "system": platform.platform(),
    }


def describe_machine() -> str:
    """One line: CPUs, model, RAM and load (the load average shows whether it was busy)."""
    m = machine()
    load = ", ".join(f"{x:.1f}" for x in m["load_average"]) or "?"
    return (
        f"machine: {m['cpus']} CPUs ({m['cpu_model']}), {m['memory_gib']} GiB RAM, "
        f"load average {load}, {m['system']}, Python {m['python']}"
    )


def _strict(value: Any) -> Any:
    """`value` with NaN and infinities (not JSON) as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _strict(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_strict(v) for v in value]
    return value


def save(name: str, data: dict[str, Any]) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{name}.json"
    path.write_text(json.dumps(_strict({"machine": machine(), **data}), indent=2, allow_nan=False))
    return path
