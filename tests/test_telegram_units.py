"""Unit tests of the Telegram pieces that need no server: HTML rendering and splitting, callback
data, the per-user rate limit, the edit throttle, settings and token checks."""

from __future__ import annotations

import re

import pytest

from bot.models import Answer, AnswerMode, Source
from bot.settings import load_settings
from bot.telegram.keyboards import (
    feedback_keyboard,
    parse_example,
    parse_feedback,
)
from bot.telegram.ratelimit import SlidingWindowLimiter
from bot.telegram.render import (
    MAX_MESSAGE,
    plain_text,
    render_answer,
    render_preview,
    split_html,
    visible_length,
)
from bot.telegram.serve import ServeError, check_token
from bot.telegram.streaming import EditThrottle
from knowledge.settings import SettingsError
from tests.fakes.telegram_api import parse_entities


def answer_with(text: str, sources: list[Source] | None = None, **kw) -> Answer:
    return Answer(question="q", query="q", answer=text, mode=AnswerMode.GENERATIVE,
                  sources=sources or [], **kw)


SOURCE = Source(number=1, title="예비창업패키지 <2025>", section="지원 내용 & 한도",
                source="startup-packages.md", url="https://www.k-startup.go.kr/?a=1&b=\"2\"",
                facts_as_of="2025")


def test_answer_html_escapes_everything_and_links_its_sources() -> None:
    answer = answer_with("최대 1억 원 <b>[1]</b> & 더 <script>", [SOURCE],
                         notice="※ <대체 답변>")
    markup = render_answer(answer)
    text, entities = parse_entities(markup, "HTML")  # what Telegram would make of it
    assert text.startswith("최대 1억 원 <b>[1]</b> & 더 <script>")
    assert "※ <대체 답변>" in text
    assert "출처\n[1] 예비창업패키지 <2025> › 지원 내용 & 한도 · 2025 기준" in text
    (link,) = [e for e in entities if e["type"] == "text_link"]
    assert link["url"] == 'https://www.k-startup.go.kr/?a=1&b="2"'
    assert {e["type"] for e in entities} == {"italic", "bold", "text_link"}


def test_source_without_a_web_address_is_plain_and_javascript_urls_are_dropped() -> None:
    bad = SOURCE.model_copy(update={"url": "javascript:alert(1)"})
    none = SOURCE.model_copy(update={"url": "", "number": 2})
    markup = render_answer(answer_with("답 [1] [2]", [bad, none]))
    assert "href" not in markup
    assert "[2] 예비창업패키지 &lt;2025&gt;" in markup


def test_english_answers_get_an_english_source_heading() -> None:
    markup = render_answer(answer_with("About 100M KRW [1]", [SOURCE], language="en"))
    assert "<b>Sources</b>" in markup and "as of 2025" in markup


def test_split_keeps_short_messages_whole() -> None:
    markup = render_answer(answer_with("짧은 답 [1]", [SOURCE]))
    assert split_html(markup) == [markup]


def test_split_cuts_long_answers_at_paragraphs_and_never_inside_a_tag() -> None:
    paragraphs = [f"{i}번째 문단입니다. " + "지원 내용을 설명하는 문장입니다. " * 40
                  for i in range(12)]
    markup = "\n\n".join(paragraphs) + "\n\n" + "<b>출처</b>\n" + "\n".join(
        f'[{i}] <a href="https://example.org/{i}">문서 {i}</a>' for i in range(1, 30))
    parts = split_html(markup)
    assert len(parts) >= 3
    for part in parts:
        assert visible_length(part) <= MAX_MESSAGE
        parse_entities(part, "HTML")  # raises on unbalanced or broken tags
        assert part == part.strip()
    joined = "".join(plain_text(p) for p in parts)
    assert re.sub(r"\s", "", joined) == re.sub(r"\s", "", plain_text(markup))
    # paragraph boundaries are used: every part but the last ends a paragraph
    for part in parts[:-1]:
        assert plain_text(part).endswith("문장입니다.")


def test_split_counts_what_telegram_counts() -> None:
    # entities count one character, emoji two UTF-16 units, tags nothing
    assert visible_length("<b>a&amp;b</b>😀") == 5
    parts = split_html("😀" * 3000)
    assert [visible_length(p) for p in parts] == [4096, 1904]


def test_split_closes_and_reopens_a_tag_longer_than_a_message() -> None:
    markup = "<i>" + "아주 긴 기울임 문장입니다. " * 500 + "</i> 끝"
    parts = split_html(markup, limit=1000)
    assert len(parts) > 3
    for part in parts:
        text, entities = parse_entities(part, "HTML")
        assert len(text) <= 1000 and entities[0]["type"] == "italic"
    assert parts[0].startswith("<i>") and parts[0].endswith("</i>")
    assert parts[1].startswith("<i>")
    assert parts[-1].endswith("끝")


def test_preview_is_escaped_cut_and_marked_as_in_progress() -> None:
    assert render_preview("1억 <원> [1") == "1억 &lt;원&gt; [1 ▌"
    long = render_preview("가" * 5000)
    assert visible_length(long) <= MAX_MESSAGE and long.endswith("… ▌")


