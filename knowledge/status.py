"""`status()`: is there a knowledge base to answer from, and is anything wrong with it?

The one answer to "is there an index" for `ask`, `doctor`, `serve` and /stats (each used to
check in its own way). It never writes and never raises for a broken index: the problem is
described in `problem` with the command that fixes it.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from filelock import FileLock, Timeout
from pydantic import BaseModel, Field

from knowledge.snapshots import SnapshotError

if TYPE_CHECKING:
    from knowledge.base import KnowledgeBase


class KnowledgeStatus(BaseModel):
    ready: bool = False
    snapshot: str = ""
    generation: int = 0
    documents: int = 0
    chunks: int = 0
    embedder: str = ""
    published_at: datetime | None = None
    writer_running: bool = False
    unpublished_changes: bool = False
    legacy_layout: bool = False
    missing: bool = Field(False, description="Nothing was ever published (run an ingest).")
    problem: str = ""
    sources: list[str] = []

    @property
    def empty(self) -> bool:
        return not self.ready or self.chunks == 0


def writer_running(kb: KnowledgeBase) -> bool:
    if not kb.settings.lock_path.exists():
        return False
    lock = FileLock(str(kb.settings.lock_path), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        return True
    lock.release()
    return False


def knowledge_status(kb: KnowledgeBase) -> KnowledgeStatus:
    from knowledge.store import StoreError

    status = KnowledgeStatus(
        writer_running=writer_running(kb),
        unpublished_changes=kb.paths.writing_marker.exists(),
        legacy_layout=(kb.settings.data_dir / "chroma").is_dir()
        and not kb.paths.root.exists())
    if status.legacy_layout:
        status.problem = ("색인이 이전 형식입니다. `startupbot ingest`를 한 번 실행하면 "
                          "새 형식으로 옮깁니다. (index from an older version)")
        return status
    try:
        state = kb.paths.read_current()
    except SnapshotError as exc:
        status.problem = str(exc)
        return status
    if state is None:
        status.missing = True
        status.problem = "색인이 아직 없습니다. `startupbot ingest`로 문서를 먼저 수집하세요."
        return status
    status.snapshot, status.generation = state.snapshot, state.generation
    status.documents, status.chunks = state.documents, state.chunks
    status.embedder, status.published_at = state.embedder, state.published_at
    try:
        snapshot = kb.current()
        status.sources = sorted(snapshot.manifest.files)
    except (StoreError, SnapshotError, OSError, ValueError) as exc:
        status.problem = str(exc)
        return status
    except Exception as exc:  # keyword index or chromadb internals
        status.problem = f"{type(exc).__name__}: {exc}"
        return status
    status.ready = True
    return status
