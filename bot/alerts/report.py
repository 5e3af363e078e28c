"""Alert numbers for staff (`review stats`, the stats page): subscriptions by profile, and what
happened to the alerts — sent (Telegram accepted them), blocked, 🔕, link clicks."""

from __future__ import annotations

from typing import Any

from bot.alerts.fields import FIELDS
from bot.alerts.models import AlertStats

STAGE_KO = {"pre": "예비", "early": "3년 이내", "growth": "3~7년", "mature": "7년 초과",
            "any": "상관없음"}
AGE_KO = {"u30": "29세 이하", "30s": "30대", "40s": "40대", "50p": "50세 이상", "any": "상관없음"}
REGION_KO = {"chungbuk": "충북만", "both": "충북+전국"}
CLICKS_NOTE = ("클릭 수는 웹훅 모드에서만 셉니다 (카드 링크가 봇의 웹훅 주소 /r/… 를 거쳐 공고로 "
               "갑니다). 폴링 모드에서는 링크가 공고로 바로 가므로 세지 않습니다.")


def summary(stats: AlertStats) -> dict[str, Any]:
    """The numbers with their rates (of alerts sent, of subscriptions)."""
    attempted = sum(stats.by_status.get(k, 0) for k in ("sent", "blocked", "failed",
                                                        "uncertain"))
    chats = stats.subscriptions_active + stats.subscriptions_ended
    return {
        "subscriptions": {"active": stats.subscriptions_active, "ended": stats.subscriptions_ended,
                          "by_stage": {STAGE_KO.get(k, k): v for k, v in stats.by_stage.items()},
                          "by_age": {AGE_KO.get(k, k): v for k, v in stats.by_age.items()},
                          "by_region": {REGION_KO.get(k, k): v
                                        for k, v in stats.by_region.items()},
                          "by_field": {k if k in FIELDS else "상관없음": v
                                       for k, v in stats.by_field.items()}},
        "alerts": {"attempted": attempted, "sent": stats.sent,
                   "blocked": stats.by_status.get("blocked", 0),
                   "failed": stats.by_status.get("failed", 0),
                   "uncertain": stats.by_status.get("uncertain", 0),
                   "pending": stats.by_status.get("pending", 0)
                   + stats.by_status.get("claimed", 0),
                   "held": stats.by_status.get("held", 0),
                   "dropped": stats.by_status.get("dropped", 0),
                   "by_kind": stats.by_kind, "held_broadcasts": stats.held_broadcasts},
        "rates": {"delivered": _rate(stats.sent, attempted),
                  "blocked": _rate(stats.by_status.get("blocked", 0), attempted),
                  "muted_chats": _rate(stats.muted, chats),
                  "clicked": _rate(stats.clicked_alerts, stats.sent)},
        "muted_chats": stats.muted, "blocked_chats": stats.blocked,
        "clicks": stats.clicks, "clicked_alerts": stats.clicked_alerts,
        "clicks_note": CLICKS_NOTE,
    }


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"
