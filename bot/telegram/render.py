"""Telegram HTML for answers, source lists and the welcome text, split to fit one message.

Everything that comes from documents, models or users goes through `html.escape`; the only
tags produced here are <b>, <i> and <a href> (Telegram's HTML subset). Telegram limits a message
to 4,096 characters *after* entity parsing, counted in UTF-16 code units; `split_html` measures
exactly that and cuts at paragraph, line, sentence or word boundaries outside any tag.

`split_html` is hand-written (about 80 lines): neither python-telegram-bot nor a well-kept
library offers a tag-aware splitter for Telegram HTML.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from bot import prompts
from bot.models import Answer, Source
from knowledge.models import DocumentInfo

MAX_MESSAGE = 4096  # telegram.constants.MessageLimit.MAX_TEXT_LENGTH
STREAM_CURSOR = " ▌"

_TOKEN = re.compile(r"<[^<>]*>|&(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z]+);|[^<&]|[<&]", re.S)
_TAG = re.compile(r"<(/?)([A-Za-z]+)")
_SENTENCE_END = frozenset(".!?…。")


def esc(text: str) -> str:
    return html.escape(text or "", quote=False)


def _safe_url(url: str) -> str | None:
    url = (url or "").strip()
    return html.escape(url, quote=True) if re.match(r"https?://\S+$", url) else None


def _host(url: str) -> str:
    """A short label for a link: its host name without "www."."""
    host = urlsplit(url).hostname or url
    return host.removeprefix("www.")


def u16_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def plain_text(markup: str) -> str:
    """What Telegram shows for `markup`: tags removed, entities decoded."""
    return html.unescape(re.sub(r"<[^<>]*>", "", markup))


def visible_length(markup: str) -> int:
    """Length of the text Telegram shows for `markup` (tags removed, entities decoded)."""
    return sum(_atom(t).width for t in _TOKEN.findall(markup))


# --- answers -----------------------------------------------------------------------------------
def source_line(source: Source, language: str) -> str:
    where = source.title + (f" › {source.section}" if source.section else "")
    url = _safe_url(source.url)
    label = f'<a href="{url}">{esc(where)}</a>' if url else esc(where)
    line = f"[{source.number}] {label}"
    if not url and source.urls:
        # the sentence's own source is not known: the document's list, never a guessed one
        links = [u for u in (_safe_url(u) for u in source.urls) if u]
        shown = links[: prompts.SOURCE_LIST_SHOWN]
        more = len(links) - len(shown)
        if shown:
            listed = " · ".join(f'<a href="{u}">{esc(_host(html.unescape(u)))}</a>'
                                for u in shown)
            if more:
                listed += esc(prompts.SOURCE_LIST_MORE[language].format(n=more))
            line += f" — {esc(prompts.SOURCE_LIST[language])}: {listed}"
    if source.facts_as_of:
        line += " · " + esc(prompts.TG_FACTS_AS_OF[language].format(as_of=source.facts_as_of))
    return line


def render_answer(answer: Answer) -> str:
    """The final message: escaped answer with its [n] markers, notice, compact source block."""
    language = answer.language if answer.language in ("ko", "en") else "ko"
    parts = [esc(answer.answer.strip())]
    if answer.notice:
        parts.append(f"<i>{esc(answer.notice)}</i>")
    if answer.sources:
        lines = [f"<b>{prompts.TG_SOURCES_HEADING[language]}</b>"]
        lines += [source_line(s, language) for s in answer.sources]
        parts.append("\n".join(lines))
    return "\n\n".join(p for p in parts if p)


def render_preview(text: str, limit: int = MAX_MESSAGE) -> str:
    """A streamed answer while the model writes: escaped, with a cursor, cut to one message."""
    room = limit - u16_len(STREAM_CURSOR) - 1
    text = text.strip()
    if u16_len(text) > room:
        while u16_len(text) > room:
            text = text[: -max(1, (u16_len(text) - room) // 2)]
        text += "…"
    return esc(text) + STREAM_CURSOR


# --- lists -------------------------------------------------------------------------------------
def category_label(category: str) -> str:
    return prompts.TG_CATEGORY_LABELS.get(category, category or "기타")


def group_documents(docs: Iterable[DocumentInfo]) -> dict[str, list[DocumentInfo]]:
    grouped: dict[str, list[DocumentInfo]] = {}
    for doc in sorted(docs, key=lambda d: (category_label(d.category), d.title)):
        grouped.setdefault(category_label(doc.category), []).append(doc)
    return grouped


def render_welcome(docs: list[DocumentInfo], language: str) -> str:
    if not docs:
        return prompts.TG_WELCOME_EMPTY[language]
    categories = "\n".join(
        prompts.TG_WELCOME_CATEGORY.format(label=esc(label), count=len(items))
        for label, items in group_documents(docs).items())
    return prompts.TG_WELCOME[language].format(documents=len(docs), categories=categories)


def render_sources(docs: list[DocumentInfo], language: str) -> str:
    if not docs:
        return esc(prompts.TG_SOURCES_EMPTY[language])
    blocks = [prompts.TG_SOURCES_TITLE[language].format(count=len(docs))]
    # issue 14: synced programme calls can be thousands; they are counted, browsed in /programs
    calls = sum(1 for d in docs if d.category == "programme")
    docs = [d for d in docs if d.category != "programme"]
    if calls:
        label = prompts.TG_CATEGORY_LABELS["programme"]
        blocks.append(f"<b>{esc(label)}</b>\n• {calls} → /programs")
    for label, items in group_documents(docs).items():
        lines = [f"<b>{esc(label)}</b>"]
        for doc in items:
            url = _safe_url(doc.url)
            title = f'<a href="{url}">{esc(doc.title)}</a>' if url else esc(doc.title)
            as_of = (" · " + esc(prompts.TG_FACTS_AS_OF[language].format(as_of=doc.facts_as_of))
                     if doc.facts_as_of else "")
            lines.append(f"• {title}{as_of}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


# --- splitting ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Atom:
    raw: str
    width: int  # visible UTF-16 units
    opens: str | None = None  # tag name opened by this atom
    closes: str | None = None  # tag name closed by this atom


def _atom(token: str) -> _Atom:
    if token.startswith("<") and token.endswith(">") and len(token) > 2:
        match = _TAG.match(token)
        if match:
            name = match.group(2).lower()
            return _Atom(token, 0, closes=name) if match.group(1) else _Atom(token, 0, opens=name)
        return _Atom(token, 0)
    if token.startswith("&") and token.endswith(";") and len(token) > 2:
        return _Atom(token, u16_len(html.unescape(token)))
    return _Atom(token, u16_len(token))


def _priority(atoms: list[_Atom], i: int) -> int:
    """How good a cut before atoms[i] is: paragraph 4, line 3, sentence 2, word 1, other 0."""
    before = atoms[i - 1].raw
    if before == "\n":
        return 4 if i >= 2 and atoms[i - 2].raw == "\n" else 3
    if before.isspace():
        return 2 if i >= 2 and atoms[i - 2].raw in _SENTENCE_END else 1
    return 0


def split_html(markup: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Cut `markup` into messages of at most `limit` visible characters each.

    Cuts prefer paragraph, then line, sentence and word boundaries outside any tag, taking the
    best one in the last two thirds of the window. Only when a single tag spans more than a
    whole message is it cut inside, closed at the end of one part and reopened in the next.
    """
    atoms = [_atom(t) for t in _TOKEN.findall(markup)]
    parts: list[str] = []
    start, reopen = 0, []  # reopen: opening tags carried over from the previous part
    while start < len(atoms):
        width, end = 0, start
        stack = [a.opens for a in reopen]
        best: tuple[bool, int, int] | None = None  # (outside tags, priority, index)
        while end < len(atoms) and width + atoms[end].width <= limit:
            atom = atoms[end]
            width += atom.width
            end += 1
            if atom.opens:
                stack.append(atom.opens)
            elif atom.closes and atom.closes in stack:
                del stack[len(stack) - 1 - stack[::-1].index(atom.closes)]
            if end < len(atoms) and width * 3 >= limit:
                rank = (not stack, _priority(atoms, end), end)
                best = rank if best is None or rank >= best else best
        cut = end if end >= len(atoms) or best is None else best[2]
        parts.append(_finish(reopen, atoms[start:cut]))
        reopen = _still_open(reopen, atoms[start:cut])
        start = cut
    return [p for p in parts if plain_text(p).strip()]


def _still_open(reopen: list[_Atom], chunk: list[_Atom]) -> list[_Atom]:
    stack = list(reopen)
    for atom in chunk:
        if atom.opens:
            stack.append(atom)
        elif atom.closes:
            for j in range(len(stack) - 1, -1, -1):
                if stack[j].opens == atom.closes:
                    del stack[j]
                    break
    return stack


def _finish(reopen: list[_Atom], chunk: list[_Atom]) -> str:
    still = _still_open(reopen, chunk)
    body = "".join(a.raw for a in chunk).strip()
    closing = "".join(f"</{a.opens}>" for a in reversed(still))
    return "".join(a.raw for a in reopen) + body + closing
