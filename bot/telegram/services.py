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
from typing import Any, Protocol, TypeVar

from telegram import Update
from telegram.ext import ContextTypes

from bot.language import detect_language
from bot.models import StreamEvent
from bot.telegram.ratelimit import SlidingWindowLimiter
from bot.telegram.streaming import EditThrottle
from knowledge.settings import Settings

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

    def daily_stats(self, day: Any = None) -> Any: ...


@dataclass
class BotServices:
    settings: Settings
    engine: Engine
    answer_log: AnswerLogPort | None
    reingest: Callable[[], Any] | None
    limiter: SlidingWindowLimiter
    throttle: EditThrottle
    # Per-process key: conversation ids are pseudonyms that cannot be traced back to a chat.
    conversation_key: bytes = field(default_factory=lambda: secrets.token_bytes(16))
    reingest_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    # The answer log's writes get their own thread: in the shared default pool they would queue
    # behind every pending retrieval, and all answers of a burst would leave together at the end.
    log_executor: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(
        max_workers=2, thread_name_prefix="answer-log"))

    @classmethod
    def from_settings(cls, settings: Settings, engine: Engine, answer_log: AnswerLogPort | None,
                      reingest: Callable[[], Any] | None) -> BotServices:
        return cls(settings, engine, answer_log, reingest,
                   SlidingWindowLimiter(settings.telegram_rate_limit_count,
                                        settings.telegram_rate_limit_window),
                   EditThrottle(settings.telegram_stream_edit_interval))

    def conversation_id(self, chat_id: int, thread_id: int | None = None) -> str:
        """The engine's conversation id: chat (+ forum topic), hashed, never the raw id."""
        raw = f"{chat_id}:{thread_id or 0}".encode()
        return "tg-" + hmac.new(self.conversation_key, raw, hashlib.sha256).hexdigest()[:24]

    async def in_log_thread(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """Run an answer-log call (blocking SQL) off the event loop, in its own thread."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.log_executor, functools.partial(fn, *args,
                                                                               **kwargs))

    def close(self) -> None:
        self.log_executor.shutdown(wait=False)

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
