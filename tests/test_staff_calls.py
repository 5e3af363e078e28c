"""Issue 16, "after every sync or ingest": a 공고문 that staff drop into the knowledge folder
joins the programme catalogue when `startupbot ingest` runs, and its alerts are planned at once;
a changed deadline is a change, a removed file a vanished call, and ordinary documents never
touch the catalogue."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ingest.announcements import LoadedDocument, read_call, staff_id
from ingest.cli import run_ingest
from ingest.staff_calls import StaffCalls
from knowledge.catalogue.models import Stage, Status
from knowledge.catalogue.repository import Catalogue
from knowledge.clock import Clock
from tests.helpers import cli_runner

TODAY = date(2026, 12, 1)

CALL = """# 2026년 충북 청년 예비창업자 지원사업 참여자 모집 공고

충청북도는 도내 청년 예비창업자의 사업화를 돕기 위해 다음과 같이 참여자를 모집합니다.

## 1. 사업 개요
- 지원 내용: 사업화 자금 최대 3,000만원 (평균 2,500만원)
- 주관기관: 충북창조경제혁신센터

## 2. 신청 자격
- 신청자격: 공고일 기준 충청북도에 거주하는 만 39세 이하 예비창업자

## 3. 신청 방법
- 접수기간: 2026. 12. 7.(월) ~ 2026. 12. 21.(월) 18:00
- 접수처: 온라인 접수
"""

GUIDE = """# 충북 창업 지원 기관 안내

