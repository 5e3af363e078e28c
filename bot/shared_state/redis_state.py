"""Shared state in Redis (`STARTUPBOT_REDIS_URL`): every entry carries its own expiry.

Turns are a capped list per conversation, a pending comment is a key with a PX expiry, an
update id is a `SET NX PX` lease that becomes "done", and the rate window is a sorted set
changed by one Lua script, so the check and the count are one atomic step on the server.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any

from bot.shared_state.base import Claim, RateVerdict, SharedState, SharedStateError

PREFIX = "startupbot:"

# KEYS[1] = hits (sorted set), KEYS[2] = warned-at; ARGV = now, window, count, member
_RATE_SCRIPT = """
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local count = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local n = redis.call('ZCARD', KEYS[1])
local ttl = math.ceil(window * 1000) + 1000
if n < count then
  redis.call('ZADD', KEYS[1], now, ARGV[4])
  redis.call('PEXPIRE', KEYS[1], ttl)
  redis.call('DEL', KEYS[2])
  return {1, '0', 0}
end
local oldest = tonumber(redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2])
local warned = tonumber(redis.call('GET', KEYS[2]) or '-1')
local warn = 0
if warned < oldest then
  warn = 1
  redis.call('SET', KEYS[2], ARGV[1], 'PX', ttl)
end
return {0, tostring(window - (now - oldest)), warn}
"""


class RedisSharedState(SharedState):
    def __init__(self, url: str) -> None:
        self.url = url
        self.name = "redis"
        self._client: Any = None
        self._rate: Any = None
        self._lock = threading.Lock()
        self._seq = 0

    def _r(self) -> Any:
        if self._client is None:
            with self._lock:
                if self._client is None:
                    try:
                        import redis
                    except ImportError:
                        raise SharedStateError(
                            "STARTUPBOT_REDIS_URL을 쓰려면 redis 패키지가 필요합니다: "
                            "pip install -e '.[redis]'") from None
                    client = redis.Redis.from_url(self.url, socket_timeout=5,
                                                  socket_connect_timeout=5,
                                                  health_check_interval=30)
                    self._rate = client.register_script(_RATE_SCRIPT)
                    self._client = client
        return self._client

    def ping(self) -> str:
        try:
            self._r().ping()
        except SharedStateError:
            raise
        except Exception as exc:
            raise SharedStateError(f"Redis에 연결할 수 없습니다: {type(exc).__name__}") from exc
        return self.name

    def close(self) -> None:
        with self._lock:
            if self._client is not None:
                self._client.close()
                self._client = None

    # --- conversation turns --------------------------------------------------------------
    def turns(self, conversation: str, limit: int) -> list[dict[str, str]]:
        items = self._r().lrange(f"{PREFIX}turns:{conversation}", -limit, -1)
        return [json.loads(item) for item in items]

    def add_turn(self, conversation: str, turn: dict[str, str], keep: int,
                 ttl_s: float) -> None:
        key = f"{PREFIX}turns:{conversation}"
        pipe = self._r().pipeline(transaction=True)
        pipe.rpush(key, json.dumps(turn, ensure_ascii=False))
        pipe.ltrim(key, -keep, -1)
        pipe.pexpire(key, int(ttl_s * 1000))
        pipe.execute()

    def forget(self, conversation: str) -> bool:
        return bool(self._r().delete(f"{PREFIX}turns:{conversation}"))

    def conversation_count(self) -> int:
        return sum(1 for _ in self._r().scan_iter(match=f"{PREFIX}turns:*", count=1000))

    # --- pending 👎 comments --------------------------------------------------------------
    def set_pending(self, key: str, data: dict[str, Any], until: float) -> None:
        ms = max(1, int((until - time.time()) * 1000))
        self._r().set(f"{PREFIX}pending:{key}",
                      json.dumps({"data": data, "until": until}, ensure_ascii=False), px=ms)

    def get_pending(self, key: str, now: float) -> dict[str, Any] | None:
        raw = self._r().get(f"{PREFIX}pending:{key}")
        if raw is None:
            return None
        entry = json.loads(raw)
        return entry["data"] if entry["until"] > now else None

    def pop_pending(self, key: str) -> bool:
        return self._r().delete(f"{PREFIX}pending:{key}") == 1

    # --- rate limit ----------------------------------------------------------------------
    def rate_hit(self, key: str, count: int, window: float, now: float) -> RateVerdict:
        client = self._r()
        with self._lock:
            self._seq += 1
            member = f"{now:.6f}:{id(self)}:{self._seq}"
        allowed, retry, warn = self._rate(
            keys=[f"{PREFIX}rate:{key}", f"{PREFIX}rate-warned:{key}"],
            args=[repr(now), repr(window), count, member], client=client)
        return RateVerdict(bool(allowed), float(retry), bool(warn))

    # --- processed updates ---------------------------------------------------------------
    def claim_update(self, key: str, lease_s: float, now: float) -> Claim:
        client = self._r()
        key = f"{PREFIX}update:{key}"
        if client.set(key, "busy", nx=True, px=int(lease_s * 1000)):
            return Claim.NEW
        state = client.get(key)
        if state is None:  # the lease ran out between the two calls: try once more
            return Claim.NEW if client.set(key, "busy", nx=True,
                                           px=int(lease_s * 1000)) else Claim.BUSY
        return Claim.DONE if state == b"done" else Claim.BUSY

    def finish_update(self, key: str, now: float, keep_s: float) -> None:
        self._r().set(f"{PREFIX}update:{key}", "done", px=int(keep_s * 1000))

    def release_update(self, key: str) -> None:
        key = f"{PREFIX}update:{key}"
        client = self._r()
        if client.get(key) == b"busy":
            client.delete(key)

    # --- housekeeping --------------------------------------------------------------------
    def purge(self, now: float) -> int:
        return 0  # Redis expires every key itself
