"""Markdown loader: YAML front matter + body kept as Markdown."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import yaml

from .base import (
    LoadedDocument,
    LoaderError,
    clean_title,
    decode_text_bytes,
    normalize_text,
    require_text,
    short_detail,
)

_FENCE_RE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_H1_RE = re.compile(r"^\s{0,3}#\s+(.+?)\s*#*\s*$")


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """Split ``---``-delimited YAML front matter from *text* (newlines already ``\\n``).

    Returns (front_matter_dict, body). No front matter -> ({}, text).
    Raises LoaderError for unclosed or invalid front matter.
    """
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return {}, text
    end = None
    for i in range(1, len(lines)):
        if lines[i].rstrip() in ("---", "..."):
            end = i
            break
    if end is None:
        raise LoaderError(
            "문서 맨 앞의 front matter(--- 로 시작하는 머리말)가 닫히지 않았습니다. "
            "끝에 '---' 줄을 추가해 주세요."
        )
    raw = "\n".join(lines[1:end])
    try:
        data = yaml.safe_load(raw) if raw.strip() else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" ({mark.line + 2}번째 줄 근처)" if mark is not None else ""
        raise LoaderError(
            f"front matter(YAML) 형식이 잘못되었습니다{where}: {short_detail(exc, max_len=80)}"
        ) from exc
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise LoaderError(
            f"front matter(YAML)는 '키: 값' 형태여야 합니다 (지금은 {type(data).__name__} 입니다)."
        )
    return data, "\n".join(lines[end + 1 :])


def _jsonable(value: Any) -> Any:
    """Make YAML values JSON-friendly (dates -> ISO strings, keys -> str)."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    return value


def normalize_source_urls(value: Any) -> list[str]:
    """Accept a single string, a list of strings (or None) and return a list of non-empty str."""
    if value is None:
        return []
    if isinstance(value, str):
        items: list[Any] = [value]
    elif isinstance(value, (list, tuple, set)):
        items = list(value)
    else:
        items = [value]
    urls = []
    for item in items:
        s = str(item).strip() if item is not None else ""
        if s:
            urls.append(s)
    return urls


def first_h1(body: str) -> str:
    """Text of the first ATX ``# `` heading outside fenced code blocks, or ""."""
    fence: str | None = None
    for line in body.split("\n"):
        m = _FENCE_RE.match(line)
        if m:
            marker = m.group(1)
            if fence is None:
                fence = marker[0]
            elif marker[0] == fence:
                fence = None
            continue
        if fence is not None:
            continue
        h = _H1_RE.match(line)
        if h:
            return clean_title(h.group(1))
    return ""


# Which source a section or a sentence came from, as staff write it (numbers are 1-based
# positions in the front matter's `source_urls`):
#   a line "<!-- 출처: 2 -->" (or "<!-- source: 2 -->") under a heading: the whole section;
#   "[출처 2]" (or "[source 2]") at the end of a sentence: that sentence only.
_SECTION_MARK = re.compile(r"<!--\s*(?:출처|source)\s*[:：]?\s*(\d+)\s*-->", re.IGNORECASE)
_SENTENCE_MARK = re.compile(r"\s*\[(?:출처|source)\s*(\d+)\]", re.IGNORECASE)
_MARK_AFTER_STOP = re.compile(r"([.!?。])(\s*\[(?:출처|source)\s*\d+\])", re.IGNORECASE)


def resolve_source_marks(body: str, urls: list[str]) -> str:
    """Turn the staff's numbered source marks into the tokens the chunker reads:
    `<!-- source: URL -->` for a section and `⟦source: URL⟧` inside a sentence (moved before
    its full stop, so sentence splitting keeps it with its sentence). The document's full list
    goes first as `<!-- source_urls: URL URL ... -->`, for sentences whose source is unknown."""

    def url(number: str, mark: str) -> str:
        index = int(number)
        if not 1 <= index <= len(urls):
            raise LoaderError(
                f"출처 표시 '{mark.strip()}'의 번호 {index}에 해당하는 source_urls 항목이 없습니다 "
                f"(source_urls에 {len(urls)}개). 번호를 고치거나 front matter의 source_urls에 "
                "주소를 추가해 주세요.")
        return urls[index - 1]

    body = _MARK_AFTER_STOP.sub(lambda m: f"{m.group(2)}{m.group(1)}", body)
    body = _SECTION_MARK.sub(lambda m: f"<!-- source: {url(m.group(1), m.group(0))} -->", body)
    body = _SENTENCE_MARK.sub(lambda m: f"⟦source: {url(m.group(1), m.group(0))}⟧", body)
    if len(urls) > 1:
        body = f"<!-- source_urls: {' '.join(urls)} -->\n{body}"
    return body


def load_markdown(path: Path) -> LoadedDocument:
    raw = decode_text_bytes(path.read_bytes())
    raw = raw.replace("\ufeff", "").replace("\r\n", "\n").replace("\r", "\n")
    front, body = split_front_matter(raw)
    metadata = _jsonable(front)
    if "source_urls" in metadata:
        metadata["source_urls"] = normalize_source_urls(metadata["source_urls"])
    body = resolve_source_marks(body, metadata.get("source_urls") or [])
    text = require_text(normalize_text(body))
    title = clean_title(metadata.get("title")) or first_h1(text) or path.stem
    return LoadedDocument(path=path, format="markdown", title=title, text=text, metadata=metadata)
