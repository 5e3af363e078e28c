"""Settings of the review web page that only the page uses (its own group, read at start-up).

The token, address, port, page size and session length stay in `knowledge/settings.py` where
they were; these are the HTTPS and sign-in limits added with issue 13.
"""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ReviewWebSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="STARTUPBOT_", env_file=".env",
                                      env_file_encoding="utf-8", extra="ignore")

    review_secure_cookie: bool = Field(
        False, description="Mark the session cookie Secure (set it when the page is served over "
        "HTTPS, e.g. behind a reverse proxy); browsers then never send it over plain HTTP.")
    review_sign_in_failures: int = Field(
        5, ge=1, le=1000, description="Wrong tokens per client within the window before sign-in "
        "is refused for the rest of it (all clients together: ten times as many).")
    review_sign_in_window: float = Field(300.0, gt=0, le=86400, description="Seconds.")


def load_review_web_settings() -> ReviewWebSettings:
    """The settings from the environment; `SettingsError` (a `ValueError`) with one line per
    bad variable."""
    from knowledge.settings import load

    return load(ReviewWebSettings)
