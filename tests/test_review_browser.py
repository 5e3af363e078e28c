"""The review page driven in real headless Chromium (Debian's chromium + chromium-driver).

A maintainer's session: sign-in refused without and with a wrong token, sign in, filter to 👎,
open an answer, save a correction (checked in the database and the curated folder), and the
pages fit a phone-width screen. Screenshots go to tests/artifacts/ (see docs/review.md).

CI installs the browser with scripts/install-test-browser.sh; there, a missing browser FAILS
this test. Elsewhere (CI unset) it is skipped with the command to run.
"""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.answer_log import AnswerLog, ReviewStatus
from bot.models import Answer, AnswerMode, Source
from bot.review.corrections import Corrections
from bot.review.web import create_app
from tests.helpers import serving

TOKEN = "browser-test-token-9d3f"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                  "--disable-extensions", "--lang=ko-KR")
CORRECTION = ("2026년 팁스 일반형은 최대 5억원(2년)을 지원합니다. "
              "올해 공고에서 금액을 꼭 확인하세요.")

QUESTIONS = [
    ("팁스 지원 금액은 얼마인가요?", AnswerMode.GENERATIVE, -1),
    ("예비창업패키지 신청 자격은?", AnswerMode.GENERATIVE, 1),
    ("부산 창업 지원금은?", AnswerMode.REFUSED, None),
    ("충북 청년창업사관학교 모집 기간은?", AnswerMode.EXTRACTIVE, 1),
    ("수출바우처 신청 방법 알려줘", AnswerMode.FALLBACK, -1),
    ("벤처기업 확인 절차는?", AnswerMode.GENERATIVE, None),
    ("엔젤투자 소득공제율은?", AnswerMode.GENERATIVE, 1),
    ("비트코인 시세 알려줘", AnswerMode.REFUSED, None),
]


def _driver_paths() -> tuple[Path, str] | None:
    driver = shutil.which("chromedriver") or (
        "/usr/bin/chromedriver" if Path("/usr/bin/chromedriver").exists() else None)
    return (CHROMIUM, driver) if CHROMIUM.exists() and driver else None


@pytest.fixture
def browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    paths = _driver_paths()
    if paths is None:
        message = ("Debian chromium/chromium-driver not installed: run "
                   "scripts/install-test-browser.sh")
        if os.environ.get("CI"):
            pytest.fail(message + " (CI must install it)")
        pytest.skip(message)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    monkeypatch.setenv("SE_OFFLINE", "true")  # Selenium Manager must never download a driver
    options = webdriver.ChromeOptions()
    options.binary_location = str(paths[0])
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path / 'chromium-profile'}")
    options.add_argument("--window-size=1280,1000")
    driver = webdriver.Chrome(options=options, service=Service(executable_path=paths[1]))
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


@pytest.fixture
def site(corpus_copy):
    """The review app on a loopback port (uvicorn in a thread) over a seeded SQLite log."""

    log = AnswerLog.from_settings(corpus_copy.settings)
    now = datetime.now(UTC)
    ids: dict[str, int] = {}
    for day in range(13, -1, -1):  # two weeks of traffic, oldest first, for the charts
        for n, (question, mode, rating) in reversed(list(enumerate(QUESTIONS))):
            if (day + n) % 3 == 0 and day:
                continue
            sources = [] if mode is AnswerMode.REFUSED else [Source(
                number=1, title="팁스(TIPS)", section="지원 내용", source="tips.md",
                url="https://www.jointips.or.kr/", score=0.9, chunk_id="tips-0001")]
            answer = Answer(question=question, query=question, mode=mode, sources=sources,
                            answer=("팁스는 최대 5억원을 지원합니다 [1]." if sources
                                    else "죄송합니다. 자료에서 답을 찾지 못했습니다."),
                            timings={"retrieval": 0.2, "total": 0.6 + n / 10})
            answer_id = log.record(answer, channel="telegram", user_id=1000 + n,
                                   created_at=now - timedelta(days=day, minutes=n))
            if rating and (day + n) % 2 == 0:
                log.set_feedback(answer_id, rating)
            if day == 0:
                ids[question] = answer_id
    log.set_feedback(ids[QUESTIONS[0][0]], -1, "올해 금액과 달라요")

    corrections = Corrections(log, corpus_copy.settings.curated_dir, lambda: corpus_copy)
    app = create_app(log_=log, corrections=corrections, token=TOKEN, page_size=20)
    with serving(app) as url:
        yield url, log, ids, corpus_copy.settings
    log.close()


