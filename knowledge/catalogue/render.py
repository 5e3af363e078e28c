"""A programme as a Markdown knowledge document (YAML front matter + one section per topic),
so retrieval and citations work for it as for any document. The text states the window as
dates, never "open now": the bot decides that from the clock at answer time.
"""

from __future__ import annotations

import yaml

from knowledge.catalogue.models import PROGRAMME_CATEGORY, Programme, Stage

_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml when present: ~10x faster

STAGE_LABELS = {
    Stage.PRE: "예비창업자",
    Stage.EARLY: "창업 3년 이내",
    Stage.GROWTH: "창업 3~7년",
    Stage.MATURE: "창업 7년 초과",
}
SOURCE_LABELS = {"kstartup": "K-Startup", "bizinfo": "기업마당", "staff": "담당자가 올린 공고문"}


def won(amount: int) -> str:
    """1억 5,000만 원 style."""
    eok, rest = divmod(amount, 100_000_000)
    man = rest // 10_000
    parts = ([f"{eok:,}억"] if eok else []) + ([f"{man:,}만"] if man else [])
    return (" ".join(parts) or f"{amount:,}") + " 원"


def window_text(p: Programme) -> str:
    w = p.window
    fmt = "%Y-%m-%d"
    if w.start and w.end:
        end = w.end.strftime(fmt) + (
            "" if w.end.strftime("%H:%M") == "23:59" else w.end.strftime(" %H:%M")
        )
        return f"{w.start.strftime(fmt)} ~ {end}"
    if w.end:
        return f"~ {w.end.strftime(fmt)}"
    if w.start:
        return f"{w.start.strftime(fmt)} ~ (마감일 공고문 확인)"
    return w.text or "공고문에서 확인"


def target_text(p: Programme) -> str:
    t = p.target
    bits = []
    if t.stages:
        bits.append(", ".join(STAGE_LABELS[s] for s in t.stages))
    if t.age_min or t.age_max:
        bits.append(f"만 {t.age_min or 0}~{t.age_max or ''}세".replace("~세", "세 이상"))
    if t.text:
        bits.append(t.text)
    return " · ".join(dict.fromkeys(bits)) or "공고문에서 확인"


def render_markdown(p: Programme) -> str:
    meta = {
        "title": p.title,
        "category": PROGRAMME_CATEGORY,
        "publisher": p.agency or p.supervising_agency or SOURCE_LABELS.get(p.source, p.source),
        "facts_as_of": str(p.year) if p.year else "",
        "source_urls": [p.url] if p.url else [],
        "programme_id": p.id,
    }
    lines = [
        "---",
        yaml.dump(meta, Dumper=_DUMPER, allow_unicode=True, sort_keys=False).strip(),
        "---",
        f"# {p.title}",
        "",
    ]
    overview = [f"{p.title}은(는) {SOURCE_LABELS.get(p.source, p.source)}에 공고된 지원사업이다."]
    if p.agency:
        overview.append(f"수행기관은 {p.agency}이다.")
    if p.supervising_agency:
        overview.append(f"소관기관은 {p.supervising_agency}이다.")
    if p.category:
        overview.append(f"지원 분야는 {p.category}이다.")
    # One summary section (few, larger chunks: less per-chunk work at ingest) and the call's
    # own text; each fact is a full sentence that names the programme, so answers quote it.
    facts = [*overview, f"{p.title}의 신청 대상은 {target_text(p)}이다."]
    if p.target.regions:
        facts.append(f"지원 지역은 {', '.join(p.target.regions)}이다.")
    if p.amount_max_won:
        facts.append(f"{p.title}의 지원 금액은 최대 {won(p.amount_max_won)}이다.")
    facts.append(f"{p.title}의 신청 기간은 {window_text(p)}이다.")
    if p.url:
        facts.append(f"공고문은 {p.url} 에서 볼 수 있다.")
    lines += ["## 공고 요약", " ".join(facts), ""]
    if p.summary:
        lines += ["## 지원 내용", p.summary.strip(), ""]
    return "\n".join(lines)
