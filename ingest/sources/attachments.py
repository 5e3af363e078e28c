"""Attachments (HWP, HWPX, PDF, …): downloaded with size and type limits, read through the
normal loaders. A broken attachment becomes a `Problem` and never stops the sync."""

from __future__ import annotations

import logging
import re
import tempfile
from pathlib import Path

import httpx

from ingest.loaders import LoaderError, load_document
from ingest.sources.base import Problem
from knowledge.catalogue.models import Attachment, Programme

log = logging.getLogger(__name__)

ALLOWED = (".hwp", ".hwpx", ".pdf", ".docx", ".txt")
MAX_TEXT = 20_000  # characters of one attachment that go into the programme's document
_CONTENT_TYPES = ("application/", "text/plain", "binary/")


def _suffix(attachment: Attachment, response: httpx.Response) -> str:
    for candidate in (attachment.name, attachment.url.split("?", 1)[0]):
        suffix = Path(candidate).suffix.lower()
        if suffix in ALLOWED:
            return suffix
    disposition = response.headers.get("content-disposition", "")
    match = re.search(r'filename\*?=(?:UTF-8\'\')?"?([^";]+)', disposition)
    return Path(match.group(1)).suffix.lower() if match else ""


def read_attachments(
    programme: Programme, client: httpx.Client, *, max_bytes: int, limit: int
) -> tuple[list[tuple[str, str]], list[Problem]]:
    """(name, text) of each readable attachment, and what went wrong with the others."""
    texts: list[tuple[str, str]] = []
    problems: list[Problem] = []

    def problem(a: Attachment, reason: str) -> None:
        problems.append(
            Problem(source=programme.source, where=f"{programme.id} 첨부 {a.name}", reason=reason)
        )

    for attachment in programme.attachments[:limit]:
        try:
            with client.stream("GET", attachment.url) as response:
                if response.status_code != 200:
                    problem(attachment, f"내려받기 실패 (HTTP {response.status_code})")
                    continue
                ctype = response.headers.get("content-type", "application/octet-stream")
                if not ctype.startswith(_CONTENT_TYPES):
                    problem(attachment, f"지원하지 않는 형식 ({ctype.split(';')[0]})")
                    continue
                suffix = _suffix(attachment, response)
                if suffix not in ALLOWED:
                    problem(attachment, f"지원하지 않는 파일 형식 ({suffix or '확장자 없음'})")
                    continue
                declared = int(response.headers.get("content-length") or 0)
                if declared > max_bytes:
                    problem(attachment, f"파일이 너무 큽니다 ({declared // 1_000_000} MB)")
                    continue
                data = bytearray()
                for chunk in response.iter_bytes():
                    data.extend(chunk)
                    if len(data) > max_bytes:
                        break
                if len(data) > max_bytes:
                    problem(attachment, f"파일이 너무 큽니다 (> {max_bytes // 1_000_000} MB)")
                    continue
        except httpx.HTTPError as exc:
            problem(attachment, f"내려받기 실패 ({type(exc).__name__})")
            continue
        with tempfile.TemporaryDirectory(prefix="startupbot-att-") as tmp:
            path = Path(tmp) / f"attachment{suffix}"
            path.write_bytes(bytes(data))
            try:
                doc = load_document(path)
            except LoaderError as exc:
                problem(attachment, f"읽을 수 없습니다: {exc.reason}")
                continue
        text = doc.text.strip()
        if text:
            texts.append((attachment.name, text[:MAX_TEXT]))
    return texts, problems
