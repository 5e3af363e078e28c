"""What an alert looks like: a programme card with its D-day, why it fits, what to check, a link
(through the click counter when the webhook host is reachable) and a 🔕 button."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.alerts.matching import Fit
from bot.alerts.models import AlertKind, OutboxItem
from bot.alerts.prompts import texts
from bot.catalogue import format as fmt
from knowledge.catalogue.models import Programme
from knowledge.clock import Clock

MUTE_DATA = "al:mute"
MUTE_PATTERN = r"^al:mute$"
DIGEST_SHOWN = 8
_URL = re.compile(r"https?://\S+$")


def esc(text: str) -> str:
    return html.escape(text or "", quote=False)


def reasons_text(fit_reasons: list[str], t: dict[str, str]) -> str:
    words = []
    for code in fit_reasons:
        if code.startswith("keyword:"):
            words.append(t["reason_keyword"].format(word=code.split(":", 1)[1]))
        elif f"reason_{code}" in t:
            words.append(t[f"reason_{code}"])
    return " · ".join(dict.fromkeys(words))


def programme_lines(p: Programme, clock: Clock, t: dict[str, str]) -> list[str]:
    labels = {k: t[f"field_{k}"] for k in ("agency", "target", "amount", "window")}
    return fmt.card_lines(p, labels, esc)


def fit_lines(fit: Fit | None, t: dict[str, str]) -> list[str]:
    if fit is None:
        return []
    lines = []
    if why := reasons_text(fit.reasons, t):
        lines.append(f"✅ {t['why']}: {esc(why)}")
    if fit.to_check:
        parts = " · ".join(t[f"reason_{c}"] for c in fit.to_check if f"reason_{c}" in t)
        lines.append(f"⚠️ {t['check']}: {esc(parts)} ({t['check_suffix']})")
    return lines


def card(item: OutboxItem, p: Programme, clock: Clock, fit: Fit | None,
         link: str | None) -> tuple[str, InlineKeyboardMarkup]:
    """A new-call, changed-deadline or reminder card."""
    t = texts(item.language)
    dday = fmt.d_day(p, clock)
    if item.kind is AlertKind.REMINDER:
        days = p.d_day(clock)
        head = (t["head_reminder_today"] if days == 0
                else t["head_reminder"].format(days=days, dday=dday))
    elif item.kind is AlertKind.DEADLINE:
        head = t["head_deadline"].format(dday=dday)
    else:
        head = t["head_new"].format(dday=dday)
    lines = [head, "", *programme_lines(p, clock, t)]
    if item.kind is AlertKind.DEADLINE and item.payload.get("previous_deadline"):
        lines.append(t["deadline_was"].format(old=esc(str(item.payload["previous_deadline"]))))
    lines += fit_lines(fit, t)
    lines += ["", f"<i>{t['footer']}</i>"]
    return "\n".join(lines), keyboard(t, link)


def digest(item: OutboxItem, opening: list[Programme], closing: list[Programme], clock: Clock,
           week: tuple[str, str]) -> tuple[str, InlineKeyboardMarkup]:
    t = texts(item.language)
    lines = [t["head_digest"].format(start=week[0], end=week[1])]
    shown = 0
    for label, items, when in (("digest_opening", opening, "start"),
                               ("digest_closing", closing, "end")):
        if not items:
            continue
        lines += ["", t[label]]
        for p in items:
            if shown >= DIGEST_SHOWN:
                break
            day = p.window.start_date if when == "start" else p.window.end_date
            lines.append(t["digest_item"].format(title=esc(p.title), when=day,
                                                 dday=fmt.d_day(p, clock)))
            shown += 1
    rest = len(opening) + len(closing) - shown
    if rest > 0:
        lines.append(t["digest_more"].format(n=rest))
    lines += ["", f"<i>{t['footer']}</i>"]
    return "\n".join(lines), keyboard(t, None)


def bundle(item: OutboxItem, calls: list[Programme], links: list[str | None],
           clock: Clock) -> tuple[str, InlineKeyboardMarkup]:
    """Several new calls for one chat at once (a sync that brought many): one list."""
    t = texts(item.language)
    lines = [t["head_bundle"].format(n=len(calls)), ""]
    for p, link in zip(calls, links, strict=True):
        title = esc(p.title)
        if link and _URL.match(link):
            title = f'<a href="{html.escape(link, quote=True)}">{title}</a>'
        lines.append(t["bundle_item"].format(title=title, dday=fmt.d_day(p, clock),
                                             deadline=esc(fmt.deadline(p))))
    lines += ["", t["bundle_more"], f"<i>{t['footer']}</i>"]
    return "\n".join(lines), keyboard(t, None)


def keyboard(t: dict[str, str], link: str | None) -> InlineKeyboardMarkup:
    row = []
    if link and _URL.match(link):
        row.append(InlineKeyboardButton(t["button_link"], url=link))
    row.append(InlineKeyboardButton(t["button_mute"], callback_data=MUTE_DATA))
    return InlineKeyboardMarkup([row])


LinkFn = Callable[[OutboxItem, Programme], str | None]
