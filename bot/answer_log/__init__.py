"""The answer log: every answer from every channel, its feedback, review and correction.

`AnswerLog.from_settings(settings)` is the entry point (see repository.py). Importing this
package imports SQLAlchemy but opens nothing.
"""

from bot.answer_log.privacy import SaltError
from bot.answer_log.repository import AnswerLog, AnswerLogError
from bot.answer_log.schemas import (
    AnswerFilter,
    AnswerPage,
    AnswerSummary,
    DailyStats,
    EventKind,
    GapQuestion,
    LoggedAnswer,
    ReviewEvent,
    ReviewStatus,
)

__all__ = [
    "AnswerFilter",
    "AnswerLog",
    "AnswerLogError",
    "AnswerPage",
    "AnswerSummary",
    "DailyStats",
    "EventKind",
    "GapQuestion",
    "LoggedAnswer",
    "ReviewEvent",
    "ReviewStatus",
    "SaltError",
]
