"""Small helpers the test modules share: a free loopback port, an in-process CLI runner, and
the check that an answer leads with its verdict."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from typer.testing import CliRunner, Result


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


CliInvoke = Callable[..., Result]


def cli_runner(monkeypatch: pytest.MonkeyPatch, *, env: dict[str, str] | None = None
               ) -> CliInvoke:
    """`invoke(*args, env=None, input=None)` runs `startupbot …` in-process.

    Every call starts from fresh settings (the CLI caches them per process), after setting the
    given environment variables (`env` here for every call, `env=` per call)."""
    from bot import cli

    runner = CliRunner()
    for key, value in (env or {}).items():
        monkeypatch.setenv(key, value)

    def invoke(*args: str, env: dict[str, str] | None = None, input: str | None = None,
               **kwargs: Any) -> Result:
        for key, value in (env or {}).items():
            monkeypatch.setenv(key, value)
        return runner.invoke(cli.app, list(args), input=input, catch_exceptions=False,
                             **kwargs)

    return invoke


@contextlib.contextmanager
def serving(app: Any, timeout: float = 20) -> Iterator[str]:
    """Run an ASGI app with uvicorn on a free loopback port in a thread; yields its base URL."""
    import threading
    import time

    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        assert time.monotonic() < deadline, "the app did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def assert_verdict(engine: Any, question: str, lead: str, *facts: str) -> None:
    """The engine's answer to `question` opens with the verdict `lead` ("네.", "아니요.",
    "No.") and quotes each of `facts` (the rule behind it)."""
    text = engine.answer(question).answer
    assert text.startswith(lead), text
    for fact in facts:
        assert fact in text, text



def assert_answered(engine: Any, question: str, fact: str) -> None:
    """The engine answers `question` from the documents (extractive mode) and quotes `fact`."""
    from bot.models import AnswerMode
    answer = engine.answer(question)
    assert answer.mode is AnswerMode.EXTRACTIVE, answer.answer
    assert fact in answer.answer
