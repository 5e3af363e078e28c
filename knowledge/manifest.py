"""The manifest: which document (source key) was written with which content hash into which
chunks. The knowledge writer keeps it next to the index it describes, and it is published with
every snapshot.

It is what makes re-ingesting incremental (unchanged hash -> skip) and what finds the chunks of a
deleted file. It is rewritten atomically (temp file + fsync + rename), so an interrupted ingest
keeps everything it finished and never leaves half a file.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from knowledge.errors import StoreError

MANIFEST_VERSION = 1


class ManifestError(StoreError):
    """The manifest cannot be read; the message names the file and the recovery command.

    A `StoreError`, so every front end that reports index problems reports this one too. The
    writer restores a broken working manifest from the last published snapshot by itself; this
    error reaches staff only when there is none."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(
            f"수집 기록 파일(manifest)이 손상되었습니다: {path} ({reason}). "
            "`startupbot ingest`가 마지막 공개본에서 복원하며, 공개본이 없으면 "
            "`startupbot ingest --rebuild`로 색인과 함께 다시 만드세요 (문서 폴더에서 모두 다시 "
            "수집합니다).")
        self.path = path
        self.reason = reason


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


class FailedEntry(BaseModel):
    """A file that could not be ingested, remembered with its hash: the same unchanged file is
    reported again but does not fail the next run (cron stays green until it changes)."""

    sha256: str
    reason: str


class Manifest(BaseModel):
    version: int = MANIFEST_VERSION
    files: dict[str, ManifestEntry] = Field(default_factory=dict)
    failed: dict[str, FailedEntry] = Field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Manifest:
        if not path.exists():
            return cls()
        try:
            return cls.model_validate_json(path.read_bytes())
        except ValidationError as exc:
            first = exc.errors()[0] if exc.errors() else {"msg": "invalid"}
            where = ".".join(str(p) for p in first.get("loc", ()))
            raise ManifestError(path, f"{where + ': ' if where else ''}{first['msg']}") from None
        except OSError as exc:
            raise ManifestError(path, f"{type(exc).__name__}: {exc.strerror or exc}") from None

    def save(self, path: Path) -> None:
        from knowledge.snapshots import write_atomically

        write_atomically(path, json.dumps(self.model_dump(), ensure_ascii=False, indent=1))


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
