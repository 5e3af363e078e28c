"""The handlers PTB calls: each reads the update and hands over to the module that does the work."""

from __future__ import annotations

import asyncio
import html
import logging

from telegram import Update
from telegram.ext import ContextTypes

from bot import prompts
from bot.telegram import feedback, matching, staff
from bot.telegram.answering import addressed_question, answer_question
from bot.telegram.keyboards import example_questions, examples_keyboard, parse_example
from bot.telegram.render import render_sources, render_welcome
from bot.telegram.sending import Target, send_html, send_long, send_text
from bot.telegram.services import BotServices, services, user_language
from knowledge.models import DocumentInfo
from knowledge.store import StoreError

log = logging.getLogger(__name__)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start: welcome, what the bot knows, example questions as buttons."""
    language = user_language(update)
    docs = await documents(services(context))
    await send_html(context.bot, Target.of(update), render_welcome(docs, language),
                    examples_keyboard(language) if docs else None)


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/help: how to ask, what the commands do."""
    text = prompts.TG_HELP[user_language(update)].format(bot=html.escape(context.bot.username))
    await send_html(context.bot, Target.of(update), text)


async def sources(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/sources: the indexed documents, grouped by category."""
    docs = await documents(services(context))
    await send_long(context.bot, Target.of(update), render_sources(docs, user_language(update)))


async def reset(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/reset: forget this chat's conversation (and a pending comment)."""
    svc, target = services(context), Target.of(update)
    svc.engine.forget(svc.conversation_id(target.chat_id, target.thread_id))
    await feedback.drop_pending(update, context)
    await send_text(context.bot, target, prompts.TG_RESET_DONE[user_language(update)])


async def skip(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/skip: no comment after 👎 — the next message is a question again."""
    await feedback.drop_pending(update, context)
    await send_text(context.bot, Target.of(update),
                    prompts.TG_COMMENT_SKIPPED[user_language(update)])


async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/stats (staff): today's questions, feedback and refusals."""
    svc = services(context)
    if await _refuse_non_staff(update, context, svc):
        return
    await send_html(context.bot, Target.of(update), await staff.stats_text(svc))


async def reingest(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/reingest (staff): run the incremental ingest and report."""
    svc, target = services(context), Target.of(update)
    if await _refuse_non_staff(update, context, svc):
        return
    if not svc.reingest_lock.locked() and svc.reingest is not None:
        await send_text(context.bot, target, prompts.TG_REINGEST_STARTED)
    await send_text(context.bot, target, await staff.run_reingest(svc))


async def text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A text message: a pending 👎 comment, else a question (groups: only when addressed);
    "which programmes fit me" goes to /match."""
    assert update.message is not None
    if await feedback.take_comment(update, context):
        return
    question = addressed_question(update.message, context.bot)
    if question is None:
        return
    if await matching.route_question(update, context, question):  # "나한테 맞는 지원사업?"
        return
    await answer_question(update, context, question)


async def non_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, voice, files...: a polite text-only reply (groups: only to the bot)."""
    assert update.message is not None
    message = update.message
    replied = message.reply_to_message
    to_bot = replied is not None and replied.from_user is not None and (
        replied.from_user.id == context.bot.id)
    if message.chat.type == message.chat.PRIVATE or to_bot:
        await send_text(context.bot, Target.of(update),
                        prompts.TG_NON_TEXT[user_language(update)])


async def example(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An example-question button of /start: answered like a typed question."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    questions = example_questions(user_language(update))
    index = parse_example(query.data)
    if index is not None and index < len(questions):
        await answer_question(update, context, questions[index], quote=False)


async def stale_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any other button (e.g. from an older version): stop the spinner, nothing else."""
    assert update.callback_query is not None
    await update.callback_query.answer()


# --- helpers -----------------------------------------------------------------------------------
async def documents(svc: BotServices) -> list[DocumentInfo]:
    """The indexed documents (read in a worker thread); empty when there is no index."""
    def read() -> list[DocumentInfo]:
        return svc.engine.kb.store.documents()

    try:
        return await asyncio.to_thread(read)
    except StoreError as exc:
        log.error("telegram.index_unavailable", extra={"error": type(exc).__name__})
        return []


async def _refuse_non_staff(update: Update, context: ContextTypes.DEFAULT_TYPE,
                            svc: BotServices) -> bool:
    user = update.effective_user
    if svc.is_staff(user.id if user else None):
        return False
    log.info("telegram.staff_denied")
    await send_text(context.bot, Target.of(update), prompts.TG_STAFF_ONLY[user_language(update)])
    return True
