"""`Alerts`: the parts of issue 16 one process needs, built once by the composition root
(`bot.app.App.alerts`) and handed to `serve` (sender, /subscribe, /match, /alerts), to the sync
(its listener) and to the review commands (stats)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from bot.alerts import planner
from bot.alerts.matching import Fit, fit_subscription
from bot.alerts.models import Profile
from bot.alerts.sender import AlertSender, LinkFn
from bot.alerts.settings import AlertSettings
from bot.alerts.store import AlertStore
from knowledge.catalogue.models import Programme, Status, StoredProgramme, SyncChanges
from knowledge.clock import Clock

log = logging.getLogger(__name__)

MATCH_SHOWN = 10


@dataclass
class Alerts:
    store: AlertStore
    settings: AlertSettings
    clock: Clock
    catalogue: Callable[[], list[StoredProgramme]]
    running_sender: AlertSender | None = None

    def sender(self, *, link: LinkFn | None = None, owner: str | None = None) -> AlertSender:
        """The sender `serve` runs (remembered, so a sync in this process can wake it)."""
        self.running_sender = AlertSender(self.store, self.settings, self.clock,
                                          self.catalogue, link=link, owner=owner)
        return self.running_sender

    def on_sync(self, changes: SyncChanges, _programmes: dict[str, Programme]) -> None:
        """The sync's listener: plan the new and changed calls at once (the sender in
        `serve` delivers them on its next tick)."""
        if not changes.any:
            return
        added = planner.plan_new(self.store, self.catalogue(), self.clock, self.settings)
        log.info("alerts.sync_planned", extra={"alerts": added})
        if self.running_sender is not None:
            self.running_sender.wake()

    def match(self, profile: Profile,
              limit: int = MATCH_SHOWN) -> tuple[list[tuple[StoredProgramme, Fit]], int]:
        """/match: open or upcoming calls that fit, soonest deadline first (rolling and
        undated last); returns the first `limit` and how many fit in all."""
        found = []
        for stored in self.catalogue():
            p = stored.programme
            if stored.vanished or p.status(self.clock) not in (Status.OPEN, Status.UPCOMING):
                continue
            fit = fit_subscription(profile, p)
            if fit.ok:
                found.append((stored, fit))
        found.sort(key=lambda sf: (sf[0].programme.status(self.clock) is not Status.OPEN,
                                   len(sf[1].to_check),
                                   sf[0].programme.window.end_date or _FAR, sf[0].programme.id))
        return found[:limit], len(found)


_FAR = date.max
