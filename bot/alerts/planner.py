"""Turning the catalogue into outbox rows: new calls, changed deadlines, D-N reminders and the
weekly digest.

- **New calls** (`plan_new`): programmes the catalogue changed since the last plan (its
  `changed_at` watermark), open or upcoming, against every active subscription that wants new
  calls. A call is "new" to a chat when it came in (or changed) after the chat subscribed, so
  a new subscriber is not flooded with every open call. A changed deadline of a call a chat
  was already sent becomes a `deadline` alert. Run after every sync (the sync's listener), and
  by `serve` now and then, so a sync whose listener could not reach the database is caught up.
- **Reminders** (`plan_reminders`): once a day, at the civil hour (09:00 Asia/Seoul by
  default), open calls whose deadline is D-7 or D-1 for the subscriptions they fit.
- **Digest** (`plan_digest`): once a week on the set weekday at the same hour, one message per
  chat with the fitting calls opening and closing that week (none sent when there are none).

Each plan is idempotent: rows are deduplicated per (subscription, key) and the daily/weekly
plans take a marker in the same transaction, so two replicas or a restart never plan twice.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from bot.alerts.matching import Matcher
from bot.alerts.models import AlertKind, Receive, Subscription
from bot.alerts.settings import AlertSettings
from bot.alerts.store import AlertStore, NewAlert, aware
from knowledge.catalogue.models import Programme, Status, StoredProgramme
from knowledge.clock import SEOUL, Clock

log = logging.getLogger(__name__)

WATERMARK = "planned_through"
LIVE = (Status.OPEN, Status.UPCOMING)


def _deadline(p: Programme) -> str:
    return p.window.end.isoformat() if p.window.end else ""


def _payload(p: Programme, fit_reasons: list[str], to_check: list[str], **extra) -> dict:
    return {"title": p.title[:200], "url": p.url, "deadline": _deadline(p),
            "why": fit_reasons, "check": to_check, **extra}


def _wanting(store: AlertStore, kind: Receive) -> list[Subscription]:
    return [s for s in store.active() if s.profile.wants(kind)]


def plan_new(store: AlertStore, items: Iterable[StoredProgramme], clock: Clock,
             settings: AlertSettings) -> int:
    """New and changed calls since the watermark → `new` / `deadline` alerts; returns the rows
    added."""
    mark_text = store.value(WATERMARK)
    mark = datetime.fromisoformat(mark_text) if mark_text else None
    fresh: list[StoredProgramme] = []
    newest = mark
    for s in items:
        changed = aware(s.changed_at, SEOUL)
        if newest is None or changed > newest:
            newest = changed
        if mark is not None and changed <= mark:
            continue
        if s.vanished or s.programme.status(clock) not in LIVE:
            continue
        fresh.append(s)
    added = 0
    if fresh:
        subs = _wanting(store, Receive.NEW)
        added = _enqueue_new(store, fresh, subs, settings) if subs else 0
    if newest is not None and newest != mark:
        store.set_value(WATERMARK, newest.isoformat())
    if fresh:
        log.info("alerts.planned_new", extra={"programmes": len(fresh), "alerts": added})
    return added


def _enqueue_new(store: AlertStore, fresh: list[StoredProgramme], subs: list[Subscription],
                 settings: AlertSettings) -> int:
    matcher = Matcher(subs)
    before = store.sent_deadlines([s.programme.id for s in fresh])
    alerts: list[NewAlert] = []
    for stored in fresh:
        p = stored.programme
        changed = aware(stored.changed_at, SEOUL)
        deadline = _deadline(p)
        for sub, fit in matcher.matches(p):
            previous = before.get((sub.id, p.id))
            if previous is None:
                if sub.created_at is not None and changed < sub.created_at:
                    continue  # it was there before the chat subscribed
                alerts.append(NewAlert(
                    subscription_id=sub.id, kind=AlertKind.NEW, programme_id=p.id,
                    dedup_key=f"new:{p.id}", payload=_payload(p, fit.reasons, fit.to_check),
                    broadcast_key=f"new:{p.id}"))
            elif previous not in ("?", deadline) and deadline:
                alerts.append(NewAlert(
                    subscription_id=sub.id, kind=AlertKind.DEADLINE, programme_id=p.id,
                    dedup_key=f"deadline:{p.id}:{deadline}",
                    payload=_payload(p, fit.reasons, fit.to_check,
                                     previous_deadline=previous[:10]),
                    broadcast_key=f"deadline:{p.id}:{deadline}"))
    return store.enqueue(alerts, held=settings.require_release) if alerts else 0


def due_today(clock: Clock, settings: AlertSettings) -> bool:
    """Whether today's civil hour for reminders and the digest has come."""
    return clock.now().astimezone(clock.tz).hour >= settings.send_hour


