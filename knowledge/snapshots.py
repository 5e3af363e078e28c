"""Published snapshots: how one writer and any number of readers share a knowledge base.

Layout under `data/knowledge/`:

    work/                  the writer's private copy (embedded Chroma, keyword index, manifest);
                           no reader ever opens it
    snapshots/000007/      a published, complete copy; readers open the newest one read-only
    CURRENT                JSON naming the newest snapshot (replaced atomically)

Why: Chroma's embedded client is not process-safe (a reader with the store open while another
process writes fails with "Error finding id" and never recovers), and a keyword index that
readers resync by themselves can race the writer. So the writer works alone on `work/`, and
when a run is done it copies `work/` to a new snapshot folder, checks it, and flips `CURRENT`.
A reader notices the new `CURRENT` (a stat every `reader_check_seconds`), opens the new
snapshot next to the old one, swaps, and lets in-flight questions finish on the old one.
A crash at any point leaves `CURRENT` naming a complete snapshot. With a `chroma run` server
(http mode) the vectors live in the server, which is process-safe; snapshots then carry only
the keyword index and the manifest.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import tempfile
import time
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path

from pydantic import BaseModel, Field

log = logging.getLogger(__name__)

CURRENT_FILE = "CURRENT"
STATE_FILE = "state.json"
WRITING_MARKER = "WRITING"


class SnapshotError(Exception):
    """The published knowledge cannot be read; the message says what to run."""


class SnapshotState(BaseModel):
    """What a published snapshot holds (also the content of `CURRENT`)."""

    snapshot: str
    generation: int
    published_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    documents: int = 0
    chunks: int = 0
    ids_sha256: str = Field("", description="Hash of the sorted chunk ids: store, keyword index "
                            "and manifest agreed on exactly these when it was published.")
    embedder: str = ""
    dense_units: str = ""
    chroma_mode: str = "embedded"
    collection: str = Field("", description="The Chroma collection readers query (with a "
                            "server, a rebuild writes a new one; empty: the configured name).")


class KnowledgePaths:
    """Where the writer's copy, the snapshots and the pointer live."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @property
    def work(self) -> Path:
        return self.root / "work"

    @property
    def snapshots(self) -> Path:
        return self.root / "snapshots"

    @property
    def current_file(self) -> Path:
        return self.root / CURRENT_FILE

    def snapshot(self, name: str) -> Path:
        return self.snapshots / name

    @staticmethod
    def chroma(folder: Path) -> Path:
        return folder / "chroma"

    @staticmethod
    def keyword(folder: Path) -> Path:
        return folder / "keyword"

    @staticmethod
    def manifest(folder: Path) -> Path:
        return folder / "manifest.json"

    @property
    def collection_file(self) -> Path:
        """With a Chroma server: which collection the writer's copy is (see writer)."""
        return self.work / "collection"

    @property
    def writing_marker(self) -> Path:
        """Present while a writer has changes in `work/` that are not published yet."""
        return self.work / WRITING_MARKER

    # --- the pointer ---------------------------------------------------------------------
    def read_current(self) -> SnapshotState | None:
        """The newest published snapshot, or None when nothing was published yet."""
        try:
            raw = self.current_file.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise SnapshotError(f"{self.current_file}을(를) 읽을 수 없습니다: {exc}") from exc
        try:
            return SnapshotState.model_validate_json(raw)
        except ValueError:
            raise SnapshotError(
                f"{self.current_file} 파일이 손상되었습니다. `startupbot ingest`를 실행하면 "
                "작업 색인에서 다시 공개합니다. (corrupt CURRENT pointer)") from None

    def current_stamp(self) -> tuple[int, int] | None:
        """A cheap fingerprint of `CURRENT` (inode, mtime) for readers' polling."""
        try:
            st = self.current_file.stat()
        except FileNotFoundError:
            return None
        return st.st_ino, st.st_mtime_ns

    def next_name(self) -> tuple[str, int]:
        current = self.read_current()
        generation = (current.generation if current else 0) + 1
        existing = [int(p.name) for p in self._snapshot_dirs()]
        generation = max([generation, *(n + 1 for n in existing)])
        return f"{generation:06d}", generation

    def _snapshot_dirs(self) -> list[Path]:
        if not self.snapshots.exists():
            return []
        return sorted(p for p in self.snapshots.iterdir() if p.is_dir() and p.name.isdigit())

    # --- publishing ----------------------------------------------------------------------
    def publish(self, state: SnapshotState, *, include_chroma: bool) -> Path:
        """Copy `work/` into `snapshots/<state.snapshot>` and point `CURRENT` at it.

        The copy goes to a temporary folder first and is renamed into place, and `CURRENT`
        is replaced atomically last: a crash or a full disk leaves the previous snapshot
        served."""
        self.snapshots.mkdir(parents=True, exist_ok=True)
        target = self.snapshot(state.snapshot)
        tmp = Path(tempfile.mkdtemp(dir=self.snapshots, prefix=f".{state.snapshot}-"))
        try:
            for part in ("keyword", "manifest.json", "collection",
                         *(["chroma"] if include_chroma else [])):
                source = self.work / part
                if source.is_dir():
                    shutil.copytree(source, tmp / part,
                                    ignore=shutil.ignore_patterns(".tantivy-writer.lock"))
                elif source.exists():
                    shutil.copy2(source, tmp / part)
            (tmp / STATE_FILE).write_text(state.model_dump_json(indent=1), encoding="utf-8")
            _fsync_tree(tmp)
            if target.exists():  # left by a run that died before flipping CURRENT
                shutil.rmtree(target)
            os.replace(tmp, target)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        write_atomically(self.current_file, state.model_dump_json(indent=1))
        return target

    def kept_states(self) -> list[SnapshotState]:
        """The states of the snapshots still on disk."""
        return [state for folder in self._snapshot_dirs()
                if (state := read_state(folder)) is not None]

    def collect_garbage(self, keep: int, grace_seconds: float) -> list[str]:
        """Delete snapshots beyond the newest `keep` once they were superseded at least
        `grace_seconds` ago (a snapshot is superseded when the next one is published: readers
        still answering from it get that long to move on), and temp folders of runs that died
        mid-copy."""
        removed: list[str] = []
        current = self.read_current()
        dirs = self._snapshot_dirs()
        if current is not None and len(dirs) > keep:
            for old, newer in list(pairwise(dirs))[: len(dirs) - keep]:
                if old.name == current.snapshot:
                    continue
                state = read_state(newer)
                superseded_at = state.published_at.timestamp() if state else 0.0
                if time.time() - superseded_at < grace_seconds:
                    continue
                shutil.rmtree(old, ignore_errors=True)
                removed.append(old.name)
        if self.snapshots.exists():
            for tmp in self.snapshots.glob(".*-*"):
                with contextlib.suppress(OSError):
                    if time.time() - tmp.stat().st_mtime > 3600:
                        shutil.rmtree(tmp, ignore_errors=True)
        return removed


def write_atomically(path: Path, text: str) -> None:
    """Temp file in the same folder, fsync, rename: readers see the old or the new file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _fsync_tree(folder: Path) -> None:
    for root, _dirs, files in os.walk(folder):
        for name in files:
            with contextlib.suppress(OSError), open(os.path.join(root, name), "rb") as fh:
                os.fsync(fh.fileno())


def folder_bytes(folder: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(folder):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.path.getsize(os.path.join(root, name))
    return total


def read_state(folder: Path) -> SnapshotState | None:
    try:
        return SnapshotState.model_validate(json.loads((folder / STATE_FILE).read_text("utf-8")))
    except (OSError, ValueError):
        return None
