"""Pacing sends within Telegram's limits: about 30 messages a second over all chats, one a
second to one chat, 20 a minute to one group.

Strict sliding windows, not a token bucket: a bucket lets a burst of 30 through at once and then
30 more within the same second, which Telegram answers with 429. The windows are a little wider
than the limits (`margin`) because a request's arrival at Telegram jitters by milliseconds.
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
        return await super().process_request(callback, args, kwargs, endpoint, data,
                                             rate_limit_args)


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
        self.sent: deque[float] = deque()
        self.chat_last: dict[int, float] = {}
        self.group_sent: dict[int, deque[float]] = {}
        self.paused_until = 0.0
        # other messages the bot sent to a chat (answers): chat -> monotonic time, or None
        self.others: Callable[[int], float | None] = lambda chat_id: None
        # evenly spaced, not bursts: arrival jitter then shifts sends instead of stacking them
        self.gap = self.window / self.count

    def pause(self, seconds: float) -> None:
        """A 429: nothing goes out for `seconds` (retry_after)."""
        self.paused_until = max(self.paused_until, self.clock() + seconds)

    def ready_at(self, chat_id: int) -> float:
        """The earliest moment a message to `chat_id` may go out."""
        at = self.paused_until
        if self.sent:
            at = max(at, self.sent[-1] + self.gap)
        if len(self.sent) >= self.count:
            at = max(at, self.sent[-self.count] + self.window)
        last = self.chat_last.get(chat_id)
        other = self.others(chat_id)
        if other is not None and (last is None or other > last):
            last = other
        if last is not None:
            at = max(at, last + self.per_chat_s)
        if chat_id < 0:
            group = self.group_sent.get(chat_id)
            if group is not None and len(group) >= self.group_count:
                at = max(at, group[-self.group_count] + self.group_window)
        return at

    def record(self, chat_id: int, at: float | None = None) -> None:
        at = self.clock() if at is None else at
        self.sent.append(at)
        while len(self.sent) > self.count:
            self.sent.popleft()
        self.chat_last[chat_id] = at
        if chat_id < 0:
            group = self.group_sent.setdefault(chat_id, deque())
            group.append(at)
            while len(group) > self.group_count:
                group.popleft()
        if len(self.chat_last) > 50_000:  # forget chats whose wait is long over
            horizon = at - self.group_window
            self.chat_last = {c: t for c, t in self.chat_last.items() if t > horizon}
            self.group_sent = {c: g for c, g in self.group_sent.items() if g and g[-1] > horizon}
