"""The one clock: what "today" and "now" mean for answers, the catalogue and alerts.

Programme windows, "올해" questions and D-day counts all depend on the date, so tests and demos
must be able to fix it: `STARTUPBOT_TODAY=YYYY-MM-DD` (the `today` setting) pins the date (the
time of day still runs, so schedules keep working). Without it the clock is the real date in
Asia/Seoul, where the programmes live, whatever the server's own time zone is.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SEOUL = ZoneInfo("Asia/Seoul")


class Clock:
    """Today and now in one time zone, optionally pinned to a fixed date."""

    def __init__(self, fixed: date | None = None, tz: ZoneInfo = SEOUL,
                 now: Callable[[ZoneInfo], datetime] | None = None) -> None:
        self.fixed = fixed
        self.tz = tz
        self._now = now or (lambda zone: datetime.now(zone))

    def now(self) -> datetime:
        """The current moment (aware, in `tz`); on a pinned date, that date at the real time
        of day."""
        real = self._now(self.tz)
        if self.fixed is None:
            return real
        return datetime.combine(self.fixed, real.timetz())

    def today(self) -> date:
        return self.fixed or self.now().date()

    @property
    def year(self) -> int:
        return self.today().year

    def days_until(self, day: date) -> int:
        """D-day count: 0 on the day itself, negative once it has passed."""
        return (day - self.today()).days

    def at(self, day: date, hour: int = 0, minute: int = 0) -> datetime:
        """An aware datetime on `day` at a civil hour in the clock's time zone."""
        return datetime.combine(day, time(hour, minute), tzinfo=self.tz)

    def start_of_week(self) -> date:
        today = self.today()
        return today - timedelta(days=today.weekday())


def clock_from_settings(settings: object) -> Clock:
    """The clock a composition root builds (reads `settings.today`, if the settings have it)."""
    return Clock(getattr(settings, "today", None))
