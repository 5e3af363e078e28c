"""Free-text windows, amounts and targets -> parsed fields, without ever inventing a value.

Sources write windows as "20260106" (K-Startup), "2026-01-06 ~ 2026-01-27", "2026.01.06(화) ~
2026.01.27(화) 18:00" or "상시" / "예산 소진시" / "추후 공지" (기업마당). Only what is written is
parsed: a date without a year takes the year of the window's other end only when that end has
one, and a window whose end would fall before its start is left unparsed. Hand-written (no
library parses these Korean formats); each rule has a test.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time

from knowledge.catalogue.models import SEOUL, Stage, Target, Window

_ROLLING = re.compile(r"상시|수시|예산\s*소진|연중|선착순\s*마감")
_FULL = re.compile(
    r"(?P<y>20\d{2})\s*[-./년]\s*(?P<m>\d{1,2})\s*[-./월]\s*(?P<d>\d{1,2})\s*일?\.?"
    r"(?:\s*\([^)]{0,4}\))?(?:\s*(?P<H>\d{1,2})\s*[:시]\s*(?P<M>\d{2})?\s*분?)?"
)
_COMPACT = re.compile(
    r"(?<!\d)(?P<y>20\d{2})(?P<m>[01]\d)(?P<d>[0-3]\d)(?P<H>[0-2]\d)?"
    r"(?P<M>[0-5]\d)?(?!\d)"
)
_SHORT = re.compile(
    r"(?<![\d.])(?P<m>\d{1,2})\s*[./월]\s*(?P<d>\d{1,2})\s*일?\.?"
    r"(?:\s*\([^)]{0,4}\))?(?:\s*(?P<H>\d{1,2})\s*:\s*(?P<M>\d{2}))?"
)
_SEPARATORS = re.compile(r"~|∼|〜|부터|–|—| - ")


def _make(y: int, m: int, d: int, hh: str | None, mm: str | None, *, end: bool) -> datetime | None:
    try:
        day = date(y, m, d)
    except ValueError:
        return None
    if hh is not None:
        hour, minute = int(hh), int(mm or 0)
        if hour == 24 and minute == 0:
            hour, minute = 23, 59
        if not (0 <= hour <= 23 and 0 <= minute <= 59):
            return None
        at = time(hour, minute)
    else:
        at = time(23, 59, 59) if end else time(0, 0)
    return datetime.combine(day, at, tzinfo=SEOUL)


def parse_point(text: str, *, end: bool, year: int | None = None) -> datetime | None:
    """One date (optionally with a time) in `text`; `year` only for dates written without one."""
    text = (text or "").strip()
    if not text:
        return None
    for pattern in (_FULL, _COMPACT):
        match = pattern.search(text)
        if match:
            g = match.groupdict()
            return _make(int(g["y"]), int(g["m"]), int(g["d"]), g.get("H"), g.get("M"), end=end)
    if year is not None:
        match = _SHORT.search(text)
        if match:
            g = match.groupdict()
            return _make(year, int(g["m"]), int(g["d"]), g.get("H"), g.get("M"), end=end)
    return None


def parse_window(
    text: str | None, start_text: str | None = None, end_text: str | None = None
) -> Window:
    """A window from one free-text field, or from separate start and end fields."""
    raw = " ".join(str(t).strip() for t in (text, start_text, end_text) if t).strip()
    rolling = bool(_ROLLING.search(raw))
    if start_text is not None or end_text is not None:
        start = parse_point(start_text or "", end=False)
        end = parse_point(end_text or "", end=True)
    else:
        parts = _SEPARATORS.split(text or "", maxsplit=1)
        left, right = [*parts, ""][:2] if len(parts) > 1 else (parts[0], "")
        start = parse_point(left, end=False)
        end = parse_point(right, end=True, year=start.year if start else None)
        if start is None and end is not None:
            start = parse_point(left, end=False, year=end.year)
        if len(parts) == 1 and start is not None:
            # a lone date is ambiguous (a deadline? an opening?): only "까지" makes it a deadline
            if "까지" in (text or "") or "마감" in (text or ""):
                start, end = None, parse_point(left, end=True)
            else:
                start = None
    if start is not None and end is not None and end < start:
        start = end = None  # contradictory: keep the text, parse nothing
    return Window(start=start, end=end, text=raw, rolling=rolling and end is None)


_UNITS = {"억": 100_000_000, "천만": 10_000_000, "백만": 1_000_000, "만": 10_000, "천": 1_000}
_AMOUNT = re.compile(
    r"(?:최대|최고|한도|이내|까지|당)?\s*(?P<body>(?:\d[\d,.]*\s*(?:억|천만|백만|만|천)?\s*)+)원"
)
_AMOUNT_PART = re.compile(r"(\d[\d,.]*)\s*(억|천만|백만|만|천)?")


def parse_amount(text: str) -> int | None:
    """The largest "최대 …원" amount in `text`, in won; None when no maximum is stated."""
    best: int | None = None
    for match in re.finditer(r"(최대|최고|한도|까지)", text or ""):
        tail = text[match.start() : match.start() + 40]
        found = _AMOUNT.search(tail)
        if not found:
            continue
        total = 0
        for number, unit in _AMOUNT_PART.findall(found.group("body")):
            try:
                value = float(number.replace(",", ""))
            except ValueError:
                continue
            total += int(value * _UNITS.get(unit, 1))
        if total >= 100_000 and (best is None or total > best):
            best = total
    return best


_YEARS = re.compile(r"(\d{1,2})\s*년\s*(미만|이내|이하)")
_AGE_RANGE = re.compile(r"만?\s*(\d{2})\s*세\s*이상\s*~?\s*(?:만?\s*(\d{2})\s*세\s*(이하|미만))?")
_AGE_UNDER = re.compile(r"만?\s*(\d{2})\s*세\s*(미만|이하)")


def parse_target(text: str, enyy: str = "", ages: str = "", regions: str = "") -> Target:
    """Target fields from K-Startup's 업력 (`biz_enyy`) and age (`biz_trgt_age`) lists, or from
    free text; a field stays None when nothing states it."""
    target = Target(
        text=text.strip(), regions=[r.strip() for r in re.split(r"[,/]", regions) if r.strip()]
    )
    stage_text = enyy or ""
    if stage_text:
        stages: set[Stage] = set()
        years = [int(n) for n, _ in _YEARS.findall(stage_text)]
        if "예비" in stage_text:
            stages.add(Stage.PRE)
        if years:
            top = max(years)
            target.years_max = top
            stages.add(Stage.EARLY)
            if top > 3:
                stages.add(Stage.GROWTH)
            if top > 7:
                stages.add(Stage.MATURE)
        if "이상" in stage_text or "초과" in stage_text:
            stages.update({Stage.GROWTH, Stage.MATURE})
            target.years_max = None
        target.stages = [s for s in Stage if s in stages] or None
    elif re.search(r"예비\s*창업", text) and not re.search(r"기창업|창업기업|\d+\s*년", text):
        target.stages = [Stage.PRE]
    if ages:
        lows: list[int] = []
        highs: list[int] = []
        for part in ages.split(","):
            part = part.strip()
            rng = _AGE_RANGE.search(part)
            if rng:
                lows.append(int(rng.group(1)))
                if rng.group(2):
                    highs.append(int(rng.group(2)) - (1 if rng.group(3) == "미만" else 0))
                else:
                    highs.append(200)
                continue
            under = _AGE_UNDER.search(part)
            if under:
                lows.append(0)
                highs.append(int(under.group(1)) - (1 if under.group(2) == "미만" else 0))
        if lows and highs:
            target.age_min = min(lows) or None
            target.age_max = None if max(highs) >= 200 else max(highs)
    return target
