"""From a founder's message to a cited answer: addressing rules, limits, typing, streaming, log.

Logs here carry what maintainers need (mode, sizes, timings) and never the question, the
answer or raw Telegram ids.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import AsyncIterator

from telegram import Bot, InlineKeyboardMarkup, Message, MessageEntity, Update
from telegram.ext import ContextTypes

from bot import prompts
from bot.language import detect_language
from bot.models import Answer, QuestionError, StreamEvent
from bot.telegram.keyboards import feedback_keyboard
from bot.telegram.render import render_answer
from bot.telegram.sending import Target, send_text, typing
from bot.telegram.services import BotServices, Engine, services
from bot.telegram.streaming import StreamingReply
from knowledge.store import StoreError

log = logging.getLogger(__name__)

CHANNEL = "telegram"


def addressed_question(message: Message, bot: Bot) -> str | None:
    """The question in `message`, or None when it is not for the bot.

    Private chats: every text. Groups: only when the bot is @mentioned (the mention is removed
    from the question) or the message replies to one of the bot's messages.
    """
    text = message.text or ""
    if message.chat.type == message.chat.PRIVATE:
        return text
    mentioned = False
    username = (bot.username or "").lower()
    pieces: list[tuple[int, int]] = []
    for entity, value in message.parse_entities(
            [MessageEntity.MENTION, MessageEntity.TEXT_MENTION]).items():
        if (entity.type == MessageEntity.MENTION and value[1:].lower() == username) or (
                entity.user is not None and entity.user.id == bot.id):
            mentioned = True
            pieces.append((entity.offset, entity.length))
    replied = message.reply_to_message
    if not mentioned and not (replied and replied.from_user and replied.from_user.id == bot.id):
        return None
    return re.sub(r"\s+", " ", _without(text, pieces)).strip()


def _without(text: str, pieces: list[tuple[int, int]]) -> str:
    """Remove entity spans (offsets in UTF-16 code units, as Telegram counts them)."""
    data = text.encode("utf-16-le")
    for offset, length in sorted(pieces, reverse=True):
        data = data[: offset * 2] + data[(offset + length) * 2:]
    return data.decode("utf-16-le")


async def answer_question(update: Update, context: ContextTypes.DEFAULT_TYPE, question: str,
                          *, quote: bool | None = None) -> Answer | None:
    """Answer `question` in the update's chat; None when it was turned away."""
    svc, bot = services(context), context.bot
    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None
    language = detect_language(question)
    target = Target.of(update, quote=quote)
    limit = svc.settings.telegram_max_question_chars
    if len(question) > limit:
        log.info("telegram.too_long", extra={"chars": len(question), "limit": limit})
        await send_text(bot, target, prompts.TG_TOO_LONG[language].format(
            length=len(question), limit=limit))
        return None
    verdict = await svc.in_state_thread(svc.limiter.hit, user.id)
    if not verdict.allowed:
        log.info("telegram.rate_limited", extra={"told": verdict.warn,
                                                 "retry_s": verdict.retry_seconds})
        if verdict.warn:
            await send_text(bot, target, prompts.TG_RATE_LIMITED[language].format(
                seconds=verdict.retry_seconds, count=svc.limiter.count,
                window=round(svc.limiter.window)))
        return None
    started = time.perf_counter()
    conversation = svc.conversation_id(chat.id, target.thread_id)

    async def finish(answer: Answer) -> tuple[str, InlineKeyboardMarkup | None]:
        answer_id = await record(svc, answer, user.id, chat.id)
        if not answer_id:
            return render_answer(answer), None
        return render_answer(answer), feedback_keyboard(
            answer_id, signature=svc.feedback_signature(answer_id, chat.id))

    async with typing(bot, target) as first_text_shown:
        reply = StreamingReply(bot, target, svc.throttle, first_text_shown)
        try:
            answer = await reply.run(events(svc.engine, question, conversation), finish)
        except QuestionError as exc:
            await send_text(bot, target, exc.message)
            return None
        except StoreError as exc:
            log.error("telegram.index_unavailable", extra={"error": type(exc).__name__})
            await send_text(bot, target, prompts.TG_INDEX_UNAVAILABLE[language])
            return None
    log.info("telegram.answered", extra={
        "mode": answer.mode.value, "chat_type": chat.type, "sources": len(answer.sources),
        "messages": len(reply.messages), "edits": reply.edits,
        "ms": round((time.perf_counter() - started) * 1000)})
    return answer


def events(engine: Engine, question: str, conversation: str) -> AsyncIterator[StreamEvent]:
    """The engine's stream when a model writes the answer; otherwise one `aanswer` call.

    Without a model nothing streams, and one worker-thread job per question (instead of the
    stream's two, which queue behind every other question's first job) lets early questions
    finish first when many arrive at once (benchmarks/telegram_latency.py, 20 users on 2 cores:
    median reply about 1.0-1.1 s instead of 1.3-1.5 s).
    """
    if getattr(engine, "generator", None) is not None:
        return engine.astream(question, conversation_id=conversation)

    async def one() -> AsyncIterator[StreamEvent]:
        answer = await engine.aanswer(question, conversation_id=conversation)
        yield StreamEvent(kind="final", text=answer.answer, answer=answer)

    return one()


async def record(svc: BotServices, answer: Answer, user_id: int, chat_id: int) -> int | None:
    """Log the answer (raw ids go in; the answer log stores only salted hashes)."""
    if svc.answer_log is None:
        return None
    return await svc.in_log_thread(svc.answer_log.record, answer, channel=CHANNEL,
                                   user_id=user_id, chat_id=chat_id)