def plan_reminders(store: AlertStore, items: Iterable[StoredProgramme], clock: Clock,
                   settings: AlertSettings) -> int:
    """D-N reminders for today (once a day, from the civil hour on)."""
    if not due_today(clock, settings) or not settings.reminder_days:
        return 0
    today = clock.today()
    marker = f"reminders:{today.isoformat()}"
    if store.has_marker(marker):
        return 0
    days = set(settings.reminder_days)
    calls = [s.programme for s in items if not s.vanished
             and s.programme.status(clock) is Status.OPEN and s.programme.d_day(clock) in days]
    alerts: list[NewAlert] = []
    subs = _wanting(store, Receive.REMINDERS) if calls else []
    if subs:
        matcher = Matcher(subs)
        for p in calls:
            n = p.d_day(clock)
            for sub, fit in matcher.matches(p):
                alerts.append(NewAlert(
                    subscription_id=sub.id, kind=AlertKind.REMINDER, programme_id=p.id,
                    dedup_key=f"remind:{p.id}:{p.window.end_date}:D{n}",
                    payload=_payload(p, fit.reasons, fit.to_check, days=n)))
    added = store.enqueue(alerts, marker=marker)
    log.info("alerts.planned_reminders", extra={"calls": len(calls), "alerts": added})
    return added


def week_of(clock: Clock) -> tuple[datetime, datetime]:
    start = clock.at(clock.start_of_week())
    return start, start + timedelta(days=7)


def plan_digest(store: AlertStore, items: Iterable[StoredProgramme], clock: Clock,
                settings: AlertSettings) -> int:
    """The weekly digest (once a week, on the set weekday from the civil hour on)."""
    today = clock.today()
    if today.weekday() != settings.digest_weekday_index or not due_today(clock, settings):
        return 0
    year, week, _ = today.isocalendar()
    marker = f"digest:{year}-W{week:02d}"
    if store.has_marker(marker):
        return 0
    start, end = week_of(clock)
    opening, closing = [], []
    for s in items:
        p = s.programme
        if s.vanished:
            continue
        if p.window.start and start <= p.window.start < end:
            opening.append(p)
        elif p.window.end and start <= p.window.end < end and p.status(clock) is Status.OPEN:
            closing.append(p)
    alerts: list[NewAlert] = []
    subs = _wanting(store, Receive.DIGEST) if opening or closing else []
    if subs:
        matcher = Matcher(subs)
        picked: dict[int, dict[str, list[str]]] = {}
        for label, calls in (("opening", opening), ("closing", closing)):
            for p in calls:
                for sub, _fit in matcher.matches(p):
                    picked.setdefault(sub.id, {"opening": [], "closing": []})[label].append(p.id)
        for sub_id, lists in picked.items():
            alerts.append(NewAlert(
                subscription_id=sub_id, kind=AlertKind.DIGEST, dedup_key=marker,
                payload={**lists, "week": [start.date().isoformat(),
                                           (end - timedelta(days=1)).date().isoformat()]}))
    added = store.enqueue(alerts, marker=marker)
    log.info("alerts.planned_digest", extra={"alerts": added})
    return added


def plan_all(store: AlertStore, items: list[StoredProgramme], clock: Clock,
             settings: AlertSettings) -> dict[str, int]:
    """Everything due now (serve's scheduler calls this; each part is idempotent)."""
    return {"new": plan_new(store, items, clock, settings),
            "reminders": plan_reminders(store, items, clock, settings),
            "digest": plan_digest(store, items, clock, settings)}


__all__ = ["plan_all", "plan_digest", "plan_new", "plan_reminders"]
