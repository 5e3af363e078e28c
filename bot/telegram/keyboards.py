"""Inline buttons and their callback data (Telegram allows 1-64 bytes of data per button).

Formats: ``fb:<answer_id>:<+|->:<signature>`` (feedback on a logged answer; the signature is
16 URL-safe characters of an HMAC over the answer id and the chat, BotServices.feedback_signature,
so a button cannot be forged for someone else's answer) and ``ex:<n>`` (the n-th example question
of /start). Buttons sent before signing (``fb:<answer_id>:+``) still parse, without a signature.
Both stay far below 64 bytes.
"""

from __future__ import annotations

import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import prompts

FEEDBACK_PATTERN = re.compile(r"^fb:(\d{1,19}):([+-])(?::([A-Za-z0-9_-]{16}))?$")
EXAMPLE_PATTERN = re.compile(r"^ex:(\d{1,2})$")
MAX_CALLBACK_BYTES = 64


def feedback_data(answer_id: int, rating: int, signature: str | None = None) -> str:
    data = f"fb:{answer_id}:{'+' if rating > 0 else '-'}"
    if signature:
        data += f":{signature}"
    assert len(data.encode()) <= MAX_CALLBACK_BYTES
    return data


def parse_signed_feedback(data: str | None) -> tuple[int, int, str | None] | None:
    """(answer_id, +1 | -1, signature or None), or None for data that is not ours."""
    match = FEEDBACK_PATTERN.match(data or "")
    if not match:
        return None
    return int(match.group(1)), 1 if match.group(2) == "+" else -1, match.group(3)


def parse_feedback(data: str | None) -> tuple[int, int] | None:
    """(answer_id, +1 | -1), or None for data that is not ours."""
    parsed = parse_signed_feedback(data)
    return None if parsed is None else parsed[:2]


def feedback_keyboard(answer_id: int, chosen: int | None = None, *,
                      signature: str | None = None) -> InlineKeyboardMarkup:
    """👍 / 👎 under an answer; the chosen one carries a check mark."""
    buttons = []
    for rating, label in ((1, prompts.TG_FEEDBACK_UP), (-1, prompts.TG_FEEDBACK_DOWN)):
        mark = prompts.TG_FEEDBACK_CHOSEN if chosen == rating else ""
        buttons.append(InlineKeyboardButton(
            label + mark, callback_data=feedback_data(answer_id, rating, signature)))
    return InlineKeyboardMarkup([buttons])


def example_questions(language: str) -> list[str]:
    return prompts.TG_EXAMPLE_QUESTIONS.get(language) or prompts.TG_EXAMPLE_QUESTIONS["ko"]


def examples_keyboard(language: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(q, callback_data=f"ex:{i}")]
                                 for i, q in enumerate(example_questions(language))])


def parse_example(data: str | None) -> int | None:
    match = EXAMPLE_PATTERN.match(data or "")
    return int(match.group(1)) if match else None
