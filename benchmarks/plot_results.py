"""Plots (PNG) from benchmarks/results/*.json: `python benchmarks/plot_results.py`.

Needs matplotlib (`pip install -e '.[bench]'`). Each plot is drawn only if its results exist.
"""

from __future__ import annotations

import json

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from common import PLOTS, RESULTS


def load(name: str) -> dict | None:
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def plot_retrieval() -> None:
    datasets = [(n, load(f"retrieval-{n}")) for n in ("autorag", "korquad")]
    datasets = [(n, d) for n, d in datasets if d]
    if not datasets:
        return
    fig, axes = plt.subplots(1, len(datasets), figsize=(6.5 * len(datasets), 4.2), squeeze=False)
    for ax, (_name, data) in zip(axes[0], datasets, strict=True):
        rows = data["retrievers"]
        names = [r["name"] for r in rows]
        r1 = [r["metrics"]["recall@1"] for r in rows]
        r5 = [r["metrics"]["recall@5"] for r in rows]
        errs = [[v - r["ci95"]["recall@1"][0] for v, r in zip(r1, rows, strict=True)],
                [r["ci95"]["recall@1"][1] - v for v, r in zip(r1, rows, strict=True)]]
        x = range(len(rows))
        ax.bar([i - 0.2 for i in x], r1, 0.4, yerr=errs, capsize=3, label="recall@1 (95% CI)",
               color=["#1f77b4" if r["ours"] else "#aaaaaa" for r in rows])
        ax.bar([i + 0.2 for i in x], r5, 0.4, label="recall@5", color="#ff7f0e", alpha=0.6)
        ax.set_xticks(list(x), names, rotation=30, ha="right")
        ax.set_ylim(0, 1.05)
        ds = data["dataset"]
        ax.set_title(f"{ds['name']} ({ds['questions']} q, {ds['passages']} passages)")
        ax.grid(axis="y", alpha=0.3)
        ax.legend(loc="lower left", fontsize=8)
    fig.suptitle("Retrieval: ours (blue) vs baselines (grey), same run")
    fig.tight_layout()
    fig.savefig(PLOTS / "retrieval.png", dpi=110)
    plt.close(fig)


def plot_latency() -> None:
    data = load("latency")
    if not data:
        return
    rows = data["scales"]
    scales = [r["scale"] for r in rows]
    fig, ax = plt.subplots(figsize=(6.5, 4.2))
    for key, color in (("retrieval", "#1f77b4"), ("answer", "#2ca02c"), ("total", "#d62728")):
        ax.plot(scales, [r["latency"][key]["p50_ms"] for r in rows], "o-", color=color,
                label=f"{key} p50")
        ax.plot(scales, [r["latency"][key]["p95_ms"] for r in rows], "o--", color=color,
                alpha=0.6, label=f"{key} p95")
    if all("omp_passive" in r for r in rows):
        ax.plot(scales, [r["omp_passive"]["latency"]["total"]["p95_ms"] for r in rows], "s:",
                color="black", alpha=0.7, label="total p95, OMP_WAIT_POLICY=PASSIVE")
    ax.axhline(50, color="grey", lw=0.8, ls=":")
    ax.axhline(150, color="grey", lw=0.8, ls=":")
    ax.text(scales[0], 52, "target 50 ms @10k", fontsize=7, color="grey")
    ax.text(scales[0], 152, "target 150 ms @100k", fontsize=7, color="grey")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("chunks in the index")
    ax.set_ylabel("ms per question (warm)")
    ax.set_title("Warm ask latency (extractive), 2 cores")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(PLOTS / "latency.png", dpi=110)
    plt.close(fig)


def plot_speed_summary() -> None:
    ingest, cold = load("ingest"), load("coldstart")
    if not ingest and not cold:
        return
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
    if ingest:
        ax = axes[0]
        ax.bar(["raw embedder", "ingest"], [ingest["raw_chunks_per_s"],
                                            ingest["ingest_chunks_per_s"]],
               color=["#aaaaaa", "#1f77b4"])
        ax.set_ylabel("chunks / s")
        ax.set_title(f"Ingest {ingest['chunks']} chunks: overhead "
                     f"{100 * ingest['overhead']:.1f}%")
    if cold:
        ax = axes[1]
        items = cold["imports"][:8][::-1]
        ax.barh([i["package"] for i in items], [i["seconds"] for i in items], color="#9467bd")
        ax.set_xlabel("seconds (import time, cumulative)")
        ax.set_title(f"Cold `startupbot ask`: median {cold['median_s']:.2f} s")
    fig.tight_layout()
    fig.savefig(PLOTS / "speed.png", dpi=110)
    plt.close(fig)


def main() -> None:
    PLOTS.mkdir(parents=True, exist_ok=True)
    plot_retrieval()
    plot_latency()
    plot_speed_summary()
    print(f"plots in {PLOTS}")


if __name__ == "__main__":
    main()
