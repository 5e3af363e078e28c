"""Telegram's /reingest in a child process: the ingest runs as `startupbot ingest --json` in its
own process, so a hostile file that exhausts memory (and gets the child OOM-killed) cannot take
the serving bot down. The child writes through the knowledge writer like any staff ingest; the
bot's readers pick up the published snapshot on their next check.
"""

from __future__ import annotations

import json
import logging
import signal
import subprocess
import sys

from ingest.pipeline import IngestReport

log = logging.getLogger(__name__)

REINGEST_TIMEOUT_SECONDS = 3600


class ReingestError(Exception):
    """The child ingest did not produce a report; the message is for staff."""


def reingest_in_child(timeout: float = REINGEST_TIMEOUT_SECONDS) -> IngestReport:
    """Run the incremental ingest of the knowledge folder in a child process; its report."""
    from bot import prompts

    command = [sys.executable, "-m", "bot.cli", "ingest", "--json"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL, check=False)
    except subprocess.TimeoutExpired:
        raise ReingestError(prompts.TG_REINGEST_CRASHED.format(
            detail=f"{int(timeout)}초 초과")) from None
    if done.returncode < 0:
        name = signal.Signals(-done.returncode).name
        log.error("reingest.child_killed", extra={"signal": name})
        raise ReingestError(prompts.TG_REINGEST_CRASHED.format(detail=f"신호 {name}"))
    try:
        return IngestReport.model_validate(json.loads(done.stdout))
    except ValueError:
        message = (done.stderr or done.stdout).strip().splitlines()
        raise ReingestError(message[-1] if message else prompts.TG_REINGEST_CRASHED.format(
            detail=f"종료 코드 {done.returncode}")) from None
