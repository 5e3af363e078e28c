"""Exports of the answer log: one row per answer, as CSV or JSON Lines."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from enum import StrEnum
from typing import TextIO

from bot.answer_log import LoggedAnswer


class ExportFormat(StrEnum):
    CSV = "csv"
    JSONL = "jsonl"


CSV_COLUMNS = [
    "id", "created_at", "day", "channel", "user_hash", "chat_hash", "question", "query",
    "answer", "mode", "language", "model", "prompt_version", "sources", "retrieval_ms",
    "generation_ms", "total_ms", "prompt_tokens", "completion_tokens", "total_tokens",
    "feedback", "feedback_comment", "review_status", "reviewer_note", "corrected_answer",
]


# A cell starting with one of these is a formula in Excel, LibreOffice and Google Sheets
# (`=HYPERLINK(...)`, `+cmd|...`, `@SUM(...)`, and tab/CR variants); OWASP's advice is to prefix
# such a cell with a single quote, which the spreadsheet shows as text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def sheet_safe(value: object) -> object:
    """A text cell that a spreadsheet shows as text, never runs as a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_row(item: LoggedAnswer) -> dict[str, object]:
    data = item.model_dump(mode="json")
    row = {column: data.get(column) for column in CSV_COLUMNS}
    # One cell, still machine-readable: a JSON list of {number, title, section, url, ...}.
    row["sources"] = json.dumps(data["sources"], ensure_ascii=False)
    return {k: "" if v is None else sheet_safe(v) for k, v in row.items()}


def write_export(items: Iterable[LoggedAnswer], out: TextIO, fmt: ExportFormat) -> int:
    """Write every item to `out`; returns how many rows were written."""
    count = 0
    if fmt is ExportFormat.CSV:
        writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        for item in items:
            writer.writerow(csv_row(item))
            count += 1
    else:
        for item in items:
            out.write(json.dumps(item.model_dump(mode="json"), ensure_ascii=False) + "\n")
            count += 1
    return count
