"""Calls announced by staff documents, merged into the programme catalogue after an ingest.

The ingest tells `StaffCalls` about every document it wrote or removed (`Ingestor`'s
``on_document``); after the ingest published, :meth:`StaffCalls.merge` puts the calls among them
into the catalogue as source ``staff`` (new, changed, or vanished when the document went away or
stopped being a call) and hands the changes to the same listeners a sync has, so alerts plan them
at once. A failure here is logged and reported, never fatal to the ingest: the documents are
already searchable.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from ingest.announcements import SOURCE, LoadedDocument, read_call, staff_id
from knowledge.catalogue.errors import CatalogueMissing
from knowledge.catalogue.models import Programme, SyncChanges
from knowledge.clock import Clock

log = logging.getLogger(__name__)

ChangesListener = Callable[[SyncChanges, dict[str, Programme]], None]


class StaffCalls:
    def __init__(self, catalogue: Callable[[bool], Any], clock: Clock,
                 listeners: list[ChangesListener] | None = None,
                 keep: Callable[[str], bool] = lambda key: True) -> None:
        """`catalogue(create)` opens the catalogue when there is something to merge; `keep` says
        which manifest keys are staff documents (not curated answers or synced programmes)."""
        self._open = catalogue
        self.clock = clock
        self.listeners = list(listeners or [])
        self.keep = keep
        self.seen: dict[str, Programme | None] = {}

    def __call__(self, key: str, doc: LoadedDocument | None) -> None:
        """The ingest wrote (`doc`) or removed (None) the document at `key`."""
        if not self.keep(key):
            return
        self.seen[key] = read_call(key, doc) if doc is not None else None

    def merge(self) -> SyncChanges | None:
        """Write what the ingest found into the catalogue; None when it touched no call.
        Ordinary documents only never create the catalogue (`catalogue(create=False)`)."""
        if not self.seen:
            return None
        found = any(p is not None for p in self.seen.values())
        try:
            catalogue = self._open(found)
            current = {s.programme.id: s.programme for s in catalogue.all()
                       if s.programme.source == SOURCE and not s.vanished}
        except CatalogueMissing:
            self.seen.clear()
            return None
        if not found and not {staff_id(k) for k in self.seen} & current.keys():
            self.seen.clear()
            return None  # ordinary documents only: nothing to merge
        for key, programme in self.seen.items():
            if programme is None:
                current.pop(staff_id(key), None)
            else:
                current[programme.id] = programme
        changes = catalogue.plan(current, {SOURCE}, self.clock)
        catalogue.apply(current, changes, self.clock)
        log.info("ingest.staff_calls", extra={"new": len(changes.new),
                                              "changed": len(changes.changed),
                                              "vanished": len(changes.vanished)})
        for listener in self.listeners:
            try:
                listener(changes, current)
            except Exception:
                log.exception("ingest.staff_calls_listener_failed")
        self.seen.clear()
        return changes
