"""The sending half of the alert outbox: claims with a lease, the sending mark, outcomes,
recovery after a dead sender, and the sender lease (one sender among replicas).

A row moves pending → claimed (with a lease) → sending (just before the request to Telegram)
→ sent / blocked / failed. When a sender dies, its claimed rows go back to pending (never
tried) and a row it was sending becomes `uncertain`, never sent again. Mixed into
`AlertStore` (bot/alerts/store.py), which provides the connection plumbing.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update

from bot.alerts.models import AlertKind, AlertStatus, OutboxItem
from bot.answer_log.tables import AlertOutboxRow, AlertStateRow, AlertSubscriptionRow

log = logging.getLogger(__name__)

_SUBS = AlertSubscriptionRow.__table__
_OUT = AlertOutboxRow.__table__
_STATE = AlertStateRow.__table__


class OutboxDelivery:
    """Needs `_tx()`, `_insert(table)` and `_now()` from the store it is mixed into."""

    _tx: Any
    _insert: Any

    def _now(self) -> datetime:  # pragma: no cover - provided by AlertStore
        raise NotImplementedError

    def claim(self, limit: int, lease_s: float, now: float | None = None) -> list[OutboxItem]:
        """Up to `limit` due rows for one sender, oldest first, `claimed` until tried (or
        until their lease runs out: then `recover` puts them back)."""
        now_ts = time.time() if now is None else now
        due = self._now()
        with self._tx() as c:
            q = (select(_OUT.c.id).where(_OUT.c.status == AlertStatus.PENDING,
                                         _OUT.c.due_at <= due)
                 .order_by(_OUT.c.due_at, _OUT.c.id).limit(limit))
            if c.dialect.name == "postgresql":
                q = q.with_for_update(skip_locked=True)
            ids = [r.id for r in c.execute(q)]
            if not ids:
                return []
            c.execute(update(_OUT).where(_OUT.c.id.in_(ids),
                                         _OUT.c.status == AlertStatus.PENDING)
                      .values(status=AlertStatus.CLAIMED, lease_until=now_ts + lease_s))
            rows = c.execute(
                select(_OUT.c.id, _OUT.c.subscription_id, _OUT.c.kind, _OUT.c.programme_id,
                       _OUT.c.payload, _OUT.c.attempts, _SUBS.c.chat_id, _SUBS.c.chat_type,
                       _SUBS.c.language, _SUBS.c.active)
                .join(_SUBS, _SUBS.c.id == _OUT.c.subscription_id)
                .where(_OUT.c.id.in_(ids), _OUT.c.status == AlertStatus.CLAIMED)
                .order_by(_OUT.c.due_at, _OUT.c.id)).all()
        items = []
        for r in rows:
            if not r.active:
                self.mark(r.id, AlertStatus.DROPPED, "unsubscribed")
                continue
            items.append(OutboxItem(id=r.id, subscription_id=r.subscription_id,
                                    chat_id=r.chat_id, chat_type=r.chat_type,
                                    language=r.language, kind=AlertKind(r.kind),
                                    programme_id=r.programme_id, payload=r.payload or {},
                                    attempts=r.attempts))
        return items

    def start_sending(self, alert_id: int) -> bool:
        """claimed → sending, just before the request; False when the row is no longer this
        sender's (a new sender took the outbox over)."""
        with self._tx() as c:
            result = c.execute(update(_OUT).where(_OUT.c.id == alert_id,
                                                  _OUT.c.status == AlertStatus.CLAIMED)
                               .values(status=AlertStatus.SENDING,
                                       attempts=_OUT.c.attempts + 1))
        return bool(result.rowcount)

    def mark(self, alert_id: int, status: AlertStatus, error: str | None = None,
             payload: dict[str, Any] | None = None) -> None:
        """Set the row's outcome (`payload`: what was actually shown, e.g. the deadline)."""
        values: dict[str, Any] = {"status": str(status), "lease_until": None}
        if payload is not None:
            values["payload"] = payload
        if status is AlertStatus.SENT:
            values["sent_at"] = self._now()
        if error:
            values["error"] = error[:200]
        with self._tx() as c:
            c.execute(update(_OUT).where(_OUT.c.id == alert_id).values(**values))

    def retry_later(self, alert_id: int, delay_s: float, error: str) -> None:
        """Back to pending, due after `delay_s` (a 429 or a network error before sending)."""
        due = self._now() + timedelta(seconds=delay_s)
        with self._tx() as c:
            c.execute(update(_OUT).where(_OUT.c.id == alert_id).values(
                status=AlertStatus.PENDING, lease_until=None, due_at=due, error=error[:200]))

    def release_claims(self, ids: list[int]) -> None:
        """Rows claimed but not tried (the sender stopped): back to pending at once."""
        if not ids:
            return
        with self._tx() as c:
            c.execute(update(_OUT).where(_OUT.c.id.in_(ids),
                                         _OUT.c.status == AlertStatus.CLAIMED)
                      .values(status=AlertStatus.PENDING, lease_until=None))

    def extend_claims(self, ids: list[int], lease_s: float) -> None:
        if not ids:
            return
        with self._tx() as c:
            c.execute(update(_OUT).where(_OUT.c.id.in_(ids),
                                         _OUT.c.status == AlertStatus.CLAIMED)
                      .values(lease_until=time.time() + lease_s))

    def recover(self, now: float | None = None) -> dict[str, int]:
        """After a sender died: its claimed rows back to pending; a row it was sending
        `uncertain` (Telegram may have delivered it), never sent again."""
        now_ts = time.time() if now is None else now
        with self._tx() as c:
            back = c.execute(update(_OUT).where(_OUT.c.status == AlertStatus.CLAIMED,
                                                _OUT.c.lease_until < now_ts)
                             .values(status=AlertStatus.PENDING, lease_until=None))
            lost = c.execute(update(_OUT).where(_OUT.c.status == AlertStatus.SENDING,
                                                _OUT.c.lease_until < now_ts)
                             .values(status=AlertStatus.UNCERTAIN, lease_until=None))
        counts = {"pending": back.rowcount or 0, "uncertain": lost.rowcount or 0}
        if any(counts.values()):
            log.warning("alerts.recovered", extra=counts)
        return counts

    def take_lease(self, key: str, owner: str, seconds: float,
                   now: float | None = None) -> bool:
        """Hold (or renew) the named lease; False while another owner holds it."""
        now_ts = time.time() if now is None else now
        with self._tx() as c:
            c.execute(self._insert(_STATE).values(key=key, value=owner, until=now_ts + seconds)
                      .on_conflict_do_nothing(index_elements=[_STATE.c.key]))
            result = c.execute(update(_STATE).where(
                _STATE.c.key == key,
                or_(_STATE.c.value == owner, _STATE.c.until < now_ts)).values(
                value=owner, until=now_ts + seconds))
        return bool(result.rowcount)

    def lease(self, key: str) -> tuple[str, float] | None:
        """Who holds the named lease, and until when (epoch seconds); None when nobody."""
        with self._tx() as c:
            row = c.execute(select(_STATE.c.value, _STATE.c.until)
                            .where(_STATE.c.key == key)).first()
        if row is None or row.until is None or row.until < time.time():
            return None
        return row.value, float(row.until)

    def drop_lease(self, key: str, owner: str) -> None:
        with self._tx() as c:
            c.execute(update(_STATE).where(_STATE.c.key == key, _STATE.c.value == owner)
                      .values(until=0.0))

