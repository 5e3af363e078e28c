"""User-facing texts of subscriptions, alerts and /match (Korean first, English for English
users). No logic here; `texts(language)` picks the set."""

from __future__ import annotations

KO: dict[str, str] = {
    # alert cards
    "head_new": "🆕 <b>새 지원사업 공고</b> · {dday}",
    "head_deadline": "📅 <b>마감일이 바뀌었습니다</b> · {dday}",
    "head_reminder": "⏰ <b>마감 {days}일 전</b> · {dday}",
    "head_reminder_today": "⏰ <b>오늘 마감</b>",
    "head_digest": "🗓 <b>이번 주 지원사업</b> ({start} ~ {end})",
    "digest_opening": "<b>접수 시작</b>",
    "digest_closing": "<b>마감</b>",
    "digest_item": "• {title} — {when} ({dday})",
    "digest_more": "외 {n}건은 /programs 에서 볼 수 있습니다.",
    "field_agency": "기관",
    "field_target": "대상",
    "field_amount": "지원",
    "field_window": "접수",
    "why": "맞는 이유",
    "check": "확인 필요",
    "check_suffix": "공고문에서 확인 필요",
    "deadline_was": "이전 마감일: {old}",
    "button_link": "🔗 공고 보기",
    "button_mute": "🔕 알림 끄기",
    "footer": "알림 설정: /mysubs · 끄기: /unsubscribe",
    "reason_stage": "창업 단계",
    "reason_age": "나이",
    "reason_field": "관심 분야",
    "reason_region": "충북",
    "reason_keyword": "키워드 ‘{word}’",
    "muted": "🔕 알림을 껐습니다. 다시 받으려면 /subscribe 를 보내 주세요.",
    "mute_not_admin": "그룹의 알림은 그룹 관리자만 끌 수 있습니다.",
    "mute_nothing": "이 대화에는 켜진 알림이 없습니다.",
}
EN: dict[str, str] = {
    "head_new": "🆕 <b>New support call</b> · {dday}",
    "head_deadline": "📅 <b>The deadline changed</b> · {dday}",
    "head_reminder": "⏰ <b>{days} days to the deadline</b> · {dday}",
    "head_reminder_today": "⏰ <b>Closes today</b>",
    "head_digest": "🗓 <b>This week's calls</b> ({start} – {end})",
    "digest_opening": "<b>Opening</b>",
    "digest_closing": "<b>Closing</b>",
    "digest_item": "• {title} — {when} ({dday})",
    "digest_more": "{n} more in /programs.",
    "field_agency": "Agency",
    "field_target": "Who",
    "field_amount": "Support",
    "field_window": "Apply",
    "why": "Why it fits",
    "check": "Check",
    "check_suffix": "check the call",
    "deadline_was": "Previous deadline: {old}",
    "button_link": "🔗 Open the call",
    "button_mute": "🔕 Stop alerts",
    "footer": "Settings: /mysubs · stop: /unsubscribe",
    "reason_stage": "stage",
    "reason_age": "age",
    "reason_field": "field",
    "reason_region": "Chungbuk",
    "reason_keyword": "keyword ‘{word}’",
    "muted": "🔕 Alerts are off. Send /subscribe to turn them on again.",
    "mute_not_admin": "Only a group admin can turn off the group's alerts.",
    "mute_nothing": "This chat has no alerts on.",
}


def texts(language: str) -> dict[str, str]:
    return EN if language == "en" else KO
