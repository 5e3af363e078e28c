"""State that webhook replicas share: conversation turns, pending 👎 comments, rate-limit
windows and processed update ids.

`build_shared_state` picks the backend: Redis when `STARTUPBOT_REDIS_URL` is set, otherwise the
answer-log database (SQLite for one process, PostgreSQL for replicas). Nothing is opened until
first use. docs/deploy.md says which to choose and why.
"""

from bot.shared_state.base import Claim, FailFast, RateVerdict, SharedState, SharedStateError
from bot.shared_state.keys import StateKeys
from bot.shared_state.settings import SharedStateSettings

__all__ = ["Claim", "FailFast", "RateVerdict", "SharedState", "SharedStateError",
           "SharedStateSettings", "StateKeys", "build_shared_state"]


def build_shared_state(answer_log_url: str, state_settings: SharedStateSettings) -> SharedState:
    """The configured backend, failing fast for a few seconds after an error (FailFast)."""
    backend: SharedState
    if state_settings.redis_url is not None:
        from bot.shared_state.redis_state import RedisSharedState

        backend = RedisSharedState(state_settings.redis_url.get_secret_value())
    else:
        from bot.shared_state.sql import SqlSharedState

        backend = SqlSharedState(answer_log_url)
    return FailFast(backend)  # type: ignore[return-value]  # same methods, by delegation
