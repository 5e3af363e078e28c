"""`startupbot review …` against a real SQLite file, over a private copy of the ingested corpus."""

from __future__ import annotations

import csv
import io
import json
import logging
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot import cli
from bot.answer_log import AnswerLog
from bot.models import Answer, AnswerMode, Source
from tests.conftest import make_settings
from tests.helpers import cli_runner

GAP_QUESTION = "청주에서 창업하면 무료 세무 상담을 받을 수 있나요?"
SIMILAR_QUESTION = "청주 창업자도 무료 세무 상담을 받을 수 있나요?"
CORRECTION = ("충북창조경제혁신센터는 청주 등 충북 창업기업에 무료 세무·회계 전문가 상담을 "
              "연결해 줍니다. 센터 누리집에서 상담을 신청하면 됩니다.")


def seeded_answer(question: str, mode: AnswerMode, *, total: float = 0.5) -> Answer:
    sources = [] if mode is AnswerMode.REFUSED else [
        Source(number=1, title="팁스(TIPS)", section="지원 내용", source="tips.md",
               url="https://www.jointips.or.kr/", score=0.87, chunk_id="tips-0001-aa")]
    return Answer(question=question, query=question, mode=mode, sources=sources,
                  answer="팁스는 최대 5억원을 지원합니다 [1]." if sources else "자료에 없습니다.",
                  timings={"retrieval": 0.1, "total": total})


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, corpus_copy, analyzer, database_url: str):
    """(invoke, data_dir): `startupbot …` in-process with STARTUPBOT_DATA_DIR = corpus copy,
    and the answer log on SQLite or on a real PostgreSQL (STARTUPBOT_ANSWER_LOG_URL)."""
    from knowledge.base import KnowledgeBase

    root = logging.getLogger()
    saved = root.handlers[:], root.level
    data_dir = corpus_copy.settings.data_dir
    monkeypatch.setenv("STARTUPBOT_DATA_DIR", str(data_dir))
    monkeypatch.setenv("STARTUPBOT_ANSWER_LOG_URL", database_url)
    monkeypatch.setattr(cli, "build_kb", lambda: KnowledgeBase(cli.get_settings(),
                                                               analyzer=analyzer))
    run = cli_runner(monkeypatch)

    def invoke(*args: str, input: str | None = None, extra_env: dict[str, str] | None = None):
        return run(*args, input=input, env=extra_env)

    yield invoke, data_dir
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])


@pytest.fixture
def seeded(env) -> dict[str, int]:
    """Five logged answers in the corpus copy's answer log, as the bot would leave them."""
    _, data_dir = env
    log = AnswerLog.from_settings(make_settings(
        data_dir, answer_log_url=os.environ["STARTUPBOT_ANSWER_LOG_URL"]))
    ids = {
        "tips": log.record(seeded_answer("팁스 지원 금액은?", AnswerMode.GENERATIVE, total=1.0),
                           channel="telegram", user_id=1),
        "busan1": log.record(seeded_answer("부산 창업 지원금은?", AnswerMode.REFUSED),
                             channel="telegram", user_id=2),
        "busan2": log.record(seeded_answer("부산 창업지원금은?!", AnswerMode.REFUSED),
                             channel="telegram", user_id=3),
        "fallback": log.record(seeded_answer("팁스 신청 기간?", AnswerMode.FALLBACK, total=3.0),
                               channel="cli"),
        "old": log.record(seeded_answer("오래된 질문", AnswerMode.EXTRACTIVE), channel="cli",
                          created_at=datetime.now(UTC) - timedelta(days=40)),
    }
    log.set_feedback(ids["tips"], -1, "금액이 틀렸어요")
    log.set_feedback(ids["fallback"], 1)
    log.close()
    return ids


def list_ids(invoke, *args: str) -> list[int]:
    result = invoke("review", "list", "--json", *args)
    assert result.exit_code == 0, result.output
    return [item["id"] for item in json.loads(result.stdout)["items"]]


def test_list_with_filters(env, seeded) -> None:
    invoke, _ = env
    s = seeded
    assert list_ids(invoke) == [s["old"], s["fallback"], s["busan2"], s["busan1"], s["tips"]]
    assert list_ids(invoke, "--down") == [s["tips"]]
    assert list_ids(invoke, "--up") == [s["fallback"]]
    assert list_ids(invoke, "--refused") == [s["busan2"], s["busan1"]]
    assert list_ids(invoke, "--fallback") == [s["fallback"]]
    assert list_ids(invoke, "--refused", "--fallback") == [s["fallback"], s["busan2"],
                                                           s["busan1"]]
    assert list_ids(invoke, "-q", "부산", "--unreviewed") == [s["busan2"], s["busan1"]]
    assert list_ids(invoke, "--channel", "cli") == [s["old"], s["fallback"]]
    today = datetime.now(UTC).date()
    old_day = (datetime.now(UTC) - timedelta(days=40)).date()
    assert list_ids(invoke, "--since", str(today - timedelta(days=1))) == [
        s["fallback"], s["busan2"], s["busan1"], s["tips"]]
    assert list_ids(invoke, "--until", str(old_day + timedelta(days=1))) == [s["old"]]
    assert list_ids(invoke, "--limit", "2", "--page", "2") == [s["busan2"], s["busan1"]]

    table = invoke("review", "list", "--down")
    assert table.exit_code == 0
    assert "답변 기록 1건" in table.stdout and "팁스 지원" in table.stdout
    assert "👎" in table.stdout
    none = invoke("review", "list", "--down", "-q", "없는 말")
    assert "조건에 맞는 답변이 없습니다" in none.stdout
    bad = invoke("review", "list", "--status", "maybe")
    assert bad.exit_code == 2 and "필터 값이 올바르지 않습니다" in bad.output


