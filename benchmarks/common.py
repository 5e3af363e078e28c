"""Helpers shared by the speed benchmarks (run from the repo root: `python benchmarks/...`)."""

from __future__ import annotations

import json
import os
import platform
import resource
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "results"
PLOTS = REPO / "benchmarks" / "plots"

if str(REPO) not in sys.path:  # `python benchmarks/x.py` puts benchmarks/ first, not the repo
    sys.path.insert(0, str(REPO))


def bench_settings(data_dir: Path, **overrides: object):
    """Default settings (no `.env`, no model) with the index in `data_dir`."""
    from bot.settings import Settings

    for name in [n for n in os.environ if n.startswith("STARTUPBOT_")]:
        del os.environ[name]
    os.environ.pop("OPENAI_API_KEY", None)
    os.environ.pop("OPENAI_BASE_URL", None)
    return Settings(data_dir=data_dir, _env_file=None, **overrides)  # type: ignore[call-arg]


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values, dtype=float), q))


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MiB.

    Read from /proc/self/status (VmHWM) where there is one: `getrusage`'s ru_maxrss keeps the
    high-water mark of the forked copy of the parent across `exec`, so a child started by a
    big benchmark process would report the parent's size."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def machine() -> dict[str, object]:
    """Where and when; the load average matters: other jobs on the 2 cores slow every number."""
    return {"python": platform.python_version(), "cpus": os.cpu_count(),
            "platform": platform.platform(), "date": time.strftime("%Y-%m-%d %H:%M"),
            "loadavg_1_5_15": [round(x, 2) for x in os.getloadavg()]}


def write_result(name: str, data: dict) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path
