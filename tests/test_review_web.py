"""The review page over HTTP (FastAPI's TestClient): sign-in, filters, detail, actions, charts."""

from __future__ import annotations

import csv
import io
import re
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot.answer_log import AnswerLog, ReviewStatus
from bot.models import Answer, AnswerMode, Source
from bot.review.auth import COOKIE_NAME, SessionSigner
from bot.review.web import create_app
from tests.conftest import make_settings

TOKEN = "test-review-token-1234"


def answer(question: str, mode: AnswerMode = AnswerMode.GENERATIVE) -> Answer:
    sources = [] if mode is AnswerMode.REFUSED else [
        Source(number=1, title="팁스(TIPS)", section="지원 내용", source="tips.md",
               url="https://www.jointips.or.kr/", score=0.87, chunk_id="tips-1"),
        Source(number=2, title="내부 문서", source="local.md", url="javascript:alert(1)")]
    return Answer(question=question, query=question, mode=mode, sources=sources,
                  answer="답변 본문 [1]" if sources else "자료에 없습니다.",
                  timings={"total": 0.8})


@pytest.fixture
def log(tmp_path: Path, database_url: str) -> AnswerLog:
    """Each review-page test runs on SQLite and on a real PostgreSQL (tests/servers.py)."""
    log = AnswerLog.from_settings(make_settings(tmp_path / "data", answer_log_url=database_url))
    yield log
    log.close()


@pytest.fixture
def client(log: AnswerLog) -> TestClient:
    app = create_app(log_=log, corrections=None, token=TOKEN, page_size=50)
    return TestClient(app, base_url="http://127.0.0.1")


def sign_in(client: TestClient) -> None:
    response = client.post("/login", data={"token": TOKEN}, follow_redirects=False)
    assert response.status_code == 303 and COOKIE_NAME in response.cookies


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf" value="([0-9a-f]+)"', html)
    assert match, "every form carries a CSRF token"
    return match.group(1)


