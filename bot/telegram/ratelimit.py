"""Per-user sliding-window limit on questions (Telegram's own flood limits are AIORateLimiter's).

`SlidingWindowLimiter` counts in this process; `SharedWindowLimiter` counts in the shared state
(bot/shared_state), so three webhook replicas do not allow three times the limit.

Hand-written (a deque per user): aiolimiter, which PTB already uses, is a leaky bucket that
makes callers *wait*; here a question over the limit is answered at once with a friendly
message instead, and the user is told once per window rather than on every message.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: float = 0.0  # seconds until the oldest question leaves the window
    warn: bool = False  # tell the user (only the first refusal of a burst)

    @property
    def retry_seconds(self) -> int:
        return max(1, math.ceil(self.retry_after))


class SlidingWindowLimiter:
    def __init__(self, count: int, window: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.count = count
        self.window = window
        self._clock = clock
        self._hits: dict[int, deque[float]] = {}
        self._warned: dict[int, float] = {}
        self._lock = threading.Lock()

    def hit(self, user_id: int) -> Verdict:
        """Count a question of `user_id` if the window has room."""
        now = self._clock()
        with self._lock:
            hits = self._hits.setdefault(user_id, deque())
            while hits and now - hits[0] >= self.window:
                hits.popleft()
            if len(hits) < self.count:
                hits.append(now)
                self._warned.pop(user_id, None)
                return Verdict(True)
            retry = self.window - (now - hits[0])
            warn = self._warned.get(user_id, -math.inf) < hits[0]
            if warn:
                self._warned[user_id] = now
            if len(self._hits) > 10_000:
                self._prune(now)
            return Verdict(False, retry, warn)

    def _prune(self, now: float) -> None:
        for user_id in [u for u, h in self._hits.items() if not h or now - h[-1] >= self.window]:
            self._hits.pop(user_id, None)
            self._warned.pop(user_id, None)


class SharedWindowLimiter:
    """The same sliding window, kept in the shared state so that replicas count together.

    `hit` blocks on the store (call it in a worker thread). When the store fails, the question
    is let through and the failure logged: a founder is never refused because of our outage.
    """

    def __init__(self, state: Any, count: int, window: float, key: Callable[[int], str],
                 clock: Callable[[], float] = time.time) -> None:
        self.state = state
        self.count = count
        self.window = window
        self._key = key
        self._clock = clock

    def hit(self, user_id: int) -> Verdict:
        try:
            verdict = self.state.rate_hit(self._key(user_id), self.count, self.window,
                                          self._clock())
        except Exception as exc:
            log.warning("telegram.rate_limit_store_failed", extra={"error": type(exc).__name__})
            return Verdict(True)
        return Verdict(verdict.allowed, verdict.retry_after, verdict.warn)
