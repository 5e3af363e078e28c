"""Zip-bomb guard for packaged formats (DOCX, HWPX): check declared sizes before reading.

``zipfile`` never returns more bytes for a member than its header declares (it truncates and
then fails the CRC check), so the declared ``file_size`` of the members is a true bound of what
any reader of the package can inflate.  The XML members are bounded separately and more
tightly, since lxml holds a parsed tree several times the size of its text.
"""

from __future__ import annotations

import zipfile

from ingest.limits import LoaderLimits

from .base import LoaderError

MAX_MEMBERS = 20_000
_XML_SUFFIXES = (".xml", ".rels", ".hpf")


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:,.0f}MB"


def check_package(zf: zipfile.ZipFile, limits: LoaderLimits, kind: str) -> None:
    """Raise LoaderError when the package would inflate beyond the limits."""
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise LoaderError(f"{kind} 파일 안에 항목이 너무 많습니다({len(infos):,}개).")
    total = sum(info.file_size for info in infos)
    xml = sum(info.file_size for info in infos if info.filename.lower().endswith(_XML_SUFFIXES))
    if total > limits.max_unzipped_bytes:
        raise LoaderError(
            f"{kind} 파일의 압축을 풀면 {_mb(total)}가 되어 한도({limits.max_unzipped_mb:g}MB)를 "
            "넘습니다. 압축 폭탄이거나 지나치게 큰 파일입니다"
            "(한도: STARTUPBOT_LOADER_MAX_UNZIPPED_MB)."
        )
    if xml > limits.max_xml_bytes:
        raise LoaderError(
            f"{kind} 파일의 본문 XML이 {_mb(xml)}로 한도({limits.max_xml_mb:g}MB)를 넘습니다. "
            "문서를 나누어 올려 주세요(한도: STARTUPBOT_LOADER_MAX_XML_MB)."
        )
