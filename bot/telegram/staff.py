"""Staff commands for the allowlisted Telegram user ids: /stats and /reingest.

/reingest runs the injected `reingest()` (the incremental ingest, built by the composition root)
in a worker thread, one at a time, and answers with the report's summary.
"""

from __future__ import annotations

import asyncio
import html
import logging
from typing import Any

from bot import prompts
from bot.telegram.services import BotServices

log = logging.getLogger(__name__)


async def stats_text(svc: BotServices) -> str:
    """Today's questions, feedback and refusals from the answer log (Telegram HTML)."""
    if svc.answer_log is None:
        return html.escape(prompts.TG_STATS_UNAVAILABLE)
    try:
        stats = await svc.in_log_thread(svc.answer_log.daily_stats)
    except Exception as exc:  # the log may be down; staff get the reason, users never see it
        log.error("telegram.stats_failed", extra={"error": type(exc).__name__})
        return html.escape(prompts.TG_STATS_UNAVAILABLE)
    latency = (f"{stats.median_latency_ms / 1000:.1f}초" if stats.median_latency_ms is not None
               else "-")
    return prompts.TG_STATS.format(day=stats.day.isoformat(), questions=stats.questions,
                                   up=stats.thumbs_up, down=stats.thumbs_down,
                                   refused=stats.refused, fallback=stats.fallback,
                                   latency=latency)


def report_text(report: Any) -> str:
    """The ingest report as plain text: summary, chunk count, failed files."""
    summary = report.summary_ko() if hasattr(report, "summary_ko") else str(report)
    text = prompts.TG_REINGEST_DONE.format(summary=summary,
                                           chunks=getattr(report, "total_chunks", 0),
                                           seconds=getattr(report, "seconds", 0.0))
    failed = [f.source for f in getattr(report, "files", []) if f.change == "failed"]
    if failed:
        text += "\n" + prompts.TG_REINGEST_FAILED_FILES.format(files=", ".join(failed[:10]))
    return text


async def run_reingest(svc: BotServices) -> str:
    """Run the ingest (never two at once); the reply for staff, as plain text."""
    if svc.reingest is None:
        return prompts.TG_REINGEST_UNAVAILABLE
    if svc.reingest_lock.locked():
        return prompts.TG_REINGEST_BUSY
    async with svc.reingest_lock:
        log.info("telegram.reingest_started")
        try:
            report = await asyncio.to_thread(svc.reingest)
        except Exception as exc:  # IngestLockedError, StoreError...: their messages are for staff
            log.error("telegram.reingest_failed", extra={"error": type(exc).__name__})
            return prompts.TG_REINGEST_ERROR.format(error=str(exc)[:500])
    log.info("telegram.reingest_done", extra={"counts": getattr(report, "counts", None)})
    return report_text(report)
