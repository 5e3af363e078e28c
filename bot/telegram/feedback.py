"""👍 / 👎 under answers, and the optional comment that may follow a 👎.

A press is checked, acknowledged (answerCallbackQuery), then stored with the logged answer and
shown as a check mark on the chosen button. The check binds the button to its answer and its
chat twice over: the callback data carries an HMAC over (answer id, chat id) under the callback
key, and the answer log must hold that answer for that chat (its stored chat hash). A forged or
foreign press (someone sending `fb:<another answer id>:-`) is answered politely and changes
nothing.

After 👎 the bot asks what was missing (ForceReply); the same user's next text in that chat
within the comment window is stored as a comment instead of being answered as a question. In
groups only a reply to that prompt counts, so a neighbour's question is never taken for a
comment. The pending comment lives in the shared state (wall-clock expiry), so the comment may
arrive at another replica than the one that asked for it.
"""

from __future__ import annotations

import hmac
import logging
import time
from dataclasses import asdict, dataclass
from typing import Any

from telegram import ForceReply, Update
from telegram.ext import ContextTypes

from bot import prompts
from bot.telegram.keyboards import feedback_keyboard, parse_signed_feedback
from bot.telegram.sending import Target, send_html, send_text
from bot.telegram.services import BotServices, services, user_language

log = logging.getLogger(__name__)

PENDING_KEY = "startupbot.pending_comment"


@dataclass
class PendingComment:
    answer_id: int
    chat: str  # pseudonym of the chat (the shared store never holds raw ids)
    prompt_id: int | None  # None until the prompt is sent
    until: float  # wall clock (time.time()): replicas share no monotonic clock
    language: str


async def on_feedback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    parsed = parse_signed_feedback(query.data)
    svc, language = services(context), user_language(update)
    if parsed is None or svc.answer_log is None:
        await query.answer()
        return
    answer_id, rating, signature = parsed
    message = query.message
    chat_id = message.chat.id if message is not None else None
    reason = await _rejection(svc, answer_id, chat_id, signature)
    if reason is not None:
        log.warning("telegram.feedback_rejected", extra={"answer_id": answer_id,
                                                         "reason": reason})
        await query.answer(prompts.TG_FEEDBACK_REJECTED[language])
        return
    assert chat_id is not None
    await query.answer(prompts.TG_FEEDBACK_THANKS[rating][language])
    stored = await svc.in_log_thread(svc.answer_log.set_feedback, answer_id, rating)
    log.info("telegram.feedback", extra={"answer_id": answer_id, "rating": rating,
                                         "stored": stored})
    target = Target.of(update, quote=False)
    if not stored:
        await send_text(context.bot, target, prompts.TG_FEEDBACK_UNAVAILABLE[language])
        return
    markup = feedback_keyboard(answer_id, chosen=rating,
                               signature=svc.feedback_signature(answer_id, chat_id))
    if message is not None and getattr(message, "reply_markup", None) != markup:
        await query.edit_message_reply_markup(markup)
    if rating < 0:
        await ask_for_comment(update, context, answer_id, language)


async def _rejection(svc: BotServices, answer_id: int, chat_id: int | None,
                     signature: str | None) -> str | None:
    """Why this press must not count, or None when it is the chat's own answer."""
    if chat_id is None:
        return "no_message"  # an inaccessible message: we cannot tell whose chat it is
    if signature is not None and not hmac.compare_digest(
            signature, svc.feedback_signature(answer_id, chat_id)):
        return "signature"
    assert svc.answer_log is not None
    owner = getattr(svc.answer_log, "answer_in_chat", None)
    if owner is not None and not await svc.in_log_thread(owner, answer_id, chat_id):
        return "other_chat"
    return None


