"""기업마당 (bizinfo) support programmes (`bizinfoApi.do`): `jsonArray[]` pages.

The window `reqstBeginEndDe` is free text; see `knowledge.catalogue.dates`. Region: 기업마당 has
no region field, so `regions.keep_text` decides from hashtags, agencies and title.
"""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import urljoin

from ingest.sources.base import FetchResult, clean_text
from ingest.sources.http import ApiClient, SourceAuthError
from ingest.sources.paging import Page, read_pages
from ingest.sources.regions import keep_text, regions_in
from knowledge.catalogue.dates import parse_amount, parse_target, parse_window
from knowledge.catalogue.models import Attachment, Programme

log = logging.getLogger(__name__)

NAME = "bizinfo"
PREFIX = "bz"
SITE = "https://www.bizinfo.go.kr"


def _split(value: object) -> list[str]:
    return [p.strip() for p in re.split(r"[@|]", str(value or "")) if p.strip()]


def attachments_of(item: dict[str, Any]) -> list[Attachment]:
    found: list[Attachment] = []
    for url_key, name_key in (("flpthNm", "fileNm"), ("printFlpthNm", "printFileNm")):
        urls, names = _split(item.get(url_key)), _split(item.get(name_key))
        for i, url in enumerate(urls):
            name = names[i] if i < len(names) else url.rsplit("/", 1)[-1]
            found.append(Attachment(name=clean_text(name), url=urljoin(SITE, url)))
    return list({a.url: a for a in found}.values())


def parse_item(item: dict[str, Any]) -> Programme:
    pid = str(item.get("pblancId") or "").strip()
    if not re.fullmatch(r"[0-9A-Za-z_]{1,50}", pid):
        raise ValueError("pblancId 없음 (no id)")
    title = clean_text(item.get("pblancNm"))
    if not title:
        raise ValueError("pblancNm 없음 (no title)")
    summary = clean_text(item.get("bsnsSumryCn"))
    window = parse_window(clean_text(item.get("reqstBeginEndDe")))
    tags = item.get("hashtags") or item.get("hashTags") or ""  # both spellings are seen
    hashtags = [t.strip() for t in str(tags).split(",") if t.strip()]
    target_text = clean_text(item.get("trgetNm"))
    target = parse_target(target_text)
    target.regions = sorted(
        regions_in(" ".join([*hashtags, title, clean_text(item.get("jrsdInsttNm"))]))
    )
    year = (window.start or window.end).year if (window.start or window.end) else None
    if year is None:
        year = next((int(t) for t in hashtags if re.fullmatch(r"20\d{2}", t)), None)
    if year is None:
        match = re.search(r"(20\d{2})", clean_text(item.get("creatPnttm")) + title)
        year = int(match.group(1)) if match else None
    url = clean_text(item.get("pblancUrl"))
    return Programme(
        id=f"{PREFIX}-{pid}",
        source=NAME,
        source_id=pid,
        title=title,
        agency=clean_text(item.get("excInsttNm")),
        supervising_agency=clean_text(item.get("jrsdInsttNm")),
        category=clean_text(item.get("pldirSportRealmLclasCodeNm")),
        support_field=clean_text(
            item.get("pldirSportRealmMlsfcCodeNm") or item.get("pldirSportRealmLclasCodeNm")
        ),
        summary=summary,
        target=target,
        amount_max_won=parse_amount(summary),
        window=window,
        url=urljoin(SITE, url) if url else "",
        attachments=attachments_of(item),
        year=year,
        hashtags=hashtags,
    )


def fetch(settings, client: ApiClient | None = None) -> FetchResult:
    assert settings.bizinfo_api_key is not None
    result = FetchResult(source=NAME)
    own = client is None
    client = client or ApiClient.from_settings(NAME, settings)
    key = settings.bizinfo_api_key.get_secret_value()
    size = settings.catalogue_page_size
    total: int | None = None  # 기업마당 repeats the count (totCnt) in every item: the first

    def fetch_page(page: int) -> Page:
        nonlocal total
        params = {"crtfcKey": key, "dataType": "json", "searchCnt": size, "pageIndex": page}
        body = client.get(settings.bizinfo_api_url, params).json()
        if not isinstance(body, dict):
            raise ValueError("JSON 객체가 아님")
        if "jsonArray" not in body:
            message = clean_text(body.get("reqErr") or body.get("message") or body.get("msg"))
            if "인증" in message or "key" in message.lower():
                raise SourceAuthError(
                    f"{NAME}: API 키가 거부되었습니다 ({message}). "
                    "STARTUPBOT_BIZINFO_API_KEY 를 확인하세요 (API key rejected)."
                )
            raise ValueError(message or "jsonArray 없음")
        data = body["jsonArray"]
        if isinstance(data, dict):
            # the published spec wraps the items: {"jsonArray": {"item": [...]}};
            # the live API sends a flat list; a lone item may come as an object
            data = data.get("item", [data])
            if isinstance(data, dict):
                data = [data]
        if not isinstance(data, list):
            raise ValueError("jsonArray 가 목록이 아님")
        if total is None:
            total = next((int(raw["totCnt"]) for raw in data if isinstance(raw, dict)
                          and str(raw.get("totCnt") or "").isdigit()), None)
        return Page(data, total)

    def keep(raw: dict[str, Any], programme: Programme) -> bool:
        text = " ".join([*programme.hashtags, programme.title, programme.supervising_agency,
                         programme.agency])
        return keep_text(text, settings.catalogue_regions)

    try:
        result.complete = read_pages(result, fetch_page, parse_item, keep, per_page=size,
                                     max_pages=settings.catalogue_max_pages,
                                     full_page_means_more=True)
    finally:
        result.requests, result.retries = client.requests, client.retried
        if own:
            client.close()
    return result
