"""The review page's 알림 view (issue 16): held broadcasts with a card preview, release and drop
by POST with the session's CSRF token, and the outbox's counts (FastAPI's TestClient)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot.alerts import planner
from bot.alerts.models import AlertStatus
from bot.alerts.service import Alerts
from bot.alerts.settings import AlertSettings
from bot.alerts.store import AlertStore
from bot.alerts.words import profile_from_words
from bot.answer_log import AnswerLog
from bot.review.web import create_app
from knowledge.catalogue.models import Stage
from tests.alerts_helpers import clock_at, programme, stored
from tests.conftest import make_settings
from tests.test_review_web import TOKEN, csrf_of, sign_in

LATER = datetime(2026, 3, 10, 3, 0, tzinfo=UTC)  # after the subscriptions (01:00 UTC)


@pytest.fixture
def alerts(tmp_path: Path, database_url: str):
    """On SQLite and on a real PostgreSQL (tests/servers.py), like the other page tests."""
    log = AnswerLog.from_settings(make_settings(tmp_path / "data", answer_log_url=database_url))
    clock = clock_at()
    items = [stored(programme("ks-a", title="충북 예비창업 <script>x</script> 공고",
                              stages=[Stage.PRE]), LATER),
             stored(programme("ks-b", title="충북 예비창업 두 번째 공고", stages=[Stage.PRE]),
                    LATER)]
    settings = AlertSettings(_env_file=None, require_release=True)  # type: ignore[call-arg]
    alerts = Alerts(AlertStore.from_answer_log(log, clock), settings, clock, lambda: items)
    for chat in (101, 102, 103):
        alerts.store.subscribe(chat, profile_from_words("예비창업"))
    alerts.store.subscribe(104, profile_from_words("초기창업"))  # fits neither call
    assert planner.plan_new(alerts.store, items, clock, settings) == 6
    yield alerts, log
    alerts.store.close()
    log.close()


def test_held_broadcasts_are_previewed_released_and_dropped(alerts) -> None:
    alerts, log = alerts
    client = TestClient(create_app(log_=log, corrections=None, token=TOKEN, alerts=alerts),
                        base_url="http://127.0.0.1")
    assert client.get("/alerts", follow_redirects=False).status_code == 303  # sign in first
    sign_in(client)
    page = client.get("/alerts")
    assert page.status_code == 200
    assert "보류 중인 발송 2건" in page.text and "받을 대화 3곳" in page.text
    assert "새 지원사업 공고" in page.text  # the card's head, as founders will see it
    assert "<script>" not in page.text and "&lt;script&gt;" in page.text
    assert "직원이 보내기를 눌러야 발송" in page.text and "보류 3" not in page.text
    assert "보류 6" in page.text
    ids = [int(i) for i in re.findall(r'id="cast-(\d+)"', page.text)]
    views = {v.id: v for v in alerts.store.broadcasts("held")}
    first = next(i for i in ids if views[i].programme_id == "ks-a")
    second = next(i for i in ids if i != first)
    csrf = csrf_of(page.text)

    forged = client.post(f"/alerts/{first}/release", data={"csrf": "0" * 64},
                         follow_redirects=False)
    assert forged.status_code == 403 and alerts.store.broadcast(first).status == "held"

    done = client.post(f"/alerts/{first}/release", data={"csrf": csrf}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/alerts?msg=released&n=3"
    assert "발송을 시작했습니다: 3건" in client.get(done.headers["location"]).text
    dropped = client.post(f"/alerts/{second}/drop", data={"csrf": csrf}, follow_redirects=False)
    assert dropped.headers["location"] == "/alerts?msg=dropped&n=3"
    again = client.post(f"/alerts/{first}/drop", data={"csrf": csrf}, follow_redirects=False)
    assert again.headers["location"] == "/alerts?msg=already"
    missing = client.post("/alerts/999/release", data={"csrf": csrf}, follow_redirects=False)
    assert missing.status_code == 404

    assert alerts.store.broadcast(first).status == "released"
    assert alerts.store.broadcast(second).status == "dropped"
    assert alerts.store.outbox_counts() == {"pending": 3, "dropped": 3}
    after = client.get("/alerts").text
    assert "보류 중인 발송이 없습니다" in after and "대기 3" in after and "취소 3" in after


def test_without_alerts_there_is_no_alerts_page(tmp_path: Path) -> None:
    log = AnswerLog.from_settings(make_settings(tmp_path / "data",
                                                answer_log_url=f"sqlite:///{tmp_path}/a.db"))
    client = TestClient(create_app(log_=log, corrections=None, token=TOKEN),
                        base_url="http://127.0.0.1")
    sign_in(client)
    assert client.get("/alerts").status_code == 404
    log.close()


def test_stats_page_shows_subscriptions_and_alert_outcomes(alerts) -> None:
    alerts, log = alerts
    client = TestClient(create_app(log_=log, corrections=None, token=TOKEN, alerts=alerts),
                        base_url="http://127.0.0.1")
    sign_in(client)
    [cast, _] = alerts.store.broadcasts("held")
    alerts.store.decide(cast.id, release=True, by="staff")
    sent = alerts.store.claim(10, 30.0)
    for item in sent:
        alerts.store.mark(item.id, AlertStatus.SENT)
    alerts.store.end(104, "muted")
    page = client.get("/stats").text
    assert 'id="alerts-subscriptions"' in page and "알림 구독 (활성 3 · 종료 1)" in page
    assert re.search(r'data-label="값"[^>]*>예비</td>', page)
    assert 'id="alerts-outcomes"' in page and "웹훅 모드" in page
    assert re.search(r'data-label="건수"[^>]*>3</td>', page)  # the three sent
