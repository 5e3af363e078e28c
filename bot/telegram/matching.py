"""/match: the open or upcoming programmes that fit a profile, each with why it fits and what
to check in the call ("공고문에서 확인 필요") where the catalogue does not say.

The profile is the chat's subscription when there is one (with a button to answer the
questions instead), the words after /match (`/match 예비창업 수출`), or the answers to the
same questions as /subscribe (bot/telegram/profile_flow.py, flow `mt`). The plain question
"나한테 맞는 지원사업 뭐 있어?" is routed here by `is_match_question` (a fit word next to a
programme word), so the text handler stays in charge of every other question.
"""

from __future__ import annotations

import asyncio
import html
import logging
import re
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from bot.alerts.cards import fit_lines
from bot.alerts.matching import Fit
from bot.alerts.models import Profile
from bot.alerts.prompts import flow_texts, texts
from bot.alerts.words import profile_from_words
from bot.catalogue import format as fmt
from bot.language import detect_language
from bot.telegram import profile_flow as flow
from bot.telegram.sending import Target, edit_html, send_html, send_long
from bot.telegram.services import BotServices, services, user_language
from knowledge.catalogue.models import Status, StoredProgramme

log = logging.getLogger(__name__)

SHOWN = 8
_URL = re.compile(r"https?://\S+$")

# "나한테 맞는 지원사업", "제 조건에 맞춤 창업 프로그램", "적합한 공고 추천":
# a fit word, then (at most two words later) a programme word — not followed by a yes/no
# ending about one named call ("예비창업패키지가 나한테 맞는 사업이야?" stays a question
# for the answer engine).
_FIT_KO = re.compile(
    r"(맞는|맞을|맞춤|맞춤형|적합한|어울리는|해당되는|해당하는)\s*(?:\S+\s+){0,2}?\S*?"
    r"(지원\s*사업|사업|프로그램|공고|지원금)(?!\s*(?:이야|인가|인지|일까|이에요|인가요|"
    r"입니까|이니|이냐|맞))")
_FIT_EN_VERB = re.compile(r"\b(fits?|suits?|match(?:es)?|right for|eligible|for me|for my)\b")
_FIT_EN_NOUN = re.compile(r"\b(programs?|programmes?|calls?|grants?|support|schemes?|funding)\b")
_ME_EN = re.compile(r"\b(me|my|i|us|our|we)\b")


def is_match_question(text: str) -> bool:
    """Does the question ask which programmes fit the asker (not about one programme)?"""
    low = " ".join(text.lower().split())
    if _FIT_KO.search(low):
        return True
    return bool(_FIT_EN_VERB.search(low) and _FIT_EN_NOUN.search(low) and _ME_EN.search(low))


def registrations() -> list[Any]:
    return [
        CommandHandler("match", match_command),
        CallbackQueryHandler(on_press, pattern=r"^mt:"),
    ]


