"""Sending and editing messages: HTML, split to fit, one retry after a group became a supergroup.

Flood limits (429) are not handled here: `AIORateLimiter` waits and retries every request.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

from telegram import (
    Bot,
    ForceReply,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, ChatMigrated, TelegramError

from bot.telegram.render import split_html

log = logging.getLogger(__name__)

TYPING_EVERY = 4.0  # seconds; Telegram shows "typing…" for about 5 s
_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)  # a source link must not expand into a card


@dataclass
class Target:
    """Where a reply goes: the chat, its forum topic, and the message it answers (groups)."""

    chat_id: int
    thread_id: int | None = None
    reply_to: int | None = None

    @classmethod
    def of(cls, update: Update, *, quote: bool | None = None) -> Target:
        message = update.effective_message
        chat = update.effective_chat
        assert chat is not None
        thread = message.message_thread_id if message and message.is_topic_message else None
        quote = chat.type != chat.PRIVATE if quote is None else quote
        reply_to = message.message_id if quote and message and update.message else None
        return cls(chat.id, thread, reply_to)


def _migrated(target: Target, exc: ChatMigrated) -> None:
    log.info("telegram.chat_migrated", extra={"retry": True})
    target.chat_id = exc.new_chat_id
    target.thread_id = None
    target.reply_to = None  # the message lives in the old chat


async def send_html(bot: Bot, target: Target, text: str,
                    markup: InlineKeyboardMarkup | ForceReply | None = None) -> Message:
    """One message (already short enough); retried once on the new id of a migrated group."""
    for attempt in (1, 2):
        try:
            return await bot.send_message(
                target.chat_id, text, parse_mode=ParseMode.HTML,
                message_thread_id=target.thread_id, reply_markup=markup,
                link_preview_options=_NO_PREVIEW,
                reply_parameters=(ReplyParameters(target.reply_to,
                                                  allow_sending_without_reply=True)
                                  if target.reply_to else None))
        except ChatMigrated as exc:
            if attempt == 2:
                raise
            _migrated(target, exc)
    raise AssertionError("unreachable")


async def send_long(bot: Bot, target: Target, text: str,
                    markup: InlineKeyboardMarkup | None = None) -> list[Message]:
    """`text` in as many messages as needed; the keyboard goes under the last one."""
    parts = split_html(text)
    sent = []
    for i, part in enumerate(parts):
        sent.append(await send_html(bot, target, part, markup if i == len(parts) - 1 else None))
        target.reply_to = None  # quote the question once
    return sent


async def edit_html(bot: Bot, target: Target, message_id: int, text: str,
                    markup: InlineKeyboardMarkup | None = None) -> bool:
    """Edit a message in place; False when Telegram says nothing changed."""
    try:
        await bot.edit_message_text(text, chat_id=target.chat_id, message_id=message_id,
                                    parse_mode=ParseMode.HTML, reply_markup=markup,
                                    link_preview_options=_NO_PREVIEW)
    except BadRequest as exc:
        if "not modified" in exc.message.lower():
            return False
        raise
    return True


async def send_text(bot: Bot, target: Target, text: str) -> Message:
    """Plain text (escaped here), e.g. the polite replies and error apologies."""
    return await send_html(bot, target, html.escape(text, quote=False))


@contextlib.asynccontextmanager
async def typing(bot: Bot, target: Target, every: float = TYPING_EVERY) -> AsyncIterator[
        asyncio.Event]:
    """Show "typing…" until the block ends or the yielded event is set (first text shown)."""
    done = asyncio.Event()

    async def loop() -> None:
        while not done.is_set():
            try:
                await bot.send_chat_action(target.chat_id, ChatAction.TYPING,
                                           message_thread_id=target.thread_id)
            except TelegramError as exc:  # cosmetic: never fail an answer for it
                log.debug("telegram.typing_failed", extra={"error": type(exc).__name__})
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(done.wait(), every)

    task = asyncio.create_task(loop())
    try:
        yield done
    finally:
        done.set()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
