"""The ingest manifest: which file was ingested with which content hash into which chunks.

It is what makes re-ingesting incremental (unchanged hash -> skip) and what finds the chunks of a
deleted file. It is rewritten atomically after every document, so an interrupted ingest keeps
everything it finished.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, Field

MANIFEST_VERSION = 1


class ManifestEntry(BaseModel):
    source: str
    doc_id: str
    sha256: str
    size: int
    title: str
    chunk_ids: list[str] = Field(default_factory=list)
    chunker: str = ""
    embedder: str = ""
    ingested_at: str = Field(
        default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))


class Manifest(BaseModel):
    version: int = MANIFEST_VERSION
    files: dict[str, ManifestEntry] = Field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Manifest:
        if not path.exists():
            return cls()
        return cls.model_validate_json(path.read_text(encoding="utf-8"))

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".manifest-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(json.dumps(self.model_dump(), ensure_ascii=False, indent=1))
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