def test_callback_data_round_trips_within_64_bytes() -> None:
    markup = feedback_keyboard(2**62, chosen=-1)
    up, down = markup.inline_keyboard[0]
    assert len(up.callback_data.encode()) <= 64
    assert parse_feedback(up.callback_data) == (2**62, 1)
    assert parse_feedback(down.callback_data) == (2**62, -1)
    assert down.text.endswith("✓") and not up.text.endswith("✓")
    assert parse_feedback("fb:12:x") is None and parse_feedback(None) is None
    assert parse_example("ex:3") == 3 and parse_example("ex:x") is None


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_rate_limit_is_a_sliding_window_per_user_and_warns_once() -> None:
    clock = Clock()
    limiter = SlidingWindowLimiter(3, 60, clock=clock)
    allowed = []
    for _ in range(3):  # at t = 0, 10, 20
        allowed.append(limiter.hit(1).allowed)
        clock.now += 10
    assert allowed == [True, True, True]
    refused = limiter.hit(1)  # t = 30
    assert not refused.allowed and refused.warn and refused.retry_seconds == 30
    clock.now += 5
    again = limiter.hit(1)
    assert not again.allowed and not again.warn and again.retry_seconds == 25
    assert limiter.hit(2).allowed  # someone else
    clock.now += 25  # t = 60: the first question leaves the window
    assert limiter.hit(1).allowed
    later = limiter.hit(1)
    assert not later.allowed and later.warn and later.retry_seconds == 10
    clock.now += 61
    assert limiter.hit(1).allowed


@pytest.mark.asyncio
async def test_edit_throttle_spaces_edits_in_one_chat_only() -> None:
    clock = Clock()
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(round(seconds, 3))
        clock.now += seconds

    throttle = EditThrottle(1.5, clock=clock, sleep=sleep)
    await throttle.slot(7)
    clock.now += 0.5
    await throttle.slot(7)
    await throttle.slot(8)  # another chat: no wait
    await throttle.slot(8)
    assert slept == [1.0, 1.5]


def test_settings_read_staff_ids_and_check_the_webhook_secret(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STARTUPBOT_TELEGRAM_STAFF_IDS", "111, 222")
    monkeypatch.setenv("STARTUPBOT_TELEGRAM_MODE", "webhook")
    settings = load_settings(_env_file=None)
    assert settings.telegram_staff_ids == [111, 222]
    assert settings.telegram_mode == "webhook"
    assert settings.telegram_rate_limit_count == 6 and settings.telegram_rate_limit_window == 60
    monkeypatch.setenv("STARTUPBOT_TELEGRAM_WEBHOOK_SECRET", "has spaces!")
    with pytest.raises(SettingsError, match="TELEGRAM_WEBHOOK_SECRET"):
        load_settings(_env_file=None)


@pytest.mark.parametrize(("token", "problem"), [
    (None, "설정되지 않았습니다"),
    ("", "설정되지 않았습니다"),
    ("bot123456:ABCdef", "형식"),
    ("'123456:ABCdef'", "형식"),
    ("123456 ABCdef", "형식"),
])
def test_token_presence_and_format_are_checked(token: str | None, problem: str) -> None:
    settings = load_settings(_env_file=None, telegram_bot_token=token)
    with pytest.raises(ServeError, match=problem):
        check_token(settings)


def test_a_well_formed_token_passes() -> None:
    settings = load_settings(_env_file=None,
                             telegram_bot_token="123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw")
    assert check_token(settings).startswith("123456789:")


def test_signed_feedback_buttons_bind_answer_and_chat() -> None:
    from bot.shared_state import SharedStateSettings, StateKeys
    from bot.telegram.keyboards import parse_signed_feedback

    settings = SharedStateSettings(_env_file=None)  # type: ignore[call-arg]
    keys = StateKeys.from_settings(settings, salt=b"salt-one")
    again = StateKeys.from_settings(settings, salt=b"salt-one")  # another replica, same salt
    other = StateKeys.from_settings(settings, salt=b"salt-two")
    signature = keys.sign("fb:41:1001")
    assert again.verify("fb:41:1001", signature)
    assert not keys.verify("fb:42:1001", signature) and not keys.verify("fb:41:1002", signature)
    assert not other.verify("fb:41:1001", signature)
    assert keys.pseudonym("user", 7) == again.pseudonym("user", 7) != other.pseudonym("user", 7)
    assert "987654321" not in keys.pseudonym("user", 987654321)
    markup = feedback_keyboard(2**62, chosen=1, signature=signature)
    up, down = markup.inline_keyboard[0]
    assert len(down.callback_data.encode()) <= 64
    assert parse_signed_feedback(up.callback_data) == (2**62, 1, signature)
    assert parse_signed_feedback(f"fb:1:+:{signature}x") is None  # not 16 characters
    explicit = StateKeys.from_settings(SharedStateSettings(  # type: ignore[call-arg]
        conversation_key="k" * 16, callback_key="c" * 16, _env_file=None))
    assert explicit.conversation == b"k" * 16 and explicit.callback == b"c" * 16


def test_a_failing_shared_store_never_refuses_or_breaks_a_question() -> None:
    from bot.conversation import ConversationStore, Turn
    from bot.telegram.ratelimit import SharedWindowLimiter

    class Down:
        def __getattr__(self, name: str):
            def fail(*args, **kwargs):
                raise ConnectionError("store down")
            return fail

    assert SharedWindowLimiter(Down(), 1, 60, key=str).hit(1).allowed
    store = ConversationStore(backend=Down())  # type: ignore[arg-type]
    store.add("c", Turn("q", "q", "a"))
    assert store.history("c") == [] and store.forget("c") is False
