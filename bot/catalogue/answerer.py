"""Answers that know the calendar, from the programme catalogue.

The engine asks `CatalogueAnswerer.answer(question)` first and falls through to retrieval when
it returns None (not a calendar question, no catalogue yet, or the database is unavailable).
Status comes from the clock at answer time, so a closed call is never listed as open; filters
by stage/age/region use the parsed target fields and say "조건을 공고문에서 확인하세요" when the
catalogue does not know.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING, Any

from bot.catalogue import format as fmt
from bot.catalogue import prompts
from bot.catalogue.intents import Intent, asks_status, detect, title_grams, title_score
from bot.models import Answer, AnswerMode, Source, Support
from knowledge.catalogue.errors import CatalogueMissing
from knowledge.catalogue.models import Programme, Status, StoredProgramme
from knowledge.clock import Clock, clock_from_settings

if TYPE_CHECKING:
    from knowledge.catalogue.repository import Catalogue

log = logging.getLogger(__name__)

SHOWN = 5  # programmes listed in one answer; the rest are counted ("외 N건")
RELOAD_SECONDS = 30.0
CATALOGUE_PREFIX = "catalogue/"


class CatalogueAnswerer:
    def __init__(self, catalogue: Catalogue | None, clock: Clock, *, shown: int = SHOWN,
                 url: str | None = None) -> None:
        self._catalogue = catalogue
        self._url = url
        self.clock = clock
        self.shown = shown
        self._items: list[StoredProgramme] = []
        self._grams: dict[str, list[frozenset[str]]] = {}
        self._loaded = 0.0
        self._version: Any = None
        self._lock = threading.Lock()
        # set by `serve` (bot.catalogue.cli.attach_sync) for the scheduled sync
        self.sync: Any = None
        self.sync_interval_s = 0.0
        self.first_sync_delay_s = 0.0

    @classmethod
    def from_settings(cls, settings: Any) -> CatalogueAnswerer:
        """Opens nothing and imports no SQLAlchemy yet (cold `ask`): the catalogue is made on
        the first question."""
        return cls(None, clock_from_settings(settings), url=str(settings.answer_log_url))

    @property
    def catalogue(self) -> Catalogue:
        if self._catalogue is None:
            from knowledge.catalogue.repository import Catalogue

            self._catalogue = Catalogue(str(self._url), create=False)
        return self._catalogue

    # --- data ------------------------------------------------------------------------------
    def items(self) -> list[StoredProgramme]:
        """The catalogue, cached; re-read when a sync or an ingest changed it (checked at most
        every RELOAD_SECONDS)."""
        with self._lock:
            now = time.monotonic()
            if self._loaded and now - self._loaded < RELOAD_SECONDS:
                return self._items
            try:
                version = self.catalogue.version()
            except CatalogueMissing:
                self._items, self._loaded = [], now
                raise
            if version != self._version or not self._loaded:
                self._items = self.catalogue.all()
                self._grams = {s.programme.id: [title_grams(t) for t in (s.programme.title,
                                                                        *s.programme.aliases)]
                               for s in self._items}
                self._version = version
            self._loaded = now
            return self._items

    def invalidate(self) -> None:
        """Re-read on the next question (after a sync in this process)."""
        with self._lock:
            self._loaded = 0.0
            self._version = object()

    def last_sync(self) -> str:
        runs = self.catalogue.runs(1)
        return runs[0]["started_at"].strftime("%Y-%m-%d %H:%M") if runs else "-"

    # --- entry point -----------------------------------------------------------------------
    def answer(self, question: str) -> Answer | None:
        try:
            items = self.items()
        except CatalogueMissing:
            return None
        except Exception as exc:  # a broken catalogue must not break ordinary answers
            log.warning("catalogue.unavailable", extra={"error": type(exc).__name__})
            return None
        if not items:
            return None
        language = "ko"
        named = self._named(question, items)
        if named:
            return self._about(question, named, language)
        intent = detect(question)
        if intent is None:
            return None
        return self._list(question, intent, items, language)

    # --- one named programme ---------------------------------------------------------------
    def _named(self, question: str, items: list[StoredProgramme]) -> list[StoredProgramme]:
        if not asks_status(question):
            return []
        scored = []
        for item in items:
            grams = self._grams.get(item.programme.id) or ()
            score = max((title_score(question, g) for g in grams), default=0.0)
            if score >= 0.75:
                scored.append((score, item))
        if not scored:
            return []
        best = max(s for s, _ in scored)
        return [item for s, item in scored if s >= best - 0.05]

    def _about(self, question: str, items: list[StoredProgramme], language: str) -> Answer:
        clock = self.clock
        order = {Status.OPEN: 0, Status.UPCOMING: 1, Status.UNKNOWN: 2, Status.CLOSED: 3}
        items = sorted(
            items,
            key=lambda s: (
                order[s.programme.status(clock)],
                -(s.programme.year or 0),
                s.programme.id,
            ),
        )
        main = items[0]
        p = main.programme
        status = p.status(clock)
        sources = [_source(1, p)]
        lines: list[str] = []
        if status is Status.OPEN:
            lines.append(
                prompts.OPEN_ONE.format(
                    title=p.title, window=fmt.window(p), dday=fmt.d_day(p, clock)
                )
                + " [1]"
            )
        elif status is Status.UPCOMING:
            lines.append(
                prompts.UPCOMING_ONE.format(
                    title=p.title, start=p.window.start.strftime("%Y-%m-%d")
                )
                + " [1]"
            )
        elif status is Status.UNKNOWN:
            lines.append(
                prompts.UNKNOWN_ONE.format(title=p.title, text=p.window.text or "-") + " [1]"
            )
        else:
            end = p.window.end_date or (main.closed_at.date() if main.closed_at else None)
            text = (
                prompts.CLOSED.format(title=p.title, date=end.isoformat())
                if end
                else prompts.CLOSED_NO_DATE.format(title=p.title)
            )
            lines.append(text + " [1]")
            lines.append(prompts.NO_NEWER)
        if status is not Status.CLOSED:
            # the question may be about an older call of the same programme: say what closed
            older = [s for s in items[1:] if s.programme.status(clock) is Status.CLOSED]
            if older and older[0].programme.window.end_date:
                o = older[0].programme
                sources.append(_source(2, o))
                lines.append(
                    prompts.CLOSED.format(title=o.title, date=o.window.end_date.isoformat())
                    + " [2]"
                )
        if main.vanished_at is not None:
            lines.append(prompts.VANISHED.format(date=main.vanished_at.strftime("%Y-%m-%d")))
        lines.append("")
        lines.append(prompts.SYNC_NOTE.format(synced=self.last_sync()))
        return self._answer(question, "\n".join(lines), sources, language)

    # --- lists -----------------------------------------------------------------------------
    def _list(
        self, question: str, intent: Intent, items: list[StoredProgramme], language: str
    ) -> Answer:
        clock = self.clock
        today = clock.today()
        wanted = Status.UPCOMING if intent.kind == "upcoming" else Status.OPEN
        # "closing this month / week / soon" also holds a call that opens first and closes then
        closing = intent.kind in ("month", "week", "soon")
        chosen: list[tuple[Programme, bool]] = []  # (programme, conditions unknown)
        for item in items:
            p = item.programme
            status = p.status(clock)
            if item.vanished or not (status is wanted
                                     or (closing and status is Status.UPCOMING)):
                continue
            end = p.window.end_date
            if intent.kind == "month" and not (
                end and end.year == today.year and end.month == today.month
            ):
                continue
            if intent.kind == "week" and not (end and 0 <= (end - clock.start_of_week()).days < 7):
                continue
            if intent.kind == "soon" and not (end and 0 <= (end - today).days <= 7):
                continue
            unknown = False
            if intent.stage is not None:
                allowed = p.target.allows_stage(intent.stage)
                if allowed is False:
                    continue
                unknown = unknown or allowed is None
            if intent.age is not None:
                allowed = p.target.allows_age(intent.age)
                if allowed is False:
                    continue
                unknown = unknown or allowed is None
            if intent.region is not None:
                regions = set(p.target.regions)
                if regions and not regions & {intent.region, "전국"}:
                    continue
                unknown = unknown or not regions
            chosen.append((p, unknown))
        far = 10**9
        if wanted is Status.UPCOMING:
            chosen.sort(key=lambda c: (c[0].window.start or clock.now(), c[0].title))
        else:
            chosen.sort(
                key=lambda c: (
                    c[0].d_day(clock) if c[0].d_day(clock) is not None else far,
                    c[1],
                    c[0].title,
                )
            )
        what = (
            prompts.WHAT_STAGE.get(intent.stage.value, prompts.WHAT_DEFAULT)
            if intent.stage
            else prompts.WHAT_DEFAULT
        )
        if intent.region:
            what = f"{intent.region} {what}"
        values = {
            "what": what,
            "count": len(chosen),
            "today": today.isoformat(),
            "month": today.month,
        }
        if not chosen:
            text = prompts.LIST_NONE[intent.kind].format(**values)
            text += "\n\n" + prompts.SYNC_NOTE.format(synced=self.last_sync())
            return self._answer(question, text, [], language)
        lines = [prompts.LIST_HEAD[intent.kind].format(**values), ""]
        sources = []
        for number, (p, unknown) in enumerate(chosen[: self.shown], 1):
            mark = " ※" if unknown else ""
            if wanted is Status.UPCOMING:
                when = f"접수 시작 {p.window.start:%Y-%m-%d}, 마감 {fmt.deadline(p)}"
            else:
                when = f"마감 {fmt.deadline(p)} ({fmt.d_day(p, clock)})"
                if p.window.start is not None and p.status(clock) is Status.UPCOMING:
                    when += f", 접수 시작 {p.window.start:%Y-%m-%d}"
            agency = f" — {p.agency}" if p.agency else ""
            lines.append(f"{number}. {p.title}{agency} · {when}{mark} [{number}]")
            sources.append(_source(number, p))
        rest = len(chosen) - self.shown
        if rest > 0:
            lines += ["", prompts.MORE.format(n=rest)]
        unknown_count = sum(1 for _, unknown in chosen if unknown)
        if unknown_count:
            condition = "지역" if intent.region and not (intent.stage or intent.age) else "대상"
            lines += ["", prompts.FILTER_NOTE.format(what=condition, n=unknown_count)]
        lines += ["", prompts.SYNC_NOTE.format(synced=self.last_sync())]
        return self._answer(question, "\n".join(lines), sources, language)

    def _answer(self, question: str, text: str, sources: list[Source], language: str) -> Answer:
        return Answer(
            question=question,
            query=question,
            answer=text,
            mode=AnswerMode.EXTRACTIVE,
            language=language,
            sources=sources,
            support=Support(coverage=1.0, dense=1.0, supported=bool(sources)),
            prompt_version="catalogue-1",
        )


def _source(number: int, p: Programme) -> Source:
    return Source(
        number=number,
        title=p.title,
        section="",
        # a staff 공고 is cited as its own document; a synced call as its catalogue page
        source=p.source_id if p.source == "staff" else CATALOGUE_PREFIX + p.id,
        url=p.url,
        doc_id=p.id,
        facts_as_of=str(p.year or ""),
        category="programme",
    )
