"""Model access: chat completions from any OpenAI-compatible server, and what we send to it.

The official `openai` client is used directly (not through LangChain): it already does what the
bot needs — bounded retries with exponential backoff that honour `retry-after(-ms)` headers for
timeouts, 429 and 5xx, no retry for 401/404 — and it reports token usage and typed errors without
another layer in between. OpenAI, vLLM, Ollama and the llama.cpp server all speak this protocol;
`base_url` picks the server.

Clients are created on first use, never at import. Every call is made by the async client, so
that it can be cancelled: `complete()` (sync, called from worker threads) runs it on one
background event loop of the generator, `stream()` on the caller's loop; the async client is
kept per event loop, because an HTTP connection pool cannot be shared between loops. Each call
ends by the answer's deadline (bot/model_limits.py) and goes through the circuit breaker; any
reply that is not a well-formed completion (truncated JSON with HTTP 200, an HTML page, no
choices) is a `GenerationError("bad_response")`, so the engine falls back like for a timeout.
`abort()` (at shutdown) cancels every call in flight at once.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import threading
import time
import weakref
from collections.abc import AsyncIterator, Awaitable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from bot.model_input import (  # re-exported: the engine and tests import them from here
    NumberedSource,
    answer_messages,
    number_sources,
    retry_messages,
    source_block,
)
from bot.model_limits import CircuitBreaker, call_deadline, load_model_limits
from bot.settings import Settings

log = logging.getLogger(__name__)

Message = dict[str, str]

_USAGE_KEYS = ("prompt_tokens", "completion_tokens", "total_tokens")
# Reasoning models take `max_completion_tokens` and only their default temperature.
_REASONING_PREFIXES = ("o1", "o3", "o4", "gpt-5")
# Kinds that say the model service is unwell (they count for the circuit breaker).
_OUTAGE_KINDS = frozenset({"timeout", "connection", "rate_limit", "server", "bad_response",
                           "auth", "not_found"})
T = TypeVar("T")
__all__ = ["ChatStream", "Completion", "GenerationError", "Message", "NumberedSource",
           "OpenAIGenerator", "add_usage", "answer_messages", "classify", "number_sources",
           "retry_messages", "source_block"]


class GenerationError(Exception):
    """A model call that failed after the client's own retries.

    `kind` is one of: timeout, connection, rate_limit, server, auth, not_found, bad_request,
    bad_response (a reply that is no completion), unavailable (the circuit breaker is open),
    cancelled (shutdown), other. `auth` and `not_found` are configuration problems
    (`startupbot doctor` explains them).
    """

    def __init__(self, kind: str, detail: str, status: int | None = None) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail
        self.status = status

    @property
    def is_configuration(self) -> bool:
        return self.kind in {"auth", "not_found"}


def classify(exc: Exception) -> GenerationError:
    """Map an `openai` exception to a `GenerationError` (kept small and explicit)."""
    import openai

    status = getattr(exc, "status_code", None)
    if isinstance(exc, openai.APITimeoutError):
        kind = "timeout"
    elif isinstance(exc, openai.APIConnectionError):
        kind = "connection"
    elif isinstance(exc, openai.RateLimitError):
        kind = "rate_limit"
    elif isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
        kind = "auth"
    elif isinstance(exc, openai.NotFoundError):
        kind = "not_found"
    elif isinstance(exc, openai.InternalServerError) or (status or 0) >= 500:
        kind = "server"
    elif isinstance(exc, openai.APIStatusError):
        kind = "bad_request"
    elif "timeout" in type(exc).__name__.lower():  # raised by httpx while a stream is read
        kind = "timeout"
    elif type(exc).__module__.split(".")[0] in {"httpx", "httpx2", "httpcore"}:
        kind = "connection"
    elif isinstance(exc, ValueError | TypeError | KeyError | AttributeError | IndexError):
        kind = "bad_response"  # JSONDecodeError, a validation error, a reply of the wrong shape
    else:
        kind = "other"
    message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return GenerationError(kind, message[:300], status)


def add_usage(total: dict[str, int], usage: dict[str, int] | None) -> dict[str, int]:
    """Sum token counts into `total` (in place) and return it."""
    for key in _USAGE_KEYS:
        if usage and usage.get(key) is not None:
            total[key] = total.get(key, 0) + int(usage[key])
    return total


def _usage_of(obj: Any) -> dict[str, int]:
    if obj is None:
        return {}
    return {k: int(getattr(obj, k, 0) or 0) for k in _USAGE_KEYS}


@dataclass
class Completion:
    text: str
    usage: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    finish_reason: str | None = None


def _completion_of(response: Any) -> Completion:
    """The text of a chat completion; `bad_response` for anything else (a truncated or
    non-JSON body comes back from the client as a string or a half-built object)."""
    choices = getattr(response, "choices", None)
    if not isinstance(choices, list):
        raise GenerationError("bad_response",
                              f"no completion in the reply ({type(response).__name__})")
    choice = choices[0] if choices else None
    message = getattr(choice, "message", None) if choice is not None else None
    content = getattr(message, "content", None) if message is not None else None
    if choice is not None and not isinstance(content, str | None):
        raise GenerationError("bad_response", "the reply's content is not text")
    return Completion(text=content or "", usage=_usage_of(getattr(response, "usage", None)),
                      finish_reason=getattr(choice, "finish_reason", None))


class ChatStream:
    """Async iterator over the reply text so far; `usage` and `seconds` are set at the end."""

    def __init__(self, generator: OpenAIGenerator, messages: list[Message]) -> None:
        self._generator = generator
        self._messages = messages
        self.text = ""
        self.usage: dict[str, int] = {}
        self.seconds = 0.0

    def __aiter__(self) -> AsyncIterator[str]:
        return self._run()

    async def _run(self) -> AsyncIterator[str]:
        generator = self._generator
        deadline = call_deadline(generator.deadline)
        generator.admit(deadline)
        started = time.perf_counter()
        try:
            client = generator.async_client()
            stream = await generator.within(client.chat.completions.create(
                messages=self._messages,  # type: ignore[arg-type]
                stream=True,
                stream_options={"include_usage": True},
                timeout=generator.read_timeout(deadline),
                **generator.request_options(),
            ), deadline)
            chunks = stream.__aiter__()
            try:
                while True:
                    try:
                        chunk = await generator.within(chunks.__anext__(), deadline)
                    except StopAsyncIteration:
                        break
                    if chunk.usage is not None:
                        self.usage = _usage_of(chunk.usage)
                    for choice in chunk.choices:
                        if choice.index == 0 and choice.delta and choice.delta.content:
                            self.text += choice.delta.content
                            yield self.text
            finally:
                with contextlib.suppress(Exception):
                    await stream.close()
        except GenerationError as exc:
            generator.settle(exc)
            raise
        except Exception as exc:  # also transport errors raised while the stream is read
            error = classify(exc)
            generator.settle(error)
            raise error from exc
        else:
            generator.settle(None)
        finally:
            self.seconds = time.perf_counter() - started


class OpenAIGenerator:
    """Chat completions through the `openai` client, configured from settings."""

    def __init__(self, *, model: str, base_url: str | None = None, api_key: str | None = None,
                 temperature: float = 0.1, timeout: float = 30.0, max_retries: int = 2,
                 max_output_tokens: int = 600, deadline: float = 20.0,
                 breaker: CircuitBreaker | None = None) -> None:
        self.model = model
        self.base_url = base_url
        # Local servers (vLLM, Ollama, llama.cpp) need no key, but the client insists on one.
        self._api_key = api_key or "not-needed"
        self.temperature = temperature
        self.timeout = timeout
        self.max_retries = max_retries
        self.max_output_tokens = max_output_tokens
        self.deadline = deadline  # seconds for all model calls of one answer
        self.breaker = breaker or CircuitBreaker()
        self._client: Any = None
        self._lock = threading.Lock()
        self._async_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Any] = (
            weakref.WeakKeyDictionary()
        )
        self._loop: asyncio.AbstractEventLoop | None = None  # for complete(), started lazily
        self._loop_thread: threading.Thread | None = None
        self._inflight: set[tuple[asyncio.AbstractEventLoop, asyncio.Timeout]] = set()
        self._aborted = False

    @classmethod
    def from_settings(cls, settings: Settings) -> OpenAIGenerator:
        """Raises `ValueError` (a readable message) for a bad STARTUPBOT_LLM_* limit."""
        key = settings.openai_api_key
        limits = load_model_limits()
        return cls(
            model=settings.chat_model,
            base_url=settings.openai_base_url,
            api_key=key.get_secret_value() if key else None,
            temperature=settings.temperature,
            timeout=settings.llm_timeout,
            max_retries=settings.llm_max_retries,
            max_output_tokens=settings.max_output_tokens,
            deadline=limits.llm_deadline,
            breaker=CircuitBreaker(limits.llm_breaker_failures, limits.llm_breaker_cooldown),
        )

    # --- clients -----------------------------------------------------------------------------
    def client(self) -> Any:
        if self._client is None:
            with self._lock:
                if self._client is None:
                    import openai

                    self._client = openai.OpenAI(
                        api_key=self._api_key, base_url=self.base_url, timeout=self.timeout,
                        max_retries=self.max_retries,
                    )
        return self._client

    def async_client(self) -> Any:
        loop = asyncio.get_running_loop()
        with self._lock:
            client = self._async_clients.get(loop)
            if client is None:
                import openai

                client = openai.AsyncOpenAI(
                    api_key=self._api_key, base_url=self.base_url, timeout=self.timeout,
                    max_retries=self.max_retries,
                )
                self._async_clients[loop] = client
        return client

    def _background_loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                thread = threading.Thread(target=loop.run_forever, name="model-calls",
                                          daemon=True)
                thread.start()
                self._loop, self._loop_thread = loop, thread
            return self._loop

    async def aclose(self) -> None:
        """Close the async client of the running loop (call before the loop ends)."""
        with self._lock:
            client = self._async_clients.pop(asyncio.get_running_loop(), None)
        if client is not None:
            await client.close()

    def close(self) -> None:
        with self._lock:
            client, self._client = self._client, None
            loop, thread = self._loop, self._loop_thread
            self._loop = self._loop_thread = None
        if client is not None:
            client.close()
        if loop is not None:
            with contextlib.suppress(Exception):
                asyncio.run_coroutine_threadsafe(self.aclose(), loop).result(timeout=2)
            loop.call_soon_threadsafe(loop.stop)
            if thread is not None:
                thread.join(timeout=2)
            if not loop.is_running():
                loop.close()

    def abort(self) -> None:
        """Cancel every model call in flight now, and fail later ones at once (shutdown)."""
        self._aborted = True
        with self._lock:
            inflight = list(self._inflight)
        for loop, scope in inflight:
            def expire(loop: asyncio.AbstractEventLoop = loop,
                       scope: asyncio.Timeout = scope) -> None:
                with contextlib.suppress(RuntimeError):  # it ended meanwhile
                    scope.reschedule(loop.time())
            with contextlib.suppress(RuntimeError):  # that loop is closed
                loop.call_soon_threadsafe(expire)

    def request_options(self, max_tokens: int | None = None) -> dict[str, Any]:
        limit = max_tokens or self.max_output_tokens
        name = self.model.rsplit("/", 1)[-1].lower()
        if name.startswith(_REASONING_PREFIXES):
            return {"model": self.model, "max_completion_tokens": limit}
        return {"model": self.model, "max_tokens": limit, "temperature": self.temperature}

    # --- bounds --------------------------------------------------------------------------------
    def read_timeout(self, deadline: float) -> float:
        """The client's per-read timeout, never beyond the deadline."""
        return max(0.05, min(self.timeout, deadline - time.monotonic()))

    def admit(self, deadline: float) -> None:
        """Raise at once when shutting down, when the answer's time is used up (a call that
        never goes out does not count against the model), or while the breaker is open."""
        if self._aborted:
            raise GenerationError("cancelled", "the bot is shutting down")
        if deadline - time.monotonic() <= 0.05:
            raise GenerationError("timeout", "the answer's deadline has passed")
        if not self.breaker.allow():
            raise GenerationError("unavailable", "model calls paused after failures "
                                  f"(circuit breaker, retry in {self.breaker.retry_in():.0f} s)")

    def settle(self, error: GenerationError | None) -> None:
        """Tell the breaker how an admitted call ended."""
        if error is None:
            self.breaker.succeeded()
        elif error.kind in _OUTAGE_KINDS:
            if self.breaker.failed():
                log.warning("generation.breaker_open", extra={
                    "kind": error.kind, "cooldown_s": self.breaker.cooldown_s})
        else:
            self.breaker.released()

    async def within(self, awaitable: Awaitable[T], deadline: float) -> T:
        """Await `awaitable`, cancelled at `deadline` (monotonic) or by `abort()`."""
        remaining = deadline - time.monotonic()
        if remaining <= 0 or self._aborted:
            if asyncio.iscoroutine(awaitable):
                awaitable.close()
            raise GenerationError("cancelled" if self._aborted else "timeout",
                                  "answer deadline passed before the call")
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(remaining) as scope:
                entry = (loop, scope)
                with self._lock:
                    self._inflight.add(entry)
                try:
                    return await awaitable
                finally:
                    with self._lock:
                        self._inflight.discard(entry)
        except TimeoutError:
            if self._aborted:
                raise GenerationError("cancelled", "the bot is shutting down") from None
            raise GenerationError("timeout", f"no complete reply within the answer deadline "
                                  f"({self.deadline:g} s)") from None

    def _run(self, make: Any, deadline: float) -> Any:
        """Run the coroutine `make()` on the background loop, from a plain thread."""
        future = asyncio.run_coroutine_threadsafe(make(), self._background_loop())
        try:
            return future.result(timeout=max(0.0, deadline - time.monotonic()) + 5.0)
        except concurrent.futures.TimeoutError:  # the loop itself is stuck: give up anyway
            future.cancel()
            raise GenerationError("timeout", "the model call did not end") from None

    # --- calls -------------------------------------------------------------------------------
    def complete(self, messages: list[Message], *, max_tokens: int | None = None) -> Completion:
        """One chat completion (retried by the client, within the answer's deadline); raises
        `GenerationError`."""
        deadline = call_deadline(self.deadline)
        self.admit(deadline)
        started = time.perf_counter()

        async def call() -> Any:
            client = self.async_client()
            return await self.within(client.chat.completions.create(
                messages=messages,  # type: ignore[arg-type]
                timeout=self.read_timeout(deadline),
                **self.request_options(max_tokens),
            ), deadline)

        try:
            try:
                response = self._run(call, deadline)
                completion = _completion_of(response)
            except GenerationError:
                raise
            except Exception as exc:
                raise classify(exc) from exc
        except GenerationError as exc:
            self.settle(exc)
            raise
        self.settle(None)
        completion.seconds = time.perf_counter() - started
        return completion

    def stream(self, messages: list[Message]) -> ChatStream:
        """Stream a completion: `async for text_so_far in generator.stream(messages)`."""
        return ChatStream(self, messages)

    def check(self, timeout: float | None = None) -> Completion:
        """A 1-token completion without retries: is the server reachable, the key and the model
        accepted? (`startupbot doctor`)."""
        import openai

        with openai.OpenAI(api_key=self._api_key, base_url=self.base_url,
                           timeout=timeout or self.timeout, max_retries=0) as client:
            started = time.perf_counter()
            try:
                response = client.chat.completions.create(
                    messages=[{"role": "user", "content": "ping"}],
                    **self.request_options(1),
                )
            except openai.OpenAIError as exc:
                raise classify(exc) from exc
        return Completion(text="", usage=_usage_of(response.usage),
                          seconds=time.perf_counter() - started)

    def available_models(self, timeout: float = 10.0) -> list[str]:
        """Model ids the server lists (GET /models); empty when it cannot say."""
        import openai

        try:
            with openai.OpenAI(api_key=self._api_key, base_url=self.base_url, timeout=timeout,
                               max_retries=0) as client:
                return [m.id for m in client.models.list()]
        except openai.OpenAIError:
            return []
