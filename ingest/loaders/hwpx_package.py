"""HWPX package parts: the manifest (encryption), content.hpf (reading order, metadata).

Split from ``hwpx.py``; see its docstring for the package layout.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from typing import Any

from lxml import etree

from .base import LoaderError, clean_title

CORRUPT_PREFIX = "한글(HWPX) 파일이 손상되었거나 HWPX 형식이 아닙니다"
ENCRYPTED_REASON = (
    "암호가 걸린 한글(HWPX) 문서입니다. 한글에서 암호를 해제하고 저장한 뒤 다시 올려 주세요."
)
MAX_PART_SIZE = 200 * 1024 * 1024  # refuse absurd (zip-bomb) XML parts
# (the total over all parts is bounded by ingest.limits.LoaderLimits, see zipguard.py)
_SECTION_RE = re.compile(r"(?:^|/)section(\d+)\.xml$", re.IGNORECASE)


def _local(el: Any) -> str:
    tag = el.tag
    if not isinstance(tag, str):  # comments / processing instructions
        return ""
    return tag.rsplit("}", 1)[-1]


def _parse_xml(data: bytes) -> Any:
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=True, remove_comments=True
    )
    return etree.fromstring(data, parser)


def _read_member(zf: zipfile.ZipFile, name: str) -> bytes:
    info = zf.getinfo(name)
    if info.file_size > MAX_PART_SIZE:
        raise LoaderError(f"{CORRUPT_PREFIX}: '{name}' 부분이 비정상적으로 큽니다.")
    return zf.read(info)


def _find_member(names: set[str], href: str, base_dir: str) -> str | None:
    href = href.lstrip("/")
    for candidate in (href, posixpath.normpath(posixpath.join(base_dir, href))):
        if candidate in names:
            return candidate
    lowered = {n.lower(): n for n in names}
    return lowered.get(href.lower())


def _is_encrypted(zf: zipfile.ZipFile, names: set[str]) -> bool:
    if any(info.flag_bits & 0x1 for info in zf.infolist()):  # zip-level encryption
        return True
    manifest = _find_member(names, "META-INF/manifest.xml", "")
    if manifest is None:
        return False
    try:
        root = _parse_xml(_read_member(zf, manifest))
    except Exception:
        return False
    return any(_local(el) in ("encryption-data", "encryptionData") for el in root.iter())


def _read_package(zf: zipfile.ZipFile, names: set[str]) -> tuple[list[str], str, dict[str, Any]]:
    """(section member names in reading order, opf title, metadata) from content.hpf."""
    hpf_name = _find_member(names, "Contents/content.hpf", "")
    if hpf_name is None:
        hpf_name = next((n for n in sorted(names) if n.lower().endswith(".hpf")), None)
    sections: list[str] = []
    title = ""
    metadata: dict[str, Any] = {}
    if hpf_name is not None:
        try:
            root = _parse_xml(_read_member(zf, hpf_name))
        except etree.XMLSyntaxError:
            root = None
        if root is not None:
            base_dir = posixpath.dirname(hpf_name)
            hrefs: dict[str, str] = {}
            for el in root.iter():
                name = _local(el)
                if name == "item" and el.get("id") and el.get("href"):
                    hrefs[el.get("id")] = el.get("href")
                elif name == "title" and not title:
                    title = clean_title("".join(el.itertext()))
                elif name == "meta" and el.get("name"):
                    key = el.get("name").lower()
                    value = clean_title("".join(el.itertext()) or el.get("content"))
                    if value and key in ("creator", "subject", "description", "keyword"):
                        metadata["author" if key == "creator" else key] = value
                elif name == "creator":
                    value = clean_title("".join(el.itertext()))
                    if value:
                        metadata.setdefault("author", value)
            for el in root.iter():
                if _local(el) != "itemref":
                    continue
                href = hrefs.get(el.get("idref") or "")
                if href and _SECTION_RE.search(href):
                    member = _find_member(names, href, base_dir)
                    if member is not None and member not in sections:
                        sections.append(member)
            if not sections:  # no spine: manifest order of section items
                for href in hrefs.values():
                    if not _SECTION_RE.search(href):
                        continue
                    member = _find_member(names, href, base_dir)
                    if member is not None and member not in sections:
                        sections.append(member)
    if not sections:
        found = [n for n in names if n.lower().startswith("contents/") and _SECTION_RE.search(n)]
        sections = sorted(found, key=lambda n: int(_SECTION_RE.search(n).group(1)))
    return sections, title, metadata
