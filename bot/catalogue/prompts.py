"""User-facing texts of the catalogue answers and the /programs browser (Korean first).

Kept next to the catalogue code rather than in bot/prompts.py so the catalogue can be merged
without touching the shared prompt file; the rules are the same (no logic here).
"""

from __future__ import annotations

LIST_HEAD = {
    "open": "지금 신청할 수 있는 {what} {count}건입니다 ({today} 기준, 마감이 가까운 순).",
    "month": "이번 달({month}월)에 마감하는 {what} {count}건입니다 "
    "({today} 기준, 마감이 가까운 순).",
    "week": "이번 주에 마감하는 {what} {count}건입니다 ({today} 기준).",
    "soon": "마감이 임박한(7일 이내) {what} {count}건입니다 ({today} 기준).",
    "upcoming": "곧 접수를 시작하는 {what} {count}건입니다 ({today} 기준).",
}
LIST_NONE = {
    "open": "{today} 기준으로 지금 신청할 수 있는 {what}을(를) 카탈로그에서 찾지 못했습니다.",
    "month": "{today} 기준으로 이번 달에 마감하는 {what}을(를) 카탈로그에서 찾지 못했습니다.",
    "week": "{today} 기준으로 이번 주에 마감하는 {what}을(를) 카탈로그에서 찾지 못했습니다.",
    "soon": "{today} 기준으로 7일 안에 마감하는 {what}을(를) 카탈로그에서 찾지 못했습니다.",
    "upcoming": "{today} 기준으로 곧 시작하는 {what}을(를) 카탈로그에서 찾지 못했습니다.",
}
WHAT_DEFAULT = "지원사업"
WHAT_STAGE = {
    "pre": "예비창업자 대상 지원사업",
    "early": "창업 3년 이내 기업 대상 지원사업",
    "growth": "창업 3~7년 기업 대상 지원사업",
    "mature": "창업 7년 초과 기업 대상 지원사업",
}
MORE = "외 {n}건 더 있습니다. /programs 에서 모두 볼 수 있습니다."
CHECK_CONDITIONS = "조건을 공고문에서 확인하세요"
ROLLING = "상시 접수"
NO_DEADLINE = "마감일 공고문 확인"
D_DAY = {0: "D-day"}
FILTER_NOTE = (
    "※ 카탈로그에 {what} 조건이 없는 공고 {n}건도 포함했습니다 (목록의 ※ 표시): "
    "조건을 공고문에서 확인하세요."
)
SYNC_NOTE = (
    "공고 목록은 K-Startup·기업마당에서 동기화한 것과 담당자가 올린 공고문입니다 "
    "(마지막 동기화 {synced}). "
    "신청 전에 공고문에서 최신 내용을 확인하세요."
)

CLOSED = "「{title}」은(는) {date}에 마감되었습니다 (현재 신청할 수 없습니다)."
CLOSED_NO_DATE = "「{title}」은(는) 모집이 마감되었습니다 (현재 신청할 수 없습니다)."
NEWER_OPEN = "같은 사업의 새 공고 「{title}」이(가) 지금 접수 중입니다: 마감 {end} ({dday})."
NEWER_UPCOMING = "같은 사업의 새 공고 「{title}」이(가) {start}에 접수를 시작합니다."
NO_NEWER = "카탈로그에 같은 사업의 새 공고는 아직 없습니다."
OPEN_ONE = "「{title}」은(는) 지금 신청할 수 있습니다: {window} ({dday})."
UPCOMING_ONE = "「{title}」은(는) 아직 접수 전입니다: {start}부터 신청할 수 있습니다."
UNKNOWN_ONE = "「{title}」의 신청 기간은 카탈로그에 없습니다 ({text}). 공고문에서 확인하세요."
VANISHED = "이 공고는 {date} 동기화 때 공고 목록에서 사라졌습니다. 공고문 링크에서 확인하세요."

# --- Telegram /programs -------------------------------------------------------------------
TG_MENU = ("<b>지원사업 찾아보기</b> ({today} 기준)\n"
           "지금 신청할 수 있는 공고 {open}건 · 곧 시작 {upcoming}건")
TG_EMPTY = (
    "아직 동기화된 지원사업 공고가 없습니다. 운영자가 <code>startupbot sync</code>를 실행하면 "
    "보입니다."
)
TG_SOON = "⏰ 마감 임박"
TG_NEW = "🆕 신규"
TG_UPCOMING = "🔜 곧 시작"
TG_BACK = "◀ 메뉴"
TG_PREV = "◀ 이전"
TG_NEXT = "다음 ▶"
TG_LIST_HEAD = {
    "soon": "⏰ 마감 임박 (지금 신청 가능, 마감 순)",
    "new": "🆕 새로 올라온 공고",
    "cat": "분류: {name}",
    "upcoming": "🔜 곧 접수 시작",
}
TG_LIST_EMPTY = "해당하는 공고가 없습니다."
TG_NOT_FOUND = "그 공고를 찾지 못했습니다 (삭제되었거나 아직 동기화되지 않았습니다)."
TG_CARD_FIELDS = {
    "agency": "기관",
    "target": "대상",
    "amount": "지원 규모",
    "window": "신청 기간",
    "status": "상태",
    "link": "공고문",
    "share": "공유 링크",
}
STATUS_LABELS = {
    "open": "접수 중",
    "upcoming": "접수 예정",
    "closed": "마감",
    "unknown": "기간 미상",
}
