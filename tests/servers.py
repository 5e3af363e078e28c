"""Real PostgreSQL and Redis servers on loopback for the tests (Debian's `postgresql` and
`redis-server`, installed by scripts/test.sh).

PostgreSQL: `initdb` into a temporary folder and `pg_ctl start` on a free port (as the
`postgres` user when the tests run as root: the server refuses to run as root). Each test gets
its own database. Redis: `redis-server --port` without persistence; each test flushes it.
When a binary is missing the tests skip with the reason, except under CI, where they fail.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def unavailable(reason: str) -> None:
    """Skip (a developer machine without the server) or fail (CI must run these tests)."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI installs it via scripts/test.sh)")
    pytest.skip(f"{reason}; run scripts/test.sh to install it")


def _pg_bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


class PostgresServer:
    def __init__(self) -> None:
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="startupbot-pg-"))
        self.data = self.root / "data"
        self.user = "startupbot"
        self._run_as: list[str] = []

    def _cmd(self, *args: str) -> list[str]:
        return [*self._run_as, *args]

    def start(self) -> PostgresServer:
        initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
        if not initdb or not pg_ctl:
            unavailable("PostgreSQL (initdb/pg_ctl) is not installed")
        if os.geteuid() == 0:
            runuser = shutil.which("runuser")
            if runuser is None:
                unavailable("runuser is missing (needed to start PostgreSQL as a non-root user)")
            self._run_as = [runuser, "-u", "postgres", "--"]
            shutil.chown(self.root, "postgres", "postgres")
        os.chmod(self.root, 0o700)
        subprocess.run(self._cmd(initdb, "-D", str(self.data), "-U", self.user, "-A", "trust",
                                 "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"),
                       check=True, capture_output=True, timeout=120)
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                   "-c max_connections=200")
        subprocess.run(self._cmd(pg_ctl, "-D", str(self.data), "-o", options,
                                 "-l", str(self.root / "log"), "-w", "-t", "60", "start"),
                       check=True, capture_output=True, timeout=90)
        return self

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        import psycopg

        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user={self.user} dbname=postgres",
                             autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        pg_ctl = _pg_bin("pg_ctl")
        if pg_ctl and self.data.exists():
            with contextlib.suppress(subprocess.SubprocessError, OSError):
                subprocess.run(self._cmd(pg_ctl, "-D", str(self.data), "-m", "immediate",
                                         "-w", "stop"), capture_output=True, timeout=60)
        shutil.rmtree(self.root, ignore_errors=True)


class RedisServer:
    def __init__(self) -> None:
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        binary = shutil.which("redis-server")
        if binary is None:
            unavailable("redis-server is not installed")
        self.proc = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--protected-mode", "yes"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(
                    ("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                if sock.recv(16).startswith(b"+PONG"):
                    return self
            time.sleep(0.1)
        self.stop()
        raise AssertionError("redis-server did not start within 20 s")

    def flush(self) -> None:
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as sock:
            sock.sendall(b"FLUSHALL\r\n")
            sock.recv(16)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=10)


@contextlib.contextmanager
def postgres_server() -> Iterator[PostgresServer]:
    server = PostgresServer()
    try:
        yield server.start()
    finally:
        server.stop()


@contextlib.contextmanager
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer()
    try:
        yield server.start()
    finally:
        server.stop()