def test_sign_in_is_required_and_the_token_checked(client: TestClient) -> None:
    for path in ("/", "/stats", "/answers/1", "/export"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/login")
    empty = client.post("/login", data={"token": ""})
    assert empty.status_code == 401 and "토큰을 입력하세요" in empty.text
    wrong = client.post("/login", data={"token": TOKEN + "x"})
    assert wrong.status_code == 401 and "토큰이 올바르지 않습니다" in wrong.text
    assert COOKIE_NAME not in client.cookies

    response = client.post("/login", data={"token": TOKEN, "next": "/stats"},
                           follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/stats"
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    assert client.get("/").status_code == 200

    good = client.cookies[COOKIE_NAME]
    client.cookies.clear()
    client.cookies.set(COOKIE_NAME, good[:-1] + ("0" if good[-1] != "0" else "1"))  # forged
    assert client.get("/", follow_redirects=False).status_code == 303
    client.cookies.clear()
    sign_in(client)
    for offsite in ("//evil.example/", "/\\evil.example/", "https://evil.example/"):
        response = client.post("/login", data={"token": TOKEN, "next": offsite},
                               follow_redirects=False)
        assert response.headers["location"] == "/"
    client.post("/logout")
    assert client.get("/", follow_redirects=False).status_code == 303


def test_session_cookie_expires_and_dies_with_the_token() -> None:
    signer = SessionSigner(TOKEN, max_age_s=3600)
    cookie = signer.issue(now=time.time() - 7200)
    assert not signer.verify(cookie)
    fresh = signer.issue()
    assert signer.verify(fresh)
    assert not SessionSigner("another-token-5678", max_age_s=3600).verify(fresh)
    with pytest.raises(ValueError):
        SessionSigner("  ", max_age_s=1)


def test_list_filters_and_paging(client: TestClient, log: AnswerLog) -> None:
    ids = [log.record(answer(f"질문 {n:02d}", AnswerMode.REFUSED if n % 5 == 0
                             else AnswerMode.GENERATIVE), channel="telegram") for n in range(60)]
    for n in (3, 7, 8):
        log.set_feedback(ids[n], -1)
    sign_in(client)
    first = client.get("/").text
    assert "전체 60건" in first and "1 / 2쪽" in first and "질문 59" in first
    second = client.get("/?page=2").text
    assert "질문 09" in second and "질문 10" not in second

    down = client.get("/?feedback=down").text
    assert "전체 3건" in down
    assert re.findall(r"질문 \d\d", down) == ["질문 08", "질문 07", "질문 03"]
    refused = client.get("/?mode=refused&q=질문 5").text
    assert re.findall(r"질문 \d\d", refused) == ["질문 55", "질문 50"]
    assert "조건에 맞는 답변이 없습니다" in client.get("/?status=corrected").text
    assert client.get("/?since=not-a-date&mode=nonsense").status_code == 200  # ignored


def test_detail_shows_sources_feedback_history_and_marks(client: TestClient,
                                                         log: AnswerLog) -> None:
    answer_id = log.record(answer("팁스 <script>alert(1)</script> 금액?"), channel="telegram",
                           user_id=7)
    log.set_feedback(answer_id, -1, "금액이 틀려요")
    sign_in(client)
    page = client.get(f"/answers/{answer_id}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    assert '<a href="https://www.jointips.or.kr/"' in page and "팁스(TIPS) › 지원 내용" in page
    assert 'href="javascript:' not in page  # only http(s) sources become links
    assert "👎" in page and "금액이 틀려요" in page and "사용자 피드백" in page

    refused = client.post(f"/answers/{answer_id}/mark", data={"note": "x", "csrf": "bad"})
    assert refused.status_code == 403
    response = client.post(f"/answers/{answer_id}/mark",
                           data={"note": "확인 완료", "csrf": csrf_of(page)})
    assert response.status_code == 200 and "검토 완료로 표시했습니다" in response.text
    item = log.get(answer_id)
    assert item.review_status is ReviewStatus.REVIEWED and item.reviewer_note == "확인 완료"
    assert client.get("/answers/999999").status_code == 404
    # This server was started without corrections: the form is not offered.
    assert "save-correction" not in response.text


def test_stats_page_draws_charts_without_javascript(client: TestClient, log: AnswerLog) -> None:
    for question in ("부산 창업 지원금은?", "부산 창업지원금은", "비트코인 시세"):
        log.record(answer(question, AnswerMode.REFUSED), channel="telegram")
    liked = log.record(answer("팁스 금액"), channel="telegram")
    log.set_feedback(liked, 1)
    sign_in(client)
    page = client.get("/stats?days=7").text
    # each chart is drawn for a wide and a narrow screen; the CSS shows one
    assert page.count('<svg class="chart chart-wide"') == 2 and "<script" not in page
    assert page.count('<svg class="chart chart-narrow"') == 2
    assert "일별 질문 수" in page and "일별 피드백 비율" in page
    assert "질문 4건, 거절 3건" in page and "👍 1 · 👎 0" in page
    gaps = re.findall(r'<tr><td data-label="횟수" class="num">(\d+)</td>'
                      r'<td data-label="질문 \(최근 표현\)" class="title"><a [^>]+>([^<]+)</a>',
                      page)
    assert gaps == [("2", "부산 창업지원금은"), ("1", "비트코인 시세")]


def test_export_endpoint_uses_the_list_filters(client: TestClient, log: AnswerLog) -> None:
    keep = log.record(answer("내보낼 질문"), channel="cli")
    log.record(answer("다른 질문"), channel="cli")
    log.set_feedback(keep, -1)
    sign_in(client)
    response = client.get("/export?format=csv&feedback=down")
    assert response.status_code == 200 and "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(r["id"], r["question"], r["feedback"]) for r in rows] == [
        (str(keep), "내보낼 질문", "-1")]
    lines = client.get("/export?format=jsonl").text.splitlines()
    assert len(lines) == 2
