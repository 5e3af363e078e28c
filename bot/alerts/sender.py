"""`serve`'s alert loop: plan what is due, then deliver the outbox within Telegram's limits.

One replica sends at a time (the `sender` lease in the database): Telegram's limit is per bot,
so two replicas each pacing at 30/s would together be rate-limited. Every tick the holder
renews its lease, turns rows left `sending` by a dead sender into `uncertain`, plans (new calls
at once, reminders and the digest when their hour has come) and delivers due rows in order,
each one when the pacer allows it.

What Telegram says decides the row:
- sent → `sent`;
- 429 → the pacer pauses for `retry_after`, the row goes back to pending after it;
- Forbidden (blocked, kicked) → the chat's subscription ends, the row is `blocked`;
- the group was upgraded to a supergroup → the subscription follows the new id, sent again;
- a bad request (chat not found, …) → `failed`, and a missing chat ends the subscription;
- a network error before anything was sent → pending again in a minute;
- a timeout (Telegram may have sent it) → `uncertain`, never sent twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
import uuid
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.warnings import PTBDeprecationWarning

from bot.alerts import cards, planner
from bot.alerts.matching import Fit
from bot.alerts.models import AlertKind, AlertStatus, OutboxItem
from bot.alerts.pacing import Pacer, Send
from bot.alerts.settings import AlertSettings
from bot.alerts.store import AlertStore
from knowledge.catalogue.models import Programme, Status, StoredProgramme
from knowledge.clock import Clock

log = logging.getLogger(__name__)

LEASE = "sender"
PLAN_EVERY_S = 60.0
CATALOGUE_TTL_S = 30.0
MAX_IN_FLIGHT = 8
MAX_BACKOFF_S = 60.0  # between ticks while the database is unreachable
BUNDLE_OVER = 3  # a chat's new-call alerts beyond this many in one batch go as one list
LinkFn = Callable[[OutboxItem, Programme], str | None]


@dataclass
class TickReport:
    leader: bool = False
    planned: dict[str, int] = field(default_factory=dict)
    claimed: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)


class AlertSender:
    def __init__(self, store: AlertStore, settings: AlertSettings, clock: Clock,
                 catalogue: Callable[[], list[StoredProgramme]], *,
                 link: LinkFn | None = None, owner: str | None = None) -> None:
        self.store = store
        self.settings = settings
        self.clock = clock
        self.catalogue = catalogue
        self.link = link
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.pacer = Pacer(settings.max_per_second, settings.per_chat_seconds,
                           settings.group_per_minute, settings.safety_margin)
        self._items: list[StoredProgramme] = []
        self._items_at = -1e9
        self._planned_at = -1e9
        self._wake = asyncio.Event()
        self._shown: dict[int, Programme] = {}  # alert id → the programme its card shows
        self._loop: asyncio.AbstractEventLoop | None = None

    # --- the loop ------------------------------------------------------------------------
    def wake(self) -> None:
        """Plan and look at the outbox now (a sync in this process planned new alerts); safe
        to call from any thread."""
        self._planned_at = -1e9
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._wake.set)

    async def run_forever(self, bot: Any) -> None:
        self._loop = asyncio.get_running_loop()
        log.info("alerts.sender_started", extra={"tick_s": self.settings.tick_seconds})
        failures = 0
        try:
            while True:
                try:
                    await self.tick(bot)
                    failures = 0
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # the database is down, …: try again, less often
                    failures += 1
                    if failures == 1 or failures % 10 == 0:
                        log.error("alerts.tick_failed", extra={
                            "error": type(exc).__name__, "detail": str(exc)[:200],
                            "failures": failures})
                pause = min(MAX_BACKOFF_S, self.settings.tick_seconds * 2 ** min(failures, 6))
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(),
                                           pause if failures else self.settings.tick_seconds)
                self._wake.clear()
        finally:
            with contextlib.suppress(Exception):
                await asyncio.to_thread(self.store.drop_lease, LEASE, self.owner)

    async def tick(self, bot: Any) -> TickReport:
        report = TickReport()
        if not await asyncio.to_thread(self.store.take_lease, LEASE, self.owner,
                                       self.settings.lease_seconds):
            return report
        report.leader = True
        await asyncio.to_thread(self.store.recover)
        if time.monotonic() - self._planned_at >= PLAN_EVERY_S:
            self._planned_at = time.monotonic()
            items = await self._catalogue(fresh=True)
            report.planned = await asyncio.to_thread(planner.plan_all, self.store, items,
                                                     self.clock, self.settings)
        while True:
            batch = await asyncio.to_thread(self.store.claim, self.settings.batch,
                                            self.settings.lease_seconds)
            if not batch:
                break
            report.claimed += len(batch)
            await self._deliver(bot, batch, report)
            if not await asyncio.to_thread(self.store.take_lease, LEASE, self.owner,
                                           self.settings.lease_seconds):
                break
        if report.claimed:
            log.info("alerts.delivered", extra={"claimed": report.claimed,
                                                "outcomes": report.outcomes})
        return report

    async def _catalogue(self, fresh: bool = False) -> list[StoredProgramme]:
        if fresh or time.monotonic() - self._items_at > CATALOGUE_TTL_S:
            self._items = await asyncio.to_thread(self.catalogue)
            self._items_at = time.monotonic()
        return self._items

    # --- delivery ------------------------------------------------------------------------
    def _units(self, batch: list[OutboxItem]) -> list[list[OutboxItem]]:
        """What goes out as one message: each alert alone, except a chat's new-call alerts
        beyond `BUNDLE_OVER` in one batch (a sync that brought many), which go as one list."""
        new_by_chat: dict[int, list[OutboxItem]] = {}
        for item in batch:
            if item.kind is AlertKind.NEW:
                new_by_chat.setdefault(item.chat_id, []).append(item)
        bundled = {c: group for c, group in new_by_chat.items() if len(group) > BUNDLE_OVER}
        units: list[list[OutboxItem]] = []
        for item in batch:
            group = bundled.get(item.chat_id)
            if group is None or item.kind is not AlertKind.NEW:
                units.append([item])
            elif item is group[0]:
                units.append(group)
        return units

    async def _deliver(self, bot: Any, batch: list[OutboxItem], report: TickReport) -> None:
        items = {s.programme.id: s for s in await self._catalogue()}
        wanted = {i.programme_id for i in batch if i.programme_id}
        if not wanted <= items.keys():  # planned elsewhere after our copy: read it again
            items = {s.programme.id: s for s in await self._catalogue(fresh=True)}
        slots = asyncio.Semaphore(MAX_IN_FLIGHT)
        tasks: set[asyncio.Task] = set()
        queue = self._units(batch)
        renewed = time.monotonic()

        def left() -> list[int]:
            return [i.id for unit in queue for i in unit]

        try:
            while queue:
                if time.monotonic() - renewed > self.settings.lease_seconds / 3:
                    renewed = time.monotonic()
                    if not await asyncio.to_thread(self._renew, left()):
                        log.warning("alerts.lease_lost", extra={"left": len(queue)})
                        await asyncio.to_thread(self.store.release_claims, left())
                        break
                # the unit that may go soonest (a chat waiting its second does not hold others)
                now = self.pacer.clock()
                best = min(range(len(queue)), key=lambda i: (
                    max(self.pacer.ready_at(queue[i][0].chat_id), now), i))
                unit = queue.pop(best)
                message = self._message(unit, items)
                if message is None:  # closed, vanished or empty since it was planned
                    for item in unit:
                        await asyncio.to_thread(self.store.mark, item.id, AlertStatus.DROPPED,
                                                "closed")
                    _count(report, "dropped", len(unit))
                    continue
                await slots.acquire()
                started = [i for i in unit
                           if await asyncio.to_thread(self.store.start_sending, i.id)]
                if len(started) < len(unit):
                    _count(report, "taken_over", len(unit) - len(started))
                if not started:
                    slots.release()
                    continue
                # the timing gate right before the request: what Telegram counts is arrivals
                chat_id = unit[0].chat_id
                while (wait := self.pacer.ready_at(chat_id) - self.pacer.clock()) > 0:
                    await asyncio.sleep(wait)
                paced = self.pacer.record(chat_id)
                task = asyncio.create_task(self._send_one(bot, started, message, report, paced))
                tasks.add(task)
                task.add_done_callback(lambda t: (tasks.discard(t), slots.release()))
            if tasks:
                await asyncio.gather(*tasks, return_exceptions=True)
            self._shown.clear()
        except asyncio.CancelledError:
            await asyncio.to_thread(self.store.release_claims, left())
            raise

    def _renew(self, ids: list[int]) -> bool:
        """Keep the sender lease and the claims of a long batch (a 429 pause)."""
        if not self.store.take_lease(LEASE, self.owner, self.settings.lease_seconds):
            return False
        self.store.extend_claims(ids, self.settings.lease_seconds)
        return True

    def _live(self, item: OutboxItem, items: dict[str, StoredProgramme]) -> Programme | None:
        stored = items.get(item.programme_id or "")
        if stored is None or stored.vanished:
            return None
        p = stored.programme
        if p.status(self.clock) not in (Status.OPEN, Status.UPCOMING):
            return None
        self._shown[item.id] = p
        return p

    def _message(self, unit: list[OutboxItem],
                 items: dict[str, StoredProgramme]) -> tuple | None:
        item = unit[0]
        if item.kind is AlertKind.DIGEST:
            opening = [items[i].programme for i in item.payload.get("opening", []) if i in items]
            closing = [items[i].programme for i in item.payload.get("closing", []) if i in items]
            if not opening and not closing:
                return None
            week = tuple(item.payload.get("week", ["", ""]))
            return cards.digest(item, opening, closing, self.clock, week)  # type: ignore[arg-type]
        if len(unit) > 1:
            live = [(i, p) for i in unit if (p := self._live(i, items)) is not None]
            if not live:
                return None
            links = [self.link(i, p) if self.link else p.url for i, p in live]
            return cards.bundle(item, [p for _, p in live], links, self.clock)
        p = self._live(item, items)
        if p is None:
            return None
        fit = Fit(True, list(item.payload.get("why", [])), list(item.payload.get("check", [])))
        link = self.link(item, p) if self.link else p.url
        return cards.card(item, p, self.clock, fit, link)

    async def _send_one(self, bot: Any, unit: list[OutboxItem], message: tuple,
                        report: TickReport, paced: Send) -> None:
        _count(report, await self._attempt(bot, unit, message, paced), len(unit))

    async def _mark(self, unit: list[OutboxItem], status: AlertStatus,
                    error: str | None = None) -> None:
        for item in unit:
            await asyncio.to_thread(self.store.mark, item.id, status, error)

    async def _attempt(self, bot: Any, unit: list[OutboxItem], message: tuple,
                       paced: Send) -> str:
        """Rows already `sending` (one message): the request and what Telegram's answer
        makes of them."""
        text, markup = message
        chat_id = unit[0].chat_id
        for _ in range(2):  # a second time only after a group migrated
            try:
                try:
                    await bot.send_message(chat_id, text, parse_mode="HTML",
                                           reply_markup=markup, disable_web_page_preview=True)
                finally:  # answered (or failed): the windows it opened count from here
                    self.pacer.settle(paced)
            except RetryAfter as exc:
                delay = _retry_after(exc)
                self.pacer.pause(delay)
                for item in unit:
                    await asyncio.to_thread(self.store.retry_later, item.id, delay, "429")
                log.warning("alerts.rate_limited", extra={"retry_after": delay})
                return "retry_after"
            except ChatMigrated as exc:
                await asyncio.to_thread(self.store.migrate_chat, chat_id, exc.new_chat_id)
                chat_id = exc.new_chat_id
                continue
            except Forbidden:
                await asyncio.to_thread(self.store.end, chat_id, "blocked")
                await self._mark(unit, AlertStatus.BLOCKED, "forbidden")
                return "blocked"
            except BadRequest as exc:
                if "chat not found" in str(exc).lower():
                    await asyncio.to_thread(self.store.end, chat_id, "blocked")
                await self._mark(unit, AlertStatus.FAILED, str(exc)[:200])
                return "failed"
            except TimedOut:
                await self._mark(unit, AlertStatus.UNCERTAIN, "timed out")
                return "uncertain"
            except NetworkError as exc:
                for item in unit:
                    await asyncio.to_thread(self.store.retry_later, item.id, 60.0,
                                            str(exc)[:200])
                return "retry_network"
            for item in unit:  # record the deadline the card showed (a later change alerts)
                p = self._shown.pop(item.id, None)
                payload = ({**item.payload, "deadline": p.window.end.isoformat()
                            if p.window.end else ""} if p is not None else None)
                await asyncio.to_thread(self.store.mark, item.id, AlertStatus.SENT, None,
                                        payload)
            return "sent"
        await self._mark(unit, AlertStatus.FAILED, "migrated twice")
        return "failed"


def _count(report: TickReport, outcome: str, n: int = 1) -> None:
    report.outcomes[outcome] = report.outcomes.get(outcome, 0) + n


def _retry_after(exc: RetryAfter) -> float:
    """Seconds to wait (PTB 22 warns that the attribute becomes a timedelta; both work)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        return _seconds(exc.retry_after)


def _seconds(value: Any) -> float:
    if hasattr(value, "total_seconds"):
        return max(1.0, float(value.total_seconds()))
    return max(1.0, float(value))
