"""/subscribe, /mysubs, /unsubscribe, the 🔕 button of alert cards, and migrated groups.

`/subscribe` alone asks the profile questions (bot/telegram/profile_flow.py) in one message that
is edited at each press; `/subscribe 예비창업 수출` subscribes at once with those words. In
groups only an admin may subscribe the group, change or end its alerts: checked with
getChatMember on every command and every press, for the chat of the pressed message (a chat id
is never taken from callback data). The store calls are blocking SQL: they run in the answer
log's thread. Chat ids are never logged (the store logs the chat's pseudonym).
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import ChatMember, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters

from bot.alerts.cards import MUTE_PATTERN
from bot.alerts.models import Profile
from bot.alerts.prompts import flow_texts, texts
from bot.alerts.words import profile_from_words
from bot.telegram import matching
from bot.telegram import profile_flow as flow
from bot.telegram.sending import Target, edit_html, send_html
from bot.telegram.services import BotServices, services, user_language

log = logging.getLogger(__name__)

ADMINS = {ChatMember.OWNER, ChatMember.ADMINISTRATOR}


def registrations() -> list[Any]:
    return [
        CommandHandler("subscribe", subscribe),
        CommandHandler("mysubs", mysubs),
        CommandHandler("unsubscribe", unsubscribe),
        CallbackQueryHandler(on_mute, pattern=MUTE_PATTERN),
        CallbackQueryHandler(on_stop, pattern=r"^sb:stop$"),
        CallbackQueryHandler(on_press, pattern=r"^sb:"),
        *matching.registrations(),
        MessageHandler(filters.StatusUpdate.MIGRATE, on_migrate),
    ]


# --- who may change a chat's alerts ------------------------------------------------------------
async def may_manage(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Private chats: their user. Groups: an admin of the group (asked now, every time)."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None:
        return False
    if chat.type == ChatType.PRIVATE:
        return user is not None and user.id == chat.id
    if chat.type not in (ChatType.GROUP, ChatType.SUPERGROUP) or user is None:
        return False
    message = update.message
    if message is not None and message.sender_chat is not None and (
            message.sender_chat.id == chat.id):
        return True  # an anonymous admin writes as the group itself
    try:
        member = await context.bot.get_chat_member(chat.id, user.id)
    except TelegramError as exc:
        log.warning("alerts.admin_check_failed", extra={"error": type(exc).__name__})
        return False
    return member.status in ADMINS


async def in_store(svc: BotServices, name: str, *args: Any, **kwargs: Any) -> Any:
    """An AlertStore call off the event loop."""
    return await svc.in_log_thread(getattr(svc.alerts.store, name), *args, **kwargs)


async def _reply(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str,
                 markup: InlineKeyboardMarkup | None = None) -> None:
    await send_html(context.bot, Target.of(update), text, markup)


async def _guard(update: Update, context: ContextTypes.DEFAULT_TYPE, language: str) -> bool:
    """True when the command may go on: alerts exist here and the sender may manage them."""
    t = flow_texts(language)
    if services(context).alerts is None:
        await _reply(update, context, t["unavailable"])
        return False
    if not await may_manage(update, context):
        log.info("alerts.not_admin")
        await _reply(update, context, t["not_admin"])
        return False
    return True


# --- commands -----------------------------------------------------------------------------------
async def subscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/subscribe: the questions; /subscribe WORDS…: subscribe with those words at once."""
    svc, language = services(context), user_language(update)
    if not await _guard(update, context, language):
        return
    chat = update.effective_chat
    assert chat is not None
    current = await _current(svc, chat.id)
    words = " ".join(context.args or []).strip()
    if not words:
        draft = flow.Draft(current.profile if current else Profile())
        text, markup = flow.screen(flow.SUBSCRIBE, draft, flow.first_step(flow.SUBSCRIBE),
                                   language)
        await _reply(update, context, text, markup)
        return
    base = current.profile if current else None
    profile = profile_from_words(words[:300], base=base)
    await _save(update, context, svc, profile, language)


