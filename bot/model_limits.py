"""Bounds on model calls: one deadline per answer, and a circuit breaker for outages.

Why not the client's timeout: `openai`'s timeout is per read, so a server that drips a byte
every 20 s, or streams SSE keep-alive comments and nothing else, keeps a call open forever, and
a hang costs `(retries + 1) × timeout` (93 s by default). Here every answer gets one deadline
(`STARTUPBOT_LLM_DEADLINE`, 20 s by default) shared by all its model calls (follow-up rewrite,
answer, stricter retry); a call still running at the deadline is cancelled and the engine falls
back to the extractive answer.

The breaker: after `STARTUPBOT_LLM_BREAKER_FAILURES` consecutive failed calls (timeouts,
connection errors, 5xx/429 after retries, malformed replies) it opens, and for
`STARTUPBOT_LLM_BREAKER_COOLDOWN` seconds calls fail at once, so an outage costs founders one
timeout rather than one per question. Then a single trial call is let through: success closes
the breaker, failure opens it again. Hand-written: it is a few lines over a lock, and the
libraries for it (pybreaker, aiobreaker) are sync-only or async-only while we need both.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import threading
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

_deadline: ContextVar[float | None] = ContextVar("startupbot_model_deadline", default=None)


class ModelLimits(BaseSettings):
    """The model-call bounds (their own settings group, read when the generator is built)."""

    model_config = SettingsConfigDict(env_prefix="STARTUPBOT_", env_file=".env",
                                      env_file_encoding="utf-8", extra="ignore")

    llm_deadline: float = Field(
        20.0, gt=0, le=600, description="Seconds for all model calls of one answer; then the "
        "call is cancelled and the extractive answer is given.")
    llm_breaker_failures: int = Field(
        1, ge=1, le=100, description="Consecutive failed model calls that open the breaker.")
    llm_breaker_cooldown: float = Field(
        30.0, ge=0, le=3600, description="Seconds the open breaker answers without the model.")


def load_model_limits() -> ModelLimits:
    """The settings from the environment; `SettingsError` (a `ValueError`) with one line per
    bad variable."""
    from knowledge.settings import load

    return load(ModelLimits)


# --- one deadline per answer ------------------------------------------------------------------
@contextlib.contextmanager
def answer_deadline(seconds: float | None) -> Iterator[None]:
    """Model calls inside share one deadline, `seconds` from now (an outer one is kept)."""
    if seconds is None or _deadline.get() is not None:
        yield
        return
    token = _deadline.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        with contextlib.suppress(ValueError):  # reset from another context (a collected gen)
            _deadline.reset(token)


def call_deadline(seconds: float) -> float:
    """The monotonic time a call starting now must end by: the answer's deadline, and at most
    `seconds` from now."""
    own = time.monotonic() + seconds
    shared = _deadline.get()
    return own if shared is None else min(own, shared)


def within_answer_deadline(method: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate an engine method (sync, or an async generator) so that every model call it
    makes shares one deadline: `self.generator.deadline` seconds (no generator: no deadline)."""

    def seconds(engine: Any) -> float | None:
        return getattr(getattr(engine, "generator", None), "deadline", None)

    if inspect.isasyncgenfunction(method):
        @functools.wraps(method)
        async def stream(self: Any, *args: Any, **kwargs: Any) -> Any:
            with answer_deadline(seconds(self)):
                async for item in method(self, *args, **kwargs):
                    yield item
        return stream

    @functools.wraps(method)
    def call(self: Any, *args: Any, **kwargs: Any) -> Any:
        with answer_deadline(seconds(self)):
            return method(self, *args, **kwargs)
    return call


# --- circuit breaker ------------------------------------------------------------------------
class CircuitBreaker:
    CLOSED, OPEN, HALF_OPEN = "closed", "open", "half_open"

    def __init__(self, failures: int = 1, cooldown_s: float = 30.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.failures = failures
        self.cooldown_s = cooldown_s
        self._clock = clock
        self._lock = threading.Lock()
        self._state = self.CLOSED
        self._count = 0
        self._opened_at = 0.0
        self._probing = False

    @property
    def state(self) -> str:
        return self._state

    def allow(self) -> bool:
        """May a call go out now? (In the half-open state only one trial call at a time.)"""
        with self._lock:
            if self._state == self.CLOSED:
                return True
            if self._state == self.OPEN and self._clock() - self._opened_at >= self.cooldown_s:
                self._state = self.HALF_OPEN
                self._probing = False
            if self._state == self.HALF_OPEN and not self._probing:
                self._probing = True
                return True
            return False

    def retry_in(self) -> float:
        with self._lock:
            return max(0.0, self._opened_at + self.cooldown_s - self._clock())

    def succeeded(self) -> None:
        with self._lock:
            self._state, self._count, self._probing = self.CLOSED, 0, False

    def failed(self) -> bool:
        """Count a failed call; True when this opened the breaker."""
        with self._lock:
            self._count += 1
            self._probing = False
            if self._state == self.HALF_OPEN or self._count >= self.failures:
                opened = self._state != self.OPEN
                self._state, self._opened_at = self.OPEN, self._clock()
                return opened
            return False

    def released(self) -> None:
        """A call that neither failed nor succeeded (cancelled at shutdown, a bad request)."""
        with self._lock:
            self._probing = False
