"""Terminal rendering of a `RetrievalReport` (rich tables), for `startupbot eval`."""

from __future__ import annotations

from rich.table import Table

from knowledge.evaluation.metrics import METRIC_NAMES
from knowledge.evaluation.runner import RetrievalReport


def retrieval_table(report: RetrievalReport) -> Table:
    ds = report.dataset
    table = Table(title=f"{ds.name}: {ds.passages} passages, {ds.questions} questions "
                        f"(fusion={report.config['fusion']}, "
                        f"weights d={report.config['dense_weight']} "
                        f"k={report.config['keyword_weight']} "
                        f"n={report.config.get('ngram_weight', 0)}, "
                        f"vectors per {report.config.get('dense_units', 'chunk')}, "
                        f"candidates={report.config['candidates']})")
    table.add_column("retriever")
    for name in METRIC_NAMES:
        table.add_column(name, justify="right")
    table.add_column("R@1 95% CI", justify="right")
    table.add_column("ms/q", justify="right")
    best = {m: max((r.metrics[m] for r in report.retrievers), default=0.0) for m in METRIC_NAMES}
    for r in report.retrievers:
        label = f"{r.name} *" if r.ours else r.name
        cells = []
        for m in METRIC_NAMES:
            value = f"{r.metrics[m]:.3f}"
            cells.append(f"[bold]{value}[/]" if r.metrics[m] == best[m] else value)
        low, high = r.ci95["recall@1"]
        table.add_row(label, *cells, f"{low:.3f}–{high:.3f}", f"{r.ms_per_query:.1f}")
    return table


def retrieval_notes(report: RetrievalReport) -> list[str]:
    """Lines under the table: embedding cost and the hybrid's verdict (skips: see the CLI)."""
    lines = ["* = part of the bot; bold = best in column."]
    for e in report.embedding:
        if e.cached:
            lines.append(f"embedding {e.what} ({e.embedder}): {e.count} from cache")
        else:
            rate = f", {e.per_second:.1f}/s" if e.per_second else ""
            lines.append(f"embedding {e.what} ({e.embedder}): {e.count} in {e.seconds:.1f} s{rate}")
    c = report.comparison
    if c:
        verdict = "beats" if c.hybrid_beats_best_single else "does NOT beat"
        lines.append(
            f"hybrid {verdict} the best single retriever ({c.best_single}): recall@1 "
            f"{c.hybrid_recall_at_1:.3f} vs {c.best_single_recall_at_1:.3f} "
            f"(right at rank 1 only for hybrid: {c.hybrid_only_correct}, only for "
            f"{c.best_single}: {c.best_single_only_correct})")
    lines.append(f"total {report.seconds:.1f} s")
    return lines
