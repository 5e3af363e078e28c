"""The answer log as the bot uses it: record every answer, take feedback, never break an answer."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import os
import sqlite3
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot import cli
from bot.answer_log import AnswerFilter, AnswerLog, EventKind, ReviewStatus
from bot.answer_log.normalize import question_key
from bot.models import Answer, AnswerMode, Source, Support
from tests.conftest import make_settings
from tests.helpers import cli_runner

RAW_USER_ID = 987654321
RAW_CHAT_ID = -100123456789


def make_answer(question: str = "예비창업패키지 지원 금액은?", *,
                mode: AnswerMode = AnswerMode.GENERATIVE, total: float = 1.25) -> Answer:
    sources = [] if mode is AnswerMode.REFUSED else [
        Source(number=1, title="창업패키지", section="예비창업패키지 › 지원 금액",
               source="startup-packages.md", url="https://www.k-startup.go.kr/",
               score=0.91, chunk_id="abc-0003-ff", doc_id="abc", facts_as_of="2026",
               category="startup-support")]
    return Answer(question=question, query=f"{question} (standalone)",
                  answer="최대 1억원까지 지원합니다 [1]." if sources else "자료에 없습니다.",
                  mode=mode, sources=sources, model="gpt-test", prompt_version="p-1",
                  support=Support(coverage=0.9, dense=0.88, supported=bool(sources)),
                  usage={"prompt_tokens": 900, "completion_tokens": 80, "total_tokens": 980},
                  timings={"retrieval": 0.2, "generation": 1.0, "total": total})


@pytest.fixture
def answer_log(tmp_path: Path, database_url: str) -> AnswerLog:
    """Runs each test on SQLite and on a real PostgreSQL (tests/servers.py)."""
    log = AnswerLog.from_settings(make_settings(tmp_path / "data", answer_log_url=database_url))
    yield log
    log.close()


def test_record_stores_every_field_with_pseudonymous_ids(answer_log: AnswerLog,
                                                        tmp_path: Path) -> None:
    answer_id = answer_log.record(make_answer(), channel="telegram", user_id=RAW_USER_ID,
                                  chat_id=RAW_CHAT_ID)
    assert isinstance(answer_id, int)
    item = answer_log.get(answer_id)
    assert item is not None
    assert (item.channel, item.question, item.query) == (
        "telegram", "예비창업패키지 지원 금액은?", "예비창업패키지 지원 금액은? (standalone)")
    assert item.mode is AnswerMode.GENERATIVE and item.model == "gpt-test"
    assert item.prompt_version == "p-1"
    assert [(s.title, s.section, s.chunk_id, s.score) for s in item.sources] == [
        ("창업패키지", "예비창업패키지 › 지원 금액", "abc-0003-ff", 0.91)]
    assert (item.retrieval_ms, item.generation_ms, item.total_ms) == (200, 1000, 1250)
    assert (item.prompt_tokens, item.completion_tokens, item.total_tokens) == (900, 80, 980)
    assert item.review_status is ReviewStatus.UNREVIEWED and item.feedback is None
    assert item.created_at.utcoffset() == timedelta(hours=9)  # shown in Korean time

    # Salted hashes, never raw ids: not in the row, not anywhere in the database file.
    assert item.user_hash and item.chat_hash and item.user_hash != item.chat_hash
    assert str(RAW_USER_ID) not in item.user_hash
    db_bytes = b"".join(p.read_bytes() for p in (tmp_path / "data").glob("answer_log.sqlite3*"))
    assert str(RAW_USER_ID).encode() not in db_bytes
    assert str(RAW_CHAT_ID).encode() not in db_bytes

    # The generated salt is private and stable: a restarted bot gives the same person the
    # same hash.
    salt_file = tmp_path / "data" / "answer_log.salt"
    assert stat.S_IMODE(salt_file.stat().st_mode) == 0o600
    restarted = AnswerLog.from_settings(make_settings(tmp_path / "data"))
    second = restarted.record(make_answer(), channel="telegram", user_id=RAW_USER_ID)
    assert restarted.get(second).user_hash == item.user_hash
    restarted.close()


def test_configured_salt_is_an_hmac_key(tmp_path: Path) -> None:
    log = AnswerLog.from_settings(make_settings(tmp_path / "data", user_hash_salt="s3cret"))
    answer_id = log.record(make_answer(), channel="telegram", user_id=42)
    expected = hmac.new(b"s3cret", b"42", hashlib.sha256).hexdigest()
    assert log.get(answer_id).user_hash == expected
    assert not (tmp_path / "data" / "answer_log.salt").exists()
    log.close()


def test_feedback_updates_the_right_row_and_a_second_click_replaces_it(
        answer_log: AnswerLog) -> None:
    """What the Telegram handler does: record, then 👍/👎 on the message's answer id."""
    ids = [answer_log.record(make_answer(f"질문 {n}"), channel="telegram", user_id=n)
           for n in range(3)]
    assert answer_log.set_feedback(ids[1], -1)
    assert answer_log.add_comment(ids[1], "금액이 올해 공고와 달라요")
    assert answer_log.set_feedback(ids[1], +1)  # changed their mind

    first, middle, last = (answer_log.get(i) for i in ids)
    assert first.feedback is None and last.feedback is None
    assert middle.feedback == 1
    assert middle.feedback_comment == "금액이 올해 공고와 달라요"
    assert [(e.kind, e.detail) for e in answer_log.events(ids[1])] == [
        (EventKind.FEEDBACK, "-1"), (EventKind.FEEDBACK, "comment"), (EventKind.FEEDBACK, "+1")]
    assert answer_log.set_feedback(99_999, -1) is False  # unknown id: no row touched

    async def from_the_event_loop() -> tuple[int | None, bool]:  # what an async handler calls
        new_id = await answer_log.arecord(make_answer("비동기 질문"), channel="telegram",
                                          user_id=5, chat_id=5)
        return new_id, await answer_log.aset_feedback(new_id, -1)

    new_id, done = asyncio.run(from_the_event_loop())
    assert done and answer_log.get(new_id).feedback == -1
    assert answer_log.get(ids[1]).feedback == 1  # the earlier row is untouched
    assert answer_log.add_comment(ids[0], "   ") is False
    with pytest.raises(ValueError):
        answer_log.set_feedback(ids[0], 5)


