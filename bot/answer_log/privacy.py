"""Pseudonymous user and chat ids: HMAC-SHA256 with a secret salt, never the raw ids.

The same person gets the same hash across restarts (so "one user asked ten times" is visible),
but without the salt the hash cannot be turned back into a Telegram id by trying all ids.

The salt file is created atomically: the salt is written and synced to a temporary file first,
then hard-linked under its final name, which fails if another process won the race. So a
parallel start-up reads either no file or a complete one, never an empty one. An empty or short
file (a crash on an old version, a truncated copy) is refused with what to do, instead of
silently making every answer unloggable.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
import tempfile
from pathlib import Path

SALT_FILE_NAME = "answer_log.salt"
SALT_HEX_CHARS = 64  # what we generate: 32 random bytes
MIN_SALT_CHARS = 32  # a file holding less than this was not written by us, or cut short


class SaltError(ValueError):
    """The salt file is unusable; the message says which file and what to do."""


def _check(salt: str, path: Path) -> bytes:
    if len(salt) < MIN_SALT_CHARS:
        state = "비어 있습니다" if not salt else f"너무 짧습니다 ({len(salt)}자)"
        raise SaltError(
            f"답변 기록의 솔트 파일이 {state}: {path} (salt file empty or too short). "
            "백업이 있으면 그 파일로 복원하세요. 없으면 이 파일을 지우고 다시 시작하면 새 솔트가 "
            "만들어집니다 (이미 기록된 사용자 해시와는 이어지지 않습니다). 또는 "
            "STARTUPBOT_USER_HASH_SALT 로 솔트를 지정하세요.")
    return salt.encode("ascii")


def read_salt(path: Path) -> bytes:
    """The salt in an existing file; `SaltError` when it is empty, short or unreadable."""
    try:
        salt = path.read_text(encoding="ascii").strip()
    except (UnicodeDecodeError, OSError) as exc:
        raise SaltError(f"답변 기록의 솔트 파일을 읽을 수 없습니다: {path} ({exc}). "
                        "백업에서 복원하거나 파일을 지우고 다시 시작하세요.") from None
    return _check(salt, path)


def load_or_create_salt(path: Path) -> bytes:
    """The salt kept in `path`, created once (random, 0600) when it does not exist yet."""
    if path.exists():
        return read_salt(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    salt = secrets.token_hex(SALT_HEX_CHARS // 2)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".salt-", suffix=".tmp")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(salt + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, path)  # atomic, and fails when another process created it first
        except FileExistsError:
            return read_salt(path)
        except OSError:  # a file system without hard links: exclusive create of a full file
            try:
                with open(path, "x", encoding="ascii") as handle:
                    os.chmod(path, 0o600)
                    handle.write(salt + "\n")
            except FileExistsError:
                return read_salt(path)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
    return salt.encode("ascii")


def hash_id(salt: bytes, value: str | int | None) -> str | None:
    if value is None or value == "":
        return None
    return hmac.new(salt, str(value).encode("utf-8"), hashlib.sha256).hexdigest()
