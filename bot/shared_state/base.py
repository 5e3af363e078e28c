"""What replicas share, as one small interface with two backends (SQL and Redis).

Every method is blocking (a database or Redis round trip); the bot calls them in a worker
thread. Keys are pseudonyms (HMAC of the Telegram id under the conversation key), never raw
ids. Times are wall-clock seconds (`time.time()`), because replicas on different machines share
no monotonic clock.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Claim(StrEnum):
    """What a replica may do with a delivered update."""

    NEW = "new"  # nobody has it: this replica owns it now (or took it over from a dead one)
    DONE = "done"  # already answered: acknowledge, do nothing
    BUSY = "busy"  # another replica is processing it right now: ask Telegram to retry later


@dataclass(frozen=True)
class RateVerdict:
    allowed: bool
    retry_after: float = 0.0
    warn: bool = False


class SharedStateError(Exception):
    """The shared store cannot be used (the message names it, without passwords)."""


class SharedState(ABC):
    """The state of the bot that must not live in one process."""

    name: str = "?"

    # --- conversation turns --------------------------------------------------------------
    @abstractmethod
    def turns(self, conversation: str, limit: int) -> list[dict[str, str]]:
        """The last `limit` turns (oldest first), each {"question", "query", "answer"}."""

    @abstractmethod
    def add_turn(self, conversation: str, turn: dict[str, str], keep: int,
                 ttl_s: float) -> None:
        """Append a turn, keep only the last `keep`, forget the conversation after `ttl_s`."""

    @abstractmethod
    def forget(self, conversation: str) -> bool:
        """Drop a conversation; True when there was one."""

    @abstractmethod
    def conversation_count(self) -> int: ...

    # --- pending 👎 comments --------------------------------------------------------------
    @abstractmethod
    def set_pending(self, key: str, data: dict[str, Any], until: float) -> None: ...

    @abstractmethod
    def get_pending(self, key: str, now: float) -> dict[str, Any] | None:
        """The pending comment of `key` if it has not expired."""

    @abstractmethod
    def pop_pending(self, key: str) -> bool:
        """Remove it; True for exactly one caller (so a comment is stored once)."""

    # --- rate limit ----------------------------------------------------------------------
    @abstractmethod
    def rate_hit(self, key: str, count: int, window: float, now: float) -> RateVerdict:
        """Count one question in a sliding window of `window` seconds, if it has room; the
        first refusal after the window filled says `warn`. Atomic across replicas."""

    # --- processed updates ---------------------------------------------------------------
    # `key` is "<bot id>:<update_id>": two bots (say staging and production) may share a store.
    @abstractmethod
    def claim_update(self, key: str, lease_s: float, now: float) -> Claim: ...

    @abstractmethod
    def finish_update(self, key: str, now: float, keep_s: float) -> None: ...

    @abstractmethod
    def release_update(self, key: str) -> None:
        """Give an unfinished update back (e.g. on shutdown) so a redelivery is processed."""

    # --- housekeeping --------------------------------------------------------------------
    @abstractmethod
    def purge(self, now: float) -> int:
        """Delete what has expired; returns how many entries."""

    @abstractmethod
    def ping(self) -> str:
        """Open (and migrate) now; returns a printable name. Raises SharedStateError."""

    @abstractmethod
    def close(self) -> None: ...


class FailFast:
    """Wraps a backend: after a failed call, further calls fail at once for `pause_s`, so an
    outage costs each question a log line instead of a connection timeout per call (a dead
    Redis costs ≈ 0.2 s per call with redis-py's retries). Hand-written: a few lines."""

    UNGUARDED = frozenset({"ping", "close", "name"})

    def __init__(self, inner: SharedState, pause_s: float = 5.0) -> None:
        self.inner = inner
        self.pause_s = pause_s
        self._failed_at: float | None = None

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self.inner, name)
        if name in self.UNGUARDED or not callable(attr):
            return attr

        def guarded(*args: Any, **kwargs: Any) -> Any:
            import time

            failed = self._failed_at
            if failed is not None and time.monotonic() - failed < self.pause_s:
                raise SharedStateError(f"shared state unavailable ({self.inner.name})")
            try:
                result = attr(*args, **kwargs)
            except Exception:
                self._failed_at = time.monotonic()
                raise
            self._failed_at = None
            return result

        return guarded
