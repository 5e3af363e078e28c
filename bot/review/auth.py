"""Sign-in of the review page: one shared token from settings, then a signed session cookie.

Hand-written (HMAC from the standard library) rather than a session middleware: the cookie holds
its issue time, a nonce and a signature keyed by the token, so changing the token signs
everybody out. The server also keeps the nonces of the sessions it issued (in memory, this one
process serves the page): logging out removes the nonce, so a copied cookie stops working at
once, and a restart signs everybody out. Comparisons are constant-time.

`SignInLimiter` bounds token guessing: after `max_failures` wrong tokens within `window_s`
from one client (and ten times that from all clients together, against many addresses), sign-in
is refused without looking at the token until the window has passed.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import threading
import time
from collections import OrderedDict, deque

COOKIE_NAME = "startupbot_review"
MIN_TOKEN_CHARS = 16
MAX_SESSIONS = 1000  # oldest sessions are dropped beyond this (one process, a few maintainers)


class TokenTooShortError(ValueError):
    """The configured review token is too easy to guess."""


class SessionSigner:
    def __init__(self, token: str, *, max_age_s: float) -> None:
        token = token.strip()
        if len(token) < MIN_TOKEN_CHARS:
            raise TokenTooShortError(
                f"검토 페이지 토큰(STARTUPBOT_REVIEW_TOKEN)은 {MIN_TOKEN_CHARS}자 이상이어야 "
                f"합니다 (지금 {len(token)}자). 예: python -c \"import secrets; "
                "print(secrets.token_urlsafe(24))\"")
        self._token = token.encode("utf-8")
        self._key = hmac.new(self._token, b"startupbot-review-session-v1", hashlib.sha256).digest()
        self.max_age_s = max_age_s
        self._sessions: OrderedDict[str, float] = OrderedDict()  # nonce -> issued at
        self._lock = threading.Lock()

    def check_token(self, candidate: str | None) -> bool:
        return hmac.compare_digest((candidate or "").strip().encode("utf-8"), self._token)

    def _sign(self, payload: str) -> str:
        return hmac.new(self._key, payload.encode("ascii"), hashlib.sha256).hexdigest()

    def issue(self, now: float | None = None) -> str:
        issued = int(now if now is not None else time.time())
        nonce = secrets.token_urlsafe(12)
        with self._lock:
            self._sessions[nonce] = issued
            while len(self._sessions) > MAX_SESSIONS:
                self._sessions.popitem(last=False)
        payload = f"{issued}.{nonce}"
        return f"{payload}.{self._sign(payload)}"

    def _parse(self, cookie: str | None) -> tuple[int, str] | None:
        """(issued, nonce) of a cookie with a valid signature, else None."""
        if not cookie or cookie.count(".") != 2:
            return None
        payload, signature = cookie.rsplit(".", 1)
        try:
            expected = self._sign(payload)
            issued_text, nonce = payload.split(".", 1)
            issued = int(issued_text)
        except (UnicodeEncodeError, ValueError):
            return None
        if not hmac.compare_digest(signature.encode("ascii", "replace"), expected.encode()):
            return None
        return issued, nonce

    def verify(self, cookie: str | None, now: float | None = None) -> bool:
        parsed = self._parse(cookie)
        if parsed is None:
            return False
        issued, nonce = parsed
        with self._lock:
            if self._sessions.get(nonce) != issued:
                return False  # logged out, from before a restart, or never issued here
        age = (now if now is not None else time.time()) - issued
        return 0 <= age <= self.max_age_s

    def revoke(self, cookie: str | None) -> bool:
        """End the session of `cookie` on the server (logout); True when it was active."""
        parsed = self._parse(cookie)
        if parsed is None:
            return False
        with self._lock:
            return self._sessions.pop(parsed[1], None) is not None

    def csrf_token(self, cookie: str) -> str:
        """A per-session value every form posts back (on top of SameSite=Strict cookies)."""
        return self._sign(f"csrf:{cookie}")[:32]

    def check_csrf(self, cookie: str, candidate: str | None) -> bool:
        return hmac.compare_digest(self.csrf_token(cookie).encode(),
                                   (candidate or "").encode("ascii", "replace"))


class SignInLimiter:
    """Failed sign-ins per client and overall, in a sliding window (hand-written: a few lines,
    and the page has no other need for a rate-limit library)."""

    def __init__(self, max_failures: int = 5, window_s: float = 300.0,
                 clock=time.monotonic) -> None:
        self.max_failures = max_failures
        self.max_total = max_failures * 10
        self.window_s = window_s
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._all: deque[float] = deque()
        self._lock = threading.Lock()

    def _trim(self, times: deque[float], now: float) -> None:
        while times and times[0] <= now - self.window_s:
            times.popleft()

    def retry_after(self, client: str) -> int:
        """Seconds until `client` may try again; 0 when it may now."""
        now = self._clock()
        with self._lock:
            own = self._failures.get(client, deque())
            self._trim(own, now)
            self._trim(self._all, now)
            waits = []
            if len(own) >= self.max_failures:
                waits.append(own[-self.max_failures] + self.window_s - now)
            if len(self._all) >= self.max_total:
                waits.append(self._all[-self.max_total] + self.window_s - now)
        return max(1, math.ceil(max(waits))) if waits else 0

    def failed(self, client: str) -> None:
        now = self._clock()
        with self._lock:
            self._failures.setdefault(client, deque()).append(now)
            self._all.append(now)
            if len(self._failures) > 10_000:  # forget quiet clients
                self._failures = {c: t for c, t in self._failures.items()
                                  if t and t[-1] > now - self.window_s}

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._failures.pop(client, None)
