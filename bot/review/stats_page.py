"""What the review page's /stats shows, as data: key figures and a list of sections.

The template renders any :class:`Section` the same way (a chart, a table, or an empty-state
sentence), so new statistics (e.g. subscriptions and alerts, issue 16) are one more section
appended in :func:`answer_stats`' caller, not template work. Every table cell carries its
column's name, which the phone layout shows next to the value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from markupsafe import Markup

from bot.answer_log import AnswerLog
from bot.review import charts


@dataclass(frozen=True)
class Cell:
    text: str
    href: str | None = None


@dataclass(frozen=True)
class Table:
    columns: list[str]
    rows: list[list[Cell]]
    numeric: frozenset[int] = frozenset()  # column indexes aligned right
    title: int = 0  # the column that heads each row's block on a phone

    def css(self, index: int) -> str:
        return " ".join(name for name, on in (("num", index in self.numeric),
                                              ("title", index == self.title)) if on)

    def labelled(self) -> list[list[tuple[str, str, Cell]]]:
        """Rows as ``(column name, css class, cell)``; the name becomes each cell's
        ``data-label``, shown beside the value when the table stacks on a phone."""
        return [[(name, self.css(i), cell) for i, (name, cell) in
                 enumerate(zip(self.columns, row, strict=True))] for row in self.rows]


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    chart: Markup | None = None
    table: Table | None = None
    empty: str = ""  # shown when there is neither chart nor rows
    half: bool = False  # half the page width on a desk (charts side by side)
    note: str = ""  # a footnote under the chart or table


@dataclass
class StatsPage:
    first: date
    last: date
    days: int
    kpis: list[tuple[str, int]] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)


def answer_stats(log_: AnswerLog, first: date, last: date) -> StatsPage:
    """The answer log's figures for ``first``..``last``."""
    from urllib.parse import urlencode

    per_day = log_.stats_by_day(first, last)
    page = StatsPage(first=first, last=last, days=(last - first).days + 1)
    page.kpis = [
        ("질문", sum(d.questions for d in per_day)),
        ("👍", sum(d.thumbs_up for d in per_day)),
        ("👎", sum(d.thumbs_down for d in per_day)),
        ("답변 거절", sum(d.refused for d in per_day)),
        ("대체 답변", sum(d.fallback for d in per_day)),
    ]
    page.sections.append(Section("volume-chart", "일별 질문 수",
                                 chart=charts.volume_chart(per_day), half=True))
    page.sections.append(Section("feedback-chart", "일별 피드백 비율",
                                 chart=charts.feedback_chart(per_day), half=True))
    gaps = log_.refused_gaps(first, last, limit=15)
    page.sections.append(Section(
        "gaps-table", "자주 거절된 질문 (자료에 없는 주제)",
        table=Table(["횟수", "질문 (최근 표현)", "마지막"], [
            [Cell(str(g.count)),
             Cell(g.example, href="/?" + urlencode({"mode": "refused", "q": g.example})),
             Cell(g.last_seen.strftime("%m-%d %H:%M"))] for g in gaps],
            numeric=frozenset({0}), title=1),
        empty="이 기간에 거절된 질문이 없습니다."))
    page.sections.append(Section(
        "daily-table", "일별 표",
        table=Table(["날짜", "질문", "👍", "👎", "거절", "대체", "중앙 응답시간"], [
            [Cell(d.day.isoformat()), Cell(str(d.questions)), Cell(str(d.thumbs_up)),
             Cell(str(d.thumbs_down)), Cell(str(d.refused)), Cell(str(d.fallback)),
             Cell("-" if d.median_latency_ms is None else f"{d.median_latency_ms:,.0f} ms")]
            for d in reversed(per_day) if d.questions],
            numeric=frozenset(range(1, 7))),
        empty="이 기간에 질문이 없습니다."))
    return page


def alert_sections(summary: dict) -> list[Section]:
    """issue 16: subscriptions by profile and what happened to the alerts
    (`bot.alerts.report.summary`)."""
    from bot.alerts.report import percent

    subs, sent, rates = summary["subscriptions"], summary["alerts"], summary["rates"]
    profile_rows = []
    for label, key in (("창업 단계", "by_stage"), ("나이", "by_age"), ("지역", "by_region"),
                       ("관심 분야", "by_field")):
        for value, count in sorted(subs[key].items(), key=lambda kv: -kv[1]):
            profile_rows.append([Cell(label), Cell(value), Cell(f"{count:,}")])
    outcome = [
        ("보낸 알림 (Telegram이 받음)", f"{sent['sent']:,}", percent(rates["delivered"])),
        ("차단 (봇을 차단한 대화)", f"{sent['blocked']:,}", percent(rates["blocked"])),
        ("실패", f"{sent['failed']:,}", ""),
        ("불확실 (보내는 중에 멈춤)", f"{sent['uncertain']:,}", ""),
        ("대기", f"{sent['pending']:,}", ""),
        ("보류 (직원 승인 대기)", f"{sent['held']:,}", ""),
        ("🔕 알림을 끈 대화", f"{summary['muted_chats']:,}", percent(rates["muted_chats"])),
        ("링크 클릭", f"{summary['clicks']:,}",
         f"{percent(rates['clicked'])} 알림" if rates["clicked"] is not None else ""),
    ]
    return [
        Section("alerts-subscriptions",
                f"알림 구독 (활성 {subs['active']:,} · 종료 {subs['ended']:,})",
                table=Table(["항목", "값", "구독자"], profile_rows, numeric=frozenset({2}),
                            title=1),
                empty="아직 알림을 구독한 대화가 없습니다.", half=True),
        Section("alerts-outcomes", "보낸 알림",
                table=Table(["결과", "건수", "비율"], [
                    [Cell(a), Cell(b), Cell(c)] for a, b, c in outcome],
                    numeric=frozenset({1, 2})),
                note=summary["clicks_note"], half=True),
    ]
