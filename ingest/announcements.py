"""A staff-dropped 공고문 (a call for applications) read into a catalogue programme.

Issue 16 asks that "after every sync or ingest" new calls be matched against subscriptions. The
programme APIs fill the catalogue on `sync`; this module is the ingest's half: a document that
announces a call (its title says 공고/모집, and it states an application window with dates) is
read into a :class:`Programme` of source ``staff``, which `StaffCalls` merges into the catalogue
after the ingest published. A guide or strategy document is not a call and is left alone.

Only what is written is read, with the catalogue's own free-text parsers
(`knowledge.catalogue.dates`): the window, the largest 최대 … 원 amount, the 예비/업력/age rules
of the eligibility lines, and the provinces named there. A field the text does not state stays
empty, so alerts and /match say "공고문에서 확인 필요" instead of guessing.
Hand-written (labels and a few patterns): no library reads Korean 공고문.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from knowledge.catalogue.dates import parse_amount, parse_target, parse_window
from knowledge.catalogue.models import Programme, Target
from knowledge.catalogue.regions import regions_in

SOURCE = "staff"

# a call's title: "… 모집 공고", "… 참가기업 모집", "… 공고(수정)", "공고 제2026-12호 …"; not
# a compound such as "통합공고" in a guide's title
_CALL_TITLE = re.compile(r"모집|공고\s*(?:문|\(|$)|공고\s*제?\s*\d")
# "접수기간 : 2026. 12. 1.(화) ~ 12. 15.(화) 18:00", "신청·접수 기간", "모집 기간", "접수 일정"
_WINDOW = re.compile(  # the value ends at a line break or a table cell's " · "
    r"(?:신청\s*[·ㆍ/]?\s*)?(?:접수|신청|모집)\s*(?:기간|일정|기한)\s*[:：\]\)]?\s*"
    r"(?P<rest>[^\n·]{6,120})"
)
_ELIGIBILITY = re.compile(
    r"(?:신청\s*자격|지원\s*대상|모집\s*대상|참여\s*대상|신청\s*대상|지원\s*자격)\s*[:：\]\)]?\s*"
    r"(?P<rest>[^\n]{2,300})"
)
_AGENCY = re.compile(
    r"(?:주관\s*기관|수행\s*기관|전담\s*기관|운영\s*기관|시행\s*기관)\s*[:：\]\)]?\s*(?P<rest>[^\n]{2,60})"
)
# what parse_target reads as K-Startup's 업력 list: "예비창업자", "창업 3년 이내", "업력 7년 미만"
_STAGE = re.compile(
    r"예비\s*창업|(?:업력|창업|설립)\s*(?:후\s*)?\d{1,2}\s*년\s*(?:미만|이내|이하|이상|초과)"
)
_AMOUNT_LINE = re.compile(r"[^\n]*(?:최대|최고|한도)[^\n]*원[^\n]*")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class LoadedDocument:
    """What an ingest read from one file: enough to tell a call and read its fields."""

    title: str
    text: str
    urls: list[str] = field(default_factory=list)


def staff_id(key: str) -> str:
    """The catalogue id of the call in the document at manifest key `key`: stable while the
    file keeps its name, safe for deep links (``p_<id>``)."""
    return f"{SOURCE}-{hashlib.sha1(key.encode()).hexdigest()[:12]}"


def _first(pattern: re.Pattern[str], text: str) -> str:
    match = pattern.search(text)
    return _SPACE.sub(" ", match.group("rest")).strip(" :·-") if match else ""


def read_call(key: str, doc: LoadedDocument) -> Programme | None:
    """The call the document announces, or None when it is not a call (no 공고/모집 title, or
    no application window with a date in it: a rolling call has no date to remind of)."""
    head = doc.title or next((line for line in doc.text.splitlines() if line.strip()), "")
    head = head.strip().lstrip("#").strip()
    if not _CALL_TITLE.search(head):
        return None
    window = None
    for match in _WINDOW.finditer(doc.text):
        candidate = parse_window(_SPACE.sub(" ", match.group("rest")))
        if candidate.end is not None or candidate.start is not None:  # "연중 수시" is no call
            window = candidate
            break
    if window is None:
        return None
    eligibility = _first(_ELIGIBILITY, doc.text)
    stages = ", ".join(m.group(0) for m in _STAGE.finditer(eligibility))
    target: Target = parse_target(eligibility, enyy=stages, ages=eligibility)
    target.regions = sorted(regions_in(eligibility))
    amount_line = _AMOUNT_LINE.search(doc.text)
    year = (window.start or window.end).year if (window.start or window.end) else None
    return Programme(
        id=staff_id(key),
        source=SOURCE,
        source_id=key,
        title=_SPACE.sub(" ", head).strip()[:200],
        agency=_first(_AGENCY, doc.text)[:60],
        summary=_SPACE.sub(" ", doc.text).strip()[:300],
        target=target,
        amount_max_won=parse_amount(doc.text),
        amount_text=_SPACE.sub(" ", amount_line.group(0)).strip()[:200] if amount_line else "",
        window=window,
        url=next((u for u in doc.urls if u.startswith(("https://", "http://"))), ""),
        year=year,
    )
