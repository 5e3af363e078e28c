"""Corrections as curated documents: their format, and what happens when ingest is busy."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml
from filelock import FileLock

from bot.answer_log import AnswerLog, ReviewStatus
from bot.engine import AnswerEngine
from bot.models import Answer, AnswerMode
from bot.review.corrections import CorrectionError, Corrections, curated_document
from ingest.loaders import load_document

QUESTION = "청주 창업기업 무료 세무 상담은 어디서 받나요?"
FIX = ("충북창조경제혁신센터가 청주 창업기업에 무료 세무 상담을 연결합니다.\n"
       "# 센터 누리집에서 신청\n상담 신청은 센터 누리집에서 받습니다.")


def test_curated_document_is_a_normal_corpus_document(tmp_path: Path) -> None:
    text = curated_document(f"  {QUESTION}\n", FIX, today=date(2026, 11, 25))
    path = tmp_path / "reviewed-answer-1.md"
    path.write_text(text, encoding="utf-8")
    doc = load_document(path)  # the same loader the ingest uses
    assert doc.title == f"검토된 답변: {QUESTION}"
    assert doc.metadata == {"title": f"검토된 답변: {QUESTION}", "category": "reviewed-answer",
                            "publisher": "운영팀 검토", "facts_as_of": "2026-11-25",
                            "source_urls": []}
    front = yaml.safe_load(text.split("---")[1])
    assert front["facts_as_of"] == "2026-11-25"
    body = text.split("---\n", 2)[2]
    # The question is the heading, the correction one section: a '#' line in the
    # correction must not start a new section.
    assert body.startswith(f"# {QUESTION}\n\n## 검토된 답변\n")
    assert body.count("\n#") == 1 and "센터 누리집에서 신청" in body


def test_a_busy_ingest_keeps_the_correction_and_says_so(make_kb, tmp_path: Path) -> None:
    kb = make_kb()
    settings = kb.settings
    log = AnswerLog.from_settings(settings)
    answer_id = log.record(Answer(question=QUESTION, query=QUESTION, answer="모릅니다.",
                                  mode=AnswerMode.REFUSED), channel="telegram")
    corrections = Corrections(log, settings.curated_dir, lambda: kb)

    with FileLock(str(settings.lock_path)):  # another ingest is running
        result = corrections.correct(answer_id, FIX, note="센터 확인")
    assert not result.indexed and "다른 수집" in result.summary
    document = Path(result.path)
    assert document.exists()
    item = log.get(answer_id)
    assert item.review_status is ReviewStatus.CORRECTED and item.reviewer_note == "센터 확인"

    # The next run picks it up; the real engine then answers from it and cites it.
    retry = corrections.correct(answer_id, FIX)
    assert retry.indexed, retry.summary
    answer = AnswerEngine(kb).answer("청주 창업기업도 무료 세무 상담을 받을 수 있나요?")
    assert answer.mode is not AnswerMode.REFUSED
    assert answer.sources[0].title == f"검토된 답변: {QUESTION}"
    assert answer.sources[0].category == "reviewed-answer"

    removed = corrections.uncorrect(answer_id)
    assert removed.indexed and not document.exists()
    assert kb.store.count() == 0  # nothing left of it in the index
    assert log.get(answer_id).corrected_answer is None
    with pytest.raises(CorrectionError):
        corrections.uncorrect(answer_id)
    with pytest.raises(CorrectionError):
        corrections.correct(999_999, FIX)
    log.close()


def test_correct_in_a_terminal_opens_the_editor_with_the_old_answer(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    import click
    import typer

    from bot.review import cli as review_cli
    from tests.conftest import make_settings

    log = AnswerLog.from_settings(make_settings(tmp_path / "data"))
    answer_id = log.record(Answer(question=QUESTION, query=QUESTION, answer="예전 답변",
                                  mode=AnswerMode.EXTRACTIVE), channel="cli")
    shown: list[str] = []

    def editor(text: str, extension: str) -> str:
        shown.append(text)
        return text.replace("예전 답변", "새 답변")  # the maintainer edits the first line

    terminal = io.StringIO()
    terminal.isatty = lambda: True  # type: ignore[method-assign]
    monkeypatch.setattr("sys.stdin", terminal)
    monkeypatch.setattr(click, "edit", editor)
    text = review_cli._read_correction(log, answer_id, None)
    assert shown[0].startswith("예전 답변\n") and QUESTION in shown[0]
    assert text.strip() == "새 답변"  # the reference part below the cut line is dropped
    monkeypatch.setattr(click, "edit", lambda text, extension: None)  # closed without saving
    with pytest.raises(typer.Exit):
        review_cli._read_correction(log, answer_id, None)
    log.close()
