"""`startupbot serve`: check the configuration, then run the bot until Ctrl-C / SIGTERM.

Start-up fails early with a message that says what to do: no token, a malformed token, webhook
mode without a URL, no index, or a token Telegram rejects (getMe) — in that order, cheapest first.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import signal
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError
from telegram import Bot, User
from telegram.error import InvalidToken, NetworkError, TelegramError

from bot import prompts
from bot.settings import Settings, TelegramMode
from bot.shared_state import SharedStateSettings
from bot.telegram.app import WebhookConfig, build_application, file_url, running
from bot.telegram.services import AnswerLogPort, Engine

log = logging.getLogger(__name__)

_TOKEN_FORMAT = re.compile(r"\d{1,20}:[A-Za-z0-9_-]{2,100}")
# python-telegram-bot logs whole updates and request bodies at DEBUG: never below INFO.
_QUIET_AT_INFO = ("telegram", "httpx", "httpcore", "apscheduler")


class ServeError(Exception):
    """Start-up cannot continue; `message` tells the operator what to do."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def quiet_library_loggers() -> None:
    for name in _QUIET_AT_INFO:
        logger = logging.getLogger(name)
        logger.setLevel(max(logger.getEffectiveLevel(), logging.INFO))
    logging.getLogger("httpx").setLevel(max(logging.getLogger().level, logging.WARNING))


def check_token(settings: Settings) -> str:
    secret = settings.telegram_bot_token
    token = secret.get_secret_value().strip() if secret else ""
    if not token:
        raise ServeError(prompts.SERVE_NO_TOKEN)
    if not _TOKEN_FORMAT.fullmatch(token):
        raise ServeError(prompts.SERVE_BAD_TOKEN_FORMAT)
    return token


async def check_bot(settings: Settings, token: str) -> User:
    """getMe: is the token accepted and the Bot API reachable?"""
    base = settings.telegram_api_base_url.rstrip("/")
    try:
        async with Bot(token, base_url=base, base_file_url=file_url(base)) as bot:
            return bot.bot
    except InvalidToken:
        raise ServeError(prompts.SERVE_TOKEN_REJECTED) from None
    except (NetworkError, TelegramError) as exc:
        url = base.rsplit("/bot", 1)[0] if base.endswith("/bot") else base
        raise ServeError(prompts.SERVE_API_UNREACHABLE.format(
            url=url, error=str(exc).replace(token, "<token>")), 3) from None


def check_index(kb: Any) -> list[str]:
    """The bot answers from the published index only; without one every question would fail.
    Returns warnings for the operator (documents of the knowledge folder not yet ingested)."""
    from ingest.pipeline import pending_documents

    status = kb.status()
    if status.missing or status.legacy_layout:
        raise ServeError(prompts.SERVE_NO_INDEX)
    if not status.ready:
        raise ServeError(status.problem)
    if status.empty:
        raise ServeError(prompts.SERVE_NO_INDEX)
    pending = pending_documents(kb)
    if not pending:
        return []
    names = ", ".join(pending[:3]) + (" …" if len(pending) > 3 else "")
    log.warning("serve.pending_documents", extra={"pending": len(pending)})
    return [prompts.INDEX_PENDING_WARNING.format(pending=len(pending), names=names)]


def webhook_config(settings: Settings, mode: TelegramMode | None,
                   **overrides: Any) -> WebhookConfig | None:
    mode = mode or settings.telegram_mode
    if mode is not TelegramMode.WEBHOOK:
        return None
    if not (overrides.get("url") or settings.telegram_webhook_url):
        raise ServeError(prompts.SERVE_WEBHOOK_NO_URL)
    try:
        webhook = WebhookConfig.from_settings(settings, **overrides)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise ServeError(prompts.SERVE_WEBHOOK_INVALID.format(problems=problems)) from None
    if not webhook.secret:
        log.warning("telegram.webhook_without_secret",
                    extra={"hint": prompts.SERVE_WEBHOOK_NO_SECRET})
    return webhook


async def serve_until_stopped(settings: Settings, engine: Engine,
                              answer_log: AnswerLogPort | None,
                              reingest: Callable[[], Any] | None,
                              webhook: WebhookConfig | None,
                              announce: Callable[[str], None] = print,
                              alerts: Any = None) -> None:
    app = build_application(settings, engine, answer_log, reingest, alerts=alerts)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    async with running(app, webhook=webhook):
        announce(prompts.SERVE_STARTED.format(username=app.bot.username,
                                              mode="webhook" if webhook else "long polling"))
        await stop.wait()
        log.info("telegram.stopping")
        abort_model_calls(engine)  # answers in flight fall back now instead of at their deadline


def abort_model_calls(engine: Engine) -> None:
    """Cancel the engine's model calls in flight (shutdown must not wait for a slow model)."""
    abort = getattr(getattr(engine, "generator", None), "abort", None)
    if callable(abort):
        abort()


def check_state_settings() -> SharedStateSettings:
    """The shared-state settings (bot/shared_state/settings.py), validated at start-up."""
    try:
        return SharedStateSettings()
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise ServeError(prompts.SERVE_STATE_INVALID.format(problems=problems)) from None


def preflight(settings: Settings, mode: TelegramMode | None = None,
              **webhook_overrides: Any) -> WebhookConfig | None:
    """The checks that need nothing built: logging levels, the token, the webhook and
    shared-state settings."""
    quiet_library_loggers()
    check_token(settings)
    check_state_settings()
    return webhook_config(settings, mode, **webhook_overrides)


def serve(settings: Settings, engine: Engine, answer_log: AnswerLogPort | None,
          reingest: Callable[[], Any] | None, webhook: WebhookConfig | None = None, *,
          announce: Callable[[str], None] = print, alerts: Any = None) -> None:
    """getMe, then run until SIGINT/SIGTERM. Raises `ServeError` for the operator.

    Call `preflight` and `check_index` first (before building the engine: they are instant).
    """
    token = check_token(settings)
    me = asyncio.run(check_bot(settings, token))
    log.info("telegram.checked", extra={"bot": me.username,
                                        "mode": "webhook" if webhook else "polling"})
    asyncio.run(serve_until_stopped(settings, engine, answer_log, reingest, webhook, announce,
                                    alerts=alerts))
