"""The HTTP side shared by the connectors: bounded retries with backoff, and clear errors.

httpx does not retry on status codes by itself, so the loop is here: 429 and 5xx responses and
transport errors are retried `retries` times, waiting `backoff * 2**attempt` seconds (or the
server's Retry-After, capped at 60 s). 401/403, and the data.go.kr gateway's "key not registered"
answer (sent with HTTP 200 in XML), raise `SourceAuthError` at once: retrying cannot fix a key.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import Any

import httpx

log = logging.getLogger(__name__)

RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
_KEY_ERRORS = (
    "SERVICE_KEY_IS_NOT_REGISTERED",
    "SERVICE_ACCESS_DENIED",
    "인증키",
    "INVALID_REQUEST_PARAMETER_ERROR",
)


class SourceError(Exception):
    """A source could not be read; `message` is for staff (Korean first)."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class SourceAuthError(SourceError):
    """The API key was rejected: nothing from this source can be read until it is fixed."""


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    try:
        return min(60.0, max(0.0, float(value))) if value else None
    except ValueError:
        return None


class ApiClient:
    """GET with retries; one per connector run (keeps the connection pool)."""

    def __init__(
        self,
        name: str,
        *,
        timeout: float = 20.0,
        retries: int = 4,
        backoff: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
        client: httpx.Client | None = None,
    ) -> None:
        self.name = name
        self.retries = retries
        self.backoff = backoff
        self.sleep = sleep
        self.client = client or httpx.Client(
            timeout=timeout,
            follow_redirects=True,
            headers={"User-Agent": "chungbuk-startup-bot catalogue sync"},
        )
        self.requests = 0
        self.retried = 0

    @classmethod
    def from_settings(cls, name: str, settings: Any) -> ApiClient:
        """The client a connector uses, with the catalogue's timeout, retries and backoff."""
        return cls(name, timeout=settings.catalogue_timeout, retries=settings.catalogue_retries,
                   backoff=settings.catalogue_backoff)

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, url: str, params: dict[str, Any] | None = None) -> httpx.Response:
        last: str = ""
        for attempt in range(self.retries + 1):
            self.requests += 1
            wait = self.backoff * (2**attempt) * (0.5 + random.random() / 2)
            try:
                response = self.client.get(url, params=params)
            except httpx.TransportError as exc:
                last = f"{type(exc).__name__}"
            else:
                if response.status_code in (401, 403):
                    raise SourceAuthError(
                        f"{self.name}: API 키가 거부되었습니다 (HTTP {response.status_code}). "
                        f"STARTUPBOT_{self.name.upper()}_API_KEY 를 확인하세요 "
                        "(API key rejected).",
                        status=response.status_code,
                    )
                if response.status_code not in RETRY_STATUS:
                    self._check_gateway(response)
                    return response
                last = f"HTTP {response.status_code}"
                wait = _retry_after(response) or wait
            if attempt < self.retries:
                self.retried += 1
                log.info(
                    "catalogue.retry",
                    extra={
                        "source": self.name,
                        "attempt": attempt + 1,
                        "reason": last,
                        "wait": round(wait, 2),
                    },
                )
                self.sleep(wait)
        raise SourceError(
            f"{self.name}: {self.retries + 1}번 시도했지만 응답이 없습니다 ({last}). "
            "잠시 뒤 다시 동기화하세요 (source unavailable)."
        )

    def _check_gateway(self, response: httpx.Response) -> None:
        """data.go.kr answers a bad or unapproved key with HTTP 200 and an XML error."""
        head = response.text[:600] if response.content[:1] == b"<" else ""
        if head and any(marker in head for marker in _KEY_ERRORS):
            raise SourceAuthError(
                f"{self.name}: API 키가 등록되지 않았거나 승인되지 않았습니다. "
                f"STARTUPBOT_{self.name.upper()}_API_KEY 와 활용신청 승인 여부를 확인하세요 "
                "(API key not registered).",
                status=response.status_code,
            )