async def match_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/match [WORDS…]."""
    words = " ".join(context.args or []).strip()
    await answer_match(update, context, user_language(update), words=words)


async def answer_match(update: Update, context: ContextTypes.DEFAULT_TYPE, language: str, *,
                       words: str = "") -> None:
    """The answer to /match and to "나한테 맞는 지원사업 뭐 있어?"."""
    svc = services(context)
    t = flow_texts(language)
    target = Target.of(update)
    alerts = svc.alerts
    if alerts is None:
        await send_html(context.bot, target, t["match_unavailable"])
        return
    chat = update.effective_chat
    assert chat is not None
    sub = await svc.in_log_thread(alerts.store.get, chat.id)
    if words:
        base = sub.profile if sub is not None and sub.active else None
        profile = profile_from_words(words[:300], base=base)
        await send_results(context, svc, target, profile, language)
        return
    if sub is not None and sub.active:
        ask = InlineKeyboardMarkup([[InlineKeyboardButton(t["btn_ask"], callback_data="mt:ask")]])
        await send_results(context, svc, target, sub.profile, language, note=t["match_from_sub"],
                           markup=ask)
        return
    text, markup = flow.screen(flow.MATCH, flow.Draft(Profile()), flow.first_step(flow.MATCH),
                               language)
    await send_html(context.bot, target, text, markup)


async def on_press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A press in the /match questions: anyone in the chat may answer (it changes nothing)."""
    query = update.callback_query
    assert query is not None
    svc, language = services(context), user_language(update)
    t = flow_texts(language)
    message = query.message
    if message is None or svc.alerts is None:
        await query.answer(t["match_unavailable"])
        return
    target = Target.of(update, quote=False)  # its forum topic too
    if query.data == f"{flow.MATCH}:{flow.CANCEL}":
        await query.answer()
        await edit_html(context.bot, target, message.message_id, t["cancelled"])
        return
    if query.data == f"{flow.MATCH}:{flow.ASK}":
        await query.answer()
        sub = await svc.in_log_thread(svc.alerts.store.get, message.chat.id)
        start = sub.profile if sub is not None and sub.active else Profile()
        text, markup = flow.screen(flow.MATCH, flow.Draft(start.model_copy(
            update={"keywords": []})), flow.first_step(flow.MATCH), language)
        await send_html(context.bot, target, text, markup)
        return
    press = flow.parse_press(query.data)
    if press is None or press.flow != flow.MATCH:
        await query.answer(t["stale"])
        return
    await query.answer()
    draft, step = flow.apply(press)
    if step != flow.DONE:
        text, markup = flow.screen(flow.MATCH, draft, step, language)
        await edit_html(context.bot, target, message.message_id, text, markup)
        return
    summary = "\n".join([t["title_mt"], "", *flow.profile_lines(draft.profile, language,
                                                                 receive=False)])
    await edit_html(context.bot, target, message.message_id, summary)
    await send_results(context, svc, target, draft.profile, language)


async def send_results(context: ContextTypes.DEFAULT_TYPE, svc: BotServices, target: Target,
                       profile: Profile, language: str, *, note: str | None = None,
                       markup: InlineKeyboardMarkup | None = None) -> None:
    alerts = svc.alerts
    try:
        found, total = await asyncio.to_thread(alerts.match, profile, SHOWN)
    except Exception as exc:  # the catalogue may be missing or broken: say so politely
        log.warning("alerts.match_failed", extra={"error": type(exc).__name__})
        await send_html(context.bot, target, flow_texts(language)["match_unavailable"])
        return
    log.info("alerts.matched", extra={"total": total, "shown": len(found)})
    await send_long(context.bot, target, results_text(found, total, alerts.clock, language,
                                                      profile, note=note), markup)


def results_text(found: list[tuple[StoredProgramme, Fit]], total: int, clock: Any,
                 language: str, profile: Profile, *, note: str | None = None) -> str:
    t, ct = flow_texts(language), texts(language)
    lines = [t["match_head"].format(total=total, today=clock.today().isoformat())]
    if note:
        lines.append(f"<i>{html.escape(note, quote=False)}</i>")
    lines += flow.profile_lines(profile, language, receive=False)
    if not found:
        return "\n".join([*lines, "", t["match_none"]])
    for i, (stored, fit) in enumerate(found, 1):
        p = stored.programme
        title = html.escape(p.title, quote=False)
        if _URL.match(p.url or ""):
            title = f'<a href="{html.escape(p.url)}">{title}</a>'
        if p.status(clock) is Status.UPCOMING and p.window.start_date:
            when = t["match_upcoming"].format(start=p.window.start_date.isoformat())
        else:
            when = f"{t['match_open']} · {fmt.d_day(p, clock)}"
        lines += ["", f"<b>{i}.</b> {title}", f"🗓 {html.escape(when, quote=False)}"]
        agency = " / ".join(x for x in (p.agency, p.supervising_agency) if x)
        if agency:
            lines.append(f"🏢 {html.escape(agency, quote=False)}")
        lines += fit_lines(fit, ct)
    if total > len(found):
        lines += ["", t["match_more"].format(n=total - len(found))]
    lines += ["", f"<i>{t['match_hint']}</i>"]
    return "\n".join(lines)


async def route_question(update: Update, context: ContextTypes.DEFAULT_TYPE,
                         question: str) -> bool:
    """The text handler's hook: answer a "which programmes fit me" question here; True when
    it was one."""
    if getattr(services(context), "alerts", None) is None or not is_match_question(question):
        return False  # without alerts the answer engine still answers it
    log.info("alerts.match_question")
    await answer_match(update, context, detect_language(question))
    return True
