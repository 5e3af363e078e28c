"""Shared machinery of the two programme-API fakes (K-Startup, 기업마당): a loopback HTTP server
with a mutable catalogue and scripted faults.

Faults: `storm` (the next N requests get 429 or a 5xx), `bad_pages` (page -> "malformed" |
"html" | "500" | "empty"), `duplicate_across_pages`, a key check (401 or the API's own error),
and attachment files served under /files/<name>. Every request is recorded with its time.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Recorded:
    path: str
    params: dict[str, str]
    at: float
    status: int = 200


@dataclass
class FakeState:
    items: list[dict[str, Any]] = field(default_factory=list)
    key: str = "test-key"
    storm: int = 0
    storm_status: int = 429
    retry_after: str | None = "0"
    bad_pages: dict[int, str] = field(default_factory=dict)
    files: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class ProgrammeApiServer:
    """Subclasses implement `page(params) -> (status, body bytes, content type)`."""

    path = "/"

    def __init__(self, items: list[dict[str, Any]] | None = None, *, key: str = "test-key"):
        self.state = FakeState(items=list(items or []), key=key)
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                params = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                record = Recorded(parts.path, params, time.monotonic())
                with server.state.lock:
                    server.state.requests.append(record)
                status, body, ctype, headers = server.dispatch(parts.path, params)
                record.status = status
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    # --- lifecycle -----------------------------------------------------------------------
    def __enter__(self) -> ProgrammeApiServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    @property
    def base(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def url(self) -> str:
        return self.base + self.path

    def file_url(self, name: str) -> str:
        return f"{self.base}/files/{name}"

    def add_file(self, name: str, data: bytes, ctype: str = "application/octet-stream") -> str:
        self.state.files[name] = (data, ctype)
        return self.file_url(name)

    def api_requests(self) -> list[Recorded]:
        return [r for r in self.state.requests if r.path == self.path]

    # --- dispatch ------------------------------------------------------------------------
    def dispatch(self, path: str, params: dict[str, str]) -> tuple[int, bytes, str, dict]:
        if path.startswith("/files/"):
            name = path[len("/files/") :]
            if name not in self.state.files:
                return 404, b"not found", "text/plain", {}
            data, ctype = self.state.files[name]
            return 200, data, ctype, {}
        if path != self.path:
            return 404, b"not found", "text/plain", {}
        with self.state.lock:
            if self.state.storm > 0:
                self.state.storm -= 1
                headers = {"Retry-After": self.state.retry_after} if self.state.retry_after else {}
                return (
                    self.state.storm_status,
                    b'{"code":-9,"msg":"too many requests"}',
                    "application/json",
                    headers,
                )
        return self.page(params)

    def page(self, params: dict[str, str]) -> tuple[int, bytes, str, dict]:
        raise NotImplementedError

    @staticmethod
    def json(body: Any, status: int = 200) -> tuple[int, bytes, str, dict]:
        return (
            status,
            json.dumps(body, ensure_ascii=False).encode(),
            "application/json;charset=UTF-8",
            {},
        )

    def fault(self, page: int) -> tuple[int, bytes, str, dict] | None:
        kind = self.state.bad_pages.get(page)
        if kind == "malformed":
            return 200, b'{"page": 2, "data": [{"broken": ', "application/json", {}
        if kind == "html":
            return (
                200,
                b"<html><body>Service temporarily unavailable</body></html>",
                "text/html",
                {},
            )
        if kind == "500":
            return 500, b'{"code":-1,"msg":"internal error"}', "application/json", {}
        return None


def window_for(i: int, today: date) -> tuple[date | None, date | None, str]:
    """A deterministic mix of windows around `today`: closed, open (soon / later), upcoming,
    rolling (상시) and unparsable ("추후 공지")."""
    kind = i % 6
    if kind == 0:
        return today - timedelta(days=40 + i % 20), today - timedelta(days=1 + i % 9), "closed"
    if kind == 1:
        return today - timedelta(days=10), today + timedelta(days=i % 7), "open"
    if kind == 2:
        return today - timedelta(days=3), today + timedelta(days=20 + i % 30), "open"
    if kind == 3:
        return today + timedelta(days=5 + i % 10), today + timedelta(days=40), "upcoming"
    if kind == 4:
        return None, None, "rolling"
    return None, None, "unknown"


def serve_forever(server_cls: type[ProgrammeApiServer], make_items, argv: list[str] | None = None
                  ) -> None:
    """`python -m tests.fakes.kstartup_api --items 300 --today 2026-03-10`: a fake to point
    STARTUPBOT_*_API_URL at by hand (prints its URL and key; Ctrl-C stops it)."""
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=300)
    parser.add_argument("--today", type=date.fromisoformat, default=date.today())
    parser.add_argument("--key", default="test-key")
    args = parser.parse_args(argv)
    with server_cls(make_items(args.items, args.today), key=args.key) as server:
        print(f"URL={server.url}\nKEY={args.key}", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