충북창조경제혁신센터는 오송에 있으며, 예비창업자 상담을 상시로 한다.
"""


def test_a_call_is_read_with_its_window_rules_and_amount() -> None:
    call = read_call("공고/청년.md", LoadedDocument("", CALL, ["https://example.org/notice/1"]))
    assert call is not None and call.id == staff_id("공고/청년.md") and call.source == "staff"
    assert call.title.startswith("2026년 충북 청년 예비창업자")
    assert (call.window.start_date, call.window.end_date) == (
        TODAY.replace(day=7), TODAY.replace(day=21))
    assert call.window.end is not None and call.window.end.hour == 18
    assert call.target.stages == [Stage.PRE] and call.target.age_max == 39
    assert call.target.regions == ["충북"]
    assert call.amount_max_won == 30_000_000
    assert call.agency == "충북창조경제혁신센터"
    assert call.url == "https://example.org/notice/1"
    assert call.status(Clock(TODAY)) is Status.UPCOMING


@pytest.mark.parametrize("title, text", [
    ("충북 창업 지원 기관 안내", GUIDE),  # a guide, not a call
    ("", CALL.replace("2026. 12. 7.(월) ~ 2026. 12. 21.(월) 18:00", "추후 안내")),  # no dates
    ("", CALL.replace("모집 공고", "안내")),  # no 공고/모집 in the title
    ("국가 창업지원 체계 (통합공고·K-Startup)", CALL),  # "통합공고" is not the document's kind
    ("", CALL.replace("2026. 12. 7.(월) ~ 2026. 12. 21.(월) 18:00", "연중 수시 접수")),
])
def test_what_is_not_a_dated_call_is_left_alone(title: str, text: str) -> None:
    assert read_call("x.md", LoadedDocument(title, text)) is None


def test_no_shipped_document_is_taken_for_a_call() -> None:
    from ingest.loaders import load_document
    from knowledge.settings import DEFAULT_DOCUMENTS_DIR

    for path in sorted(DEFAULT_DOCUMENTS_DIR.iterdir()):
        doc = load_document(path)
        assert read_call(path.name, LoadedDocument(doc.title, doc.text)) is None, path.name


def test_ingest_merges_calls_changes_and_removals_into_the_catalogue(
        make_kb, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.catalogue import answerer as answerer_module

    kb = make_kb()
    docs = kb.settings.documents_dir
    url = f"sqlite:///{tmp_path / 'catalogue.sqlite3'}"
    heard: list = []

    def ingest() -> None:
        calls = StaffCalls(lambda create: Catalogue(url, create=create), Clock(TODAY),
                           [lambda changes, programmes: heard.append(changes)])
        report = run_ingest(kb, None, show_progress=False, calls=calls)
        assert report.ok and not report.calls_error

    (docs / "guide.md").write_text(GUIDE, encoding="utf-8")
    ingest()
    assert not (tmp_path / "catalogue.sqlite3").exists() and heard == []  # no call, no catalogue
    monkeypatch.setattr(answerer_module, "RELOAD_SECONDS", 0.0)
    answerer = answerer_module.CatalogueAnswerer(Catalogue(url, create=False), Clock(TODAY))
    assert answerer.answer("이번 달 마감인 지원사업 있어?") is None  # no catalogue yet

    (docs / "call.md").write_text(CALL, encoding="utf-8")
    ingest()
    [stored] = Catalogue(url).all()
    assert stored.programme.source_id == "call.md" and stored.programme.target.age_max == 39
    assert heard[-1].new == [staff_id("call.md")]

    # a serving bot's calendar answers see it without a sync run (the catalogue's version)
    answer = answerer.answer("이번 달 마감인 지원사업 있어?")
    assert answer is not None and "2026년 충북 청년 예비창업자" in answer.answer
    assert "접수 시작 2026-12-07" in answer.answer and "2026-12-21" in answer.answer
    assert [s.source for s in answer.sources] == ["call.md"]  # cited as the document itself

    (docs / "call.md").write_text(CALL.replace("12. 21.(월)", "12. 28.(월)"), encoding="utf-8")
    ingest()
    [stored] = Catalogue(url).all()
    assert stored.programme.window.end_date == TODAY.replace(day=28)
    assert heard[-1].changed == [staff_id("call.md")] and not heard[-1].new

    (docs / "call.md").unlink()
    ingest()
    [stored] = Catalogue(url).all()
    assert stored.vanished and heard[-1].vanished == [staff_id("call.md")]


def test_startupbot_ingest_plans_the_alert_of_a_dropped_call(monkeypatch: pytest.MonkeyPatch,
                                                             tmp_path: Path) -> None:
    from bot.alerts.models import Profile
    from bot.alerts.store import AlertStore
    from bot.answer_log import AnswerLog
    from bot.settings import Settings

    docs, data = tmp_path / "docs", tmp_path / "data"
    docs.mkdir()
    env = {"STARTUPBOT_DATA_DIR": str(data), "STARTUPBOT_DOCUMENTS_DIR": str(docs),
           "STARTUPBOT_TODAY": TODAY.isoformat()}
    run = cli_runner(monkeypatch, env=env)
    settings = Settings(data_dir=data, documents_dir=docs, _env_file=None)  # type: ignore[call-arg]
    store = AlertStore.from_answer_log(AnswerLog.from_settings(settings), Clock(TODAY))
    store.subscribe(7001, Profile(stage=Stage.PRE))   # a 예비창업자: fits
    store.subscribe(7002, Profile(stage=Stage.MATURE))  # 7년 넘은 기업: does not

    (docs / "청년 모집 공고.md").write_text(CALL, encoding="utf-8")
    result = run("ingest")
    assert result.exit_code == 0, result.output
    assert "새 공고 1건" in result.output
    assert store.outbox_counts() == {"pending": 1}
    [item] = store.claim(10, 60)
    assert item.chat_id == 7001 and item.programme_id == staff_id("청년 모집 공고.md")

    result = run("ingest")  # nothing changed: nothing merged, nothing planned twice
    assert result.exit_code == 0 and "새 공고" not in result.output
    assert store.outbox_counts() == {"claimed": 1}


@pytest.mark.parametrize("build", ["to_docx", "to_hwpx", "to_pdf"])
def test_a_call_whose_window_is_a_table_row_is_read(build: str, tmp_path: Path) -> None:
    from ingest.loaders import load_document
    from tests import doc_builders

    path = getattr(doc_builders, build)(doc_builders.sample_announcement(1),
                                        tmp_path / f"call.{build[3:]}")
    doc = load_document(path)
    call = read_call(path.name, LoadedDocument(doc.title, doc.text))
    assert call is not None and call.title == "2026년 충북 초기창업패키지 예비창업자 모집 공고"
    # the first dated row of the 지원 규모 table: "신청기간: 2026.3.4.~3.25."
    assert (call.window.start_date, call.window.end_date) == (date(2026, 3, 4), date(2026, 3, 25))
    assert call.amount_max_won == 300_000_000


NOTICE = """충청북도 공고 제2026-1234호

