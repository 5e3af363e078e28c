"""The one error handler: log for maintainers, apologise to the user, reveal nothing.

Logged: the error type and message with the bot token removed, the traceback (same), the kind of
update and chat. Never logged: the update itself (it holds ids and texts). A user who blocked
the bot (Forbidden) is not an error: it is logged at INFO and skipped.
"""

from __future__ import annotations

import logging
import traceback

from telegram import Update
from telegram.error import ChatMigrated, Forbidden, NetworkError, TelegramError
from telegram.ext import ContextTypes

from bot import prompts
from bot.telegram.sending import Target, send_text
from bot.telegram.services import user_language

log = logging.getLogger(__name__)


def redact(text: str, token: str | None) -> str:
    if token:
        text = text.replace(token, "<token>")
        text = text.replace(token.split(":", 1)[-1], "<token>")
    return text


def update_kind(update: object) -> str:
    if not isinstance(update, Update):
        return type(update).__name__ if update is not None else "none"
    for kind in ("message", "edited_message", "callback_query", "channel_post"):
        if getattr(update, kind, None) is not None:
            return kind
    return "other"


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    exc = context.error
    token = context.bot.token if context.bot else None
    chat = update.effective_chat if isinstance(update, Update) else None
    where = {"update": update_kind(update), "chat_type": chat.type if chat else None}
    if isinstance(exc, Forbidden):
        log.info("telegram.forbidden", extra={**where, "reason": redact(str(exc), token)})
        return
    if isinstance(exc, ChatMigrated):  # sends retry once themselves; this one came later
        log.info("telegram.chat_migrated", extra=where)
        return
    if isinstance(exc, NetworkError) and chat is None:
        log.warning("telegram.network", extra={**where, "error": redact(str(exc), token)})
        return
    trace = "".join(traceback.format_exception(exc)) if exc else ""
    log.error("telegram.error", extra={
        **where, "error_type": type(exc).__name__, "error": redact(str(exc), token)[:500],
        "trace": redact(trace, token)[-4000:]})
    if chat is None or not isinstance(update, Update):
        return
    try:
        await send_text(context.bot, Target.of(update, quote=False),
                        prompts.TG_ERROR[user_language(update)])
    except TelegramError as send_exc:
        log.info("telegram.apology_failed", extra={"error_type": type(send_exc).__name__})
