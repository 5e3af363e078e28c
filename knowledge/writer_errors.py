"""The errors the knowledge writer raises, and how to recognise the ones raised for it.

Split off from `knowledge/writer.py`, which keeps the lock, the opening and the write path; it
re-exports every name here, and callers (the ingest pipeline, the CLI) import them from there.
"""

from __future__ import annotations

import errno


class WriterError(Exception):
    """A write that cannot go ahead; the message tells staff what to do."""


class WriterBusyError(WriterError):
    """Another process holds the writer lock."""


class DiskFullError(WriterError):
    """Not enough free space to write safely."""


def is_disk_full(exc: BaseException) -> bool:
    """ENOSPC, directly or as chromadb/sqlite report it ("database or disk is full"), or our
    own free-space check."""
    if isinstance(exc, DiskFullError):
        return True
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    text = str(exc).lower()
    return "disk is full" in text or "no space left" in text


def is_corrupt_store_error(exc: BaseException) -> bool:
    """Whether an error opening Chroma says its files are damaged: only then does the writer
    replace its copy with the last published snapshot (`KnowledgeWriter._open_work`)."""
    text = str(exc).lower()
    return any(s in text for s in ("failed to apply logs", "database disk image is malformed",
                                   "file is not a database", "error finding id",
                                   "no such table"))
