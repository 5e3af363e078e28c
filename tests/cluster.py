"""A loopback cluster: nginx (Debian) in front of three `startupbot serve --mode webhook`
replicas, one `chroma run`, PostgreSQL (answer log and shared state) and optionally Redis.

The Bot API is the loopback fake (tests/fakes/telegram_api.py), reached by every replica's
python-telegram-bot through TELEGRAM_API_BASE_URL. The test plays Telegram's webhook sender:
`deliver()` POSTs an update (first to a chosen replica or to nginx) and, like Telegram, posts it
again through nginx until some replica answers 2xx. Which replica processed an update is read
from its JSON log (`telegram.update_processed`), so nothing in the product exists for the test.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tests.servers import free_port, unavailable

HOOK_PATH = "/tg/hook"
SECRET = "cluster-Secret_1"
SALT = "cluster-test-salt-0123456789abcdef"


@dataclass
class Replica:
    index: int
    port: int
    proc: subprocess.Popen
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{HOOK_PATH}"

    def alive(self) -> bool:
        return self.proc.poll() is None

    def events(self, name: str) -> list[dict[str, Any]]:
        found = []
        for line in self.log_path.read_text(encoding="utf-8", errors="replace").splitlines():
            if f'"{name}"' in line:
                with contextlib.suppress(json.JSONDecodeError):
                    found.append(json.loads(line[line.index("{"):]))
        return found

    def processed(self) -> set[int]:
        return {e["update_id"] for e in self.events("telegram.update_processed")}


@dataclass
class Cluster:
    root: Path
    tg: Any  # FakeTelegram
    answer_log_url: str
    data_dir: Path
    redis_url: str | None = None
    victim_env: dict[str, str] = field(default_factory=dict)
    extra_env: dict[str, str] = field(default_factory=dict)  # for every replica
    replicas: list[Replica] = field(default_factory=list)
    nginx_port: int = 0
    chroma_port: int = 0
    _procs: list[subprocess.Popen] = field(default_factory=list)

    # --- start and stop ------------------------------------------------------------------
    def env(self, index: int | None = None) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("STARTUPBOT_", "OPENAI_", "TELEGRAM_"))}
        env |= {
            "TELEGRAM_BOT_TOKEN": self.tg.token, "TELEGRAM_API_BASE_URL": self.tg.base_url,
            "STARTUPBOT_DATA_DIR": str(self.data_dir),
            "STARTUPBOT_CHROMA_MODE": "http", "STARTUPBOT_CHROMA_HOST": "127.0.0.1",
            "STARTUPBOT_CHROMA_PORT": str(self.chroma_port),
            "STARTUPBOT_ANSWER_LOG_URL": self.answer_log_url,
            "STARTUPBOT_USER_HASH_SALT": SALT,
            "STARTUPBOT_TELEGRAM_RATE_LIMIT_COUNT": "3",
            "STARTUPBOT_TELEGRAM_RATE_LIMIT_WINDOW": "600",
            "STARTUPBOT_TELEGRAM_UPDATE_TIMEOUT": "5",
            "STARTUPBOT_TELEGRAM_STREAM_EDIT_INTERVAL": "0.3",
            "STARTUPBOT_LOG_LEVEL": "INFO", "STARTUPBOT_LOG_JSON": "true",
            "STARTUPBOT_TODAY": "2026-06-01",
        }
        if self.redis_url:
            env["STARTUPBOT_REDIS_URL"] = self.redis_url
        env |= self.extra_env
        if index == 2:
            env |= self.victim_env
        return env

    def start(self, replicas: int = 3) -> Cluster:
        nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists()
                                          else None)
        if nginx is None:
            unavailable("nginx is not installed")
        self.tg.auto_deliver_webhook = False  # the test delivers, and redelivers, itself
        self._start_chroma()
        self.nginx_port = free_port()
        for index in range(replicas):
            self._start_replica(index)
        for replica in self.replicas:
            self._wait_healthy(replica)
        self._start_nginx(nginx)
        return self

    def _start_chroma(self) -> None:
        self.chroma_port = free_port()
        chroma = Path(sys.executable).parent / "chroma"
        proc = subprocess.Popen(
            [str(chroma), "run", "--path", str(self.data_dir / "chroma"), "--host", "127.0.0.1",
             "--port", str(self.chroma_port)],
            stdout=subprocess.DEVNULL, stderr=open(self.root / "chroma.log", "w"))  # noqa: SIM115
        self._procs.append(proc)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"http://127.0.0.1:{self.chroma_port}/api/v2/heartbeat",
                             timeout=1).is_success:
                    return
            time.sleep(0.2)
        raise AssertionError("chroma run did not start within 60 s")

    def _start_replica(self, index: int, port: int | None = None) -> Replica:
        port = port or free_port()
        log_path = self.root / f"replica-{index}.log"
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "serve", "--mode", "webhook",
             "--webhook-url", f"http://127.0.0.1:{self.nginx_port}{HOOK_PATH}",
             "--webhook-secret", SECRET, "--listen", "127.0.0.1", "--port", str(port)],
            cwd=self.root, env=self.env(index), stdout=subprocess.DEVNULL,
            stderr=open(log_path, "w"), start_new_session=True)  # noqa: SIM115
        replica = Replica(index, port, proc, log_path)
        if index < len(self.replicas):
            self.replicas[index] = replica
        else:
            self.replicas.append(replica)
        return replica

    def restart(self, index: int) -> Replica:
        """Start replica `index` again, on its old port (nginx's upstream names it)."""
        replica = self._start_replica(index, self.replicas[index].port)
        self._wait_healthy(replica)
        return replica

    def _wait_healthy(self, replica: Replica, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not replica.alive():
                raise AssertionError(f"replica {replica.index} exited:\n"
                                     + replica.log_path.read_text()[-3000:])
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"http://127.0.0.1:{replica.port}/healthz", timeout=1).is_success:
                    return
            time.sleep(0.3)
        raise AssertionError(f"replica {replica.index} did not start in {timeout} s")

    def _start_nginx(self, nginx: str) -> None:
        prefix = self.root / "nginx"
        (prefix / "logs").mkdir(parents=True, exist_ok=True)
        upstreams = "\n".join(f"        server 127.0.0.1:{r.port} max_fails=1 fail_timeout=3s;"
                              for r in self.replicas)
        user = "user root;\n" if os.geteuid() == 0 else ""
        conf = prefix / "nginx.conf"
        conf.write_text(f"""{user}worker_processes 1;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    upstream replicas {{
{upstreams}
        keepalive 32;
    }}
    server {{
        listen 127.0.0.1:{self.nginx_port};
        location {HOOK_PATH} {{
            proxy_pass http://replicas;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_read_timeout 60s;
            proxy_next_upstream error timeout;
        }}
    }}
}}
""", encoding="utf-8")
        proc = subprocess.Popen([nginx, "-p", str(prefix), "-c", str(conf)],
                                stdout=subprocess.DEVNULL,
                                stderr=open(prefix / "logs" / "stderr.log", "w"))  # noqa: SIM115
        self._procs.append(proc)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise AssertionError("nginx exited: "
                                     + (prefix / "logs" / "stderr.log").read_text()[-2000:])
            with contextlib.suppress(OSError), socketlike(self.nginx_port):
                return
            time.sleep(0.1)
        raise AssertionError("nginx did not start within 20 s")

    def stop(self) -> None:
        for replica in self.replicas:
            if replica.alive():
                replica.proc.send_signal(signal.SIGTERM)
        for replica in self.replicas:
            with contextlib.suppress(subprocess.TimeoutExpired):
                replica.proc.wait(timeout=20)
            if replica.alive():
                replica.proc.kill()
        for proc in self._procs:
            if proc.poll() is None:
                proc.terminate()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(timeout=10)
            if proc.poll() is None:
                proc.kill()

    def kill(self, index: int) -> None:
        """kill -9: no shutdown code runs."""
        self.replicas[index].proc.send_signal(signal.SIGKILL)
        self.replicas[index].proc.wait(timeout=10)

    # --- Telegram's side ------------------------------------------------------------------
    @property
    def public_url(self) -> str:
        return f"http://127.0.0.1:{self.nginx_port}{HOOK_PATH}"

    def deliver(self, update: dict[str, Any], *, first: int | None = None,
                timeout: float = 60, retry_delay: float = 0.5) -> list[int]:
        """POST like Telegram: to replica `first` (or nginx), then again through nginx until
        a 2xx. Returns every status seen (0 = connection failed)."""
        statuses: list[int] = []
        url = self.replicas[first].url if first is not None else self.public_url
        deadline = time.monotonic() + timeout
        while True:
            try:
                status = self.tg.deliver_webhook(url, update, secret_token=SECRET,
                                                 timeout=timeout)
            except ConnectionError:
                status = 0
            statuses.append(status)
            if 200 <= status < 300:
                return statuses
            if time.monotonic() > deadline:
                raise AssertionError(f"update {update.get('update_id')} not accepted: {statuses}")
            url = self.public_url
            time.sleep(retry_delay)

    def who_processed(self, update_id: int) -> list[int]:
        return [r.index for r in self.replicas if update_id in r.processed()]


@contextlib.contextmanager
def socketlike(port: int) -> Iterator[None]:
    import socket

    with socket.create_connection(("127.0.0.1", port), timeout=0.5):
        yield
