"""HTML loader (BeautifulSoup + lxml) rendering the page body as light Markdown."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from bs4 import BeautifulSoup
from bs4.element import NavigableString, PreformattedString, Tag

from .base import (
    LoadedDocument,
    clean_title,
    collapse_ws,
    heading,
    join_blocks,
    normalize_text,
    require_text,
)
from .markdown import first_h1

# Elements whose content is never document text (chrome, scripts, form widgets ...).
_DROP = frozenset(
    {
        "script", "style", "nav", "footer", "header", "aside", "noscript", "template",
        "svg", "iframe", "form", "button", "select", "option", "textarea", "input",
        "canvas", "object", "embed", "map", "head", "title", "meta", "link", "audio",
        "video", "picture", "img",
    }
)  # fmt: skip
_HEADINGS = {f"h{i}": i for i in range(1, 7)}
# Elements that start a new block (paragraph) when met inside running text.
_BLOCKS = frozenset(
    {
        "p", "div", "section", "article", "main", "body", "html", "blockquote", "pre",
        "ul", "ol", "li", "dl", "dt", "dd", "table", "figure", "figcaption", "caption",
        "address", "details", "summary", "fieldset", "legend", "center", "hgroup", "hr",
        "tr", "td", "th", "thead", "tbody", "tfoot",
    }
) | frozenset(_HEADINGS)  # fmt: skip

_BLOCK_NAMES = sorted(_BLOCKS)

_META_CHARSET_RE = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.IGNORECASE
)
_XML_ENCODING_RE = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_\-:.]+)""", re.I)
_KOREAN_ALIASES = {
    "euc-kr", "euckr", "ks_c_5601-1987", "ksc5601", "ks_c_5601", "x-windows-949",
    "windows-949", "ms949", "uhc", "cp949", "korean",
}  # fmt: skip


