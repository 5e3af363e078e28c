"""Staff and Telegram views of the catalogue: review page, CLI, /programs rendering."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from bot import cli
from bot.answer_log import AnswerLog
from bot.review.web import create_app
from bot.telegram import programs
from knowledge.catalogue.models import Status
from knowledge.clock import Clock
from tests.catalogue_helpers import TODAY, catalogue_settings, sync_once
from tests.fakes import kstartup_api
from tests.fakes.kstartup_api import FakeKStartup

TOKEN = "review-token-123"


def _synced(tmp_path: Path):
    with FakeKStartup(kstartup_api.make_items(40, TODAY)) as ks:
        return sync_once(tmp_path, catalogue_settings(ks))[1]


def test_review_catalogue_page(tmp_path: Path) -> None:
    catalogue = _synced(tmp_path)
    log = AnswerLog(catalogue.url, salt=b"s" * 16)
    client = TestClient(
        create_app(
            log_=log, corrections=None, token=TOKEN, catalogue=catalogue, clock=Clock(TODAY)
        ),
        base_url="http://127.0.0.1",
    )
    assert client.get("/catalogue", follow_redirects=False).status_code == 303
    client.post("/login", data={"token": TOKEN}, follow_redirects=False)
    page = client.get("/catalogue?status=open")
    assert page.status_code == 200 and "지원사업 카탈로그" in page.text
    assert "동기화 기록" in page.text and "동기화 결과" in page.text
    open_titles = [s.programme.title for s in catalogue.search(Clock(TODAY), status=[Status.OPEN])]
    closed = [s.programme.title for s in catalogue.search(Clock(TODAY), status=[Status.CLOSED])]
    assert open_titles[0] in page.text and closed[0] not in page.text


def test_programs_cli(tmp_path: Path, monkeypatch) -> None:
    catalogue = _synced(tmp_path)
    monkeypatch.setenv("STARTUPBOT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("STARTUPBOT_TODAY", TODAY.isoformat())
    runner = CliRunner()
    result = runner.invoke(
        cli.app, ["programs", "list", "--status", "open", "--json"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["total"] == len(catalogue.search(Clock(TODAY), status=[Status.OPEN]))
    assert all(row["status"] == "open" for row in data["programmes"])
    first = data["programmes"][0]["id"]
    shown = runner.invoke(cli.app, ["programs", "show", first, "--json"], catch_exceptions=False)
    assert json.loads(shown.stdout)["programme"]["id"] == first
    missing = runner.invoke(cli.app, ["programs", "show", "ks-nope"])
    assert missing.exit_code == 1


def test_sync_cli_json_with_fakes(tmp_path: Path, monkeypatch) -> None:
    with FakeKStartup(kstartup_api.make_items(15, TODAY)) as ks:
        for key, value in {
            "STARTUPBOT_DATA_DIR": str(tmp_path),
            "STARTUPBOT_KSTARTUP_API_KEY": ks.state.key,
            "STARTUPBOT_KSTARTUP_API_URL": ks.url,
            "STARTUPBOT_TODAY": TODAY.isoformat(),
        }.items():
            monkeypatch.setenv(key, value)
        result = CliRunner().invoke(
            cli.app, ["sync", "--dry-run", "--json"], catch_exceptions=False
        )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["dry_run"] and data["changes"]["new"] and data["documents_written"] == 0


def test_programs_menu_listing_and_card(tmp_path: Path) -> None:
    catalogue = _synced(tmp_path)
    clock = Clock(TODAY)
    items = catalogue.all()
    text, markup = programs.menu(items, clock)
    assert "지원사업 찾아보기" in text
    buttons = [b for row in markup.inline_keyboard for b in row]
    assert all(len(b.callback_data.encode()) <= 64 for b in buttons)
    text, markup = programs.listing(items, clock, "s", 0)
    ids = [
        b.callback_data[5:]
        for row in markup.inline_keyboard
        for b in row
        if b.callback_data.startswith("pg:p:")
    ]
    listed = [catalogue.get(i).programme for i in ids]
    assert listed and all(p.status(clock) is Status.OPEN for p in listed)
    days = [p.d_day(clock) for p in listed]
    assert days == sorted(days)
    card = programs.card(listed[0], clock, "chungbuk_bot")
    assert (listed[0].title in card and "D-" in card) or "D-day" in card
    assert f"https://t.me/chungbuk_bot?start=p_{listed[0].id}" in card
    assert programs.DEEP_LINK.match(f"/start p_{listed[0].id}")


def test_sources_list_counts_programme_calls() -> None:
    from bot.telegram.render import render_sources
    from knowledge.models import DocumentInfo

    docs = [DocumentInfo(doc_id="a", title="팁스 안내", source="tips.md", category="investment")]
    docs += [DocumentInfo(doc_id=f"p{i}", title=f"공고 {i}", source=f"/x/ks-{i}.md",
                          category="programme") for i in range(300)]
    text = render_sources(docs, "ko")
    assert "팁스 안내" in text and "공고 12" not in text and "300 → /programs" in text


def test_sync_cli_without_keys_says_what_to_set(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("STARTUPBOT_DATA_DIR", str(tmp_path))
    result = CliRunner().invoke(cli.app, ["sync"])
    assert result.exit_code == 2 and "STARTUPBOT_KSTARTUP_API_KEY" in result.output
