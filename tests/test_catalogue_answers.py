"""Calendar answers from the catalogue: status from the clock, D-days, links, filters."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from bot.catalogue.answerer import CatalogueAnswerer
from bot.catalogue.intents import detect
from knowledge.catalogue.dates import parse_amount, parse_target, parse_window
from knowledge.catalogue.models import SEOUL, Programme, Stage, Status, Window
from knowledge.catalogue.repository import Catalogue
from knowledge.clock import Clock
from tests.catalogue_helpers import TODAY, catalogue_settings, sync_once
from tests.fakes import bizinfo_api, kstartup_api
from tests.fakes.bizinfo_api import FakeBizinfo
from tests.fakes.kstartup_api import FakeKStartup

QUESTION = "지금 신청 가능한 예비창업자 지원사업 알려줘"


def _window(start: str, end: str) -> Window:
    return parse_window(f"{start} ~ {end}")


@pytest.mark.parametrize(
    ("today", "status"),
    [
        (date(2026, 1, 5), Status.UPCOMING),
        (date(2026, 1, 6), Status.OPEN),
        (date(2026, 1, 27), Status.OPEN),
        (date(2026, 1, 28), Status.CLOSED),
    ],
)
def test_today_before_inside_after_window(today: date, status: Status) -> None:
    p = Programme(
        id="bz-X",
        source="bizinfo",
        source_id="X",
        title="t",
        window=_window("2026-01-06", "2026-01-27"),
    )
    assert p.status(Clock(today)) is status


def test_deadline_hour_in_seoul() -> None:
    p = Programme(
        id="bz-X",
        source="bizinfo",
        source_id="X",
        title="t",
        window=parse_window("2026.01.06(화) ~ 2026.01.27(화) 18:00"),
    )
    before = Clock(now=lambda tz: datetime(2026, 1, 27, 17, 59, tzinfo=SEOUL))
    after = Clock(
        now=lambda tz: (
            datetime(2026, 1, 27, 9, 1, tzinfo=SEOUL).astimezone(SEOUL).replace(hour=18, minute=1)
        )
    )
    assert p.status(before) is Status.OPEN and p.status(after) is Status.CLOSED


@pytest.mark.parametrize(
    "text", ["상시", "예산 소진시까지", "추후 공지", "2026-03-01 ~ 2026-02-01", "2026-02-03", ""]
)
def test_free_text_windows_never_invent_dates(text: str) -> None:
    window = parse_window(text)
    assert window.end is None and window.start is None
    assert window.rolling == (text in ("상시", "예산 소진시까지"))


def test_parsed_fields() -> None:
    w = parse_window("2026. 1. 6. ~ 1. 27.")
    assert (w.start_date, w.end_date) == (date(2026, 1, 6), date(2026, 1, 27))
    assert parse_window("2026년 2월 3일까지").end_date == date(2026, 2, 3)
    assert parse_amount("최대 1억 5천만원 지원, 평균 5천만원") == 150_000_000
    assert parse_amount("지원 내용은 공고문 참조") is None
    t = parse_target(
        "", enyy="예비창업자,1년미만,2년미만,3년미만", ages="만 20세 이상 ~ 만 39세 이하"
    )
    assert t.stages == [Stage.PRE, Stage.EARLY] and (t.age_min, t.age_max) == (20, 39)
    assert parse_target("중소기업").stages is None  # not stated: unknown, not "no"


def test_intents() -> None:
    assert detect(QUESTION).kind == "open" and detect(QUESTION).stage is Stage.PRE
    assert detect("이번 달 마감하는 사업 뭐 있어?").kind == "month"
    assert detect("예비창업자가 받을 수 있는 지원은?").stage is Stage.PRE
    assert detect("마감 임박한 공고 알려줘").kind == "soon"
    assert detect("충북 이차전지 투자 규모는?") is None
    assert detect("TIPS는 어떤 구조인가요?") is None
    assert detect("KOTRA 해외전시회 개별참가 지원은 얼마까지 받을 수 있어?") is None


@pytest.fixture
def synced(tmp_path: Path):
    """A 360-programme fake catalogue (mixed windows), synced without an index."""
    with (
        FakeKStartup(kstartup_api.make_items(360, TODAY)) as ks,
        FakeBizinfo(bizinfo_api.make_items(60, TODAY)) as bz,
    ):
        _, catalogue = sync_once(tmp_path, catalogue_settings(ks, bz, catalogue_page_size=100))
        yield catalogue, ks


def _listed_urls(text: str, answer) -> list[str]:
    numbers = [int(n) for n in re.findall(r"\[(\d+)\]", text)]
    return [answer.sources[n - 1].url for n in numbers]


def test_open_now_for_pre_founders(synced) -> None:
    catalogue, _ = synced
    clock = Clock(TODAY)
    answerer = CatalogueAnswerer(catalogue, clock)
    answer = answerer.answer(QUESTION)
    assert answer is not None and answer.sources
    by_url = {s.programme.url: s.programme for s in catalogue.all()}
    listed = [by_url[u] for u in _listed_urls(answer.answer, answer)]
    assert listed and all(p.status(clock) is Status.OPEN for p in listed)
    assert all(p.target.allows_stage(Stage.PRE) is not False for p in listed)
    assert re.search(r"D-\d+|D-day", answer.answer)
    assert all(s.url.startswith("https://") for s in answer.sources)
    days = [p.d_day(clock) for p in listed if p.d_day(clock) is not None]
    assert days == sorted(days)  # ordered by deadline
    open_pre = [
        s
        for s in catalogue.all()
        if s.programme.status(clock) is Status.OPEN
        and s.programme.target.allows_stage(Stage.PRE) is not False
    ]
    assert f"외 {len(open_pre) - len(listed)}건" in answer.answer


def test_month_and_conditions(synced) -> None:
    catalogue, _ = synced
    clock = Clock(TODAY)
    answer = CatalogueAnswerer(catalogue, clock).answer("이번 달 마감인 지원사업 있어?")
    by_url = {s.programme.url: s.programme for s in catalogue.all()}
    listed = [by_url[u] for u in _listed_urls(answer.answer, answer)]
    assert listed and all(  # a call that opens first and closes this month counts too
        p.window.end_date.month == TODAY.month
        and p.status(clock) in (Status.OPEN, Status.UPCOMING) for p in listed
    )
    answer = CatalogueAnswerer(catalogue, clock).answer("예비창업자가 받을 수 있는 지원 알려줘")
    assert "조건을 공고문에서 확인하세요" in answer.answer  # 기업마당 calls have no parsed stage


def test_closed_programme_question(tmp_path: Path) -> None:
    items = kstartup_api.make_items(12, TODAY)
    items[0]["biz_pbanc_nm"] = "2026년 충북 바이오헬스 청년창업 챌린지 참여기업 모집"  # closed
    items[6]["biz_pbanc_nm"] = "2025년 충북 스마트팩토리 데모데이 참가기업 모집"  # closed
    items[7] = dict(
        items[6],
        pbanc_sn=99,
        biz_pbanc_nm="2026년 충북 스마트팩토리 데모데이 참가기업 모집",
        pbanc_rcpt_bgng_dt=(TODAY - timedelta(days=2)).strftime("%Y%m%d"),
        pbanc_rcpt_end_dt=(TODAY + timedelta(days=9)).strftime("%Y%m%d"),
        rcrt_prgs_yn="Y",
        detl_pg_url="https://www.k-startup.go.kr/x?pbancSn=99",
    )
    with FakeKStartup(items) as ks:
        _, catalogue = sync_once(tmp_path, catalogue_settings(ks))
    clock = Clock(TODAY)
    answerer = CatalogueAnswerer(catalogue, clock)
    closed = catalogue.get(f"ks-{items[0]['pbanc_sn']}").programme
    assert closed.status(clock) is Status.CLOSED
    answer = answerer.answer("바이오헬스 청년창업 챌린지 신청 아직 돼?")
    assert answer is not None
    assert "마감되었습니다" in answer.answer and closed.window.end_date.isoformat() in answer.answer
    assert "새 공고는 아직 없습니다" in answer.answer
    assert "지금 신청할 수 있습니다" not in answer.answer
    # an older call closed, a newer one open: the open one first, the closed one said as closed
    answer = answerer.answer("스마트팩토리 데모데이 마감 언제야?")
    assert "지금 신청할 수 있습니다" in answer.answer and "D-9" in answer.answer
    assert answer.sources[0].url.endswith("pbancSn=99")
    # a question about the programme that is not about its dates stays with the documents
    assert answerer.answer("스마트팩토리 데모데이 신청 자격은?") is None
    assert (
        "2025년 충북 스마트팩토리 데모데이" in answer.answer and "마감되었습니다" in answer.answer
    )


def test_not_a_calendar_question_falls_through(synced) -> None:
    catalogue, _ = synced
    assert CatalogueAnswerer(catalogue, Clock(TODAY)).answer("충북 이차전지 투자 규모는?") is None


def test_empty_catalogue_declines_and_creates_nothing(tmp_path: Path) -> None:
    from bot.settings import Settings

    settings = Settings(data_dir=tmp_path / "data", _env_file=None)  # type: ignore[call-arg]
    answerer = CatalogueAnswerer.from_settings(settings)
    assert answerer.answer(QUESTION) is None
    assert not (tmp_path / "data").exists()  # a reader never creates the database
    Catalogue(settings.answer_log_url).count()  # a writer made the tables; nothing synced yet
    answerer = CatalogueAnswerer(Catalogue.from_settings(settings, create=False), Clock(TODAY))
    assert answerer.answer(QUESTION) is None


def test_open_now_after_the_clock_moves(synced) -> None:
    """The same catalogue a month later: what closed meanwhile is no longer listed."""
    catalogue, _ = synced
    later = Clock(TODAY + timedelta(days=30))
    answer = CatalogueAnswerer(catalogue, later, shown=500).answer(
        "지금 신청할 수 있는 사업 알려줘"
    )
    by_url = {s.programme.url: s.programme for s in catalogue.all()}
    listed = [by_url[u] for u in _listed_urls(answer.answer, answer)]
    assert listed and all(p.status(later) is Status.OPEN for p in listed)


def test_age_filter_uses_parsed_ages(synced) -> None:
    catalogue, _ = synced
    clock = Clock(TODAY)
    answer = CatalogueAnswerer(catalogue, clock, shown=500).answer(
        "만 45세인데 지금 신청할 수 있는 사업 있어?")
    by_url = {s.programme.url: s.programme for s in catalogue.all()}
    listed = [by_url[u] for u in _listed_urls(answer.answer, answer)]
    assert listed and all(p.target.allows_age(45) is not False for p in listed)
    excluded = [s.programme for s in catalogue.all() if s.programme.status(clock) is Status.OPEN
                and s.programme.target.allows_age(45) is False]
    assert excluded and not set(p.id for p in excluded) & set(p.id for p in listed)
    assert "조건을 공고문에서 확인하세요" in answer.answer  # some calls state no age
