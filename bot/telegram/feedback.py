"""👍 / 👎 under answers, and the optional comment that may follow a 👎.

A press is acknowledged at once (answerCallbackQuery), then stored with the logged answer and
shown as a check mark on the chosen button. After 👎 the bot asks what was missing
(ForceReply); the same user's next text in that chat within the comment window is stored as a
comment instead of being answered as a question. In groups only a reply to that prompt counts,
so a neighbour's question is never taken for a comment.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from telegram import ForceReply, Update
from telegram.ext import ContextTypes

from bot import prompts
from bot.telegram.keyboards import feedback_keyboard, parse_feedback
from bot.telegram.sending import Target, send_html, send_text
from bot.telegram.services import services, user_language

log = logging.getLogger(__name__)

PENDING_KEY = "startupbot.pending_comment"


@dataclass
class PendingComment:
    answer_id: int
    chat_id: int
    prompt_id: int
    until: float  # time.monotonic()
    language: str


async def on_feedback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    parsed = parse_feedback(query.data)
    svc, language = services(context), user_language(update)
    if parsed is None or svc.answer_log is None:
        await query.answer()
        return
    answer_id, rating = parsed
    await query.answer(prompts.TG_FEEDBACK_THANKS[rating][language])
    stored = await svc.in_log_thread(svc.answer_log.set_feedback, answer_id, rating)
    log.info("telegram.feedback", extra={"answer_id": answer_id, "rating": rating,
                                         "stored": stored})
    target = Target.of(update, quote=False)
    if not stored:
        await send_text(context.bot, target, prompts.TG_FEEDBACK_UNAVAILABLE[language])
        return
    message = query.message
    markup = feedback_keyboard(answer_id, chosen=rating)
    if message is not None and getattr(message, "reply_markup", None) != markup:
        await query.edit_message_reply_markup(markup)
    if rating < 0:
        await ask_for_comment(update, context, answer_id, language)


async def ask_for_comment(update: Update, context: ContextTypes.DEFAULT_TYPE, answer_id: int,
                          language: str) -> None:
    svc = services(context)
    minutes = svc.settings.telegram_comment_window_minutes
    target = Target.of(update, quote=False)
    prompt = await send_html(
        context.bot, target,
        prompts.TG_COMMENT_PROMPT[language].format(minutes=f"{minutes:g}"),
        ForceReply(selective=True,
                   input_field_placeholder=prompts.TG_COMMENT_PLACEHOLDER[language]))
    user_data = _user_data(context)
    user_data[PENDING_KEY] = PendingComment(answer_id, target.chat_id, prompt.message_id,
                                            time.monotonic() + minutes * 60, language)


async def take_comment(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Store the message as the pending 👎 comment, if it is one; True when it was."""
    message = update.message
    user_data = _user_data(context)
    pending: PendingComment | None = user_data.get(PENDING_KEY)
    if pending is None or message is None or not message.text:
        return False
    if time.monotonic() > pending.until:
        user_data.pop(PENDING_KEY, None)
        return False
    if message.chat_id != pending.chat_id:
        return False
    replied = message.reply_to_message
    if message.chat.type != message.chat.PRIVATE and not (
            replied and replied.message_id == pending.prompt_id):
        return False
    user_data.pop(PENDING_KEY, None)
    svc = services(context)
    stored = False
    if svc.answer_log is not None:
        stored = await svc.in_log_thread(svc.answer_log.add_comment, pending.answer_id,
                                         message.text)
    log.info("telegram.feedback_comment", extra={"answer_id": pending.answer_id,
                                                 "stored": stored, "chars": len(message.text)})
    text = prompts.TG_COMMENT_SAVED if stored else prompts.TG_FEEDBACK_UNAVAILABLE
    await send_text(context.bot, Target.of(update), text[pending.language])
    return True


def drop_pending(context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Forget a pending comment (/skip, /reset); True when there was one."""
    return _user_data(context).pop(PENDING_KEY, None) is not None


def _user_data(context: ContextTypes.DEFAULT_TYPE) -> dict[str, Any]:
    data = context.user_data
    return data if data is not None else {}
