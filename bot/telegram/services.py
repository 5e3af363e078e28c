"""What the handlers share: the engine, the answer log, the limits, kept in `bot_data`.

The engine and the answer log are described by small protocols (the contract in bot/engine.py
and bot/answer_log/), so this package imports neither at module level and tests can see exactly
what the bot relies on.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import hmac
import secrets
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from telegram import Update
from telegram.ext import ContextTypes

from bot.language import detect_language
from bot.models import StreamEvent
from bot.settings import Settings
from bot.shared_state import SharedState, SharedStateSettings, StateKeys
from bot.telegram.ratelimit import SharedWindowLimiter, SlidingWindowLimiter
from bot.telegram.streaming import EditThrottle

if TYPE_CHECKING:
    from bot.alerts.service import Alerts

SERVICES_KEY = "startupbot.services"
T = TypeVar("T")


class Engine(Protocol):
    kb: Any
    generator: Any  # None: extractive answers, nothing to stream

    async def aanswer(self, question: str, *, conversation_id: str | None = None,
                      category: str | None = None) -> Any: ...

    def astream(self, question: str, *, conversation_id: str | None = None,
                category: str | None = None) -> AsyncIterator[StreamEvent]: ...

    def forget(self, conversation_id: str) -> None: ...


class AnswerLogPort(Protocol):
    def record(self, answer: Any, *, channel: str, user_id: str | int | None = None,
               chat_id: str | int | None = None) -> int | None: ...

    def set_feedback(self, answer_id: int, rating: int, comment: str | None = None) -> bool: ...

    def add_comment(self, answer_id: int, comment: str) -> bool: ...

    def answer_in_chat(self, answer_id: int, chat_id: str | int) -> bool: ...

    def daily_stats(self, day: Any = None) -> Any: ...


@dataclass
class BotServices:
    settings: Settings
    engine: Engine
    answer_log: AnswerLogPort | None
    reingest: Callable[[], Any] | None
    limiter: SlidingWindowLimiter | SharedWindowLimiter
    throttle: EditThrottle
    # Conversation ids and state keys are pseudonyms under `keys.conversation`; the 👍/👎
    # buttons are signed with `keys.callback`. Both come from settings (or the user-hash salt),
    # so every replica computes the same ones.
    keys: StateKeys = field(default_factory=lambda: StateKeys(secrets.token_bytes(32),
                                                              secrets.token_bytes(32)))
    state: SharedState | None = None  # None: pending comments live in this process only
    alerts: Alerts | None = None  # issue 16: subscriptions, /match, /alerts (None: not here)
    state_settings: SharedStateSettings = field(default_factory=lambda: SharedStateSettings(
        _env_file=None))  # type: ignore[call-arg]
    reingest_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    # The answer log's writes get their own thread: in the shared default pool they would queue
    # behind every pending retrieval, and all answers of a burst would leave together at the end.
    log_executor: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(
        max_workers=2, thread_name_prefix="answer-log"))
    # Shared-state calls (rate window, pending comment, update ids): short and frequent.
    state_executor: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(
        max_workers=4, thread_name_prefix="shared-state"))

    @classmethod
    def from_settings(cls, settings: Settings, engine: Engine, answer_log: AnswerLogPort | None,
                      reingest: Callable[[], Any] | None, *,
                      state: SharedState | None = None,
                      state_settings: SharedStateSettings | None = None) -> BotServices:
        state_settings = state_settings or SharedStateSettings()
        salt = settings.user_hash_salt
        keys = StateKeys.from_settings(
            state_settings, salt=salt.get_secret_value().encode("utf-8") if salt else None,
            data_dir=settings.data_dir)
        count, window = settings.telegram_rate_limit_count, settings.telegram_rate_limit_window
        limiter: SlidingWindowLimiter | SharedWindowLimiter = (
            SlidingWindowLimiter(count, window) if state is None else SharedWindowLimiter(
                state, count, window, key=lambda user_id: keys.pseudonym("user", user_id)))
        return cls(settings, engine, answer_log, reingest, limiter,
                   EditThrottle(settings.telegram_stream_edit_interval), keys=keys, state=state,
                   state_settings=state_settings)

    def conversation_id(self, chat_id: int, thread_id: int | None = None) -> str:
        """The engine's conversation id: chat (+ forum topic), hashed, never the raw id."""
        raw = f"{chat_id}:{thread_id or 0}".encode()
        return "tg-" + hmac.new(self.keys.conversation, raw, hashlib.sha256).hexdigest()[:24]

    def feedback_signature(self, answer_id: int, chat_id: int) -> str:
        """Binds a 👍/👎 button to its answer and its chat (keyboards.feedback_keyboard)."""
        return self.keys.sign(f"fb:{answer_id}:{chat_id}")

    async def in_log_thread(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """Run an answer-log call (blocking SQL) off the event loop, in its own thread."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.log_executor, functools.partial(fn, *args,
                                                                               **kwargs))

    async def in_state_thread(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """Run a shared-state call (SQL or Redis) off the event loop."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.state_executor, functools.partial(fn, *args,
                                                                                 **kwargs))

    def close(self) -> None:
        self.log_executor.shutdown(wait=False)
        self.state_executor.shutdown(wait=False)
        if self.state is not None:
            self.state.close()

    def is_staff(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.settings.telegram_staff_ids


def services(context: ContextTypes.DEFAULT_TYPE) -> BotServices:
    return context.application.bot_data[SERVICES_KEY]


def user_language(update: Update, text: str | None = None) -> str:
    """Korean first; English when the text is English, or (without text) the app is English."""
    if text:
        return detect_language(text)
    user = update.effective_user
    code = (user.language_code or "") if user else ""
    return "en" if code.lower().startswith("en") else "ko"
