"""Settings of the state that webhook replicas share (STARTUPBOT_ prefix, read from env/.env).

Kept here, next to the code that uses them, instead of growing `knowledge/settings.py`.
"""

from __future__ import annotations

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class SharedStateSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="STARTUPBOT_", env_file=".env",
                                      env_file_encoding="utf-8", extra="ignore",
                                      populate_by_name=True)

    redis_url: SecretStr | None = Field(
        None, description="redis://host:port/db; when set, replicas share their state in Redis "
        "instead of the answer-log database.")
    conversation_key: SecretStr | None = Field(
        None, description="HMAC key of conversation ids and state keys (>= 16 characters); "
        "default: derived from the user-hash salt, so replicas sharing the salt agree.")
    callback_key: SecretStr | None = Field(
        None, description="HMAC key that signs the 👍/👎 buttons; default: derived from the "
        "user-hash salt.")
    conversation_ttl_hours: float = Field(
        24.0, gt=0, le=24 * 90, description="A conversation's turns are forgotten this long "
        "after its last turn.")
    telegram_update_timeout: float = Field(
        25.0, gt=0, le=55, description="Seconds one webhook update may take before the webhook "
        "answers 200 anyway (Telegram gives up on a webhook after about 60 s).")
    processed_update_ttl_hours: float = Field(
        48.0, gt=0, le=24 * 30, description="How long processed update ids are remembered "
        "(Telegram redelivers for at most 24 h).")

    @field_validator("conversation_key", "callback_key")
    @classmethod
    def _long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < 16:
            raise ValueError("at least 16 characters (use e.g. `openssl rand -hex 32`)")
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_scheme(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            url = value.get_secret_value().strip()
            if not url:
                return None
            if not url.startswith(("redis://", "rediss://", "unix://")):
                raise ValueError("must start with redis://, rediss:// or unix://")
        return value

    @property
    def update_lease_seconds(self) -> float:
        """How long a replica owns an update it is processing: the time bound plus margin.
        A replica that dies while holding one lets another take it over after this."""
        return self.telegram_update_timeout + 5.0
