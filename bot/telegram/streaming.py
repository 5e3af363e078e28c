"""Streamed answers: one message edited in place while the model writes, within Telegram's limits.

The first text is sent at once (the user sees progress after the first tokens); after that a
chat gets at most one edit per `interval` seconds, shared by every answer in that chat, and an
edit that would show the same text is skipped. The final edit swaps the preview for the checked
answer with its sources and the feedback buttons; a final answer longer than one message
continues in new messages. Extractive and refused answers arrive as a single final event and
are simply sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

from telegram import Bot, InlineKeyboardMarkup, Message

from bot.models import Answer, StreamEvent
from bot.telegram.render import render_preview, split_html
from bot.telegram.sending import Target, edit_html, send_html, send_long


class EditThrottle:
    """At most one message edit per `interval` seconds in each chat."""

    def __init__(self, interval: float, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.interval = interval
        self._clock = clock
        self._sleep = sleep
        self._last: dict[int, float] = {}

    def mark(self, chat_id: int) -> None:
        self._last[chat_id] = self._clock()
        if len(self._last) > 10_000:  # forget quiet chats
            horizon = self._clock() - self.interval
            self._last = {c: t for c, t in self._last.items() if t > horizon}

    async def slot(self, chat_id: int) -> None:
        """Wait until this chat may be edited again, and claim the slot."""
        while (delay := self._last.get(chat_id, -1e18) + self.interval - self._clock()) > 0:
            await self._sleep(delay)
        self.mark(chat_id)


Finisher = Callable[[Answer], Awaitable[tuple[str, InlineKeyboardMarkup | None]]]


@dataclass
class StreamingReply:
    bot: Bot
    target: Target
    throttle: EditThrottle
    first_text_shown: asyncio.Event | None = None  # stops the typing indicator
    message_id: int | None = None
    shown: str | None = None
    edits: int = 0
    messages: list[Message] = field(default_factory=list)
    _latest: str | None = None
    _flusher: asyncio.Task[None] | None = None

    async def run(self, events: AsyncIterator[StreamEvent], finish: Finisher) -> Answer:
        """Show the deltas, then the final answer rendered by `finish` (text, keyboard)."""
        answer = None
        try:
            async for event in events:
                if event.kind == "final":
                    answer = event.answer
                elif event.text.strip():
                    await self._delta(render_preview(event.text))
        finally:
            await self._stop_flusher()
            if hasattr(events, "aclose"):
                await events.aclose()
        if answer is None:
            raise RuntimeError("the engine's stream ended without a final answer")
        text, markup = await finish(answer)
        await self._final(text, markup)
        return answer

    async def _delta(self, preview: str) -> None:
        self._latest = preview
        if self.message_id is None:
            message = await send_html(self.bot, self.target, preview)
            self._shown_first(message, preview)
        elif self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush())

    def _shown_first(self, message: Message, text: str) -> None:
        self.messages.append(message)
        self.message_id, self.shown = message.message_id, text
        self.throttle.mark(self.target.chat_id)
        self.target.reply_to = None
        if self.first_text_shown is not None:
            self.first_text_shown.set()

    async def _flush(self) -> None:
        await self.throttle.slot(self.target.chat_id)
        latest = self._latest
        if latest is not None and latest != self.shown and self.message_id is not None:
            await edit_html(self.bot, self.target, self.message_id, latest)
            self.shown = latest
            self.edits += 1

    async def _stop_flusher(self) -> None:
        if self._flusher is not None and not self._flusher.done():
            self._flusher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._flusher

    async def _final(self, text: str, markup: InlineKeyboardMarkup | None) -> None:
        if self.message_id is None:
            self.messages += await send_long(self.bot, self.target, text, markup)
            if self.first_text_shown is not None:
                self.first_text_shown.set()
            return
        first, *rest = split_html(text)
        first_markup = None if rest else markup
        if first != self.shown or first_markup is not None:
            await self.throttle.slot(self.target.chat_id)
            await edit_html(self.bot, self.target, self.message_id, first, first_markup)
            self.shown = first
            self.edits += 1
        for i, part in enumerate(rest):
            last = i == len(rest) - 1
            self.messages.append(await send_html(self.bot, self.target, part,
                                                 markup if last else None))
