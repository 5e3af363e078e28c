"""Webhook mode: our own endpoint that processes each update *before* answering 200.

PTB's built-in webhook server (and its documented custom-webhook example) put the update in a
queue and answer 200 at once; a replica that dies a moment later has lost an update Telegram
will never resend. Here, following PTB's custom-webhook pattern with Starlette + uvicorn, the
endpoint calls `application.process_update` and answers only when it is done:

- 200 after the update was processed (the bot has replied), or when it was already processed
  (its `update_id` is marked done in the shared state: a redelivery is answered once);
- 503 while another replica holds the update (its lease has not run out): Telegram retries, and
  a replica that died holding it is taken over when the lease ends;
- 200 anyway after `STARTUPBOT_TELEGRAM_UPDATE_TIMEOUT` seconds (Telegram gives up on a webhook
  after about a minute and then resends): processing goes on and marks the update done;
- no answer at all when the process dies (kill -9): Telegram resends, another replica takes it.

On shutdown the server answers new updates 503, waits a few seconds for updates in progress,
and gives the unfinished ones back (release, answered 503), so their redelivery is processed
elsewhere.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from telegram import Update
from telegram.ext import Application

from bot.shared_state import Claim
from bot.telegram.services import BotServices

if TYPE_CHECKING:
    from bot.telegram.app import WebhookConfig

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
SHUTDOWN_GRACE_S = 5.0


def click_token(svc: BotServices, alert_id: int) -> str:
    return f"{alert_id}.{svc.keys.sign(f'click:{alert_id}')}"


def click_alert_id(svc: BotServices, token: str) -> int | None:
    number, _, signature = token.partition(".")
    if not number.isdigit() or len(number) > 18:
        return None
    return int(number) if svc.keys.verify(f"click:{number}", signature) else None


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield  # `startupbot serve` owns SIGINT/SIGTERM and stops us itself


class WebhookServer:
    def __init__(self, app: Application, config: WebhookConfig, svc: BotServices) -> None:
        self.app = app
        self.config = config
        self.svc = svc
        self.timeout = svc.state_settings.telegram_update_timeout
        self.lease = svc.state_settings.update_lease_seconds
        self.keep = svc.state_settings.processed_update_ttl_hours * 3600
        self._limit = asyncio.Semaphore(svc.settings.telegram_concurrent_updates)
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self._server: _Server | None = None
        self._stopping = False
        self._serving: asyncio.Task[None] | None = None

    def asgi(self) -> Starlette:
        path = "/" + self.config.url_path
        return Starlette(routes=[Route(path, self.handle, methods=["POST"]),
                                 Route("/healthz", self.health, methods=["GET"]),
                                 Route("/r/{token}", self.redirect, methods=["GET"])])

    async def health(self, request: Request) -> Response:
        return PlainTextResponse("ok")

    async def redirect(self, request: Request) -> Response:
        """An alert card's link (issue 16): count the click, then on to the call's page.
        The token is the alert id signed with the callback key, so ids cannot be guessed
        or counted by anyone else; a bad token gets 404, never a redirect elsewhere."""
        alerts = self.svc.alerts
        alert_id = click_alert_id(self.svc, request.path_params.get("token", ""))
        if alerts is None or alert_id is None:
            return PlainTextResponse("not found", status_code=404)
        try:
            payload = await asyncio.to_thread(alerts.store.click, alert_id)
        except Exception as exc:
            log.warning("alerts.click_failed", extra={"error": type(exc).__name__})
            payload = None
        url = str((payload or {}).get("url") or "")
        if not url.startswith(("https://", "http://")):
            return PlainTextResponse("not found", status_code=404)
        return RedirectResponse(url, status_code=302)

    async def handle(self, request: Request) -> Response:
        if self._stopping:
            return PlainTextResponse("stopping", status_code=503, headers={"Retry-After": "1"})
        secret = self.config.secret
        if secret and not hmac.compare_digest(request.headers.get(SECRET_HEADER, ""), secret):
            log.warning("telegram.webhook_bad_secret")
            return PlainTextResponse("forbidden", status_code=403)
        try:
            update = Update.de_json(await request.json(), self.app.bot)
        except Exception:
            log.warning("telegram.webhook_bad_update")
            return PlainTextResponse("bad update", status_code=400)
        update_id = update.update_id
        claim = await self._claim(update_id)
        if claim is Claim.DONE:
            log.info("telegram.update_duplicate", extra={"update_id": update_id})
            return PlainTextResponse("ok")
        if claim is Claim.BUSY or update_id in self._tasks:
            log.info("telegram.update_busy", extra={"update_id": update_id})
            return PlainTextResponse("busy", status_code=503, headers={"Retry-After": "1"})
        task = asyncio.ensure_future(self._process(update))
        self._tasks[update_id] = task
        task.add_done_callback(lambda _t: self._tasks.pop(update_id, None))
        done, _ = await asyncio.wait({task}, timeout=self.timeout)
        if task.cancelled():  # shutting down: given back, Telegram resends it
            return PlainTextResponse("stopping", status_code=503, headers={"Retry-After": "1"})
        if task not in done:
            log.warning("telegram.update_slow", extra={"update_id": update_id,
                                                       "timeout_s": self.timeout})
        return PlainTextResponse("ok")

    def _key(self, update_id: int) -> str:
        return f"{self.app.bot.id}:{update_id}"

    async def _claim(self, update_id: int) -> Claim:
        if self.svc.state is None:
            return Claim.NEW
        try:
            return await self.svc.in_state_thread(self.svc.state.claim_update,
                                                  self._key(update_id), self.lease, time.time())
        except Exception as exc:  # without the store: process it (at least once, maybe twice)
            log.error("telegram.update_store_failed", extra={"op": "claim",
                                                            "error": type(exc).__name__})
            return Claim.NEW

    async def _process(self, update: Update) -> None:
        started = time.perf_counter()
        try:
            async with self._limit:
                await self.app.process_update(update)  # handler errors go to errors.on_error
        except asyncio.CancelledError:
            await self._settle(update.update_id, "release")
            raise
        except Exception as exc:
            log.error("telegram.update_failed", extra={"update_id": update.update_id,
                                                       "error": type(exc).__name__})
        await self._settle(update.update_id, "finish")
        log.info("telegram.update_processed", extra={
            "update_id": update.update_id, "ms": round((time.perf_counter() - started) * 1000)})

    async def _settle(self, update_id: int, op: str) -> None:
        state = self.svc.state
        if state is None:
            return
        try:
            if op == "finish":
                await asyncio.shield(self.svc.in_state_thread(
                    state.finish_update, self._key(update_id), time.time(), self.keep))
            else:
                await asyncio.shield(self.svc.in_state_thread(state.release_update,
                                                              self._key(update_id)))
        except Exception as exc:
            log.error("telegram.update_store_failed", extra={"op": op,
                                                            "error": type(exc).__name__})

    async def start(self) -> None:
        config = uvicorn.Config(self.asgi(), host=self.config.listen, port=self.config.port,
                                log_level="warning", access_log=False, lifespan="off",
                                timeout_graceful_shutdown=2)
        self._server = _Server(config)
        self._serving = asyncio.create_task(self._server.serve())
        while not self._server.started:
            if self._serving.done():  # e.g. the port is taken
                self._serving.result()
                raise OSError(f"webhook server did not start on port {self.config.port}")
            await asyncio.sleep(0.02)

    async def stop(self) -> None:
        """New updates get 503; those in progress get SHUTDOWN_GRACE_S to finish, the rest
        are cancelled and released (answered 503), then the server closes."""
        self._stopping = True
        pending: list[Any] = list(self._tasks.values())
        if pending:
            _, late = await asyncio.wait(pending, timeout=SHUTDOWN_GRACE_S)
            for task in late:
                task.cancel()
            if late:
                await asyncio.wait(late, timeout=2)
                log.warning("telegram.updates_released", extra={"count": len(late)})
        if self._server is not None:
            self._server.should_exit = True
        if self._serving is not None:
            with contextlib.suppress(Exception):
                await self._serving
