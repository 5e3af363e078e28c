"""/alerts for staff (the allowlisted ids of /stats): held broadcasts with a preview of their
card and the number of chats they go to, 보내기 / 보류 취소 buttons, and the outbox's counts.

New-call alerts are held for this release when `STARTUPBOT_ALERTS_REQUIRE_RELEASE` is true.
Buttons are `al:rel:<broadcast id>` and `al:drop:<broadcast id>`; the presser's staff status is
checked on every press (callback data can be forged), and deciding twice moves nothing.
"""

from __future__ import annotations

import asyncio
import html
import logging
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from bot import prompts
from bot.alerts import cards
from bot.alerts.models import BroadcastView, OutboxItem
from bot.alerts.prompts import flow_texts
from bot.telegram.sending import Target, edit_html, send_html
from bot.telegram.services import services, user_language

log = logging.getLogger(__name__)

PATTERN = r"^al:(rel|drop):\d{1,12}$"
SHOWN = 10


def registrations() -> list[Any]:
    return [
        CommandHandler("alerts", alerts_command),
        CallbackQueryHandler(on_decide, pattern=PATTERN),
    ]


def counts_text(counts: dict[str, int], language: str) -> str:
    t = flow_texts(language)
    parts = [f"{t.get(f'st_{status}', status)} {n:,}" for status, n in sorted(
        counts.items(), key=lambda kv: -kv[1])]
    return " · ".join(parts) or "-"


def preview(view: BroadcastView, stored: Any, clock: Any, language: str) -> str:
    """What the held alert looks like (the card founders will get), under its head line."""
    t = flow_texts(language)
    head = t["cast_head"].format(id=view.id, n=f"{view.recipients:,}",
                                 created=view.created_at.strftime("%Y-%m-%d %H:%M"))
    if stored is None:
        return f"{head}\n{html.escape(t['cast_missing'].format(pid=view.programme_id))}"
    item = OutboxItem(id=0, subscription_id=0, chat_id=0, chat_type="private",
                      language=language, kind=view.kind, programme_id=view.programme_id)
    text, _ = cards.card(item, stored.programme, clock, None, None)
    return f"{head}\n\n{text}"


def decide_keyboard(view: BroadcastView, language: str) -> InlineKeyboardMarkup:
    t = flow_texts(language)
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(t["btn_release"], callback_data=f"al:rel:{view.id}"),
        InlineKeyboardButton(t["btn_drop"], callback_data=f"al:drop:{view.id}")]])


async def alerts_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc, language = services(context), user_language(update)
    target = Target.of(update)
    user = update.effective_user
    if not svc.is_staff(user.id if user else None):
        log.info("telegram.staff_denied", extra={"command": "alerts"})
        await send_html(context.bot, target, html.escape(prompts.TG_STAFF_ONLY[language]))
        return
    alerts = svc.alerts
    t = flow_texts(language)
    if alerts is None:
        await send_html(context.bot, target, t["unavailable"])
        return
    held = await svc.in_log_thread(alerts.store.broadcasts, "held", SHOWN)
    counts = await svc.in_log_thread(alerts.store.outbox_counts)
    mode = t["staff_mode_hold"] if alerts.settings.require_release else t["staff_mode_send"]
    head = t["staff_head"].format(held=len(held), mode=mode, counts=counts_text(counts,
                                                                                 language))
    if not held:
        head += "\n\n" + t["staff_none"]
    await send_html(context.bot, target, head)
    if not held:
        return
    catalogue = {s.programme.id: s for s in await asyncio.to_thread(alerts.catalogue)}
    for view in held:
        await send_html(context.bot, Target(target.chat_id, target.thread_id),
                        preview(view, catalogue.get(view.programme_id), alerts.clock, language),
                        decide_keyboard(view, language))


async def on_decide(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    svc, language = services(context), user_language(update)
    t = flow_texts(language)
    user = query.from_user
    if not svc.is_staff(user.id if user else None):
        log.warning("telegram.staff_denied", extra={"command": "alerts_button"})
        await query.answer(prompts.TG_STAFF_ONLY[language], show_alert=True)
        return
    alerts = svc.alerts
    if alerts is None or query.message is None:
        await query.answer(t["unavailable"])
        return
    _, action, raw = (query.data or "").split(":")
    cast_id, release = int(raw), action == "rel"
    by = f"tg:{svc.keys.pseudonym('user', user.id)}"[:64]
    view = await svc.in_log_thread(alerts.store.broadcast, cast_id)
    if view is None or view.status != "held":
        await query.answer(t["decided_already"].format(id=cast_id))
        return
    moved = await svc.in_log_thread(alerts.store.decide, cast_id, release, by)
    done = t["released" if release else "dropped"].format(id=cast_id, n=moved)
    await query.answer(done)
    log.info("alerts.staff_decided", extra={"broadcast": cast_id, "release": release,
                                            "alerts": moved})
    body = getattr(query.message, "text_html", None) or ""
    await edit_html(context.bot, Target(query.message.chat.id), query.message.message_id,
                    f"{body}\n\n<b>{html.escape(done)}</b>" if body else f"<b>{done}</b>")
