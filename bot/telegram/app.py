"""The Telegram `Application`: its handlers, limits and how it receives updates.

`build_application` reads as the list of what the bot reacts to. `running()` starts it with long
polling or a webhook and stops it cleanly; `startupbot serve` and the tests both use it, so the
tests exercise the same start-up path as production.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, Field
from telegram import BotCommand, Update
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot import prompts
from bot.telegram import errors, feedback, handlers, programs
from bot.telegram.keyboards import EXAMPLE_PATTERN, FEEDBACK_PATTERN
from bot.telegram.services import SERVICES_KEY, AnswerLogPort, BotServices, Engine
from knowledge.settings import Settings

log = logging.getLogger(__name__)

ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]
FLOOD_RETRIES = 3  # AIORateLimiter: retries after a 429 (it waits retry_after each time)

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
                      reingest: Callable[[], Any] | None) -> Application:
    if settings.telegram_bot_token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    base_url = settings.telegram_api_base_url.rstrip("/")
    app = (
        Application.builder()
        .token(settings.telegram_bot_token.get_secret_value())
        .base_url(base_url)
        .base_file_url(file_url(base_url))
        .concurrent_updates(settings.telegram_concurrent_updates)
        .rate_limiter(AIORateLimiter(max_retries=FLOOD_RETRIES))
        .build()
    )
    app.bot_data[SERVICES_KEY] = BotServices.from_settings(settings, engine, answer_log,
                                                           reingest)
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
    """Start `app` (long polling, or the webhook server) and stop it on exit."""
    async with app:
        assert app.updater is not None
        await set_commands(app)
        if webhook is None:
            await app.updater.start_polling(poll_interval=0, timeout=poll_timeout,
                                            allowed_updates=ALLOWED_UPDATES)
        else:
            await app.updater.start_webhook(
                listen=webhook.listen, port=webhook.port, url_path=webhook.url_path,
                webhook_url=webhook.url, secret_token=webhook.secret,
                allowed_updates=ALLOWED_UPDATES)
        await app.start()
        log.info("telegram.started", extra={"mode": "webhook" if webhook else "polling"})
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()
            app.bot_data[SERVICES_KEY].close()
            log.info("telegram.stopped")
