"""The Telegram `Application`: its handlers, limits and how it receives updates.

`build_application` reads as the list of what the bot reacts to. `running()` starts it with long
polling or a webhook and stops it cleanly; `startupbot serve` and the tests both use it, so the
tests exercise the same start-up path as production.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from pydantic import BaseModel, Field
from telegram import BotCommand, Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot import prompts
from bot.alerts.pacing import RecordingRateLimiter
from bot.settings import Settings
from bot.shared_state import SharedStateSettings, build_shared_state
from bot.telegram import alerts_staff, errors, feedback, handlers, programs, subscriptions
from bot.telegram.keyboards import EXAMPLE_PATTERN, FEEDBACK_PATTERN
from bot.telegram.services import SERVICES_KEY, AnswerLogPort, BotServices, Engine
from bot.telegram.webhook import WebhookServer, click_token

if TYPE_CHECKING:
    from bot.alerts.service import Alerts

log = logging.getLogger(__name__)

ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]
FLOOD_RETRIES = 3  # AIORateLimiter: retries after a 429 (it waits retry_after each time)
PURGE_EVERY_S = 600.0

NEW_MESSAGES = filters.UpdateType.MESSAGE  # edits of old messages are not new questions
NON_TEXT = NEW_MESSAGES & ~filters.TEXT & ~filters.COMMAND & ~filters.StatusUpdate.ALL & (
    filters.ChatType.PRIVATE | filters.REPLY)


def registrations() -> list[BaseHandler[Any, Any, Any]]:
    """Everything the bot reacts to, in the order PTB tries them."""
    return [
        *programs.registrations(),  # issue 14: /programs, deep-link cards (before /start)
        CommandHandler("start", handlers.start),
        CommandHandler("help", handlers.help_command),
        CommandHandler("sources", handlers.sources),
        CommandHandler("reset", handlers.reset),
        CommandHandler("skip", handlers.skip),
        CommandHandler("stats", handlers.stats),
        CommandHandler("reingest", handlers.reingest),
        *subscriptions.registrations(),  # issue 16: /subscribe /mysubs /unsubscribe /match 🔕
        *alerts_staff.registrations(),  # issue 16: /alerts (staff)
        CallbackQueryHandler(feedback.on_feedback, pattern=FEEDBACK_PATTERN),
        CallbackQueryHandler(handlers.example, pattern=EXAMPLE_PATTERN),
        CallbackQueryHandler(handlers.stale_button),
        MessageHandler(NEW_MESSAGES & filters.TEXT & ~filters.COMMAND, handlers.text),
        MessageHandler(NON_TEXT, handlers.non_text),
    ]


def file_url(base_url: str) -> str:
    """Telegram serves files under /file/bot<token> next to /bot<token>."""
    return base_url[: -len("/bot")] + "/file/bot" if base_url.endswith("/bot") else base_url


def build_application(settings: Settings, engine: Engine, answer_log: AnswerLogPort | None,
                      reingest: Callable[[], Any] | None, *,
                      state_settings: SharedStateSettings | None = None,
                      alerts: Alerts | None = None) -> Application:
    """The bot, with its state (conversation turns, pending comments, rate windows, update
    ids) in the shared store: Redis when STARTUPBOT_REDIS_URL is set, else the answer-log
    database. Nothing is opened here."""
    if settings.telegram_bot_token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    base_url = settings.telegram_api_base_url.rstrip("/")
    app = (
        Application.builder()
        .token(settings.telegram_bot_token.get_secret_value())
        .base_url(base_url)
        .base_file_url(file_url(base_url))
        .concurrent_updates(settings.telegram_concurrent_updates)
        .rate_limiter(RecordingRateLimiter(max_retries=FLOOD_RETRIES))
        .build()
    )
    state_settings = state_settings or SharedStateSettings()
    state = build_shared_state(settings.answer_log_url or "", state_settings)
    conversations = getattr(engine, "conversations", None)
    if conversations is not None and hasattr(conversations, "backend"):
        # the engine's turns move to the shared store (ConversationStore keeps its interface)
        conversations.backend = state
        conversations.ttl_s = state_settings.conversation_ttl_hours * 3600
    app.bot_data[SERVICES_KEY] = BotServices.from_settings(
        settings, engine, answer_log, reingest, state=state, state_settings=state_settings)
    app.bot_data[SERVICES_KEY].alerts = alerts
    app.add_handlers(registrations())
    programs.install(app)  # issue 14: scheduled catalogue sync (JobQueue), when configured
    app.add_error_handler(errors.on_error)
    return app


class WebhookConfig(BaseModel):
    """Where Telegram posts updates and where our server listens (behind a reverse proxy)."""

    url: str = Field(pattern=r"^https?://")
    secret: str | None = Field(None, pattern=r"^[A-Za-z0-9_-]{1,256}$")
    listen: str = "127.0.0.1"
    port: int = Field(8443, ge=1, le=65535)

    @property
    def url_path(self) -> str:
        return urlsplit(self.url).path.lstrip("/")

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: Any) -> WebhookConfig:
        secret = settings.telegram_webhook_secret
        values = {"url": settings.telegram_webhook_url,
                  "secret": secret.get_secret_value() if secret else None,
                  "listen": settings.telegram_webhook_listen,
                  "port": settings.telegram_webhook_port}
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


async def set_commands(app: Application) -> None:
    """The command menu next to the text box (staff commands stay unlisted)."""
    commands = [BotCommand(name, text) for name, text in prompts.TG_COMMANDS.items()]
    try:
        await app.bot.set_my_commands(commands)
    except TelegramError as exc:  # cosmetic: the bot works without the menu
        log.warning("telegram.set_commands_failed", extra={"error": type(exc).__name__})


@contextlib.asynccontextmanager
async def running(app: Application, *, webhook: WebhookConfig | None = None,
                  poll_timeout: int = 10) -> AsyncIterator[Application]:
    """Start `app` (long polling, or our webhook server: bot/telegram/webhook.py) and stop it
    on exit."""
    svc: BotServices = app.bot_data[SERVICES_KEY]
    server: WebhookServer | None = None
    async with app:
        assert app.updater is not None
        await open_state(svc)
        await set_commands(app)
        await app.start()
        if webhook is None:
            await app.updater.start_polling(poll_interval=0, timeout=poll_timeout,
                                            allowed_updates=ALLOWED_UPDATES)
        else:
            server = WebhookServer(app, webhook, svc)
            await server.start()
            await app.bot.set_webhook(url=webhook.url, secret_token=webhook.secret,
                                      allowed_updates=ALLOWED_UPDATES)
        purging = asyncio.create_task(purge_forever(svc))
        sending = start_alerts(app, svc, webhook)
        log.info("telegram.started", extra={"mode": "webhook" if webhook else "polling",
                                            "state": svc.state.name if svc.state else "memory"})
        try:
            yield app
        finally:
            purging.cancel()
            if sending is not None:
                sending.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await sending
            if server is not None:
                await server.stop()
            else:
                await app.updater.stop()
            await app.stop()
            svc.close()
            log.info("telegram.stopped")


def start_alerts(app: Application, svc: BotServices,
                 webhook: WebhookConfig | None) -> asyncio.Task[None] | None:
    """issue 16: the outbox sender, when alerts are configured. Card links go through the
    click counter on the webhook host (webhook mode only: in polling mode nothing of ours is
    reachable from outside, so links go straight to the call and clicks are not counted)."""
    alerts = svc.alerts
    if alerts is None or not alerts.settings.enabled:
        return None
    link = None
    if webhook is not None and alerts.settings.click_links:
        parts = urlsplit(webhook.url)
        base = f"{parts.scheme}://{parts.netloc}"

        def link(item: Any, programme: Any) -> str | None:
            return f"{base}/r/{click_token(svc, item.id)}" if programme.url else None
    sender = alerts.sender(link=link)
    limiter = app.bot.rate_limiter
    if isinstance(limiter, RecordingRateLimiter):  # an answer and an alert share a chat's second
        sender.pacer.others = limiter.last_send.get
    return asyncio.create_task(sender.run_forever(app.bot), name="alert-sender")


async def open_state(svc: BotServices) -> None:
    """Open (and migrate) the shared store now, so a broken one shows at start-up. The bot
    still runs without it: each use then fails open and is logged."""
    if svc.state is None:
        return
    try:
        await svc.in_state_thread(svc.state.ping)
    except Exception as exc:
        log.error("shared_state.unavailable", extra={"error": str(exc)[:300]})


async def purge_forever(svc: BotServices, every_s: float = PURGE_EVERY_S) -> None:
    """Expired turns, comments, windows and update ids are deleted now and then (SQL only;
    Redis expires its keys itself)."""
    while svc.state is not None:
        await asyncio.sleep(every_s)
        try:
            deleted = await svc.in_state_thread(svc.state.purge, time.time())
            log.info("shared_state.purged", extra={"deleted": deleted})
        except Exception as exc:
            log.warning("shared_state.purge_failed", extra={"error": type(exc).__name__})
