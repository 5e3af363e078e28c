"""/programs: browse the synced programme catalogue with inline buttons, and the scheduled sync.

Menu: categories of open calls, "⏰ 마감 임박", "🆕 신규", "🔜 곧 시작". A list shows five calls a
page; a call's button opens its card (title, agency, target, amount, window with D-day, link,
and a deep link `t.me/<bot>?start=p_<id>` that opens the same card). Callback data stays under
Telegram's 64 bytes: `pg:m`, `pg:s:<page>`, `pg:n:<page>`, `pg:u:<page>`, `pg:c:<i>:<page>`,
`pg:p:<id>`. The catalogue comes from the engine's `catalogue_answerer` (bot/catalogue).
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from bot.catalogue import format as fmt
from bot.catalogue import prompts
from bot.telegram.render import esc
from bot.telegram.sending import Target, edit_html, send_html
from bot.telegram.services import services
from knowledge.catalogue.models import Programme, Status, StoredProgramme

log = logging.getLogger(__name__)

PATTERN = r"^pg:"
PAGE = 5
DEEP_LINK = re.compile(r"^/start(?:@\w+)?\s+p_([0-9A-Za-z_-]{1,60})\s*$")


def registrations() -> list[Any]:
    """Handlers to put before the general ones (the deep-link /start must win)."""
    return [
        CommandHandler("start", deep_link, filters=filters.Regex(DEEP_LINK)),
        CommandHandler("programs", programs),
        CallbackQueryHandler(on_button, pattern=PATTERN),
    ]


def _answerer(context: ContextTypes.DEFAULT_TYPE) -> Any:
    return getattr(services(context).engine, "catalogue_answerer", None)


async def _items(context: ContextTypes.DEFAULT_TYPE) -> tuple[list[StoredProgramme], Any]:
    answerer = _answerer(context)
    if answerer is None:
        return [], None
    try:
        items = await asyncio.to_thread(answerer.items)
    except Exception as exc:
        log.warning("catalogue.unavailable", extra={"error": type(exc).__name__})
        return [], answerer
    return [s for s in items if not s.vanished], answerer


def _categories(items: list[StoredProgramme], clock: Any) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for s in items:
        if s.programme.status(clock) is Status.OPEN:
            name = s.programme.category or "기타"
            counts[name] = counts.get(name, 0) + 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:8]


def menu(items: list[StoredProgramme], clock: Any) -> tuple[str, InlineKeyboardMarkup | None]:
    if not items:
        return prompts.TG_EMPTY, None
    statuses = [s.programme.status(clock) for s in items]
    text = prompts.TG_MENU.format(
        today=clock.today().isoformat(),
        open=statuses.count(Status.OPEN),
        upcoming=statuses.count(Status.UPCOMING),
    )
    rows = [
        [
            InlineKeyboardButton(prompts.TG_SOON, callback_data="pg:s:0"),
            InlineKeyboardButton(prompts.TG_NEW, callback_data="pg:n:0"),
            InlineKeyboardButton(prompts.TG_UPCOMING, callback_data="pg:u:0"),
        ]
    ]
    cats = _categories(items, clock)
    for i in range(0, len(cats), 2):
        rows.append(
            [
                InlineKeyboardButton(f"{name} ({count})", callback_data=f"pg:c:{i + j}:0")
                for j, (name, count) in enumerate(cats[i : i + 2])
            ]
        )
    return text, InlineKeyboardMarkup(rows)


def listing(
    items: list[StoredProgramme], clock: Any, kind: str, page: int, cat: int | None = None
) -> tuple[str, InlineKeyboardMarkup]:
    far = 10**9
    if kind == "u":
        chosen = [s for s in items if s.programme.status(clock) is Status.UPCOMING]
        chosen.sort(key=lambda s: (s.programme.window.start, s.programme.title))
        head = prompts.TG_LIST_HEAD["upcoming"]
    else:
        chosen = [s for s in items if s.programme.status(clock) is Status.OPEN]
        if kind == "n":
            chosen.sort(key=lambda s: (s.first_seen, s.programme.id), reverse=True)
            head = prompts.TG_LIST_HEAD["new"]
        else:
            if kind == "c":
                cats = _categories(items, clock)
                name = cats[cat][0] if cat is not None and cat < len(cats) else ""
                chosen = [s for s in chosen if (s.programme.category or "기타") == name]
                head = prompts.TG_LIST_HEAD["cat"].format(name=esc(name))
            else:
                head = prompts.TG_LIST_HEAD["soon"]
            chosen.sort(
                key=lambda s: (
                    s.programme.d_day(clock) if s.programme.d_day(clock) is not None else far,
                    s.programme.title,
                )
            )
    pages = max(1, -(-len(chosen) // PAGE))
    page = min(max(page, 0), pages - 1)
    shown = chosen[page * PAGE : (page + 1) * PAGE]
    lines = [f"<b>{head}</b> · {len(chosen)}건"]
    if not shown:
        lines.append(prompts.TG_LIST_EMPTY)
    rows = []
    for s in shown:
        p = s.programme
        lines.append(f"• {esc(p.title)} — {esc(fmt.status_label(p, clock))}")
        rows.append(
            [
                InlineKeyboardButton(
                    f"{fmt.d_day(p, clock)} {p.title}"[:60], callback_data=f"pg:p:{p.id}"
                )
            ]
        )
    prefix = f"pg:{kind}:" if kind != "c" else f"pg:c:{cat}:"
    nav = []
    if page > 0:
        nav.append(InlineKeyboardButton(prompts.TG_PREV, callback_data=f"{prefix}{page - 1}"))
    nav.append(InlineKeyboardButton(prompts.TG_BACK, callback_data="pg:m"))
    if page < pages - 1:
        nav.append(InlineKeyboardButton(prompts.TG_NEXT, callback_data=f"{prefix}{page + 1}"))
    rows.append(nav)
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def card(p: Programme, clock: Any, bot_username: str | None) -> str:
    f = prompts.TG_CARD_FIELDS
    title, *fields = fmt.card_lines(p, f, esc)
    lines = [title, "", *fields]
    lines.append(f"📌 {f['status']}: {esc(fmt.status_label(p, clock))}")
    if re.match(r"https?://\S+$", p.url or ""):
        lines.append(f'🔗 <a href="{esc(p.url)}">{f["link"]}</a>')
    if bot_username:
        link = f"https://t.me/{bot_username}?start=p_{p.id}"
        lines.append(f"↗ {f['share']}: {esc(link)}")
    return "\n".join(lines)


async def programs(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    items, answerer = await _items(context)
    clock = answerer.clock if answerer else None
    text, markup = menu(items, clock) if answerer else (prompts.TG_EMPTY, None)
    await send_html(context.bot, Target.of(update), text, markup)


async def deep_link(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start p_<id> from a shared link: that programme's card."""
    assert update.message is not None
    match = DEEP_LINK.match(update.message.text or "")
    items, answerer = await _items(context)
    found = next((s for s in items if match and s.programme.id == match.group(1)), None)
    if found is None:
        await send_html(context.bot, Target.of(update), prompts.TG_NOT_FOUND)
        return
    back = InlineKeyboardMarkup([[InlineKeyboardButton(prompts.TG_BACK, callback_data="pg:m")]])
    await send_html(
        context.bot,
        Target.of(update),
        card(found.programme, answerer.clock, context.bot.username),
        back,
    )


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None and query.message is not None
    await query.answer()
    items, answerer = await _items(context)
    target = Target.of(update, quote=False)
    parts = (query.data or "").split(":")
    if answerer is None or not items:
        await edit_html(context.bot, target, query.message.message_id, prompts.TG_EMPTY)
        return
    clock = answerer.clock
    try:
        if parts[1] == "m":
            text, markup = menu(items, clock)
        elif parts[1] == "p":
            found = next((s for s in items if s.programme.id == parts[2]), None)
            if found is None:
                text, markup = prompts.TG_NOT_FOUND, None
            else:
                text = card(found.programme, clock, context.bot.username)
                markup = InlineKeyboardMarkup(
                    [[InlineKeyboardButton(prompts.TG_BACK, callback_data="pg:m")]]
                )
        elif parts[1] == "c":
            text, markup = listing(items, clock, "c", int(parts[3]), cat=int(parts[2]))
        else:
            text, markup = listing(items, clock, parts[1], int(parts[2]))
    except (IndexError, ValueError):
        text, markup = menu(items, clock)
    await edit_html(context.bot, target, query.message.message_id, text, markup)


