"""The state replicas share, against each real backend: SQLite, PostgreSQL and Redis (servers
started on loopback by tests/servers.py). Two store objects on one backend stand for two
replicas; threads make them race."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bot.shared_state import Claim, SharedState, SharedStateSettings, build_shared_state


@pytest.fixture(params=["sqlite", "postgresql", "redis"])
def backend_url(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, str | None]:
    """(answer-log URL, Redis URL or None) for one backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'state.sqlite3'}", None
    if request.param == "postgresql":
        return request.getfixturevalue("postgres").create_database(), None
    return f"sqlite:///{tmp_path / 'unused.sqlite3'}", request.getfixturevalue("redis_url")


def make_state(backend_url: tuple[str, str | None]) -> SharedState:
    url, redis = backend_url
    settings = SharedStateSettings(redis_url=redis, _env_file=None)  # type: ignore[call-arg]
    return build_shared_state(url, settings)


@pytest.fixture
def replicas(backend_url) -> Iterator[tuple[SharedState, SharedState]]:
    first, second = make_state(backend_url), make_state(backend_url)
    first.ping()
    second.ping()
    yield first, second
    first.close()
    second.close()


def turn(n: int) -> dict[str, str]:
    return {"question": f"질문 {n}", "query": f"검색 {n}", "answer": f"답 {n} [1]"}


def test_turns_are_capped_shared_and_forgotten(replicas) -> None:
    one, two = replicas
    for n in range(5):
        (one if n % 2 else two).add_turn("tg-a", turn(n), keep=3, ttl_s=60)
    one.add_turn("tg-b", turn(9), keep=3, ttl_s=60)
    assert two.turns("tg-a", 3) == [turn(2), turn(3), turn(4)]
    assert one.turns("tg-a", 2) == [turn(3), turn(4)]
    assert one.conversation_count() == 2
    assert two.forget("tg-a") and not one.forget("tg-a")
    assert one.turns("tg-a", 3) == [] and two.turns("tg-b", 3) == [turn(9)]


def test_turns_expire(replicas) -> None:
    one, two = replicas
    one.add_turn("tg-x", turn(1), keep=3, ttl_s=0.3)
    assert two.turns("tg-x", 3) == [turn(1)]
    time.sleep(0.5)
    assert two.turns("tg-x", 3) == []


def test_a_pending_comment_is_seen_everywhere_expires_and_is_taken_once(replicas) -> None:
    one, two = replicas
    data = {"answer_id": 7, "chat": "cha-1", "prompt_id": 3, "language": "ko"}
    one.set_pending("usr-1", data, time.time() + 60)
    assert two.get_pending("usr-1", time.time()) == data
    assert two.get_pending("usr-1", time.time() + 120) is None  # past its wall-clock expiry
    assert two.pop_pending("usr-1") and not one.pop_pending("usr-1")
    assert one.get_pending("usr-1", time.time()) is None
    one.set_pending("usr-2", data, time.time() + 0.3)
    time.sleep(0.5)
    assert two.get_pending("usr-2", time.time()) is None


def test_the_rate_window_slides_and_warns_once(replicas) -> None:
    one, two = replicas
    t0 = 1_000_000.0
    assert [(one if i % 2 else two).rate_hit("u", 3, 60, t0 + 10 * i).allowed
            for i in range(3)] == [True, True, True]
    refused = one.rate_hit("u", 3, 60, t0 + 30)
    assert not refused.allowed and refused.warn and round(refused.retry_after) == 30
    again = two.rate_hit("u", 3, 60, t0 + 35)
    assert not again.allowed and not again.warn and round(again.retry_after) == 25
    assert one.rate_hit("someone-else", 3, 60, t0 + 35).allowed
    assert two.rate_hit("u", 3, 60, t0 + 60).allowed  # the first left the window
    later = one.rate_hit("u", 3, 60, t0 + 61)
    assert not later.allowed and later.warn