def test_a_broken_database_never_breaks_an_answer(tmp_path: Path,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    log = AnswerLog.from_settings(make_settings(
        tmp_path / "data", answer_log_url=f"sqlite:///{blocker}/log.sqlite3"))
    question = "비밀 질문 내용 12345"
    with caplog.at_level(logging.ERROR):
        assert log.record(make_answer(question), channel="telegram", user_id=1) is None
        assert log.set_feedback(1, -1) is False
    errors = [r for r in caplog.records if r.getMessage() == "answer_log.error"]
    assert errors and errors[0].op == "record"
    assert question not in caplog.text  # the user's text never goes to the logs


def test_migrations_describe_the_same_schema_as_the_models(answer_log: AnswerLog) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from bot.answer_log.db import _alembic_config, current_revision, head_revision
    from bot.answer_log.tables import Base

    answer_log.ping()
    engine = answer_log._ready()
    alembic_head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert current_revision(engine) == head_revision() == alembic_head == "0003"
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []


def test_retention_purges_old_answers_and_their_history(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data", log_retention_days=30)
    log = AnswerLog.from_settings(settings)
    now = datetime.now(UTC)
    old = log.record(make_answer("오래된 질문"), channel="cli",
                     created_at=now - timedelta(days=31))
    recent = log.record(make_answer("최근 질문"), channel="cli",
                        created_at=now - timedelta(days=29))
    log.set_feedback(old, -1)
    assert log.purge_expired() == 1
    assert log.get(old) is None and log.events(old) == []
    assert log.get(recent) is not None
    log.close()

    # A new process purges on first use, too (the bot and the review tools at start-up).
    keep_all = AnswerLog.from_settings(make_settings(tmp_path / "data"))  # 0 days = forever
    keep_all.record(make_answer("또 오래된 질문"), channel="cli",
                    created_at=now - timedelta(days=400))
    assert keep_all.purge_expired() == 0
    keep_all.close()
    restarted = AnswerLog.from_settings(settings)
    assert [i.question for i in restarted.list_answers().items] == ["최근 질문"]
    restarted.close()


def test_filters_paging_and_text_search(answer_log: AnswerLog) -> None:
    ids = []
    for n in range(7):
        mode = [AnswerMode.GENERATIVE, AnswerMode.REFUSED, AnswerMode.FALLBACK][n % 3]
        ids.append(answer_log.record(make_answer(f"질문 {n} 100%_확실?", mode=mode),
                                     channel="telegram" if n % 2 else "cli"))
    answer_log.set_feedback(ids[2], -1)
    answer_log.set_feedback(ids[5], -1)
    answer_log.set_feedback(ids[6], 1)
    answer_log.mark_reviewed(ids[5], "확인함")

    down = answer_log.list_answers(AnswerFilter(feedback=-1))
    assert [i.id for i in down.items] == [ids[5], ids[2]]  # newest first
    refused = answer_log.list_answers(AnswerFilter(modes=[AnswerMode.REFUSED]))
    assert {i.id for i in refused.items} == {ids[1], ids[4]}
    unreviewed_down = answer_log.list_answers(
        AnswerFilter(feedback=-1, status=ReviewStatus.UNREVIEWED))
    assert [i.id for i in unreviewed_down.items] == [ids[2]]
    assert answer_log.list_answers(AnswerFilter(channel="cli")).total == 4
    assert [i.id for i in answer_log.list_answers(AnswerFilter(text="질문 3")).items] == [ids[3]]
    assert answer_log.list_answers(AnswerFilter(text="확인함")).total == 1  # reviewer note
    assert answer_log.list_answers(AnswerFilter(text="100%_")).total == 7  # LIKE escaped
    assert answer_log.list_answers(AnswerFilter(text="1%")).total == 0  # % is literal

    today = answer_log.today()
    assert answer_log.list_answers(AnswerFilter(date_from=today, date_to=today)).total == 7
    assert answer_log.list_answers(AnswerFilter(date_to=today - timedelta(days=1))).total == 0

    page2 = answer_log.list_answers(page=2, per_page=3)
    assert (page2.total, page2.pages) == (7, 3)
    assert [i.id for i in page2.items] == [ids[3], ids[2], ids[1]]
    assert [a.id for a in answer_log.iter_answers()] == ids  # export order: oldest first


def test_daily_stats_and_corpus_gaps(answer_log: AnswerLog) -> None:
    today = answer_log.today()
    at = datetime.now(UTC)
    for question, mode, total in [
        ("부산 창업 지원금은?", AnswerMode.REFUSED, 0.3),
        ("부산  창업 지원금은", AnswerMode.REFUSED, 0.5),
        ("부산 창업지원금은?!", AnswerMode.REFUSED, 0.4),
        ("비트코인 시세", AnswerMode.REFUSED, 0.2),
        ("TIPS 금액", AnswerMode.GENERATIVE, 2.0),
        ("TIPS 기간", AnswerMode.FALLBACK, 3.0),
    ]:
        answer_log.record(make_answer(question, mode=mode, total=total), channel="cli",
                          created_at=at)
    yesterday_id = answer_log.record(make_answer("어제 질문"), channel="cli",
                                     created_at=at - timedelta(days=1))
    ids = [i.id for i in answer_log.list_answers(AnswerFilter(date_from=today)).items]
    answer_log.set_feedback(ids[0], 1)
    answer_log.set_feedback(ids[1], -1)
    answer_log.set_feedback(yesterday_id, -1)

    stats = answer_log.daily_stats()
    assert (stats.day, stats.questions, stats.thumbs_up, stats.thumbs_down, stats.refused,
            stats.fallback) == (today, 6, 1, 1, 4, 1)
    assert stats.median_latency_ms == 450.0  # median of 300, 500, 400, 200, 2000, 3000
    week = answer_log.stats_by_day(today - timedelta(days=6), today)
    assert len(week) == 7 and week[-1] == stats
    assert week[-2].questions == 1 and week[-2].thumbs_down == 1
    assert week[0].questions == 0 and week[0].median_latency_ms is None

    gaps = answer_log.refused_gaps(today, today)
    assert [(g.count, g.example) for g in gaps] == [
        (3, "부산 창업지원금은?!"), (1, "비트코인 시세")]
    assert question_key("부산 창업 지원금은?") == question_key("부산창업 지원금은")


# --- from the command line (the answer engine path) ---------------------------------------

@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, corpus_copy, analyzer):
    """`startupbot …` in-process over a private copy of the ingested corpus."""
    from knowledge.base import KnowledgeBase

    root = logging.getLogger()
    saved = root.handlers[:], root.level
    monkeypatch.setenv("STARTUPBOT_DATA_DIR", str(corpus_copy.settings.data_dir))
    monkeypatch.setattr(cli, "build_kb", lambda: KnowledgeBase(cli.get_settings(),
                                                               analyzer=analyzer))
    yield cli_runner(monkeypatch)
    root.handlers[:], _ = saved
    root.setLevel(saved[1])


def test_cli_ask_records_the_answer(run, corpus_copy) -> None:
    question = "충북은 2030년까지 이차전지산업에 얼마를 투자하나요?"
    result = run("ask", question, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    log = AnswerLog.from_settings(make_settings(corpus_copy.settings.data_dir))
    item = log.get(data["answer_id"])
    assert item is not None and item.channel == "cli"
    assert item.question == question and item.answer == data["answer"]
    assert item.mode.value == data["mode"]
    assert [s.chunk_id for s in item.sources] == [s["chunk_id"] for s in data["sources"]]
    assert item.total_ms is not None and item.user_hash is None
    log.close()


def test_cli_ask_still_answers_when_the_log_database_is_broken(run, tmp_path: Path) -> None:
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x")
    result = run("ask", "팁스 운영사 최소 투자 금액은?",
                 env={"STARTUPBOT_ANSWER_LOG_URL": f"sqlite:///{blocker}/log.sqlite3"})
    assert result.exit_code == 0, result.output
    assert "출처:" in result.stdout and "tips.md" in result.stdout
    assert "answer_log.error" in result.stderr  # reported, not swallowed silently


def test_a_foreign_database_file_still_answers(run, tmp_path: Path) -> None:
    """A database the log cannot migrate (someone else's tables, read-only file)."""
    path = tmp_path / "ro.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("create table answers (x)")  # wrong schema: migration fails
    os.chmod(path, 0o444)
    result = run("ask", "팁스 운영사 최소 투자 금액은?", "--json",
                 env={"STARTUPBOT_ANSWER_LOG_URL": f"sqlite:///{path}"})
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["mode"] != "refused" and data["answer_id"] is None
    assert "answer_log.error" in result.stderr
