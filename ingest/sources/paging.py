"""The page loop both programme APIs share: read pages until the last, skip a broken page (and
mark the result incomplete, so nothing is taken as vanished), stop after three broken pages
in a row when the total is unknown, and keep every item's problem on the result.

A connector gives `fetch_page(page) -> Page` (raising `SourceError`, `ValueError` or a JSON
error for a page it cannot read, `SourceAuthError` for a rejected key), `parse(raw)` and
`keep(raw, programme)` (its region rule).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, NamedTuple

from ingest.sources.base import FetchResult
from ingest.sources.http import SourceAuthError, SourceError
from knowledge.catalogue.models import Programme

BROKEN_PAGES_WITHOUT_TOTAL = 3


class Page(NamedTuple):
    items: list[Any]
    total: int | None  # how many items the source says it has, when it says (latest wins)


def read_pages(result: FetchResult, fetch_page: Callable[[int], Page],
               parse: Callable[[dict[str, Any]], Programme],
               keep: Callable[[dict[str, Any], Programme], bool], *, per_page: int,
               max_pages: int, full_page_means_more: bool) -> bool:
    """Fill `result` page by page; True when every page was read. Without a total, a full
    page means another may follow only when `full_page_means_more`."""
    total: int | None = None
    complete, failures = True, 0
    for page in range(1, max_pages + 1):
        try:
            got = fetch_page(page)
        except SourceAuthError:
            raise
        except (SourceError, ValueError, json.JSONDecodeError) as exc:
            if isinstance(exc, SourceError) and result.pages == 0:
                raise  # not one page readable: the source is down, not a page broken
            complete = False
            failures += 1
            reason = exc.message if isinstance(exc, SourceError) else f"형식 오류: {exc}"
            result.problem(f"page {page}", reason)
            if total is not None and page * per_page < total:
                continue  # the count says more pages follow: keep going
            if total is None and failures < BROKEN_PAGES_WITHOUT_TOTAL:
                continue
            break
        failures = 0
        result.pages += 1
        if got.total is not None:
            total = got.total
        for raw in got.items:
            result.items += 1
            if not isinstance(raw, dict):
                result.problem(f"page {page}", "항목이 객체가 아님 (item not an object)")
                continue
            try:
                programme = parse(raw)
            except (ValueError, TypeError) as exc:
                result.problem(f"page {page}", f"항목 건너뜀: {exc}")
                continue
            if not keep(raw, programme):
                result.skipped_region += 1
                continue
            result.add(programme)
        more = total is not None and page * per_page < total
        if not got.items and more:
            complete = False  # an empty page in the middle: what it held is unknown
            result.problem(f"page {page}", "빈 페이지 (empty page before the end)")
            continue
        if total is None:
            more = full_page_means_more and len(got.items) >= per_page
        if not got.items or not more:
            break
    else:
        complete = False
        result.problem("pages", f"최대 페이지 수({max_pages}) 도달")
    return complete
