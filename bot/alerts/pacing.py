"""Pacing sends within Telegram's limits: about 30 messages a second over all chats, one a
second to one chat, 20 a minute to one group.

Strict sliding windows, not a token bucket: a bucket lets a burst of 30 through at once and then
30 more within the same second, which Telegram answers with 429.

What Telegram counts is arrivals, which the client cannot see: a request arrives somewhere between
the moment it starts and the moment its answer comes back, and requests in flight together may
arrive in any order and bunched (event-loop stalls, a slow connection). So a window is measured
from the *answer* of the send that opens it (`Pacer.settle`), and a send still in flight blocks a
window it would open. Then request N+30 starts at least a window after request N's answer, hence
arrives at least a window after request N arrived, whatever the jitter. (Measuring from starts
with a 3 % margin, as before, let the fake Bot API answer 429 once in a CI run.) `margin` only
keeps the spacing a little wider than the limits.
Hand-written (a few lines): PTB's AIORateLimiter is a leaky bucket without the per-chat limit.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from typing import Any

from telegram.ext import AIORateLimiter

# Bot API methods that put a message in a chat (what Telegram's per-chat limit counts)
SENDING = frozenset({"sendmessage", "sendphoto", "senddocument", "sendmediagroup",
                     "copymessage", "forwardmessage", "editmessagetext", "sendvoice",
                     "sendvideo", "sendaudio", "sendanimation", "sendsticker", "sendpoll",
                     "sendlocation", "sendcontact", "sendvenue", "senddice"})


class RecordingRateLimiter(AIORateLimiter):
    """PTB's AIORateLimiter, plus the time of the last message the bot sent to each chat, so
    the alert sender does not follow an answer into the same chat within Telegram's
    one-second window (the answer and the alert would share it)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.last_send: dict[int, float] = {}

    async def process_request(self, callback, args, kwargs, endpoint, data, rate_limit_args):
        chat = data.get("chat_id") if isinstance(data, dict) else None
        if endpoint.lower() in SENDING and isinstance(chat, int):
            self.last_send[chat] = time.monotonic()
            if len(self.last_send) > 50_000:
                horizon = time.monotonic() - 120
                self.last_send = {c: t for c, t in self.last_send.items() if t > horizon}
        try:
            return await super().process_request(callback, args, kwargs, endpoint, data,
                                                 rate_limit_args)
        finally:  # the answer came: Telegram saw the message no later than now
            if endpoint.lower() in SENDING and isinstance(chat, int):
                self.last_send[chat] = time.monotonic()


# how often a sender looks again while a window waits on a send in flight
IN_FLIGHT_POLL_S = 0.005


class Send:
    """One paced send: when it started and, once answered, when its answer came."""

    __slots__ = ("answered", "started")

    def __init__(self, started: float) -> None:
        self.started = started
        self.answered: float | None = None


class Pacer:
    def __init__(self, per_second: float = 30.0, per_chat_s: float = 1.0,
                 group_per_minute: int = 20, margin: float = 0.03,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.window = 1.0 * (1 + margin)
        self.count = max(1, int(per_second))
        self.per_chat_s = per_chat_s * (1 + margin)
        self.group_window = 60.0 * (1 + margin)
        self.group_count = group_per_minute
        self.clock = clock
        self.sent: deque[Send] = deque()
        self.chat_last: dict[int, Send] = {}
        self.group_sent: dict[int, deque[Send]] = {}
        self.paused_until = 0.0
        # other messages the bot sent to a chat (answers): chat -> monotonic time, or None
        self.others: Callable[[int], float | None] = lambda chat_id: None
        # evenly spaced, not bursts: jitter then shifts sends instead of stacking them
        self.gap = self.window / self.count

    def pause(self, seconds: float) -> None:
        """A 429: nothing goes out for `seconds` (retry_after)."""
        self.paused_until = max(self.paused_until, self.clock() + seconds)

    def _after(self, send: Send, span: float) -> float:
        """When a window opened by `send` has passed; soon-again while it is in flight."""
        if send.answered is None:
            return self.clock() + IN_FLIGHT_POLL_S
        return send.answered + span

    def ready_at(self, chat_id: int) -> float:
        """The earliest moment a message to `chat_id` may go out (ask again when it comes:
        a send in flight moves it)."""
        at = self.paused_until
        if self.sent:
            at = max(at, self.sent[-1].started + self.gap)
        if len(self.sent) >= self.count:
            at = max(at, self._after(self.sent[-self.count], self.window))
        last = self.chat_last.get(chat_id)
        if last is not None:
            at = max(at, self._after(last, self.per_chat_s))
        other = self.others(chat_id)
        if other is not None:
            at = max(at, other + self.per_chat_s)
        if chat_id < 0:
            group = self.group_sent.get(chat_id)
            if group is not None and len(group) >= self.group_count:
                at = max(at, self._after(group[-self.group_count], self.group_window))
        return at

    def record(self, chat_id: int, at: float | None = None) -> Send:
        """A send to `chat_id` starts now (or `at`); call :meth:`settle` when it is answered."""
        send = Send(self.clock() if at is None else at)
        self.sent.append(send)
        while len(self.sent) > self.count:
            self.sent.popleft()
        self.chat_last[chat_id] = send
        if chat_id < 0:
            group = self.group_sent.setdefault(chat_id, deque())
            group.append(send)
            while len(group) > self.group_count:
                group.popleft()
        if len(self.chat_last) > 50_000:  # forget chats whose wait is long over
            horizon = send.started - self.group_window
            self.chat_last = {c: s for c, s in self.chat_last.items()
                              if s.answered is None or s.answered > horizon}
            self.group_sent = {c: g for c, g in self.group_sent.items()
                               if g and (g[-1].answered is None or g[-1].answered > horizon)}
        return send

    def settle(self, send: Send, at: float | None = None) -> None:
        """The send was answered (or failed): windows it opened count from now."""
        send.answered = self.clock() if at is None else at
