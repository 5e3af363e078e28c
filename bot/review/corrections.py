"""Corrections close the loop: a maintainer's corrected answer becomes a curated document.

`Corrections.correct()` stores the corrected answer in the log, writes a Markdown document
(front matter + `# <question>` + `## 검토된 답변`) into `settings.curated_dir` and runs the
incremental ingest over that folder, so the next similar question is answered from it and cites
it as "검토된 답변: <question>". `uncorrect()` deletes the document and ingests again, which
removes its chunks from the index.

Review is an operator tool: it imports `ingest.pipeline` lazily inside `_ingest` (bot/ never
imports ingest at module level; the layout is ingest -> knowledge <- bot).
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import yaml
from pydantic import BaseModel

from bot import prompts
from bot.answer_log import AnswerLog

log = logging.getLogger(__name__)

MAX_CORRECTION_CHARS = 20_000


# A correction waits this long for a running ingest (the one writer) before giving up.
CORRECTION_WAIT_SECONDS = 30.0


class CorrectionError(Exception):
    """A correction that cannot be saved; the message is Korean, for maintainers."""


class CorrectionResult(BaseModel):
    answer_id: int
    path: str
    indexed: bool = False  # the ingest ran and reported no failure
    summary: str = ""  # the ingest summary (Korean), or why it failed


def curated_file_name(answer_id: int) -> str:
    return f"reviewed-answer-{answer_id}.md"


def curated_document(question: str, corrected: str, *, today: date) -> str:
    """The Markdown of a reviewed answer (front matter like every corpus document)."""
    question = " ".join(question.split())
    front = {
        "title": prompts.REVIEWED_ANSWER_TITLE.format(question=question),
        "category": prompts.REVIEWED_ANSWER_CATEGORY,
        "publisher": prompts.REVIEWED_ANSWER_PUBLISHER,
        "facts_as_of": today.isoformat(),
        "source_urls": [],
    }
    head = yaml.safe_dump(front, allow_unicode=True, sort_keys=False).strip()
    # A line starting with '#' in the body would become a heading (a new section); keep the
    # correction inside its one section.
    body = "\n".join(line.lstrip("#").lstrip() if line.lstrip().startswith("#") else line
                     for line in corrected.strip().splitlines())
    return (f"---\n{head}\n---\n# {question}\n\n"
            f"## {prompts.REVIEWED_ANSWER_HEADING}\n{body}\n")


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".md")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class Corrections:
    """Saves and removes corrections; `kb_factory` builds the knowledge base on first need."""

    def __init__(self, log_: AnswerLog, curated_dir: Path, kb_factory: Callable[[], object],
                 *, today: Callable[[], date] | None = None) -> None:
        self.log = log_
        self.curated_dir = Path(curated_dir)
        self._kb_factory = kb_factory
        self._kb = None
        self._today = today or log_.today

    def kb(self):
        if self._kb is None:
            self._kb = self._kb_factory()
        return self._kb

    def correct(self, answer_id: int, text: str, *, note: str | None = None) -> CorrectionResult:
        text = (text or "").strip()
        if not text:
            raise CorrectionError("수정한 답변이 비어 있습니다.")
        if len(text) > MAX_CORRECTION_CHARS:
            raise CorrectionError(f"수정한 답변이 너무 깁니다 ({len(text)}자, 최대 "
                                  f"{MAX_CORRECTION_CHARS}자).")
        item = self.log.get(answer_id)
        if item is None:
            raise CorrectionError(f"답변 #{answer_id}을(를) 찾을 수 없습니다.")
        path = self.curated_dir / curated_file_name(answer_id)
        self.log.save_correction(answer_id, text, curated_path=str(path), note=note)
        try:
            _write_atomically(path, curated_document(item.question, text, today=self._today()))
        except OSError as exc:
            raise CorrectionError(f"수정한 답변은 저장했지만 문서 파일을 쓰지 못했습니다 "
                                  f"({path}): {exc.strerror or exc}") from exc
        log.info("review.corrected", extra={"answer_id": answer_id, "path": str(path)})
        return self._ingest(answer_id, path)

    def uncorrect(self, answer_id: int, *, note: str | None = None) -> CorrectionResult:
        item = self.log.get(answer_id)
        if item is None:
            raise CorrectionError(f"답변 #{answer_id}을(를) 찾을 수 없습니다.")
        if not item.curated_path and item.corrected_answer is None:
            raise CorrectionError(f"답변 #{answer_id}에는 수정한 답변이 없습니다.")
        path = Path(item.curated_path or self.curated_dir / curated_file_name(answer_id))
        path.unlink(missing_ok=True)
        self.log.clear_correction(answer_id, note=note)
        log.info("review.uncorrected", extra={"answer_id": answer_id, "path": str(path)})
        return self._ingest(answer_id, path)

    def _ingest(self, answer_id: int, path: Path) -> CorrectionResult:
        """Incremental ingest of the curated folder only (other documents are left alone).

        A failure here does not undo the saved correction: the document is on disk and the
        next `startupbot ingest` picks it up; the result says so."""
        from ingest.pipeline import Change, IngestLockedError, Ingestor  # see module doc

        result = CorrectionResult(answer_id=answer_id, path=str(path))
        try:
            report = Ingestor(self.kb(), wait=CORRECTION_WAIT_SECONDS).run([self.curated_dir])
        except IngestLockedError as exc:
            result.summary = str(exc)
            return result
        except Exception as exc:
            log.exception("review.ingest_failed", extra={"answer_id": answer_id})
            result.summary = f"색인에 반영하지 못했습니다: {type(exc).__name__}: {exc}"
            return result
        failed = [f"{f.source}: {f.reason}" for f in report.of(Change.FAILED)]
        result.indexed = report.ok
        result.summary = report.summary_ko() + ("" if report.ok else " — " + "; ".join(failed))
        return result
