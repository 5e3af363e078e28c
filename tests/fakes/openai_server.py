"""Loopback fake of the OpenAI HTTP API for tests.

The real ``openai`` client (and ``langchain-openai``) talk to it over HTTP via
``base_url=srv.base_url``; nothing inside the libraries is patched.

Example::

    with FakeOpenAI(api_key="sk-test") as srv:
        srv.script_reply("안녕하세요", usage=(12, 5))
        client = openai.OpenAI(base_url=srv.base_url, api_key="sk-test")
        client.chat.completions.create(model="gpt-4o-mini", messages=[...])
        assert srv.chat_requests()[0]["messages"][0]["role"] == "system"

Scripted items (replies, errors, delays) are consumed in FIFO order by requests to
the endpoint they were scripted for (``"chat"`` by default, or ``"embeddings"`` /
``"any"``).  When no scripted reply is queued, chat requests are answered by
``srv.responder(request_json) -> str``.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import itertools
import json
import socket
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, NamedTuple

import numpy as np

__all__ = [
    "DEFAULT_MODELS",
    "FakeOpenAI",
    "RecordedRequest",
    "embedding_for",
    "tokens",
]

DEFAULT_MODELS: tuple[str, ...] = (
    "gpt-4o-mini",
    "gpt-4o",
    "gpt-4.1-mini",
    "gpt-4.1-nano",
    "gpt-4.1",
    "gpt-5-mini",
    "gpt-5-nano",
    "gpt-5",
    "gpt-3.5-turbo",
    "text-embedding-3-small",
    "text-embedding-3-large",
    "text-embedding-ada-002",
)

_ENDPOINTS = ("chat", "embeddings", "any")

_ERROR_DEFAULTS: dict[int, tuple[str, str | None, str]] = {
    # status: (type, code, message)
    400: ("invalid_request_error", None, "Bad request."),
    401: ("invalid_request_error", "invalid_api_key", "Incorrect API key provided."),
    403: ("invalid_request_error", "unsupported_country_region_territory", "Forbidden."),
    404: ("invalid_request_error", None, "Not found."),
    409: ("invalid_request_error", None, "Conflict."),
    422: ("invalid_request_error", None, "Unprocessable entity."),
    429: ("requests", "rate_limit_exceeded", "Rate limit reached for requests."),
    500: ("server_error", None, "The server had an error while processing your request."),
    502: ("server_error", None, "Bad gateway."),
    503: ("server_error", None, "The engine is currently overloaded, please try again later."),
}


def tokens(text: str) -> int:
    """Crude token estimate used for ``usage`` when it is not scripted."""
    if not text:
        return 0
    return max(1, len(text) // 2)


def _content_text(content: Any) -> str:
    """Flatten a chat message ``content`` (str or list of parts) into text."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = []
        for part in content:
            if isinstance(part, str):
                parts.append(part)
            elif isinstance(part, Mapping) and isinstance(part.get("text"), str):
                parts.append(part["text"])
        return "".join(parts)
    return str(content)


def _prompt_tokens(body: Mapping[str, Any]) -> int:
    total = 0
    for msg in body.get("messages") or []:
        if isinstance(msg, Mapping):
            total += tokens(_content_text(msg.get("content")))
    return total


def _seed_bytes(item: Any) -> bytes:
    if isinstance(item, str):
        return b"s:" + item.encode("utf-8")
    # Token arrays (langchain's OpenAIEmbeddings sends these by default).
    return b"t:" + json.dumps(item, separators=(",", ":")).encode("ascii")


def embedding_for(item: str | list[int], dim: int) -> np.ndarray:
    """Deterministic unit-norm float32 vector for ``item`` (text or token ids)."""
    digest = hashlib.sha256(_seed_bytes(item)).digest()
    rng = np.random.default_rng(int.from_bytes(digest[:8], "little"))
    vec = rng.standard_normal(dim)
    vec /= np.linalg.norm(vec)
    return vec.astype(np.float32)


class RecordedRequest(NamedTuple):
    path: str
    """Request path without query string, e.g. ``/v1/chat/completions``."""
    body: Any
    """Parsed JSON body (``None`` for GET / empty body, raw text if not JSON)."""
    headers: dict[str, str]
    """Request headers with lower-cased names."""


@dataclass
class _Reply:
    text: str
    usage: tuple[int, int] | None = None
    finish_reason: str = "stop"


@dataclass
class _Error:
    status: int
    message: str | None = None
    type: str | None = None
    code: str | None = None
    param: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class _Delay:
    seconds: float