def test_the_rate_limit_holds_when_replicas_race(replicas) -> None:
    one, two = replicas
    now = time.time()
    with ThreadPoolExecutor(8) as pool:
        verdicts = list(pool.map(lambda i: (one if i % 2 else two).rate_hit("hot", 10, 60, now),
                                 range(40)))
    assert sum(v.allowed for v in verdicts) == 10
    assert sum(v.warn for v in verdicts) == 1


def test_an_update_is_claimed_once_finished_and_taken_over_after_its_lease(replicas) -> None:
    one, two = replicas
    now = time.time()
    assert one.claim_update("1:101", 60, now) is Claim.NEW
    assert two.claim_update("1:101", 60, now) is Claim.BUSY
    one.finish_update("1:101", time.time(), 3600)
    assert two.claim_update("1:101", 60, time.time()) is Claim.DONE
    # a replica that died holding an update: after the lease another one takes it over
    assert one.claim_update("1:102", 0.3, time.time()) is Claim.NEW
    assert two.claim_update("1:102", 0.3, time.time()) is Claim.BUSY
    time.sleep(0.5)
    assert two.claim_update("1:102", 60, time.time()) is Claim.NEW
    # the same update id of another bot sharing the store is another update
    assert one.claim_update("2:101", 60, time.time()) is Claim.NEW
    # released (shutdown before processing): the redelivery is processed
    assert one.claim_update("1:103", 60, time.time()) is Claim.NEW
    one.release_update("1:103")
    assert two.claim_update("1:103", 60, time.time()) is Claim.NEW


def test_racing_claims_give_the_update_to_exactly_one_replica(replicas) -> None:
    one, two = replicas
    barrier = threading.Barrier(8)

    def claim(i: int) -> Claim:
        barrier.wait()
        return (one if i % 2 else two).claim_update("1:555", 60, time.time())

    with ThreadPoolExecutor(8) as pool:
        claims = list(pool.map(claim, range(8)))
    assert claims.count(Claim.NEW) == 1 and claims.count(Claim.BUSY) == 7


def test_purge_drops_only_what_expired(replicas) -> None:
    one, _ = replicas
    now = time.time()
    one.add_turn("old", turn(1), keep=3, ttl_s=0.1)
    one.add_turn("new", turn(2), keep=3, ttl_s=600)
    one.set_pending("p", {"a": 1}, now + 600)
    time.sleep(0.3)
    one.purge(time.time())
    assert one.turns("new", 3) == [turn(2)] and one.get_pending("p", time.time())
    assert one.turns("old", 3) == []


def test_settings_reject_short_keys_and_foreign_urls() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        SharedStateSettings(conversation_key="short", _env_file=None)  # type: ignore[call-arg]
    with pytest.raises(ValidationError):
        SharedStateSettings(redis_url="http://x", _env_file=None)  # type: ignore[call-arg]


def test_serve_refuses_to_start_with_bad_shared_state_settings(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from bot.telegram.serve import ServeError, preflight
    from tests.conftest import make_settings

    settings = make_settings(tmp_path / "data", telegram_bot_token="123456:TEST-token_abc")
    monkeypatch.setenv("STARTUPBOT_REDIS_URL", "http://127.0.0.1:6379")
    with pytest.raises(ServeError, match="STARTUPBOT_REDIS_URL") as raised:
        preflight(settings)
    assert "redis_url" in raised.value.message


def test_a_dead_store_fails_fast_and_recovers() -> None:
    from bot.shared_state import FailFast, SharedStateError
    from tests.servers import free_port

    settings = SharedStateSettings(redis_url=f"redis://127.0.0.1:{free_port()}/0",
                                   _env_file=None)  # type: ignore[call-arg]
    state = build_shared_state("sqlite://", settings)
    assert isinstance(state, FailFast)
    with pytest.raises(Exception) as first:  # redis' ConnectionError
        state.turns("c", 3)
    assert not isinstance(first.value, SharedStateError)
    with pytest.raises(SharedStateError):  # within the pause: refused without a connection
        state.turns("c", 3)                # attempt (one would raise redis' own error)
    state.pause_s = 0.0
    with pytest.raises(Exception) as again:  # tried for real after the pause
        state.turns("c", 3)
    assert not isinstance(again.value, SharedStateError)