2026년 충북 로컬크리에이터 창업지원사업 참여기업 모집 공고

충청북도에서는 로컬 창업을 돕기 위하여 참여기업을 다음과 같이 모집합니다.

2026. 12. 1.
충청북도지사

□ 사업개요
 ○ 지원규모 : 10개사 내외
 ○ 지원내용 : 사업화 자금 최대 2,000만원(기업당)
□ 신청방법
 ○ 접수기간 : 2026. 12. 10.(목) ~ 12. 24.(목) 16:00까지
 ○ 문의처 : 충북창조경제혁신센터 043-710-5900
"""


def test_a_plain_text_notice_keeps_its_name_and_one_fact_a_line(tmp_path: Path,
                                                                 analyzer) -> None:
    """The way 공고문 are written (a number line, □/○ lists, dotted dates): the title is the
    call's name, and every list line is a unit of its own, so an answer can quote the
    window or the phone line alone."""
    from ingest.chunking import Chunker, ChunkingConfig
    from ingest.loaders import load_document

    path = tmp_path / "notice.txt"
    path.write_text(NOTICE, encoding="utf-8")
    doc = load_document(path)
    assert doc.title == "2026년 충북 로컬크리에이터 창업지원사업 참여기업 모집 공고"
    call = read_call("notice.txt", LoadedDocument(doc.title, doc.text))
    assert call is not None and call.window.end_date == date(2026, 12, 24)
    [chunk] = Chunker(analyzer, ChunkingConfig(chunk_size=500)).chunk(
        doc_id="n", title=doc.title, text=doc.text, source="notice.txt")
    lines = analyzer.sentences(chunk.text, lines=True)  # what the answerer quotes from
    assert "○ 접수기간 : 2026. 12. 10.(목) ~ 12. 24.(목) 16:00까지" in lines
    assert "○ 문의처 : 충북창조경제혁신센터 043-710-5900" in lines
    assert "□ 사업개요" in lines and lines == chunk.sentences


def test_questions_about_a_dropped_notice_quote_its_own_lines(make_kb) -> None:
    """A founder asks about the call in a plain-text 공고 (its name a compound Kiwi splits:
    로컬 + 크리에이터): the deadline and the age verdict come from its list lines."""
    import shutil

    from bot.engine import AnswerEngine
    from ingest.pipeline import Ingestor
    from knowledge.settings import DEFAULT_DOCUMENTS_DIR

    kb = make_kb(today=TODAY)
    for name in ("startup-packages.md", "youth-and-restart-programs.md", "tips.md"):
        shutil.copy(DEFAULT_DOCUMENTS_DIR / name, kb.settings.documents_dir / name)
    (kb.settings.documents_dir / "notice.txt").write_text(
        NOTICE + " ※ 대표자 연령 만 39세 이하\n", encoding="utf-8")
    assert Ingestor(kb).run().ok
    engine = AnswerEngine(kb)
    engine.clock = Clock(TODAY)
    deadline = engine.answer("로컬크리에이터 접수 마감 언제?")
    assert deadline.answer.startswith("○ 접수기간 : 2026. 12. 10.(목) ~ 12. 24.(목) 16:00까지")
    assert [s.source for s in deadline.sources] == ["notice.txt"]
    verdict = engine.answer("저 42살인데 로컬크리에이터 신청 돼요?")
    assert verdict.answer.startswith("아니요") and "39세 이하" in verdict.answer
