"""The two HMAC keys replicas must agree on: pseudonyms (conversation ids, state keys) and the
signature of the 👍/👎 buttons.

Each comes from its own setting, or else is derived from the user-hash salt (the answer log's
`STARTUPBOT_USER_HASH_SALT`, or the salt file in the data folder). Replicas that share the salt
therefore share the keys; a random per-process key (the old behaviour) would give one chat a
different conversation on every replica.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from pathlib import Path

from bot.shared_state.settings import SharedStateSettings


@dataclass(frozen=True)
class StateKeys:
    conversation: bytes
    callback: bytes

    @classmethod
    def from_settings(cls, state: SharedStateSettings, *, salt: bytes | None = None,
                      data_dir: Path | None = None) -> StateKeys:
        if salt is None and (state.conversation_key is None or state.callback_key is None):
            from bot.answer_log.privacy import SALT_FILE_NAME, load_or_create_salt

            assert data_dir is not None, "a salt or the data folder is needed"
            salt = load_or_create_salt(Path(data_dir) / SALT_FILE_NAME)

        def key(setting, label: str) -> bytes:
            if setting is not None:
                return setting.get_secret_value().encode("utf-8")
            assert salt is not None
            return hmac.new(salt, label.encode(), hashlib.sha256).digest()

        return cls(key(state.conversation_key, "startupbot.conversation-key"),
                   key(state.callback_key, "startupbot.callback-key"))

    def pseudonym(self, kind: str, raw: object) -> str:
        """A stable key for a Telegram id that cannot be turned back into it."""
        digest = hmac.new(self.conversation, f"{kind}:{raw}".encode(), hashlib.sha256)
        return f"{kind[:3]}-{digest.hexdigest()[:32]}"

    def sign(self, text: str) -> str:
        """16 URL-safe characters (96 bits) of HMAC-SHA256 under the callback key."""
        digest = hmac.new(self.callback, text.encode(), hashlib.sha256).digest()[:12]
        return base64.urlsafe_b64encode(digest).decode("ascii")

    def verify(self, text: str, signature: str) -> bool:
        return hmac.compare_digest(self.sign(text), signature)