async def mysubs(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/mysubs: the chat's profile, with a button for each part and one to stop."""
    svc, language = services(context), user_language(update)
    t = flow_texts(language)
    if svc.alerts is None:
        await _reply(update, context, t["unavailable"])
        return
    chat = update.effective_chat
    assert chat is not None
    current = await _current(svc, chat.id)
    if current is None:
        await _reply(update, context, t["mysubs_none"])
        return
    text, markup = mysubs_screen(current.profile, language)
    await _reply(update, context, text, markup)


def mysubs_screen(profile: Profile, language: str) -> tuple[str, InlineKeyboardMarkup]:
    t = flow_texts(language)
    edit = flow.Draft(profile, back=True)
    parts = [InlineKeyboardButton(t[f"edit_{s}"], callback_data=flow.data(flow.SUBSCRIBE,
                                                                          edit, s))
             for s in flow.STEPS[flow.SUBSCRIBE]]
    rows = [parts[i:i + 3] for i in range(0, len(parts), 3)]
    rows.append([InlineKeyboardButton(t["btn_stop"], callback_data="sb:stop")])
    text = "\n".join([t["mysubs_head"], "", *flow.profile_lines(profile, language), "",
                      f"<i>{t['footer_sb']}</i>"])
    return text, InlineKeyboardMarkup(rows)


async def unsubscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/unsubscribe: end the chat's alerts."""
    svc, language = services(context), user_language(update)
    if not await _guard(update, context, language):
        return
    chat = update.effective_chat
    assert chat is not None
    ended = await in_store(svc, "end", chat.id, "user")
    t = flow_texts(language)
    await _reply(update, context, t["unsubscribed"] if ended else t["mysubs_none"])


# --- buttons ------------------------------------------------------------------------------------
async def on_press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A press in the /subscribe questions (sb:<draft>:<step>[:<choice>], sb:x)."""
    query = update.callback_query
    assert query is not None
    svc, language = services(context), user_language(update)
    t = flow_texts(language)
    message = query.message
    if message is None or svc.alerts is None:
        await query.answer(t["unavailable"])
        return
    if not await may_manage(update, context):
        log.info("alerts.not_admin")
        await query.answer(t["not_admin"], show_alert=True)
        return
    target = Target(message.chat.id)
    if query.data == f"{flow.SUBSCRIBE}:{flow.CANCEL}":
        await query.answer()
        await edit_html(context.bot, target, message.message_id, t["cancelled"])
        return
    press = flow.parse_press(query.data)
    if press is None or press.flow != flow.SUBSCRIBE:
        await query.answer(t["stale"])
        return
    draft, step = flow.apply(press)
    if step == flow.DONE:
        if not draft.profile.receive:
            await query.answer(t["receive_empty"], show_alert=True)
            return
        await query.answer()
        current = await _current(svc, message.chat.id)
        profile = draft.profile.model_copy(
            update={"keywords": current.profile.keywords if current else []})
        sub = await in_store(svc, "subscribe", message.chat.id, profile,
                             chat_type=message.chat.type, language=language)
        await edit_html(context.bot, target, message.message_id,
                        saved_text(sub.profile, language))
        return
    await query.answer()
    current = await _current(svc, message.chat.id) if step == flow.SUMMARY else None
    text, markup = flow.screen(flow.SUBSCRIBE, draft, step, language,
                               keywords=current.profile.keywords if current else None)
    await edit_html(context.bot, target, message.message_id, text, markup)


async def on_stop(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """🔕 알림 끄기 under /mysubs."""
    await _end_by_button(update, context, "user", flow_texts(user_language(update))[
        "unsubscribed"])


async def on_mute(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """🔕 under an alert card: the chat's alerts end with reason "muted"."""
    await _end_by_button(update, context, "muted", texts(user_language(update))["muted"])


async def _end_by_button(update: Update, context: ContextTypes.DEFAULT_TYPE, reason: str,
                         done: str) -> None:
    query = update.callback_query
    assert query is not None
    svc, language = services(context), user_language(update)
    message = query.message
    if message is None or svc.alerts is None:
        await query.answer(flow_texts(language)["unavailable"])
        return
    if not await may_manage(update, context):
        log.info("alerts.not_admin", extra={"action": reason})
        await query.answer(texts(language)["mute_not_admin"], show_alert=True)
        return
    ended = await in_store(svc, "end", message.chat.id, reason)
    await query.answer(done if ended else texts(language)["mute_nothing"])
    if not ended:
        return
    try:
        await query.edit_message_reply_markup(None)  # the buttons did their job
    except TelegramError as exc:
        log.debug("alerts.markup_not_removed", extra={"error": type(exc).__name__})
    await send_html(context.bot, Target.of(update, quote=False), done)


async def on_migrate(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A group became a supergroup: its subscription follows the new id."""
    message = update.message
    svc = services(context)
    if message is None or message.migrate_to_chat_id is None or svc.alerts is None:
        return
    moved = await in_store(svc, "migrate_chat", message.chat.id, message.migrate_to_chat_id)
    log.info("alerts.group_migrated", extra={"moved": moved})


# --- helpers ------------------------------------------------------------------------------------
async def _current(svc: BotServices, chat_id: int) -> Any:
    sub = await in_store(svc, "get", chat_id)
    return sub if sub is not None and sub.active else None


async def _save(update: Update, context: ContextTypes.DEFAULT_TYPE, svc: BotServices,
                profile: Profile, language: str) -> None:
    chat = update.effective_chat
    assert chat is not None
    sub = await in_store(svc, "subscribe", chat.id, profile, chat_type=chat.type,
                         language=language)
    await _reply(update, context, saved_text(sub.profile, language))


def saved_text(profile: Profile, language: str) -> str:
    t = flow_texts(language)
    return "\n".join([t["saved"], "", *flow.profile_lines(profile, language), "",
                      f"<i>{t['footer_sb']}</i>"])
