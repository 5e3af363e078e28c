"""Pseudonymous user and chat ids: HMAC-SHA256 with a secret salt, never the raw ids.

The same person gets the same hash across restarts (so "one user asked ten times" is visible),
but without the salt the hash cannot be turned back into a Telegram id by trying all ids.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

SALT_FILE_NAME = "answer_log.salt"


def load_or_create_salt(path: Path) -> bytes:
    """The salt kept in `path`, created once (random, 0600) when it does not exist yet."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        salt = path.read_text(encoding="ascii").strip()
        if not salt:
            raise ValueError(f"salt file is empty: {path}") from None
        return salt.encode("ascii")
    salt = secrets.token_hex(32)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(salt + "\n")
    return salt.encode("ascii")


def hash_id(salt: bytes, value: str | int | None) -> str | None:
    if value is None or value == "":
        return None
    return hmac.new(salt, str(value).encode("utf-8"), hashlib.sha256).hexdigest()
