"""K-Startup announcements (data.go.kr `B552735/kisedKstartupService01`,
`getAnnouncementInformation01`): JSON pages of `page`/`perPage`/`totalCount`/`data[]`."""

from __future__ import annotations

import logging
import re
from typing import Any

from ingest.sources.base import FetchResult, clean_text
from ingest.sources.http import ApiClient, SourceError
from ingest.sources.paging import Page, read_pages
from ingest.sources.regions import keep_region
from knowledge.catalogue.dates import parse_amount, parse_target, parse_window
from knowledge.catalogue.models import Programme
from knowledge.catalogue.settings import CatalogueSettings, normalize_region

log = logging.getLogger(__name__)

NAME = "kstartup"
PREFIX = "ks"
DETAIL_URL = "https://www.k-startup.go.kr/web/contents/bizpbanc-ongoing.do?schM=view&pbancSn={sn}"


def _year(*texts: str) -> int | None:
    for text in texts:
        match = re.search(r"(?<!\d)(20\d{2})(?!\d)", text or "")
        if match:
            return int(match.group(1))
    return None


def parse_item(item: dict[str, Any]) -> Programme:
    """One `data[]` item; raises ValueError when it has no id or no title."""
    sn = str(item.get("pbanc_sn") or "").strip()
    if not re.fullmatch(r"[0-9A-Za-z_]{1,40}", sn):
        raise ValueError("pbanc_sn 없음 (no id)")
    title = clean_text(item.get("biz_pbanc_nm"))
    if not title:
        raise ValueError("biz_pbanc_nm 없음 (no title)")
    content = clean_text(item.get("pbanc_ctnt"))
    start_text = str(item.get("pbanc_rcpt_bgng_dt") or "")
    end_text = str(item.get("pbanc_rcpt_end_dt") or "")
    window = parse_window(None, start_text, end_text)
    regions = clean_text(item.get("supt_regin"))
    target = parse_target(
        clean_text(item.get("aply_trgt_ctnt") or item.get("aply_trgt")),
        enyy=clean_text(item.get("biz_enyy")),
        ages=clean_text(item.get("biz_trgt_age")),
        regions=regions,
    )
    target.regions = [normalize_region(r) for r in target.regions]
    if item.get("aply_trgt") and item.get("aply_trgt_ctnt"):
        target.other = clean_text(item.get("aply_trgt"))
    alias = clean_text(item.get("intg_pbanc_biz_nm"))
    recruiting = {"Y": True, "N": False}.get(str(item.get("rcrt_prgs_yn") or "").upper())
    return Programme(
        id=f"{PREFIX}-{sn}",
        source=NAME,
        source_id=sn,
        title=title,
        aliases=[alias] if alias and alias != title else [],
        agency=clean_text(item.get("pbanc_ntrp_nm") or item.get("biz_prch_dprt_nm")),
        supervising_agency=clean_text(item.get("sprv_inst")),
        category=clean_text(item.get("supt_biz_clsfc")),
        support_field=clean_text(item.get("supt_biz_clsfc")),
        summary=content,
        target=target,
        amount_max_won=parse_amount(content),
        window=window,
        url=clean_text(item.get("detl_pg_url")) or DETAIL_URL.format(sn=sn),
        year=(window.start or window.end).year
        if (window.start or window.end)
        else _year(title, start_text),
        recruiting=recruiting,
    )


def fetch(settings: CatalogueSettings, client: ApiClient | None = None) -> FetchResult:
    """Every page, region-filtered. A bad key raises `SourceAuthError`; other failures are
    recorded on the result (a failed page is skipped and makes the result incomplete)."""
    assert settings.kstartup_api_key is not None
    result = FetchResult(source=NAME)
    own = client is None
    client = client or ApiClient.from_settings(NAME, settings)
    key = settings.kstartup_api_key.get_secret_value()

    def fetch_page(page: int) -> Page:
        params = {"serviceKey": key, "page": page, "perPage": settings.catalogue_page_size,
                  "returnType": "json"}
        body = client.get(settings.kstartup_api_url, params).json()
        if not isinstance(body, dict):
            raise ValueError("JSON 객체가 아님")
        if "data" not in body and ("code" in body or "msg" in body):
            raise SourceError(f"API 오류: {clean_text(body.get('msg'))} (code {body.get('code')})")
        data = body.get("data")
        if not isinstance(data, list):
            raise ValueError("data[] 없음")
        count = body.get("totalCount")
        return Page(data, count if isinstance(count, int) else None)

    def keep(raw: dict[str, Any], programme: Programme) -> bool:
        return keep_region(clean_text(raw.get("supt_regin")), settings.catalogue_regions)

    try:
        result.complete = read_pages(result, fetch_page, parse_item, keep,
                                     per_page=settings.catalogue_page_size,
                                     max_pages=settings.catalogue_max_pages,
                                     full_page_means_more=False)
    finally:
        result.requests, result.retries = client.requests, client.retried
        if own:
            client.close()
    return result
