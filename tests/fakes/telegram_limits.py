"""Telegram's flood limits for the loopback Bot API fake (:class:`FakeTelegram`).

Telegram documents its broadcast limits only loosely (Bot FAQ, "My bot is hitting limits"):
about 30 messages a second over all chats, no more than one a second to one chat, and no more
than 20 a minute to one group. :class:`FloodControl` enforces exactly those numbers with sliding
windows over the times the fake *accepted* a sending call, and answers a call over a limit the
way Telegram does::

    {"ok": false, "error_code": 429, "description": "Too Many Requests: retry after 3",
     "parameters": {"retry_after": 3}}

``retry_after`` is the whole number of seconds (rounded up, at least 1) until the window that
refused the call has room again. Refused calls do not count towards any window (Telegram's own
accounting is undocumented; this is the stricter reading for a client that hammers on).

Written by hand: the rule is three deques and a ``ceil``; a rate-limiting library would limit the
*client*, while this is the server side that tells a client it went too fast.

The log of accepted sends (per chat, in ``time.monotonic()`` seconds) is kept whether limits are
enforced or not, so a test can measure a sender's pacing with :func:`max_in_window`.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

__all__ = [
    "SENDING_METHODS",
    "FloodControl",
    "Limits",
    "RateLimitHit",
    "max_in_window",
]

# Calls that put a message into a chat (or change one): what Telegram's flood limits count.
# Not counted: sendChatAction, answerCallbackQuery, getters, deleteMessage(s), webhooks.
SENDING_METHODS: frozenset[str] = frozenset(
    {
        "sendMessage", "sendPhoto", "sendLivePhoto", "sendAudio", "sendDocument", "sendVideo",
        "sendAnimation", "sendVoice", "sendVideoNote", "sendPaidMedia", "sendMediaGroup",
        "sendLocation", "sendVenue", "sendContact", "sendPoll", "sendChecklist", "sendDice",
        "sendSticker", "sendInvoice", "sendGame", "sendRichMessage",
        "copyMessage", "copyMessages", "forwardMessage", "forwardMessages",
        "editMessageText", "editMessageCaption", "editMessageMedia", "editMessageReplyMarkup",
        "editMessageLiveLocation", "editMessageChecklist", "stopMessageLiveLocation", "stopPoll",
    }
)  # fmt: skip

PRIVATE_WINDOW_S = 1.0
GROUP_WINDOW_S = 60.0
GLOBAL_WINDOW_S = 1.0


@dataclass(frozen=True)
class Limits:
    """The limits to enforce. Defaults are Telegram's published numbers."""

    per_second: int = 30  # sending calls a second over all chats (sliding 1 s window)
    private_per_second: int = 1  # to one private chat (sliding 1 s window)
    group_per_minute: int = 20  # to one group, supergroup or channel (sliding 60 s window)
    methods: frozenset[str] = field(default=SENDING_METHODS)

    def __post_init__(self) -> None:
        for name in ("per_second", "private_per_second", "group_per_minute"):
            if getattr(self, name) < 1:
                raise ValueError(f"Limits.{name} must be at least 1")


class RateLimitHit(NamedTuple):
    """One call the fake refused with 429."""

    at: float  # time.monotonic()
    method: str
    chat_id: int | str | None
    scope: str  # "global", "private" or "group"
    retry_after: int


def _retry_after(oldest: float, window: float, now: float) -> int:
    return max(1, math.ceil(oldest + window - now))


def max_in_window(times: Sequence[float] | Iterable[float], window: float = 1.0) -> int:
    """The most timestamps that fall in any half-open interval ``[t, t + window)``.

    With Telegram's rule "at most N in any window" a sender kept the limit iff this is <= N.
    """
    ordered = sorted(times)
    best = start = 0
    for end, t in enumerate(ordered):
        while ordered[start] <= t - window:
            start += 1
        best = max(best, end - start + 1)
    return best


class FloodControl:
    """Sliding-window counters over accepted sends; not thread-safe (the fake holds its lock).

    ``enabled=False`` only logs accepted sends, refusing nothing.
    """

    def __init__(self, limits: Limits | None = None, *, enabled: bool = True) -> None:
        self.limits = limits or Limits()
        self.enabled = enabled
        self._global: deque[float] = deque()
        self._per_chat: dict[int | str, deque[float]] = {}
        self.log: dict[int | str | None, list[float]] = {}  # every accepted send, per chat
        self.all_sends: list[float] = []
        self.hits: list[RateLimitHit] = []

    def counts(self, method: str) -> bool:
        return method in self.limits.methods

    def check(
        self, method: str, chat_id: int | str | None, *, group: bool, now: float | None = None
    ) -> RateLimitHit | None:
        """The 429 to answer for this call, or ``None`` when it may go through."""
        if not self.enabled or method not in self.limits.methods:
            return None
        now = time.monotonic() if now is None else now
        lim = self.limits
        hit: RateLimitHit | None = None
        window = self._global
        while window and window[0] <= now - GLOBAL_WINDOW_S:
            window.popleft()
        if len(window) >= lim.per_second:
            hit = RateLimitHit(
                now, method, chat_id, "global", _retry_after(window[0], GLOBAL_WINDOW_S, now)
            )
        elif chat_id is not None and (chat := self._per_chat.get(chat_id)):
            span, most, scope = (
                (GROUP_WINDOW_S, lim.group_per_minute, "group")
                if group
                else (PRIVATE_WINDOW_S, lim.private_per_second, "private")
            )
            while chat and chat[0] <= now - span:
                chat.popleft()
            if len(chat) >= most:
                hit = RateLimitHit(now, method, chat_id, scope, _retry_after(chat[0], span, now))
        if hit is not None:
            self.hits.append(hit)
        return hit

    def accept(self, method: str, chat_id: int | str | None, now: float | None = None) -> None:
        """Count a sending call the fake answered ``ok``."""
        if method not in self.limits.methods:
            return
        now = time.monotonic() if now is None else now
        self.all_sends.append(now)
        self.log.setdefault(chat_id, []).append(now)
        if not self.enabled:
            return
        self._global.append(now)
        if chat_id is not None:
            self._per_chat.setdefault(chat_id, deque()).append(now)

    def clear_log(self) -> None:
        """Forget the accepted-send log and the 429s served (the windows stay: they are
        Telegram's memory of what was sent)."""
        self.log.clear()
        self.all_sends.clear()
        self.hits.clear()