def _click_and_load(driver, element) -> None:
    """Click something that loads a new page, and wait until the new page is there.

    The old page is marked with a window property that the new page does not have. Chromium
    can answer any command sent while it swaps pages with a transient "unhandled inspector
    error" (it broke a CI run inside `staleness_of`), so errors while waiting are retried
    until the new, fully loaded page answers.
    """
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    driver.execute_script("window.__oldPage = true;")
    element.click()
    wait = WebDriverWait(driver, 60, ignored_exceptions=(WebDriverException,))
    wait.until(
        lambda d: d.execute_script(
            "return window.__oldPage === undefined && document.readyState === 'complete';"
        )
    )


def _sign_in(driver, token: str) -> None:
    from selenium.webdriver.common.by import By

    field = driver.find_element(By.ID, "token")
    field.clear()
    if token:
        field.send_keys(token)
    _click_and_load(driver, driver.find_element(By.ID, "sign-in"))


def test_maintainer_reviews_and_corrects_in_chromium(browser, site) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    base, log, ids, settings = site
    driver = browser
    ARTIFACTS.mkdir(exist_ok=True)

    # Sign-in: the list is behind it; an empty and a wrong token are refused.
    driver.get(base + "/")
    assert "/login" in driver.current_url
    _sign_in(driver, "")
    assert "토큰을 입력하세요" in driver.find_element(By.ID, "login-error").text
    _sign_in(driver, TOKEN[:-1] + "x")
    assert "토큰이 올바르지 않습니다" in driver.find_element(By.ID, "login-error").text
    assert not driver.find_elements(By.ID, "answers")
    _sign_in(driver, TOKEN)
    assert driver.find_element(By.TAG_NAME, "h1").text.startswith("답변 목록")
    assert driver.find_elements(By.CSS_SELECTOR, "#answers tbody tr")

    # Filter to 👎.
    Select(driver.find_element(By.ID, "f-feedback")).select_by_value("down")
    _click_and_load(driver, driver.find_element(By.ID, "apply-filters"))
    assert "feedback=down" in driver.current_url
    rows = driver.find_elements(By.CSS_SELECTOR, "#answers tbody tr")
    assert rows and all(r.find_element(By.CSS_SELECTOR, "td.fb").text == "👎" for r in rows)
    from bot.answer_log import AnswerFilter

    total_down = log.list_answers(AnswerFilter(feedback=-1)).total
    assert f"전체 {total_down:,}건" in driver.find_element(By.TAG_NAME, "h1").text

    # Open the newest 👎 answer: question, sources as links, feedback and history.
    _click_and_load(driver, rows[0].find_element(By.CSS_SELECTOR, "td.q a"))
    answer_id = int(driver.current_url.rstrip("/").rsplit("/", 1)[1])
    assert answer_id == ids[QUESTIONS[0][0]]
    assert driver.find_element(By.ID, "question").text == QUESTIONS[0][0]
    link = driver.find_element(By.CSS_SELECTOR, "#sources a")
    assert link.get_attribute("href") == "https://www.jointips.or.kr/"
    assert "👎" in driver.find_element(By.ID, "feedback").text
    assert "올해 금액과 달라요" in driver.find_element(By.ID, "history").text

    # Save a correction: stored in the log, written as a curated document, ingested.
    box = driver.find_element(By.ID, "corrected-answer")
    box.clear()
    box.send_keys(CORRECTION)
    _click_and_load(driver, driver.find_element(By.ID, "save-correction"))
    assert "지식 베이스에 반영했습니다" in driver.find_element(By.ID, "message").text
    assert driver.find_element(By.ID, "status").text == "수정됨"
    item = log.get(answer_id)
    assert item.review_status is ReviewStatus.CORRECTED
    assert item.corrected_answer == CORRECTION
    document = Path(settings.curated_dir) / f"reviewed-answer-{answer_id}.md"
    assert CORRECTION in document.read_text(encoding="utf-8")
    driver.save_screenshot(str(ARTIFACTS / "review_page.png"))

    # Charts are drawn server-side (inline SVG) and shown.
    driver.get(base + "/stats?days=14")
    charts = [c for c in driver.find_elements(By.CSS_SELECTOR, "svg.chart") if c.is_displayed()]
    assert len(charts) == 2 and all(c.size["width"] > 200 for c in charts)  # the wide ones
    driver.save_screenshot(str(ARTIFACTS / "review_stats.png"))

    # Phone width: nothing wider than the screen on the list and the detail page.
    driver.set_window_size(390, 900)
    for path in ("/?feedback=down", f"/answers/{answer_id}", "/stats"):
        driver.get(base + path)
        overflow = driver.execute_script(
            "return document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways on a phone ({overflow}px)"
    driver.get(base + "/?feedback=down")
    driver.save_screenshot(str(ARTIFACTS / "review_list_phone.png"))
    print(f"\nscreenshots: {ARTIFACTS}/review_page.png, review_stats.png, "
          "review_list_phone.png")