# --- scheduled sync ----------------------------------------------------------------------
def install(app: Application) -> None:
    """Schedule the catalogue sync with PTB's JobQueue when `serve` attached one
    (`bot.catalogue.cli.attach_sync`: keys set and an interval > 0)."""
    from bot.telegram.services import SERVICES_KEY

    answerer = getattr(app.bot_data[SERVICES_KEY].engine, "catalogue_answerer", None)
    run = getattr(answerer, "sync", None)
    if run is None:
        return
    if app.job_queue is None:
        log.warning(
            "catalogue.no_job_queue", extra={"hint": "pip install 'python-telegram-bot[job-queue]'"}
        )
        return
    app.job_queue.run_repeating(
        scheduled_sync,
        interval=answerer.sync_interval_s,
        first=answerer.first_sync_delay_s,
        name="catalogue-sync",
    )
    log.info("catalogue.sync_scheduled", extra={"interval_s": answerer.sync_interval_s})


async def scheduled_sync(context: ContextTypes.DEFAULT_TYPE) -> None:
    from ingest.sync import SyncLockedError

    svc = services(context)
    answerer = svc.engine.catalogue_answerer
    async with svc.reingest_lock:  # never beside /reingest
        try:
            report = await asyncio.to_thread(answerer.sync)
        except SyncLockedError:
            log.info("catalogue.sync_skipped", extra={"reason": "locked"})
            return
        except Exception:
            log.exception("catalogue.sync_failed")
            return
    answerer.invalidate()
    log.info(
        "catalogue.sync_done",
        extra={
            "new": len(report.changes.new),
            "changed": len(report.changes.changed),
            "ok": report.ok,
        },
    )