@dataclass
class _Raw:
    """A hand-made HTTP 200 reply: malformed bodies, dripping bytes, SSE keep-alives."""

    body: bytes
    content_type: str = "application/json"
    drip_every: float = 0.0  # seconds between single bytes of the body (0: all at once)
    keepalive_every: float = 0.0  # SSE comment lines (": keep-alive") before the body ...
    keepalive_for: float = 0.0  # ... for this long


@dataclass
class _Item:
    endpoint: str
    action: _Reply | _Error | _Delay | _Raw


def _default_responder(request_json: Mapping[str, Any]) -> str:
    return "fake answer"


class _HTTPError(Exception):
    def __init__(self, err: _Error) -> None:
        super().__init__(err.status)
        self.err = err


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(self, fake: FakeOpenAI) -> None:
        self.fake = fake
        self._conn_lock = threading.Lock()
        self._conns: set[socket.socket] = set()
        self._handler_threads: list[threading.Thread] = []
        super().__init__(("127.0.0.1", 0), _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        thread = threading.Thread(
            target=self.process_request_thread,
            args=(request, client_address),
            name="fake-openai-conn",
            daemon=True,
        )
        with self._conn_lock:
            self._conns.add(request)
            self._handler_threads = [t for t in self._handler_threads if t.is_alive()]
            self._handler_threads.append(thread)
        thread.start()

    def shutdown_request(self, request: Any) -> None:
        with self._conn_lock:
            self._conns.discard(request)
        super().shutdown_request(request)

    def close_connections(self, join_timeout: float = 2.0) -> None:
        with self._conn_lock:
            conns = list(self._conns)
            threads = list(self._handler_threads)
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        deadline = time.monotonic() + join_timeout
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeOpenAI/1.0"
    timeout = 30  # idle keep-alive connections are dropped after this
    server: _Server

    # -- plumbing ---------------------------------------------------------
    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            out = bytearray()
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return bytes(out)
                out += self.rfile.read(size)
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _dispatch(self, method: str) -> None:
        fake = self.server.fake
        raw = self._read_body()
        path = self.path.split("?", 1)[0]
        headers = {k.lower(): v for k, v in self.headers.items()}
        body: Any = None
        parse_error = False
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                body = raw.decode("utf-8", "replace")
                parse_error = True
        fake._record(RecordedRequest(path, body, headers))

        try:
            fake._check_auth(headers)
            if parse_error:
                raise _HTTPError(_Error(400, "We could not parse the JSON body of your request."))
            route = path[3:] if path.startswith("/v1/") else path
            if method == "POST" and route == "/chat/completions":
                self._chat(body if isinstance(body, dict) else {})
            elif method == "POST" and route == "/embeddings":
                self._embeddings(body if isinstance(body, dict) else {})
            elif method == "GET" and route == "/models":
                self._send_json(200, fake._models_list())
            elif method == "GET" and route.startswith("/models/"):
                self._send_json(200, fake._model_obj(route[len("/models/") :]))
            else:
                raise _HTTPError(_Error(404, f"Invalid URL ({method} {path})"))
        except _HTTPError as exc:
            self._send_error(exc.err)
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            self.close_connection = True
        except Exception:  # bug in a responder etc. -> 500, keep details for the test
            fake.handler_errors.append(traceback.format_exc())
            try:
                self._send_error(_Error(500))
            except OSError:
                self.close_connection = True

    def _send_json(self, status: int, obj: Any, extra: Mapping[str, str] | None = None) -> None:
        data = json.dumps(obj, ensure_ascii=False).encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("x-request-id", self.server.fake._next_id("req_"))
            for k, v in (extra or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)
            self.wfile.flush()
        except OSError:  # client went away (e.g. it timed out during a delay)
            self.close_connection = True

    def _send_error(self, err: _Error) -> None:
        d_type, d_code, d_msg = _ERROR_DEFAULTS.get(
            err.status,
            ("server_error" if err.status >= 500 else "invalid_request_error", None, "Error."),
        )
        payload = {
            "error": {
                "message": err.message if err.message is not None else d_msg,
                "type": err.type if err.type is not None else d_type,
                "param": err.param,
                "code": err.code if err.code is not None else d_code,
            }
        }
        self._send_json(err.status, payload, err.headers)

    # -- endpoints --------------------------------------------------------
    def _chat(self, body: dict[str, Any]) -> None:
        fake = self.server.fake
        model = body.get("model")
        if not isinstance(model, str) or not model:
            raise _HTTPError(_Error(400, "you must provide a model parameter", param="model"))
        if not isinstance(body.get("messages"), list):
            raise _HTTPError(
                _Error(400, "Missing required parameter: 'messages'.", param="messages")
            )
        fake._check_model(model)
        action = fake._take("chat")
        if isinstance(action, _Error):
            raise _HTTPError(action)
        if isinstance(action, _Raw):
            self._send_raw(action)
            return
        reply = action if isinstance(action, _Reply) else _Reply(str(fake.responder(body)))
        if reply.usage is not None:
            p_tok, c_tok = reply.usage
        else:
            p_tok, c_tok = _prompt_tokens(body), tokens(reply.text)
        usage = {"prompt_tokens": p_tok, "completion_tokens": c_tok, "total_tokens": p_tok + c_tok}
        n = body.get("n") or 1
        cid = fake._next_id("chatcmpl-fake")
        created = int(time.time())
        if body.get("stream"):
            opts = body.get("stream_options") or {}
            self._stream_chat(
                cid, created, model, reply, n, usage if opts.get("include_usage") else None
            )
            return
        self._send_json(
            200,
            {
                "id": cid,
                "object": "chat.completion",
                "created": created,
                "model": model,
                "system_fingerprint": "fp_fake",
                "choices": [
                    {
                        "index": i,
                        "message": {"role": "assistant", "content": reply.text, "refusal": None},
                        "logprobs": None,
                        "finish_reason": reply.finish_reason,
                    }
                    for i in range(n)
                ],
                "usage": usage,
            },
        )

    def _send_raw(self, raw: _Raw) -> None:
        """HTTP 200 with `raw.body` as it is (chunked, so that it can drip or keep alive)."""
        fake = self.server.fake
        try:
            self.send_response(200)
            self.send_header("Content-Type", raw.content_type)
            self.send_header("Transfer-Encoding", "chunked")
            self.send_header("x-request-id", fake._next_id("req_"))
            self.end_headers()
            self.wfile.flush()
            if raw.keepalive_every > 0:
                until = time.monotonic() + raw.keepalive_for
                while time.monotonic() < until and not fake._stop.is_set():
                    self._write_chunk(b": keep-alive\n\n")
                    fake._sleep(raw.keepalive_every)
            if raw.drip_every > 0:
                for i in range(len(raw.body)):
                    if fake._stop.is_set():
                        break
                    self._write_chunk(raw.body[i : i + 1])
                    fake._sleep(raw.drip_every)
            elif raw.body:
                self._write_chunk(raw.body)
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except OSError:  # the client gave up (its deadline): what the tests want
            self.close_connection = True

    def _write_chunk(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def _stream_chat(
        self,
        cid: str,
        created: int,
        model: str,
        reply: _Reply,
        n: int,
        usage: dict[str, int] | None,
    ) -> None:
        fake = self.server.fake
        include_usage = usage is not None

        def chunk(choices: list[dict[str, Any]], usage_val: Any = None) -> bytes:
            obj: dict[str, Any] = {
                "id": cid,
                "object": "chat.completion.chunk",
                "created": created,
                "model": model,
                "system_fingerprint": "fp_fake",
                "choices": choices,
            }
            if include_usage:
                obj["usage"] = usage_val
            return b"data: " + json.dumps(obj, ensure_ascii=False).encode("utf-8") + b"\n\n"

        def choice(i: int, delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
            return {"index": i, "delta": delta, "logprobs": None, "finish_reason": finish}

        size = max(1, fake.stream_chunk_size)
        pieces = [reply.text[j : j + size] for j in range(0, len(reply.text), size)]
        try:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream; charset=utf-8")
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Transfer-Encoding", "chunked")
            self.send_header("x-request-id", fake._next_id("req_"))
            self.end_headers()
            for i in range(n):
                self._write_chunk(chunk([choice(i, {"role": "assistant", "content": ""})]))
            for piece in pieces:
                for i in range(n):
                    self._write_chunk(chunk([choice(i, {"content": piece})]))
                if fake.stream_chunk_delay:
                    fake._sleep(fake.stream_chunk_delay)
            for i in range(n):
                self._write_chunk(chunk([choice(i, {}, reply.finish_reason)]))
            if include_usage:
                self._write_chunk(chunk([], usage))
            self._write_chunk(b"data: [DONE]\n\n")
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except OSError:
            self.close_connection = True

    def _embeddings(self, body: dict[str, Any]) -> None:
        fake = self.server.fake
        model = body.get("model")
        if not isinstance(model, str) or not model:
            raise _HTTPError(_Error(400, "you must provide a model parameter", param="model"))
        fake._check_model(model)
        action = fake._take("embeddings")
        if isinstance(action, _Error):
            raise _HTTPError(action)
        raw_input = body.get("input")
        items: list[Any]
        if isinstance(raw_input, str):
            items = [raw_input]
        elif (
            isinstance(raw_input, list) and raw_input and all(isinstance(x, int) for x in raw_input)
        ):
            items = [raw_input]  # a single token array
        elif isinstance(raw_input, list) and raw_input:
            items = raw_input
        else:
            raise _HTTPError(
                _Error(400, "'input' must be a non-empty string or array.", param="input")
            )
        dim = body.get("dimensions") or fake.embedding_dim
        fmt = body.get("encoding_format") or "float"
        if fmt not in ("float", "base64"):
            raise _HTTPError(
                _Error(400, f"Invalid encoding_format: {fmt!r}", param="encoding_format")
            )
        data = []
        n_tokens = 0
        for idx, item in enumerate(items):
            vec = embedding_for(item, int(dim))
            n_tokens += tokens(item) if isinstance(item, str) else len(item)
            emb: Any
            if fmt == "base64":
                emb = base64.b64encode(vec.astype("<f4").tobytes()).decode("ascii")
            else:
                emb = vec.tolist()
            data.append({"object": "embedding", "index": idx, "embedding": emb})
        self._send_json(
            200,
            {
                "object": "list",
                "data": data,
                "model": model,
                "usage": {"prompt_tokens": n_tokens, "total_tokens": n_tokens},
            },
        )


class FakeOpenAI:
    """Fake OpenAI-compatible server on 127.0.0.1 (ephemeral port, background thread).

    Args:
        api_key: if set, requests must send ``Authorization: Bearer <api_key>``
            (otherwise 401 ``invalid_api_key``).  ``None`` accepts anything.
        models: known model ids; unknown ones get 404 ``model_not_found``.
            ``None`` accepts every model id.
        embedding_dim: default embedding dimension (the ``dimensions`` request
            parameter overrides it).
        stream_chunk_size: characters per streamed content delta.
        stream_chunk_delay: seconds to sleep between streamed deltas.
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        models: Iterable[str] | None = DEFAULT_MODELS,
        embedding_dim: int = 64,
        stream_chunk_size: int = 4,
        stream_chunk_delay: float = 0.0,
        responder: Callable[[dict[str, Any]], str] | None = None,
    ) -> None:
        self.api_key = api_key
        self.models: list[str] | None = list(models) if models is not None else None
        self.embedding_dim = embedding_dim
        self.stream_chunk_size = stream_chunk_size
        self.stream_chunk_delay = stream_chunk_delay
        self.responder: Callable[[dict[str, Any]], str] = responder or _default_responder
        self.requests: list[RecordedRequest] = []
        self.handler_errors: list[str] = []
        self._queue: list[_Item] = []
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._stop = threading.Event()
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -----------------------------------------------------------
    def start(self) -> FakeOpenAI:
        if self._httpd is not None:
            return self
        self._stop.clear()
        self._httpd = _Server(self)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fake-openai",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        self._stop.set()  # wakes up scripted delays
        httpd.shutdown()
        httpd.close_connections()
        httpd.server_close()
        if self._thread is not None:
            self._thread.join(2.0)
            self._thread = None

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("FakeOpenAI is not running")
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.url}/v1"

    def env(self) -> dict[str, str]:
        """Environment variables pointing an OpenAI client at this server."""
        return {"OPENAI_BASE_URL": self.base_url, "OPENAI_API_KEY": self.api_key or "sk-fake"}

    # -- scripting -----------------------------------------------------------
    def script_reply(
        self,
        text: str,
        usage: tuple[int, int] | None = None,
        *,
        finish_reason: str = "stop",
    ) -> None:
        """Queue a chat reply; ``usage=(prompt_tokens, completion_tokens)``."""
        self._push("chat", _Reply(text, usage, finish_reason))

    def script_error(
        self,
        status: int = 500,
        message: str | None = None,
        *,
        headers: Mapping[str, str] | None = None,
        type: str | None = None,
        code: str | None = None,
        param: str | None = None,
        endpoint: str = "chat",
    ) -> None:
        """Queue an HTTP error in OpenAI's error JSON shape."""
        err = _Error(status, message, type, code, param, dict(headers or {}))
        self._push(endpoint, err)

    def script_raw(self, body: bytes | str, *, content_type: str = "application/json",
                   drip_every: float = 0.0, keepalive_every: float = 0.0,
                   keepalive_for: float = 0.0) -> None:
        """Queue a hand-made HTTP 200 chat reply: a truncated or non-JSON body, a body sent one
        byte every `drip_every` seconds, or SSE keep-alive comments every `keepalive_every`
        seconds for `keepalive_for` seconds before the body (use with streaming requests)."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        self._push("chat", _Raw(data, content_type, drip_every, keepalive_every, keepalive_for))

    def script_delay(self, seconds: float, *, endpoint: str = "chat") -> None:
        """Sleep ``seconds`` before answering the next request to ``endpoint``."""
        self._push(endpoint, _Delay(seconds))

    def pending(self) -> int:
        """Number of scripted items not consumed yet."""
        with self._lock:
            return len(self._queue)

    def reset(self) -> None:
        """Forget scripted items, recorded requests and handler errors."""
        with self._lock:
            self._queue.clear()
            self.requests.clear()
            self.handler_errors.clear()
        self.responder = _default_responder

    # -- inspection ----------------------------------------------------------
    def chat_requests(self) -> list[dict[str, Any]]:
        """JSON bodies of all POST /v1/chat/completions requests, in order."""
        return self._bodies("/chat/completions")

    def embedding_requests(self) -> list[dict[str, Any]]:
        """JSON bodies of all POST /v1/embeddings requests, in order."""
        return self._bodies("/embeddings")

    def last_chat(self) -> dict[str, Any]:
        reqs = self.chat_requests()
        if not reqs:
            raise AssertionError("no chat completion request was received")
        return reqs[-1]

    def embed(self, text: str | list[int], dim: int | None = None) -> list[float]:
        """The vector this server returns for ``text`` (for assertions)."""
        return embedding_for(text, dim or self.embedding_dim).tolist()

    # -- internals -----------------------------------------------------------
    def _push(self, endpoint: str, action: _Reply | _Error | _Delay | _Raw) -> None:
        if endpoint not in _ENDPOINTS:
            raise ValueError(f"endpoint must be one of {_ENDPOINTS}, got {endpoint!r}")
        with self._lock:
            self._queue.append(_Item(endpoint, action))

    def _take(self, endpoint: str) -> _Reply | _Error | _Raw | None:
        """Pop the next scripted reply/error for ``endpoint``, honouring delays.

        Leading delays and the reply/error that follows them are removed from the
        queue atomically, so a concurrent request cannot steal the delayed reply.
        """
        delay = 0.0
        action: _Reply | _Error | _Raw | None = None
        with self._lock:
            i = 0
            while i < len(self._queue):
                item = self._queue[i]
                if item.endpoint not in (endpoint, "any"):
                    i += 1
                    continue
                del self._queue[i]
                if isinstance(item.action, _Delay):
                    delay += item.action.seconds
                    continue
                action = item.action
                break
        if delay > 0:
            self._sleep(delay)
        return action

    def _sleep(self, seconds: float) -> None:
        self._stop.wait(seconds)

    def _record(self, req: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(req)

    def _bodies(self, route: str) -> list[dict[str, Any]]:
        with self._lock:
            return [
                r.body
                for r in self.requests
                if r.path in (route, "/v1" + route) and isinstance(r.body, dict)
            ]

    def _next_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids)}"

    def _check_auth(self, headers: Mapping[str, str]) -> None:
        if self.api_key is None:
            return
        auth = headers.get("authorization", "")
        if not auth.startswith("Bearer ") or not auth[len("Bearer ") :].strip():
            raise _HTTPError(
                _Error(
                    401,
                    "You didn't provide an API key. You need to provide your API key in an "
                    "Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
                    code="invalid_api_key",
                )
            )
        key = auth[len("Bearer ") :].strip()
        if key != self.api_key:
            shown = key[:3] + "*" * 3 + key[-4:] if len(key) > 8 else "***"
            raise _HTTPError(
                _Error(
                    401,
                    f"Incorrect API key provided: {shown}. You can find your API key at "
                    "https://platform.openai.com/account/api-keys.",
                    code="invalid_api_key",
                )
            )

    def _check_model(self, model: str) -> None:
        if not self._known_model(model):
            raise _HTTPError(
                _Error(
                    404,
                    f"The model `{model}` does not exist or you do not have access to it.",
                    code="model_not_found",
                )
            )

    def _known_model(self, model: str) -> bool:
        return self.models is None or model in self.models

    def _model_obj(self, model: str) -> dict[str, Any]:
        if not self._known_model(model):
            raise _HTTPError(
                _Error(
                    404,
                    f"The model '{model}' does not exist",
                    param="model",
                    code="model_not_found",
                )
            )
        return {"id": model, "object": "model", "created": 1700000000, "owned_by": "fake-openai"}

    def _models_list(self) -> dict[str, Any]:
        return {"object": "list", "data": [self._model_obj(m) for m in self.models or []]}
