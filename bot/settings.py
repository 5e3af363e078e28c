"""The bot's settings: the knowledge layer's (`knowledge/settings.py`) plus answering,
generation, Telegram, the answer log and the review page. One class, read once from the
environment / `.env` and validated at start-up; our own settings use the ``STARTUPBOT_``
prefix, the standard variables of the services we talk to keep their usual names
(``OPENAI_API_KEY``, ``TELEGRAM_BOT_TOKEN``, ...). `.env.example` documents every field.

Settings of parts that have their own module live there (`bot/shared_state/settings.py`,
`bot/review/settings.py`, `bot/model_limits.py`, `knowledge/catalogue/settings.py`).
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import NoDecode

from knowledge.settings import KnowledgeSettings, SettingsError, load

__all__ = ["Settings", "SettingsError", "TelegramMode", "load_settings"]


class TelegramMode(StrEnum):
    POLLING = "polling"
    WEBHOOK = "webhook"


def _env(name: str, *more: str) -> AliasChoices:
    return AliasChoices(name, *more)


class Settings(KnowledgeSettings):
    """Everything the bot reads: the knowledge layer's settings and the bot's own."""

    # --- answering -----------------------------------------------------------------------
    min_term_coverage: float = Field(
        0.5, ge=0.0, le=1.0, description="Share of the question's key terms the sources must hold."
    )
    min_dense_score: float = Field(
        0.80, ge=0.0, le=1.0, description="Cosine similarity below which dense evidence is weak."
    )
    max_answer_sentences: int = Field(3, ge=1, le=10)
    answer_judge: bool = Field(
        True, description="Let the trained answer judge (bot/answer_judge.json) turn an answer "
        "unlikely to answer what was asked into 'detail missing'.")
    max_question_chars: int = Field(1000, ge=50, le=10000)
    human_contact: str = Field(
        "충북창조경제혁신센터 또는 중소기업 통합콜센터(국번 없이 1357)",
        description="Who to ask when the documents do not answer.",
    )

    # --- generation (OpenAI-compatible) --------------------------------------------------
    chat_model: str = "gpt-4o-mini"
    temperature: float = Field(0.1, ge=0.0, le=2.0)
    max_output_tokens: int = Field(600, ge=16, le=16000)
    history_turns: int = Field(4, ge=0, le=20)
    max_conversations: int = Field(
        1000, ge=1, le=1_000_000, description="Conversations kept in memory (least recent dropped)."
    )

    # --- Telegram ------------------------------------------------------------------------
    telegram_bot_token: SecretStr | None = Field(None, validation_alias=_env("TELEGRAM_BOT_TOKEN"))
    telegram_api_base_url: str = Field(
        "https://api.telegram.org/bot", validation_alias=_env("TELEGRAM_API_BASE_URL")
    )
    telegram_mode: TelegramMode = Field(
        TelegramMode.POLLING, description="How updates arrive: long polling or a webhook."
    )
    telegram_webhook_url: str | None = Field(
        None, description="Public HTTPS URL Telegram posts updates to (webhook mode)."
    )
    telegram_webhook_secret: SecretStr | None = Field(
        None, description="Secret Telegram sends in X-Telegram-Bot-Api-Secret-Token."
    )
    telegram_webhook_listen: str = Field("127.0.0.1", description="Webhook server address.")
    telegram_webhook_port: int = Field(8443, ge=1, le=65535)
    telegram_rate_limit_count: int = Field(6, ge=1, le=1000, description="Questions per window.")
    telegram_rate_limit_window: float = Field(60.0, gt=0, le=86400, description="Seconds.")
    telegram_staff_ids: Annotated[list[int], NoDecode] = Field(
        default_factory=list, description="Telegram user ids allowed /stats and /reingest."
    )
    telegram_max_question_chars: int = Field(1000, ge=10, le=4096)
    telegram_comment_window_minutes: float = Field(10.0, gt=0, le=1440)
    telegram_stream_edit_interval: float = Field(
        1.2, ge=0.1, le=10, description="Seconds between edits of a streamed answer (per chat)."
    )
    telegram_concurrent_updates: int = Field(32, ge=1, le=1024)

    @field_validator("telegram_staff_ids", mode="before")
    @classmethod
    def _staff_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]
        if isinstance(value, int):
            return [value]
        return value

    @field_validator("telegram_webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}",
                                                  value.get_secret_value()):
            raise ValueError("1-256 characters, only A-Z, a-z, 0-9, _ and - (Telegram's rule)")
        return value

    # --- answer log and review ------------------------------------------------------------
    user_hash_salt: SecretStr | None = Field(
        None, description="HMAC salt for user/chat ids; default: random, kept in data_dir."
    )
    log_retention_days: int = Field(0, ge=0, description="Delete logged answers older (0=never).")
    answer_log_timezone: str = Field("Asia/Seoul", description="Time zone of per-day stats.")
    review_token: SecretStr | None = Field(None, description="Sign-in token of the review page.")
    review_host: str = Field("127.0.0.1", description="Address the review page listens on.")
    review_port: int = Field(8765, ge=1, le=65535)
    review_page_size: int = Field(50, ge=5, le=500)
    review_session_hours: float = Field(12.0, gt=0, le=24 * 30)

    @field_validator("answer_log_timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (e.g. Asia/Seoul)") from None
        return value

    @property
    def generation_enabled(self) -> bool:
        """Generation is on when a key or a base URL is configured (issue: OpenAI-compatible)."""
        return bool(self.openai_api_key or self.openai_base_url)


def load_settings(**overrides: object) -> Settings:
    """Build the bot's settings, turning validation errors into one readable message."""
    return load(Settings, **overrides)