def test_show_and_mark(env, seeded) -> None:
    invoke, _ = env
    answer_id = seeded["tips"]
    shown = invoke("review", "show", str(answer_id))
    assert shown.exit_code == 0, shown.output
    out = shown.stdout
    assert "팁스 지원 금액은?" in out and "팁스는 최대 5억원을 지원합니다 [1]." in out
    assert "https://www.jointips.or.kr/" in out and "팁스(TIPS) › 지원 내용" in out
    assert "👎" in out and "금액이 틀렸어요" in out and "검토 전" in out

    marked = invoke("review", "mark", str(answer_id), "--note", "올해 공고로 확인 필요")
    assert marked.exit_code == 0 and "검토 완료" in marked.stdout
    data = json.loads(invoke("review", "show", str(answer_id), "--json").stdout)
    assert data["review_status"] == "reviewed"
    assert data["reviewer_note"] == "올해 공고로 확인 필요"
    assert [e["kind"] for e in data["events"]] == ["feedback", "marked"]
    assert "검토 완료 표시" in invoke("review", "show", str(answer_id)).stdout

    missing = invoke("review", "show", "99999")
    assert missing.exit_code == 1 and "찾을 수 없습니다" in missing.output
    assert invoke("review", "mark", "99999").exit_code == 1


def test_export_csv_and_jsonl(env, seeded, tmp_path: Path) -> None:
    invoke, _ = env
    result = invoke("review", "export", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("\ufeff")  # Excel-safe by default (issue 13)
    rows = list(csv.DictReader(io.StringIO(result.stdout.removeprefix("\ufeff"))))
    assert len(rows) == 5  # one row per answer
    tips = next(r for r in rows if r["id"] == str(seeded["tips"]))
    assert tips["question"] == "팁스 지원 금액은?" and tips["mode"] == "generative"
    assert tips["feedback"] == "-1" and tips["feedback_comment"] == "금액이 틀렸어요"
    assert json.loads(tips["sources"])[0]["url"] == "https://www.jointips.or.kr/"
    assert tips["answer"].startswith("팁스는 최대 5억원")

    target = tmp_path / "down.jsonl"
    result = invoke("review", "export", "-f", "jsonl", "--down", "-o", str(target))
    assert result.exit_code == 0 and "1건" in result.output
    lines = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [(x["id"], x["feedback"], x["sources"][0]["title"]) for x in lines] == [
        (seeded["tips"], -1, "팁스(TIPS)")]

    excel = tmp_path / "excel.csv"
    assert invoke("review", "export", "--excel", "-o", str(excel), "--refused").exit_code == 0
    assert excel.read_bytes().startswith(b"\xef\xbb\xbf")
    refused = list(csv.DictReader(io.StringIO(excel.read_text(encoding="utf-8-sig"))))
    assert {r["question"] for r in refused} == {"부산 창업 지원금은?", "부산 창업지원금은?!"}
    assert invoke("review", "export", "--format", "xml").exit_code == 2


def test_stats(env, seeded) -> None:
    invoke, _ = env
    result = invoke("review", "stats", "--days", "7", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert len(data["days"]) == 7
    today = data["days"][-1]
    assert (today["questions"], today["thumbs_up"], today["thumbs_down"], today["refused"],
            today["fallback"]) == (4, 1, 1, 2, 1)
    assert today["median_latency_ms"] == 750.0  # 1000, 500, 500, 3000
    assert [(g["count"], g["example"]) for g in data["gaps"]] == [(2, "부산 창업지원금은?!")]
    text = invoke("review", "stats", "--days", "3").stdout
    assert "일별 통계" in text and "자주 거절된 질문" in text and "부산 창업지원금은?!" in text


def test_purge(env, seeded) -> None:
    invoke, _ = env
    assert "지우지 않았습니다" in invoke("review", "purge").stdout  # retention 0: keep all
    assert len(list_ids(invoke)) == 5
    result = invoke("review", "purge", extra_env={"STARTUPBOT_LOG_RETENTION_DAYS": "30"})
    assert result.exit_code == 0
    assert seeded["old"] not in list_ids(invoke)
    assert len(list_ids(invoke)) == 4


def test_web_refuses_to_start_without_a_token(env) -> None:
    invoke, _ = env
    for args in (("review", "--web"), ("review", "web")):
        result = invoke(*args)
        assert result.exit_code == 2
        assert "STARTUPBOT_REVIEW_TOKEN" in result.output


def test_correction_is_ingested_cited_and_removed(env) -> None:
    """ask (refused) → review correct → a similar question is answered from the correction
    and cites it → review uncorrect → the document is gone from the folder and the index."""
    invoke, data_dir = env
    first = json.loads(invoke("ask", GAP_QUESTION, "--json").stdout)
    assert first["mode"] == "refused"
    answer_id = first["answer_id"]
    assert list_ids(invoke, "--refused") == [answer_id]

    corrected = invoke("review", "correct", str(answer_id), "--note", "센터 확인",
                       input=CORRECTION + "\n")  # from standard input, as in a pipe
    assert corrected.exit_code == 0, corrected.output
    assert "추가 1" in corrected.stdout
    document = data_dir / "curated" / f"reviewed-answer-{answer_id}.md"
    text = document.read_text(encoding="utf-8")
    assert f"title: '검토된 답변: {GAP_QUESTION}'" in text
    assert "category: reviewed-answer" in text and "publisher: 운영팀 검토" in text
    assert f"# {GAP_QUESTION}\n\n## 검토된 답변\n{CORRECTION}" in text
    shown = json.loads(invoke("review", "show", str(answer_id), "--json").stdout)
    assert shown["review_status"] == "corrected" and shown["corrected_answer"] == CORRECTION

    again = json.loads(invoke("ask", SIMILAR_QUESTION, "--json").stdout)
    assert again["mode"] != "refused"
    assert "무료 세무·회계 전문가 상담" in again["answer"]
    cited = [s for s in again["sources"] if s["category"] == "reviewed-answer"]
    assert cited and cited[0]["title"] == f"검토된 답변: {GAP_QUESTION}"
    assert f"[{cited[0]['number']}]" in again["answer"]
    docs = json.loads(invoke("sources", "--json").stdout)
    assert any(d["category"] == "reviewed-answer" for d in docs)

    removed = invoke("review", "uncorrect", str(answer_id))
    assert removed.exit_code == 0, removed.output
    assert "삭제 1" in removed.stdout and not document.exists()
    docs = json.loads(invoke("sources", "--json").stdout)
    assert not any(d["category"] == "reviewed-answer" for d in docs)
    after = json.loads(invoke("ask", SIMILAR_QUESTION, "--json").stdout)
    assert not any(s["category"] == "reviewed-answer" for s in after["sources"])
    assert "무료 세무·회계 전문가 상담" not in after["answer"]
    assert invoke("review", "uncorrect", str(answer_id)).exit_code == 1  # nothing to remove
    empty = invoke("review", "correct", str(answer_id), "--answer", "  ")
    assert empty.exit_code == 1 and "비어 있습니다" in empty.output


def test_stats_count_subscriptions_and_alerts(env, seeded) -> None:
    """issue 16: subscriptions by profile, alerts sent / blocked / 🔕 and link clicks."""
    from bot.alerts.models import AlertKind, AlertStatus, Profile, RegionScope
    from bot.alerts.store import AlertStore, NewAlert
    from knowledge.catalogue.models import Stage

    invoke, _ = env
    store = AlertStore(os.environ["STARTUPBOT_ANSWER_LOG_URL"], lambda c: f"h{c}")
    subs = [store.subscribe(1, Profile(stage=Stage.PRE, fields=["판로·해외"])),
            store.subscribe(2, Profile(stage=Stage.PRE, region=RegionScope.CHUNGBUK)),
            store.subscribe(3, Profile()), store.subscribe(4, Profile())]
    store.enqueue([NewAlert(subscription_id=s.id, kind=AlertKind.NEW, programme_id="ks-1",
                            dedup_key="new:ks-1", payload={"url": "https://x"}) for s in subs])
    items = store.claim(10, 30.0)
    for item, status in zip(items, [AlertStatus.SENT, AlertStatus.SENT, AlertStatus.SENT,
                                    AlertStatus.BLOCKED], strict=True):
        store.mark(item.id, status)
    store.click(items[0].id)
    store.click(items[0].id)
    store.end(3, "muted")
    store.end(4, "blocked")
    store.close()
    data = json.loads(invoke("review", "stats", "--json").stdout)["alerts"]
    assert data["subscriptions"]["active"] == 2 and data["subscriptions"]["ended"] == 2
    assert data["subscriptions"]["by_stage"] == {"예비": 2}
    assert data["subscriptions"]["by_region"] == {"충북+전국": 1, "충북만": 1}
    assert (data["alerts"]["attempted"], data["alerts"]["sent"], data["alerts"]["blocked"]) == (
        4, 3, 1)
    assert data["rates"]["delivered"] == 0.75 and data["rates"]["muted_chats"] == 0.25
    assert data["clicks"] == 2 and data["rates"]["clicked"] == round(1 / 3, 4)
    text = invoke("review", "stats").stdout
    assert "알림 구독 (활성 2 · 종료 2)" in text and "보낸 알림" in text and "웹훅 모드" in text
