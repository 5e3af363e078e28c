"""Cold start of `startupbot ask` (a new process per question) and what its time is spent on.

    python benchmarks/bench_coldstart.py [--runs 7]

The shipped corpus is ingested once into a temp index; then `startupbot ask QUESTION --json`
runs `--runs` times as a subprocess (median and spread of wall time, peak RSS of each child
from `os.wait4`). `python -X importtime` of one more run gives the import time per top-level
package; the answer's own `timings` give the warm part of that one question.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import REPO, bench_settings, machine, write_result

QUESTION = "예비창업패키지 지원 금액은 최대 얼마인가요?"
STARTUPBOT = Path(sys.executable).with_name("startupbot")


def clean_env(data: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("STARTUPBOT_") and k not in ("OPENAI_API_KEY", "OPENAI_BASE_URL")}
    env["STARTUPBOT_DATA_DIR"] = str(data)
    return env


def timed_run(cmd: list[str], env: dict[str, str]) -> tuple[float, float, str, str]:
    """(wall seconds, peak RSS MB, stdout, stderr) of one child, reaped with `os.wait4`."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        t = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, cwd=REPO, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode:
        raise RuntimeError(f"{cmd} failed: {stderr[-2000:]}")
    return wall, usage.ru_maxrss / 1024, stdout, stderr


def import_profile(stderr: str, top: int = 14) -> list[dict[str, object]]:
    """Import time of each package root ("chromadb", "langchain_core", ...), cumulative: what
    importing it cost when it was first imported, whoever imported it. Nested packages are
    counted inside their parents too, so the rows overlap and do not add up."""
    totals: dict[str, float] = {}
    pattern = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")
    for line in stderr.splitlines():
        m = pattern.match(line)
        if m and "." not in m.group(4) and not m.group(4).startswith("_"):
            totals.setdefault(m.group(4), int(m.group(2)) / 1e6)
    ranked = sorted(totals.items(), key=lambda kv: -kv[1])[:top]
    return [{"package": name, "seconds": round(s, 3)} for name, s in ranked]


def _total_import(stderr: str) -> float:
    """Seconds of all imports (sum of the top-level rows of -X importtime)."""
    rows = re.findall(r"import time:\s+\d+ \|\s+(\d+) \| (\S+)", stderr)
    return sum(int(cumulative) for cumulative, _ in rows) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    from ingest.pipeline import Ingestor
    from knowledge.base import KnowledgeBase

    work = Path(tempfile.mkdtemp(prefix="bench-cold-"))
    try:
        data = work / "data"
        assert Ingestor(KnowledgeBase(bench_settings(data))).run().ok
        env = clean_env(data)
        cmd = [str(STARTUPBOT), "ask", QUESTION, "--json"]
        timed_run([str(STARTUPBOT), "--help"], env)  # warm the OS file cache once
        help_runs = [timed_run([str(STARTUPBOT), "--help"], env)[0] for _ in range(3)]
        walls, rss, timings = [], [], {}
        for _ in range(args.runs):
            wall, peak, out, _ = timed_run(cmd, env)
            walls.append(wall)
            rss.append(peak)
            answer = json.loads(out)
            timings = answer["timings"]
        _, _, _, prof = timed_run([sys.executable, "-X", "importtime", str(STARTUPBOT),
                                   *cmd[1:]], env)
        imports = import_profile(prof)
        result = {
            "machine": machine(), "question": QUESTION, "runs": args.runs,
            "wall_s": [round(w, 3) for w in walls],
            "median_s": round(statistics.median(walls), 3),
            "min_s": round(min(walls), 3), "max_s": round(max(walls), 3),
            "help_median_s": round(statistics.median(help_runs), 3),
            "peak_rss_mb_median": round(statistics.median(rss), 1),
            "answer_timings_s": timings,
            "answer_mode": answer["mode"],
            "imports": imports,
            "import_total_s": round(_total_import(prof), 3),
        }
        path = write_result("coldstart", result)
        print(f"startupbot ask: median {result['median_s']} s over {args.runs} runs "
              f"(min {result['min_s']}, max {result['max_s']}); --help "
              f"{result['help_median_s']} s; RSS {result['peak_rss_mb_median']} MB -> {path}")
        for row in imports:
            print(f"  import {row['package']:<24} {row['seconds']:.3f} s")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
