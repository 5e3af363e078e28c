"""Small helpers the test modules share: a free loopback port and an in-process CLI runner."""

from __future__ import annotations

import socket
from collections.abc import Callable
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
