"""Korean labels of the review tools (CLI and web page), for maintainers."""

from __future__ import annotations

from bot.answer_log import EventKind, ReviewStatus
from bot.models import AnswerMode

MODE = {
    AnswerMode.GENERATIVE: "생성형",
    AnswerMode.EXTRACTIVE: "발췌형",
    AnswerMode.FALLBACK: "대체 답변",
    AnswerMode.REFUSED: "답변 거절",
    AnswerMode.DETAIL_MISSING: "자료에 없는 세부 정보",
}

STATUS = {
    ReviewStatus.UNREVIEWED: "검토 전",
    ReviewStatus.REVIEWED: "검토 완료",
    ReviewStatus.CORRECTED: "수정됨",
}

EVENT = {
    EventKind.FEEDBACK: "사용자 피드백",
    EventKind.MARKED: "검토 완료 표시",
    EventKind.NOTE: "메모",
    EventKind.CORRECTED: "답변 수정",
    EventKind.UNCORRECTED: "수정 취소",
}

CHANNEL = {"telegram": "텔레그램", "cli": "CLI"}


def feedback(value: int | None) -> str:
    return {1: "👍", -1: "👎"}.get(value or 0, "")


def feedback_long(value: int | None) -> str:
    return {1: "👍 좋아요", -1: "👎 아쉬워요"}.get(value or 0, "없음")


def event_detail(kind: EventKind, detail: str | None) -> str:
    if kind is EventKind.FEEDBACK:
        return {"+1": "👍", "-1": "👎", "comment": "의견"}.get(detail or "", detail or "")
    return detail or ""
