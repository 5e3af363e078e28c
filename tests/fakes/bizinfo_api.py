"""Loopback fake of 기업마당's support-programme API (`/uss/rss/bizinfoApi.do`).

Query: `crtfcKey`, `dataType=json`, `searchCnt` (page size), `pageIndex`, optional `hashtags`.
Response: `{"jsonArray": [...]}`; every item carries `totCnt`. `reqstBeginEndDe` is free text
("2026-01-06 ~ 2026-01-27", "상시 접수", "예산 소진시까지", "추후 공지"). A bad key gets
`{"reqErr": "인증키가 유효하지 않습니다."}` (HTTP 200) — assumed shape, see the README.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.fakes.programme_api import ProgrammeApiServer, window_for

PATH = "/uss/rss/bizinfoApi.do"
_FIELDS = ["창업", "금융", "기술", "수출", "내수", "인력", "경영"]
_ORGS = [
    ("충청북도", "충북창조경제혁신센터"),
    ("중소벤처기업부", "창업진흥원"),
    ("충청북도", "충북테크노파크"),
    ("경기도", "경기도경제과학진흥원"),
    ("중소벤처기업부", "중소벤처기업진흥공단"),
]


def make_item(i: int, today: date, *, pid: str | None = None) -> dict[str, Any]:
    start, end, kind = window_for(i, today)
    if kind == "rolling":
        window = ["상시 접수", "예산 소진시까지"][i % 2]
    elif kind == "unknown":
        window = "추후 공지"
    else:
        window = f"{start:%Y-%m-%d} ~ {end:%Y-%m-%d}"
    jrsd, exc = _ORGS[i % len(_ORGS)]
    year = (start or end or today).year
    region_tag = "충북" if jrsd == "충청북도" else ("경기" if jrsd == "경기도" else "전국")
    pid = pid or f"PBLN_{i:015d}"
    return {
        "pblancId": pid,
        "pblancNm": f"[{region_tag}] {year}년 {_FIELDS[i % len(_FIELDS)]} 지원사업 {i}차 공고",
        "bsnsSumryCn": (
            f"<p>중소기업의 {_FIELDS[i % len(_FIELDS)]} 역량 강화를 지원&amp;육성합니다."
            f"</p><ul><li>지원한도: 최대 {(i % 5 + 1) * 2}천만원</li></ul>"
        ),
        "trgetNm": ["중소기업", "예비창업자", "창업벤처", "소상공인"][i % 4],
        "reqstBeginEndDe": window,
        "jrsdInsttNm": jrsd,
        "excInsttNm": exc,
        "pblancUrl": f"/web/lay1/bbs/S1T122C128/AS/74/view.do?pblancId={pid}",
        "flpthNm": "",
        "fileNm": "",
        "printFlpthNm": "",
        "printFileNm": "",
        "hashtags": f"{_FIELDS[i % len(_FIELDS)]},{region_tag},{year},{jrsd}",
        "pldirSportRealmLclasCodeNm": _FIELDS[i % len(_FIELDS)],
        "creatPnttm": f"{today:%Y-%m-%d} 10:00:00",
        "inqireCo": i * 3,
    }


def make_items(n: int, today: date) -> list[dict[str, Any]]:
    return [make_item(i, today) for i in range(n)]


class FakeBizinfo(ProgrammeApiServer):
    """`wrapped=True` answers in the spec's envelope `{"jsonArray": {"item": [...]}}`."""

    path = PATH

    def __init__(self, items=None, *, key: str = "test-key", wrapped: bool = False):
        super().__init__(items, key=key)
        self.wrapped = wrapped

    def page(self, params: dict[str, str]):
        if params.get("crtfcKey") != self.state.key:
            return self.json({"reqErr": "인증키가 유효하지 않습니다."})
        try:
            page = max(1, int(params.get("pageIndex", "1")))
            size = max(1, int(params.get("searchCnt", "10")))
        except ValueError:
            return self.json({"reqErr": "요청 변수 오류"})
        fault = self.fault(page)
        if fault is not None:
            return fault
        items = self.state.items
        tag = params.get("hashtags")
        if tag:
            items = [i for i in items if tag in str(i.get("hashtags", ""))]
        chunk = (
            []
            if self.state.bad_pages.get(page) == "empty"
            else items[(page - 1) * size : page * size]
        )
        rows = [dict(item, totCnt=len(items)) for item in chunk]
        return self.json({"jsonArray": {"item": rows} if self.wrapped else rows})


if __name__ == "__main__":
    from tests.fakes.programme_api import serve_forever

    serve_forever(FakeBizinfo, make_items)
