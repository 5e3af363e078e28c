"""Settings of alerts (`STARTUPBOT_ALERTS_*`): the bot layer's own group, read where it is used."""

from __future__ import annotations

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class AlertSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="STARTUPBOT_ALERTS_", env_file=".env",
                                      extra="ignore")

    enabled: bool = Field(True, description="Run the sender and the scheduled reminders in serve.")
    require_release: bool = Field(
        False, description="New-call alerts wait for a staff release (/alerts, review page).")
    reminder_days: list[int] = Field(default_factory=lambda: [7, 1],
                                     description="D-N reminders before a deadline.")
    send_hour: int = Field(9, ge=0, le=23, description="Civil hour (Asia/Seoul) for reminders "
                                                       "and the digest.")
    digest_weekday: str = Field("mon", description="Weekday of the weekly digest.")
    max_per_second: float = Field(30.0, gt=0, le=30.0,
                                  description="All chats together (Telegram: about 30/s).")
    per_chat_seconds: float = Field(1.0, ge=1.0, description="Between two messages to one chat.")
    group_per_minute: int = Field(20, ge=1, le=20, description="Messages a minute to one group.")
    safety_margin: float = Field(0.03, ge=0, le=0.5,
                                 description="Pace this much below the limits (clock jitter).")
    tick_seconds: float = Field(2.0, gt=0, description="How often the sender looks at the outbox.")
    batch: int = Field(1000, ge=1, le=5000, description="Outbox rows claimed at a time.")
    lease_seconds: float = Field(30.0, gt=1, description="A sender's hold on the outbox.")
    click_links: bool = Field(True, description="Count clicks on card links through /r/… on the "
                                                "webhook host (webhook mode only).")

    @field_validator("reminder_days")
    @classmethod
    def _days(cls, value: list[int]) -> list[int]:
        if any(d < 0 or d > 60 for d in value):
            raise ValueError("reminder days must be between 0 and 60")
        return sorted(set(value), reverse=True)

    @field_validator("digest_weekday")
    @classmethod
    def _weekday(cls, value: str) -> str:
        value = value.strip().lower()[:3]
        if value not in WEEKDAYS:
            raise ValueError(f"digest weekday must be one of {', '.join(WEEKDAYS)}")
        return value

    @property
    def digest_weekday_index(self) -> int:
        return WEEKDAYS.index(self.digest_weekday)


def load_alert_settings() -> AlertSettings:
    from knowledge.settings import load

    return load(AlertSettings)