def decode_html(data: bytes) -> tuple[str, str]:
    """Decode HTML bytes; returns (text, encoding).

    Order: BOM -> strict UTF-8 (valid non-ASCII UTF-8 is practically never legacy
    Korean text) -> charset declared in <meta>/<?xml?> -> cp949 -> UTF-8 with replacement.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace"), "utf-8"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    head = data[:8192]
    m = _META_CHARSET_RE.search(head) or _XML_ENCODING_RE.search(head)
    candidates: list[str] = []
    if m:
        declared = m.group(1).decode("ascii", "ignore").lower()
        candidates.append("cp949" if declared in _KOREAN_ALIASES else declared)
    candidates.append("cp949")
    for enc in candidates:
        try:
            codecs.lookup(enc)
            return data.decode(enc), enc
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("utf-8", "replace"), "utf-8"


def _source_ws(text: str) -> str:
    """Newlines in HTML source are plain whitespace; only <br> makes a line break."""
    return text.replace("\r", " ").replace("\n", " ")


def _is_hidden(tag: Tag) -> bool:
    if tag.has_attr("hidden"):
        return True
    if str(tag.get("aria-hidden", "")).lower() == "true":
        return True
    style = str(tag.get("style", "")).replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style


def _skip(node: Tag) -> bool:
    if node.name == "header" and node.find_parent(["article", "main"]) is not None:
        return _is_hidden(node)  # an article's own header (its title) is content
    return node.name in _DROP or _is_hidden(node)


def _inline_parts(node: Tag, out: list[str], *, exclude: frozenset[str] = frozenset()) -> None:
    for child in node.children:
        if isinstance(child, Tag):
            if _skip(child) or child.name in exclude:
                continue
            if child.name == "br":
                out.append("\n")
            elif child.name in _BLOCKS:
                out.append("\n")
                _inline_parts(child, out, exclude=exclude)
                out.append("\n")
            else:
                _inline_parts(child, out, exclude=exclude)
        elif isinstance(child, NavigableString) and not isinstance(child, PreformattedString):
            out.append(_source_ws(child))


def _lines_text(parts: list[str]) -> str:
    """Join inline parts; collapse whitespace within lines, drop empty lines."""
    lines = (collapse_ws(line) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def inline_text(node: Tag, *, exclude: frozenset[str] = frozenset()) -> str:
    parts: list[str] = []
    _inline_parts(node, parts, exclude=exclude)
    return _lines_text(parts)


def _render_table(table: Tag) -> str:
    lines: list[str] = []
    caption = table.find("caption")
    if caption is not None and caption.find_parent("table") is table:
        cap = collapse_ws(inline_text(caption))
        if cap:
            lines.append(cap)
    for tr in table.find_all("tr"):
        if tr.find_parent("table") is not table:
            continue
        cells = [
            collapse_ws(inline_text(cell))
            for cell in tr.find_all(["td", "th"], recursive=False)
            if not _is_hidden(cell)
        ]
        if any(cells):
            lines.append(" | ".join(cells))
    return "\n".join(lines)


def _render_list(lst: Tag, depth: int = 0) -> list[str]:
    lines: list[str] = []
    indent = "  " * depth
    for li in lst.find_all("li", recursive=False):
        if _skip(li):
            continue
        text = collapse_ws(inline_text(li, exclude=frozenset({"ul", "ol"})))
        if text:
            lines.append(f"{indent}- {text}")
        for sub in li.find_all(["ul", "ol"]):
            # only the lists directly owned by this item (not deeper ones)
            if sub.find_parent("li") is li and not _skip(sub):
                lines.extend(_render_list(sub, depth + 1))
    return lines


def _render(node: Tag, blocks: list[str]) -> None:
    buf: list[str] = []

    def flush() -> None:
        text = _lines_text(buf)
        if text:
            blocks.append(text)
        buf.clear()

    for child in node.children:
        if isinstance(child, Tag):
            name = child.name
            if _skip(child):
                continue
            if name == "br":
                buf.append("\n")
            elif name in _HEADINGS:
                flush()
                text = collapse_ws(inline_text(child))
                if text:
                    blocks.append(heading(_HEADINGS[name], text))
            elif name == "table":
                flush()
                table = _render_table(child)
                if table:
                    blocks.append(table)
            elif name in ("ul", "ol"):
                flush()
                lines = _render_list(child)
                if lines:
                    blocks.append("\n".join(lines))
            elif name == "li":
                flush()
                text = collapse_ws(inline_text(child))
                if text:
                    blocks.append(f"- {text}")
            elif name == "pre":
                flush()
                pre = child.get_text()
                if pre.strip():
                    blocks.append(pre.strip("\n"))
            elif name == "hr":
                flush()
            elif name in _BLOCKS:
                flush()
                _render(child, blocks)
            elif child.find(_BLOCK_NAMES) is not None:
                # inline element wrapping block content, e.g. <a><h2>..</h2></a>
                flush()
                _render(child, blocks)
            else:  # inline element: continue the current paragraph
                _inline_parts(child, buf)
        elif isinstance(child, NavigableString) and not isinstance(child, PreformattedString):
            buf.append(_source_ws(child))
    flush()


def load_html(path: Path) -> LoadedDocument:
    raw, encoding = decode_html(path.read_bytes())
    soup = BeautifulSoup(raw, "lxml")

    metadata: dict[str, str] = {"encoding": encoding}
    html_tag = soup.find("html")
    if isinstance(html_tag, Tag) and html_tag.get("lang"):
        metadata["lang"] = str(html_tag.get("lang"))
    for attr, key in (("name", "description"), ("property", "og:description")):
        meta = soup.find("meta", attrs={attr: key})
        if isinstance(meta, Tag) and meta.get("content") and "description" not in metadata:
            metadata["description"] = collapse_ws(str(meta.get("content")))
    for key in ("author",):
        meta = soup.find("meta", attrs={"name": key})
        if isinstance(meta, Tag) and meta.get("content"):
            metadata[key] = collapse_ws(str(meta.get("content")))

    title = ""
    if soup.title is not None:
        title = clean_title(soup.title.get_text())

    root = soup.body or soup
    blocks: list[str] = []
    _render(root, blocks)
    text = require_text(normalize_text(join_blocks(blocks)))

    if not title:  # first rendered h1 (not one hidden in dropped page chrome)
        title = first_h1(text)
    return LoadedDocument(
        path=path, format="html", title=title or path.stem, text=text, metadata=metadata
    )