async def ask_for_comment(update: Update, context: ContextTypes.DEFAULT_TYPE, answer_id: int,
                          language: str) -> None:
    svc = services(context)
    minutes = svc.settings.telegram_comment_window_minutes
    target = Target.of(update, quote=False)
    # stored before the prompt goes out: a founder who replies at once must find it (before,
    # a fast reply could arrive first and be answered as a question); in groups the reply
    # must answer the prompt, whose id is known (and stored again) once it is sent
    pending = PendingComment(answer_id, svc.keys.pseudonym("chat", target.chat_id), None,
                             time.time() + minutes * 60, language)
    await _store(svc, update, context, pending)
    try:
        prompt = await send_html(
            context.bot, target,
            prompts.TG_COMMENT_PROMPT[language].format(minutes=f"{minutes:g}"),
            ForceReply(selective=True,
                       input_field_placeholder=prompts.TG_COMMENT_PLACEHOLDER[language]))
    except Exception:
        await _take(svc, update, context)  # nobody was asked: no comment is pending
        raise
    pending.prompt_id = prompt.message_id
    await _store(svc, update, context, pending)


async def take_comment(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Store the message as the pending 👎 comment, if it is one; True when it was."""
    message = update.message
    if message is None or not message.text:
        return False
    svc = services(context)
    pending = await _load(svc, update, context)
    if pending is None:
        return False
    if message.chat_id is None or svc.keys.pseudonym("chat", message.chat_id) != pending.chat:
        return False
    replied = message.reply_to_message
    if message.chat.type != message.chat.PRIVATE and not (
            replied and replied.message_id == pending.prompt_id):
        return False
    if not await _take(svc, update, context):
        return False  # another replica took it a moment ago
    stored = False
    if svc.answer_log is not None:
        stored = await svc.in_log_thread(svc.answer_log.add_comment, pending.answer_id,
                                         message.text)
    log.info("telegram.feedback_comment", extra={"answer_id": pending.answer_id,
                                                 "stored": stored, "chars": len(message.text)})
    text = prompts.TG_COMMENT_SAVED if stored else prompts.TG_FEEDBACK_UNAVAILABLE
    await send_text(context.bot, Target.of(update), text[pending.language])
    return True


async def drop_pending(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Forget a pending comment (/skip, /reset); True when there was one."""
    return await _take(services(context), update, context)


# --- where a pending comment lives: the shared state, else this process's user_data ---------
def _user_key(svc: BotServices, update: Update) -> str | None:
    user = update.effective_user
    return svc.keys.pseudonym("user", user.id) if user else None


async def _store(svc: BotServices, update: Update, context: ContextTypes.DEFAULT_TYPE,
                 pending: PendingComment) -> None:
    key = _user_key(svc, update)
    if svc.state is not None and key is not None:
        data = asdict(pending)
        try:
            await svc.in_state_thread(svc.state.set_pending, key, data, pending.until)
            return
        except Exception as exc:  # keep it in this process at least
            log.warning("telegram.pending_store_failed", extra={"error": type(exc).__name__})
    _user_data(context)[PENDING_KEY] = pending


async def _load(svc: BotServices, update: Update,
                context: ContextTypes.DEFAULT_TYPE) -> PendingComment | None:
    local: PendingComment | None = _user_data(context).get(PENDING_KEY)
    if local is not None:
        if time.time() <= local.until:
            return local
        _user_data(context).pop(PENDING_KEY, None)
    key = _user_key(svc, update)
    if svc.state is None or key is None:
        return None
    try:
        data = await svc.in_state_thread(svc.state.get_pending, key, time.time())
    except Exception as exc:
        log.warning("telegram.pending_store_failed", extra={"error": type(exc).__name__})
        return None
    return None if data is None else PendingComment(**data)


async def _take(svc: BotServices, update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Remove the pending comment; True for exactly one taker (across replicas)."""
    if _user_data(context).pop(PENDING_KEY, None) is not None:
        return True
    key = _user_key(svc, update)
    if svc.state is None or key is None:
        return False
    try:
        return await svc.in_state_thread(svc.state.pop_pending, key)
    except Exception as exc:
        log.warning("telegram.pending_store_failed", extra={"error": type(exc).__name__})
        return False


def _user_data(context: ContextTypes.DEFAULT_TYPE) -> dict[str, Any]:
    data = context.user_data
    return data if data is not None else {}
