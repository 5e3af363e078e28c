"""On-disk cache of embedding matrices, so a second `startupbot eval` skips the embedding.

A matrix is keyed by everything that changes it: what was embedded (dataset file hash + which
texts), the embedder's id and the text preparation (title on/off, cut length). Files are
`<key>.npz` holding the ids and a float32 matrix, written atomically. `root=None` disables it.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass
class CachedVectors:
    vectors: np.ndarray
    seconds: float  # time spent embedding in this run (0 when read from the cache)
    cached: bool


class VectorCache:
    def __init__(self, root: Path | None) -> None:
        self.root = root

    @staticmethod
    def key(**parts: object) -> str:
        blob = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:24]

    def get_or_compute(self, ids: list[str], compute: Callable[[], np.ndarray],
                       **key_parts: object) -> CachedVectors:
        path = self.root / f"{self.key(**key_parts)}.npz" if self.root else None
        if path is not None and path.exists():
            try:
                with np.load(path, allow_pickle=False) as data:
                    if data["ids"].tolist() == ids:
                        return CachedVectors(data["vectors"], 0.0, True)
            except (OSError, ValueError, KeyError):
                pass  # unreadable cache file: recompute and overwrite
        started = time.perf_counter()
        vectors = np.asarray(compute(), dtype=np.float32)
        seconds = time.perf_counter() - started
        if path is not None:
            self._save(path, ids, vectors)
        return CachedVectors(vectors, seconds, False)

    @staticmethod
    def _save(path: Path, ids: list[str], vectors: np.ndarray) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".vec-", suffix=".npz")
        try:
            with os.fdopen(fd, "wb") as fh:
                np.savez(fh, ids=np.asarray(ids), vectors=vectors)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
