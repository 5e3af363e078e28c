"""The review stats page on a phone (375 x 667, mobile emulation) in real headless Chromium.

Issue 16 part 4: at phone width the axis labels overlapped, the feedback axis was clipped and
the daily table collapsed into unlabelled numbers. Measured in the browser from the rendered
boxes: chart texts inside their SVG, axis labels apart and big enough to read, every table cell
labelled with its column, nothing wider than the screen. The screenshot goes to
tests/artifacts/review_stats_phone.png (copied to docs/review-stats-phone.png).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer_log import AnswerLog
from bot.models import Answer, AnswerMode, Source
from bot.review.web import create_app
from tests.helpers import serving
from tests.test_review_browser import ARTIFACTS, _sign_in
from tests.test_review_browser import browser as browser

TOKEN = "phone-stats-token-51c2"
PHONE = {"width": 375, "height": 667, "deviceScaleFactor": 2, "mobile": True}
TABLET = {"width": 600, "height": 900, "deviceScaleFactor": 1, "mobile": True}
DESK = {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False}
REFUSED = ["부산 창업 지원금은?", "비트코인 시세 알려줘", "서울 청년창업 공간 임대료는?"]
MIN_LABEL_PX = 10.0  # rendered height of an axis label's box

# every text of every visible chart: its box, its class, and the SVG's box
CHART_BOXES = """
return [...document.querySelectorAll('svg.chart')].filter(s => s.getClientRects().length)
  .map(svg => ({
    id: svg.closest('[id]') ? svg.closest('[id]').id : '',
    svg: svg.getBoundingClientRect().toJSON(),
    texts: [...svg.querySelectorAll('text')].map(t => ({
      text: t.textContent, cls: t.getAttribute('class') || '',
      box: t.getBoundingClientRect().toJSON()}))}));
"""
TABLE_CELLS = """
const table = document.querySelector(arguments[0]);
const heads = [...table.querySelectorAll('thead th')].map(th => th.textContent.trim());
return {heads, theadShown: getComputedStyle(table.querySelector('thead')).display !== 'none',
  rows: [...table.querySelectorAll('tbody tr')].map(tr => [...tr.children].map(td => ({
    label: td.dataset.label || '', text: td.textContent.trim(),
    display: getComputedStyle(td).display,
    before: getComputedStyle(td, '::before').content})))};
"""


def _overlap(a: dict, b: dict) -> float:
    width = min(a["right"], b["right"]) - max(a["left"], b["left"])
    height = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
    return max(0.0, width) * max(0.0, height)


@pytest.fixture
def stats_site(tmp_path: Path):
    """The review app over a month of answers (some days busy, some silent)."""

    log = AnswerLog(f"sqlite:///{tmp_path / 'log.sqlite3'}", salt=b"s" * 16)
    now = datetime.now(UTC)
    source = Source(number=1, title="팁스(TIPS)", section="지원 내용", source="tips.md",
                    url="https://www.jointips.or.kr/", score=0.9, chunk_id="tips-0001")
    for day in range(29, -1, -1):
        if day % 9 == 4:
            continue  # a day without questions
        for n in range(3 + (day * 7) % 11):
            refused = n % 5 == 4
            question = (REFUSED[day % len(REFUSED)] if refused
                        else f"질문 {day}-{n}: 예비창업패키지 신청 자격은?")
            answer = Answer(question=question,
                            query="예비창업패키지 신청 자격", sources=[] if refused else [source],
                            mode=AnswerMode.REFUSED if refused else AnswerMode.EXTRACTIVE,
                            answer="예비창업자가 신청할 수 있습니다 [1].",
                            timings={"total": 0.4 + n / 20})
            answer_id = log.record(answer, channel="telegram", user_id=5000 + n,
                                   created_at=now - timedelta(days=day, minutes=n))
            if n % 3 == 0:
                log.set_feedback(answer_id, 1 if (day + n) % 4 else -1)
    app = create_app(log_=log, corrections=None, token=TOKEN)
    with serving(app) as url:
        yield url
    log.close()


def _check_charts(driver, screen: dict) -> None:
    """Both charts shown, every text inside its SVG, axis labels legible and apart."""
    charts = driver.execute_script(CHART_BOXES)
    assert sorted(c["id"] for c in charts) == ["feedback-chart", "volume-chart"], charts
    for chart in charts:
        svg = chart["svg"]
        assert 280 <= svg["width"] <= screen["width"], chart["id"]
        for text in chart["texts"]:
            box = text["box"]
            inside = (box["left"] >= svg["left"] - 0.5 and box["right"] <= svg["right"] + 0.5
                      and box["top"] >= svg["top"] - 0.5
                      and box["bottom"] <= svg["bottom"] + 0.5)
            assert inside, f"{chart['id']}: {text['text']!r} is cut off by the chart's edge"
        axis = [t for t in chart["texts"] if "axis" in t["cls"].split()]
        assert len(axis) >= 4, f"{chart['id']}: too few axis labels {axis}"
        for text in axis:
            assert text["box"]["height"] >= MIN_LABEL_PX, (
                f"{chart['id']}: {text['text']!r} is {text['box']['height']:.1f}px high")
        for i, a in enumerate(axis):
            for b in axis[i + 1:]:
                assert _overlap(a["box"], b["box"]) < 1.0, (
                    f"{chart['id']}: axis labels {a['text']!r} and {b['text']!r} overlap")


def _open_stats(driver, site: str, screen: dict, days: int) -> None:
    driver.get(site + "/login")
    _sign_in(driver, TOKEN)
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", screen)
    driver.get(f"{site}/stats?days={days}")
    assert driver.execute_script("return window.innerWidth") == screen["width"]
    overflow = driver.execute_script(
        "return document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the stats page scrolls sideways at {screen['width']}px ({overflow}px)"


@pytest.mark.parametrize("screen,days", [(TABLET, 30), (DESK, 90), (DESK, 14)])
def test_stats_charts_on_wider_screens(browser, stats_site, screen: dict, days: int) -> None:
    _open_stats(browser, stats_site, screen, days)
    _check_charts(browser, screen)
    table = browser.execute_script(TABLE_CELLS, "#daily-table table")
    assert table["theadShown"] and table["rows"][0][0]["display"] == "table-cell"


@pytest.mark.parametrize("days", [30, 7])
def test_stats_page_fits_a_phone(browser, stats_site, days: int) -> None:
    driver = browser
    _open_stats(driver, stats_site, PHONE, days)
    _check_charts(driver, PHONE)

    table = driver.execute_script(TABLE_CELLS, "#daily-table table")
    assert table["heads"][:2] == ["날짜", "질문"] and not table["theadShown"]
    assert table["rows"], "no days in the daily table"
    for row in table["rows"]:
        assert [c["label"] for c in row] == table["heads"], row
        for cell in row:
            assert cell["display"] != "table-cell", "the daily table did not stack"
            assert cell["label"] in cell["before"], f"cell {cell['text']!r} shows no label"

    if days == 30:
        ARTIFACTS.mkdir(exist_ok=True)
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {**PHONE, "height": min(int(height), 1900)})
        driver.save_screenshot(str(ARTIFACTS / "review_stats_phone.png"))
