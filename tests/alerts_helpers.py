"""Programmes, catalogues and clocks for the alert tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from knowledge.catalogue.models import Programme, Stage, StoredProgramme, Target, Window
from knowledge.clock import SEOUL, Clock

TODAY = date(2026, 3, 10)


def clock_at(day: date = TODAY, hour: int = 10, minute: int = 0) -> Clock:
    """A clock pinned to `day` at a fixed civil time (Asia/Seoul)."""
    moment = datetime.combine(day, time(hour, minute), tzinfo=SEOUL)
    return Clock(day, now=lambda tz: moment.astimezone(tz))


def programme(pid: str, *, title: str = "", stages: list[Stage] | None = None,
              age: tuple[int | None, int | None] = (None, None), regions: list[str] | None = None,
              field: str = "사업화", start: date | None = None, end: date | None = None,
              source: str = "kstartup", summary: str = "", url: str = "") -> Programme:
    start = start or TODAY - timedelta(days=2)
    end = end or TODAY + timedelta(days=20)
    return Programme(
        id=pid, source=source, source_id=pid.split("-")[-1], title=title or f"공고 {pid}",
        agency="충북창조경제혁신센터", support_field=field, summary=summary,
        target=Target(text="", stages=stages, age_min=age[0], age_max=age[1],
                      regions=regions if regions is not None else ["충북"]),
        window=Window(start=datetime.combine(start, time(9), tzinfo=SEOUL),
                      end=datetime.combine(end, time(18), tzinfo=SEOUL)),
        url=url or f"https://www.k-startup.go.kr/p/{pid}")


def stored(p: Programme, changed: datetime | None = None) -> StoredProgramme:
    changed = changed or datetime.now(UTC)
    return StoredProgramme(programme=p, content_hash=p.content_hash(), first_seen=changed,
                           last_seen=changed, changed_at=changed)
