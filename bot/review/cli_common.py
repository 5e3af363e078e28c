"""What the `startupbot review` commands share: consoles, errors, the log, the list filters.

Imported when the command line is built: typer and rich only at module level.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

if TYPE_CHECKING:
    from bot.answer_log import AnswerFilter, AnswerLog
    from bot.review.corrections import Corrections

out = Console()
err = Console(stderr=True)

EDIT_CUT_LINE = "# ---- 이 줄 아래는 참고용이며 저장되지 않습니다 ----"


def fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[bold red]오류:[/] {message}", highlight=False)
    return typer.Exit(code)


def get_settings():
    from bot.app import AppError, current_app  # the composition root owns settings

    try:
        return current_app().settings
    except AppError as exc:
        raise fail(exc.message, exc.code) from None


def open_log() -> AnswerLog:
    """The answer log, opened and migrated now; expired rows are purged on opening."""
    from bot.answer_log import AnswerLog, AnswerLogError, SaltError

    log = AnswerLog.from_settings(get_settings())
    try:
        log.ping()
    except (AnswerLogError, SaltError) as exc:
        raise fail(str(exc), 2) from None
    return log


def build_corrections(log: AnswerLog) -> Corrections:
    from bot.app import current_app

    get_settings()
    return current_app().corrections(log)


# --- shared filter options ---------------------------------------------------------------
Down = Annotated[bool, typer.Option("--down", help="👎 받은 답변만.")]
Up = Annotated[bool, typer.Option("--up", help="👍 받은 답변만.")]
Refused = Annotated[bool, typer.Option("--refused", help="답변을 거절한 질문만 (자료 부족).")]
Fallback = Annotated[bool, typer.Option("--fallback", help="대체 답변만 (모델 실패 등).")]
Mode = Annotated[list[str] | None, typer.Option(
    "--mode", help="방식: generative | extractive | fallback | refused | detail_missing "
    "(자료에 없는 세부 정보, 여러 번 가능).")]
Unreviewed = Annotated[bool, typer.Option("--unreviewed", help="아직 검토하지 않은 답변만.")]
Status = Annotated[str | None, typer.Option(
    "--status", help="검토 상태: unreviewed | reviewed | corrected.")]
Since = Annotated[datetime | None, typer.Option(
    "--since", "--from", formats=["%Y-%m-%d"], help="이 날짜부터 (YYYY-MM-DD).")]
Until = Annotated[datetime | None, typer.Option(
    "--until", "--to", formats=["%Y-%m-%d"], help="이 날짜까지 (YYYY-MM-DD, 포함).")]
Search = Annotated[str | None, typer.Option(
    "--search", "-q", help="질문·답변·메모에 들어 있는 글자.")]
Channel = Annotated[str | None, typer.Option("--channel", help="telegram | cli")]


def build_filter(*, down: bool = False, up: bool = False, refused: bool = False,
                 fallback: bool = False, mode: list[str] | None = None,
                 unreviewed: bool = False, status: str | None = None,
                 since: datetime | None = None, until: datetime | None = None,
                 search: str | None = None, channel: str | None = None) -> AnswerFilter:
    from pydantic import ValidationError

    from bot.answer_log import AnswerFilter

    if down and up:
        raise fail("--down 과 --up 은 함께 쓸 수 없습니다.", 2)
    modes = list(mode or []) + (["refused"] if refused else []) + (
        ["fallback"] if fallback else [])
    if unreviewed:
        if status and status != "unreviewed":
            raise fail("--unreviewed 와 --status 가 서로 다릅니다.", 2)
        status = "unreviewed"
    try:
        return AnswerFilter(feedback=-1 if down else 1 if up else None, modes=modes,
                            status=status, channel=channel,
                            date_from=since.date() if since else None,
                            date_to=until.date() if until else None, text=search)
    except ValidationError as exc:
        bad = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise fail(f"필터 값이 올바르지 않습니다: {bad}", 2) from None


def when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


def one_line(text: str, limit: int) -> str:
    text = " ".join(shown(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# C0 controls but newline and tab, DEL, C1 controls (0x9b is a one-byte CSI), and the Unicode
# bidi overrides that make a terminal show text in another order than it is stored.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e"
                     "\u2066-\u2069]")


def shown(text: str | None) -> str:
    """Text from the log made safe for a maintainer's terminal: escape codes (ANSI colours,
    OSC 52 clipboard writes, OSC 8 links, screen clears) become visible `\x1b` text instead
    of acting on the terminal. Questions are written by anyone who can message the bot."""
    if not text:
        return text or ""
    return _UNSAFE.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                       else f"\\u{ord(m.group()):04x}", text)
