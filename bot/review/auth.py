"""Sign-in of the review page: one shared token from settings, then a signed session cookie.

Hand-written (HMAC from the standard library) rather than a session middleware: the cookie holds
only its issue time, a nonce and a signature keyed by the token, so changing the token signs
everybody out and no server-side session store is needed. Comparisons are constant-time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

COOKIE_NAME = "startupbot_review"


class SessionSigner:
    def __init__(self, token: str, *, max_age_s: float) -> None:
        if not token.strip():
            raise ValueError("the review page needs a non-empty token")
        self._token = token.encode("utf-8")
        self._key = hmac.new(self._token, b"startupbot-review-session-v1", hashlib.sha256).digest()
        self.max_age_s = max_age_s

    def check_token(self, candidate: str | None) -> bool:
        return hmac.compare_digest((candidate or "").strip().encode("utf-8"), self._token)

    def _sign(self, payload: str) -> str:
        return hmac.new(self._key, payload.encode("ascii"), hashlib.sha256).hexdigest()

    def issue(self, now: float | None = None) -> str:
        payload = f"{int(now if now is not None else time.time())}.{secrets.token_urlsafe(12)}"
        return f"{payload}.{self._sign(payload)}"

    def verify(self, cookie: str | None, now: float | None = None) -> bool:
        if not cookie or cookie.count(".") != 2:
            return False
        payload, signature = cookie.rsplit(".", 1)
        try:
            expected = self._sign(payload)
            issued = int(payload.split(".", 1)[0])
        except (UnicodeEncodeError, ValueError):
            return False
        if not hmac.compare_digest(signature.encode("ascii", "replace"), expected.encode()):
            return False
        age = (now if now is not None else time.time()) - issued
        return 0 <= age <= self.max_age_s

    def csrf_token(self, cookie: str) -> str:
        """A per-session value every form posts back (on top of SameSite=Strict cookies)."""
        return self._sign(f"csrf:{cookie}")[:32]

    def check_csrf(self, cookie: str, candidate: str | None) -> bool:
        return hmac.compare_digest(self.csrf_token(cookie).encode(),
                                   (candidate or "").encode("ascii", "replace"))
