"""Model access: chat completions from any OpenAI-compatible server, and what we send to it.

The official `openai` client is used directly (not through LangChain): it already does what the
bot needs — bounded retries with exponential backoff that honour `retry-after(-ms)` headers for
timeouts, 429 and 5xx, no retry for 401/404 — and it reports token usage and typed errors without
another layer in between. OpenAI, vLLM, Ollama and the llama.cpp server all speak this protocol;
`base_url` picks the server.

Clients are created on first use, never at import. The async client (used only for streaming) is
kept per event loop, because an HTTP connection pool cannot be shared between loops.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
import weakref
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from bot import prompts
from bot.models import Source
from knowledge.models import SearchHit
from knowledge.settings import Settings

log = logging.getLogger(__name__)

Message = dict[str, str]

_USAGE_KEYS = ("prompt_tokens", "completion_tokens", "total_tokens")
# Reasoning models take `max_completion_tokens` and only their default temperature.
_REASONING_PREFIXES = ("o1", "o3", "o4", "gpt-5")


class GenerationError(Exception):
    """A model call that failed after the client's own retries.

    `kind` is one of: timeout, connection, rate_limit, server, auth, not_found, bad_request,
    other. `auth` and `not_found` are configuration problems (`startupbot doctor` explains them).
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
        client = self._generator.async_client()
        started = time.perf_counter()
        try:
            stream = await client.chat.completions.create(
                messages=self._messages,  # type: ignore[arg-type]
                stream=True,
                stream_options={"include_usage": True},
                **self._generator.request_options(),
            )
            try:
                async for chunk in stream:
                    if chunk.usage is not None:
                        self.usage = _usage_of(chunk.usage)
                    for choice in chunk.choices:
                        if choice.index == 0 and choice.delta and choice.delta.content:
                            self.text += choice.delta.content
                            yield self.text
            finally:
                await stream.close()
        except Exception as exc:  # also transport errors raised while the stream is read
            raise classify(exc) from exc
        finally:
            self.seconds = time.perf_counter() - started


class OpenAIGenerator:
    """Chat completions through the `openai` client, configured from settings."""

    def __init__(self, *, model: str, base_url: str | None = None, api_key: str | None = None,
                 temperature: float = 0.1, timeout: float = 30.0, max_retries: int = 2,
                 max_output_tokens: int = 600) -> None:
        self.model = model
        self.base_url = base_url
        # Local servers (vLLM, Ollama, llama.cpp) need no key, but the client insists on one.
        self._api_key = api_key or "not-needed"
        self.temperature = temperature
        self.timeout = timeout
        self.max_retries = max_retries
        self.max_output_tokens = max_output_tokens
        self._client: Any = None
        self._lock = threading.Lock()
        self._async_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Any] = (
            weakref.WeakKeyDictionary()
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> OpenAIGenerator:
        key = settings.openai_api_key
        return cls(
            model=settings.chat_model,
            base_url=settings.openai_base_url,
            api_key=key.get_secret_value() if key else None,
            temperature=settings.temperature,
            timeout=settings.llm_timeout,
            max_retries=settings.llm_max_retries,
            max_output_tokens=settings.max_output_tokens,
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
        client = self._async_clients.get(loop)
        if client is None:
            import openai

            client = openai.AsyncOpenAI(
                api_key=self._api_key, base_url=self.base_url, timeout=self.timeout,
                max_retries=self.max_retries,
            )
            self._async_clients[loop] = client
        return client

    async def aclose(self) -> None:
        """Close the async client of the running loop (call before the loop ends)."""
        client = self._async_clients.pop(asyncio.get_running_loop(), None)
        if client is not None:
            await client.close()

    def close(self) -> None:
        with self._lock:
            client, self._client = self._client, None
        if client is not None:
            client.close()

    def request_options(self, max_tokens: int | None = None) -> dict[str, Any]:
        limit = max_tokens or self.max_output_tokens
        name = self.model.rsplit("/", 1)[-1].lower()
        if name.startswith(_REASONING_PREFIXES):
            return {"model": self.model, "max_completion_tokens": limit}
        return {"model": self.model, "max_tokens": limit, "temperature": self.temperature}

    # --- calls -------------------------------------------------------------------------------
    def complete(self, messages: list[Message], *, max_tokens: int | None = None) -> Completion:
        """One chat completion (retried by the client); raises `GenerationError`."""
        import openai

        started = time.perf_counter()
        try:
            response = self.client().chat.completions.create(
                messages=messages,  # type: ignore[arg-type]
                **self.request_options(max_tokens),
            )
        except openai.OpenAIError as exc:
            raise classify(exc) from exc
        seconds = time.perf_counter() - started
        choice = response.choices[0] if response.choices else None
        text = (choice.message.content or "") if choice else ""
        return Completion(text=text, usage=_usage_of(response.usage), seconds=seconds,
                          finish_reason=choice.finish_reason if choice else None)

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


# --- what the model is given -----------------------------------------------------------------
@dataclass
class NumberedSource:
    """One block of the prompt: the hits of one document section, under one number."""

    number: int
    hits: list[SearchHit]

    def to_source(self, number: int) -> Source:
        from bot.extractive import source_from_hit

        return source_from_hit(number, self.hits[0])

    @property
    def category(self) -> str:
        return self.hits[0].chunk.category


def number_sources(hits: list[SearchHit]) -> list[NumberedSource]:
    """Number the retrieved passages 1..k; passages of the same section share a number (as in
    the extractive answer), so the model sees each section once."""
    by_key: dict[tuple[str, str], NumberedSource] = {}
    for hit in hits:
        key = (hit.chunk.doc_id, hit.chunk.section)
        if key not in by_key:
            by_key[key] = NumberedSource(len(by_key) + 1, [])
        by_key[key].hits.append(hit)
    return list(by_key.values())


def _quote(text: str) -> str:
    """Keep a passage inside its <source> block: its own tags cannot close or open one."""
    return (text.replace("<source", "‹source").replace("</source", "‹/source")
            .replace("<sources", "‹sources").replace("</sources", "‹/sources"))


def source_block(source: NumberedSource) -> str:
    chunk = source.hits[0].chunk
    where = chunk.title + (f" › {chunk.section}" if chunk.section else "")
    as_of = f" ({prompts.FACTS_AS_OF['ko']} {chunk.facts_as_of})" if chunk.facts_as_of else ""
    text = "\n\n".join(h.chunk.text.strip() for h in source.hits)
    return prompts.SOURCE_BLOCK.format(number=source.number, where=_quote(where), as_of=as_of,
                                       text=_quote(text))


def answer_messages(sources: list[NumberedSource], question: str) -> list[Message]:
    """System rules (a constant) + one user message with the quoted sources and the question."""
    user = prompts.ANSWER_REQUEST.format(
        sources="\n".join(source_block(s) for s in sources),
        question=_quote(question.replace("</question", "‹/question")),
    )
    return [{"role": "system", "content": prompts.SYSTEM_PROMPT},
            {"role": "user", "content": user}]


def retry_messages(messages: list[Message], reply: str) -> list[Message]:
    """The first exchange plus the stricter instruction (after an answer that cited nothing)."""
    return [*messages, {"role": "assistant", "content": reply},
            {"role": "user", "content": prompts.STRICTER_RETRY}]
