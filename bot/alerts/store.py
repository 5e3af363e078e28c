"""The alerts' database: subscriptions, the outbox, broadcasts held for release, leases.

Lives in the answer-log database (tables from its migration 0003: SQLite for one process,
PostgreSQL for replicas). The outbox is the record of what was sent: one row per (subscription,
dedup key), inserted with "on conflict do nothing", so planning the same alert twice — a second
sync, a restart, two replicas planning the same morning — never makes a second message. How a
row is then sent (claims, the sending mark, recovery, the sender lease) is in `outbox.py`.

Hand-written on SQLAlchemy Core like bot/shared_state/sql.py: a few statements, both databases.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import Connection, func, select, update

from bot.alerts.models import (
    AlertKind,
    AlertStats,
    AlertStatus,
    BroadcastView,
    Profile,
    Subscription,
)
from bot.alerts.outbox import OutboxDelivery
from bot.answer_log.sql_base import MigratedDatabase
from bot.answer_log.tables import (
    AlertBroadcastRow,
    AlertOutboxRow,
    AlertStateRow,
    AlertSubscriptionRow,
)
from knowledge.clock import Clock

log = logging.getLogger(__name__)

_SUBS = AlertSubscriptionRow.__table__
_OUT = AlertOutboxRow.__table__
_CASTS = AlertBroadcastRow.__table__
_STATE = AlertStateRow.__table__
_INSERT_CHUNK = 500


class NewAlert(BaseModel):
    """An alert the planner wants in the outbox."""

    subscription_id: int
    kind: AlertKind
    programme_id: str | None = None
    dedup_key: str
    payload: dict[str, Any] = Field(default_factory=dict)
    due_at: datetime | None = None
    broadcast_key: str | None = Field(None, description="Held for release under this batch.")


def aware(value: datetime | None, tz: Any = UTC) -> datetime | None:
    """SQLite hands back naive datetimes: ours are stored in UTC (the catalogue's in Seoul)."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=tz)


class AlertStore(OutboxDelivery, MigratedDatabase):
    """All times come from the one clock (`STARTUPBOT_TODAY` pins its date), stored in UTC."""

    what = "알림 DB"

    def __init__(self, url: str, hash_chat: Callable[[int], str],
                 clock: Clock | None = None) -> None:
        super().__init__(url)
        self.hash_chat = hash_chat
        self.clock = clock or Clock()

    @classmethod
    def from_answer_log(cls, answer_log: Any, clock: Clock | None = None) -> AlertStore:
        """The store in the answer log's database, with its chat pseudonyms."""
        return cls(answer_log.url, lambda chat_id: answer_log.hash_id(chat_id) or "", clock)

    def _now(self) -> datetime:
        return self.clock.now().astimezone(UTC)

    def ping(self) -> None:
        self._ready()

    # --- subscriptions -------------------------------------------------------------------
    @staticmethod
    def _subscription(row: Any) -> Subscription:
        return Subscription(id=row.id, chat_id=row.chat_id, chat_type=row.chat_type,
                            language=row.language, profile=Profile.model_validate(row.profile),
                            active=row.active, created_at=aware(row.created_at),
                            updated_at=aware(row.updated_at), end_reason=row.end_reason)

    def subscribe(self, chat_id: int, profile: Profile, *, chat_type: str = "private",
                  language: str = "ko") -> Subscription:
        """Start (or restart, or change) the chat's subscription; one row per chat."""
        now = self._now()
        values = {"chat_hash": self.hash_chat(chat_id), "chat_type": chat_type,
                  "language": language, "profile": profile.model_dump(mode="json"),
                  "active": True, "updated_at": now, "ended_at": None, "end_reason": None}
        stmt = self._insert(_SUBS).values(chat_id=chat_id, created_at=now, **values)
        with self._tx() as c:
            c.execute(stmt.on_conflict_do_update(index_elements=[_SUBS.c.chat_id], set_=values))
            row = c.execute(select(_SUBS).where(_SUBS.c.chat_id == chat_id)).one()
        log.info("alerts.subscribed", extra={"chat": values["chat_hash"][:12]})
        return self._subscription(row)

    def get(self, chat_id: int) -> Subscription | None:
        with self._tx() as c:
            row = c.execute(select(_SUBS).where(_SUBS.c.chat_id == chat_id)).first()
        return None if row is None else self._subscription(row)

    def get_by_id(self, subscription_id: int) -> Subscription | None:
        with self._tx() as c:
            row = c.execute(select(_SUBS).where(_SUBS.c.id == subscription_id)).first()
        return None if row is None else self._subscription(row)

    def end(self, chat_id: int, reason: str = "user") -> bool:
        """End the chat's alerts (user: /unsubscribe, muted: 🔕, blocked: Forbidden). Pending
        alerts are dropped with it."""
        now = self._now()
        with self._tx() as c:
            row = c.execute(select(_SUBS.c.id).where(_SUBS.c.chat_id == chat_id,
                                                     _SUBS.c.active.is_(True))).first()
            if row is None:
                return False
            c.execute(update(_SUBS).where(_SUBS.c.id == row.id).values(
                active=False, ended_at=now, updated_at=now, end_reason=reason[:16]))
            c.execute(update(_OUT).where(
                _OUT.c.subscription_id == row.id,
                _OUT.c.status.in_([AlertStatus.PENDING, AlertStatus.HELD])).values(
                status=AlertStatus.DROPPED, error=f"unsubscribed:{reason}"[:200]))
        log.info("alerts.ended", extra={"chat": self.hash_chat(chat_id)[:12], "reason": reason})
        return True

    def migrate_chat(self, old_chat_id: int, new_chat_id: int) -> bool:
        """A group became a supergroup: its subscription follows the new id (merged into an
        existing subscription of the new id if there is one)."""
        with self._tx() as c:
            old = c.execute(select(_SUBS.c.id).where(_SUBS.c.chat_id == old_chat_id)).first()
            if old is None:
                return False
            taken = c.execute(select(_SUBS.c.id).where(_SUBS.c.chat_id == new_chat_id)).first()
            if taken is not None:  # the new id subscribed on its own: keep that one
                c.execute(update(_SUBS).where(_SUBS.c.id == old.id).values(
                    active=False, end_reason="migrated", updated_at=self._now()))
                return True
            c.execute(update(_SUBS).where(_SUBS.c.id == old.id).values(
                chat_id=new_chat_id, chat_hash=self.hash_chat(new_chat_id),
                chat_type="supergroup", updated_at=self._now()))
        log.info("alerts.chat_migrated", extra={"chat": self.hash_chat(new_chat_id)[:12]})
        return True

    def active(self) -> list[Subscription]:
        with self._tx() as c:
            rows = c.execute(select(_SUBS).where(_SUBS.c.active.is_(True))
                             .order_by(_SUBS.c.id)).all()
        return [self._subscription(r) for r in rows]

    # --- outbox: planning ----------------------------------------------------------------
    def enqueue(self, alerts: list[NewAlert], *, held: bool = False,
                marker: str | None = None) -> int:
        """Insert what is not there yet; returns how many rows are new. With `held`, alerts
        that name a broadcast key wait for a staff release. With `marker`, the whole plan is
        done at most once (the marker row is taken in the same transaction)."""
        now = self._now()
        inserted = 0
        with self._tx() as c:
            if marker is not None and not self._take_marker(c, marker):
                return 0
            casts: dict[str, int] = {}
            for alert in alerts:
                if held and alert.broadcast_key and alert.broadcast_key not in casts:
                    casts[alert.broadcast_key] = self._broadcast(c, alert, now)
            rows = [{
                "subscription_id": a.subscription_id, "kind": str(a.kind),
                "programme_id": a.programme_id, "dedup_key": a.dedup_key[:200],
                "payload": a.payload,
                "status": str(AlertStatus.HELD if held and a.broadcast_key
                              else AlertStatus.PENDING),
                "broadcast_id": casts.get(a.broadcast_key or "") if held else None,
                "created_at": now, "due_at": a.due_at or now, "attempts": 0, "clicks": 0,
            } for a in alerts]
            for start in range(0, len(rows), _INSERT_CHUNK):
                chunk = rows[start:start + _INSERT_CHUNK]
                result = c.execute(self._insert(_OUT).values(chunk).on_conflict_do_nothing(
                    index_elements=[_OUT.c.subscription_id, _OUT.c.dedup_key])
                    .returning(_OUT.c.id))
                inserted += len(result.all())  # rowcount is not reliable for multi-row inserts
        if inserted:
            log.info("alerts.enqueued", extra={"count": inserted, "held": held})
        return inserted

    def _broadcast(self, c: Connection, alert: NewAlert, now: datetime) -> int:
        key = (alert.broadcast_key or "")[:200]
        c.execute(self._insert(_CASTS).values(
            batch_key=key, programme_id=alert.programme_id or "", kind=str(alert.kind),
            status="held", created_at=now).on_conflict_do_nothing(
            index_elements=[_CASTS.c.batch_key]))
        return c.execute(select(_CASTS.c.id).where(_CASTS.c.batch_key == key)).scalar_one()

    def _take_marker(self, c: Connection, key: str) -> bool:
        result = c.execute(self._insert(_STATE).values(key=key[:100], value="done", until=None)
                           .on_conflict_do_nothing(index_elements=[_STATE.c.key]))
        return bool(result.rowcount)

    def value(self, key: str) -> str | None:
        with self._tx() as c:
            return c.execute(select(_STATE.c.value).where(_STATE.c.key == key)).scalar()

    def set_value(self, key: str, value: str) -> None:
        with self._tx() as c:
            c.execute(self._insert(_STATE).values(key=key, value=value, until=None)
                      .on_conflict_do_update(index_elements=[_STATE.c.key],
                                             set_={"value": value}))

    def has_marker(self, key: str) -> bool:
        with self._tx() as c:
            return c.execute(select(_STATE.c.key).where(_STATE.c.key == key)).first() is not None

    def sent_deadlines(self, programme_ids: list[str]) -> dict[tuple[int, str], str]:
        """(subscription, programme) → the deadline its last new/deadline alert told the chat
        ("?" when that alert was not sent or carried none: no deadline alert then)."""
        if not programme_ids:
            return {}
        out: dict[tuple[int, str], str] = {}
        with self._tx() as c:
            rows = c.execute(select(_OUT.c.subscription_id, _OUT.c.programme_id, _OUT.c.payload,
                                    _OUT.c.status)
                             .where(_OUT.c.programme_id.in_(programme_ids),
                                    _OUT.c.kind.in_([AlertKind.NEW, AlertKind.DEADLINE]))
                             .order_by(_OUT.c.id)).all()
        for r in rows:
            deadline = str((r.payload or {}).get("deadline") or "")
            # only a deadline the chat was actually told can "change"; an unsent card will
            # show the current one anyway
            out[(r.subscription_id, r.programme_id)] = (
                deadline if r.status == AlertStatus.SENT and deadline else "?")
        return out

    # --- broadcasts (staff release) ------------------------------------------------------
    def broadcasts(self, status: str = "held", limit: int = 20) -> list[BroadcastView]:
        with self._tx() as c:
            rows = c.execute(
                select(_CASTS, func.count(_OUT.c.id).label("recipients"))
                .select_from(_CASTS.outerjoin(_OUT, _OUT.c.broadcast_id == _CASTS.c.id))
                .where(_CASTS.c.status == status).group_by(_CASTS.c.id)
                .order_by(_CASTS.c.id.desc()).limit(limit)).all()
        return [BroadcastView(id=r.id, programme_id=r.programme_id, kind=AlertKind(r.kind),
                              status=r.status, created_at=r.created_at,
                              recipients=r.recipients) for r in rows]

    def broadcast(self, broadcast_id: int) -> BroadcastView | None:
        for status in ("held", "released", "dropped"):
            for view in self.broadcasts(status, limit=1000):
                if view.id == broadcast_id:
                    return view
        return None

    def decide(self, broadcast_id: int, release: bool, by: str) -> int:
        """Release (send) or drop a held broadcast; returns the alerts it moved. Deciding
        twice is harmless: only held rows move."""
        status = "released" if release else "dropped"
        target = AlertStatus.PENDING if release else AlertStatus.DROPPED
        with self._tx() as c:
            moved = c.execute(update(_CASTS).where(_CASTS.c.id == broadcast_id,
                                                   _CASTS.c.status == "held")
                              .values(status=status, decided_at=self._now(), decided_by=by[:64]))
            if not moved.rowcount:
                return 0
            result = c.execute(update(_OUT).where(_OUT.c.broadcast_id == broadcast_id,
                                                  _OUT.c.status == AlertStatus.HELD)
                               .values(status=str(target), due_at=self._now()))
        log.info("alerts.broadcast_decided", extra={"broadcast": broadcast_id, "status": status,
                                                    "alerts": result.rowcount})
        return result.rowcount or 0

    # --- clicks and stats ----------------------------------------------------------------
    def click(self, alert_id: int) -> dict[str, Any] | None:
        """Count a click on the alert's link; returns its payload (which holds the URL)."""
        with self._tx() as c:
            row = c.execute(select(_OUT.c.payload).where(_OUT.c.id == alert_id)).first()
            if row is None:
                return None
            c.execute(update(_OUT).where(_OUT.c.id == alert_id)
                      .values(clicks=_OUT.c.clicks + 1))
        return row.payload or {}

    def outbox_counts(self) -> dict[str, int]:
        with self._tx() as c:
            rows = c.execute(select(_OUT.c.status, func.count()).group_by(_OUT.c.status)).all()
        return {r[0]: r[1] for r in rows}

    def stats(self) -> AlertStats:
        with self._tx() as c:
            subs = c.execute(select(_SUBS.c.active, _SUBS.c.profile, _SUBS.c.end_reason)).all()
            status_rows = c.execute(select(_OUT.c.status, func.count())
                                    .group_by(_OUT.c.status)).all()
            kind_rows = c.execute(select(_OUT.c.kind, func.count())
                                  .where(_OUT.c.status == AlertStatus.SENT)
                                  .group_by(_OUT.c.kind)).all()
            clicks = c.execute(select(func.coalesce(func.sum(_OUT.c.clicks), 0),
                                      func.count().filter(_OUT.c.clicks > 0))).one()
            held = c.execute(select(func.count()).select_from(_CASTS)
                             .where(_CASTS.c.status == "held")).scalar_one()
        stats = AlertStats(by_status={r[0]: r[1] for r in status_rows},
                           by_kind={r[0]: r[1] for r in kind_rows},
                           clicks=int(clicks[0] or 0), clicked_alerts=int(clicks[1] or 0),
                           held_broadcasts=held)
        stage, age, region, fields = Counter(), Counter(), Counter(), Counter()
        for active, profile, reason in subs:
            if not active:
                stats.subscriptions_ended += 1
                stats.muted += reason == "muted"
                stats.blocked += reason == "blocked"
                continue
            stats.subscriptions_active += 1
            p = Profile.model_validate(profile)
            stage[str(p.stage or "any")] += 1
            age[str(p.age_band or "any")] += 1
            region[str(p.region)] += 1
            for f in p.fields or ["any"]:
                fields[f] += 1
        stats.by_stage, stats.by_age = dict(stage), dict(age)
        stats.by_region, stats.by_field = dict(region), dict(fields)
        return stats


__all__ = ["AlertStore", "NewAlert"]
