"""The pacer keeps Telegram's limits on *arrivals*, which jitter: a simulated network in which
requests in flight together arrive late, early and bunched must still never put more than 30
arrivals in a second or two in a chat's second."""

from __future__ import annotations

import random

import pytest

from bot.alerts.pacing import Pacer, Send
from tests.fakes.telegram_limits import max_in_window


def simulate(pacer: Pacer, chats: list[int], latency: random.Random,
             in_flight_max: int = 8) -> list[tuple[float, int]]:
    """Send to `chats` in order as the sender does: wait for `ready_at`, start, and settle
    each send when its answer comes. Returns (arrival, chat) of every send."""
    now = 0.0
    pacer.clock = lambda: now
    flying: list[tuple[float, Send]] = []  # (answer time, send)
    arrivals: list[tuple[float, int]] = []
    for chat in chats:
        while True:
            for answer, send in [f for f in flying if f[0] <= now]:
                pacer.settle(send, answer)
                flying.remove((answer, send))
            at = pacer.ready_at(chat)
            if at <= now and len(flying) < in_flight_max:
                break
            events = [a for a, _ in flying] + ([at] if at > now else [])
            now = min(events)  # the next answer, or the moment the pacer named
        send = pacer.record(chat)
        # a slow event loop or connection: some requests take up to 300 ms to arrive
        to_arrive = latency.choice([0.0, 0.0, 0.001, 0.05, 0.3])
        arrivals.append((now + to_arrive, chat))
        flying.append((now + to_arrive + 0.002, send))
    return arrivals


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_jittered_arrivals_stay_within_the_limits(seed: int) -> None:
    chats = [100 + (n % 40) for n in range(600)]  # 40 chats, 15 messages each
    arrivals = simulate(Pacer(), chats, random.Random(seed))
    assert max_in_window([t for t, _ in arrivals], 1.0) <= 30
    for chat in set(chats):
        assert max_in_window([t for t, c in arrivals if c == chat], 1.0) <= 1
    # and it still sends at a useful pace: 600 messages in well under a minute
    assert max(t for t, _ in arrivals) < 40


def test_a_send_in_flight_holds_the_window_it_would_open() -> None:
    now = 0.0
    pacer = Pacer(per_second=2, margin=0.0, clock=lambda: now)
    first = pacer.record(1)
    now = 0.5
    pacer.record(2)
    now = 1.2  # a window after the first start, but the first is still unanswered
    assert pacer.ready_at(3) > now
    pacer.settle(first, 1.1)  # its answer came at 1.1: it may have arrived just then
    assert pacer.ready_at(3) == pytest.approx(2.1)
    assert pacer.ready_at(1) == pytest.approx(2.1)  # the chat's own second, also from 1.1
