"""Every text the bot says or sends to a model, in one place (Korean first, English second).

`PROMPT_VERSION` is stored with each answer, so a change of wording can be traced in the log.
"""

from __future__ import annotations

PROMPT_VERSION = "2026-11-24.1"

EXTRACTIVE_LEAD = {
    "ko": "",
    "en": "From the documents (quoted in Korean):",
}

CHECK_CURRENT_CALL = {
    "ko": "※ 지원 금액·일정은 해마다 공고로 바뀝니다. 신청 전에 K-Startup(www.k-startup.go.kr)과 "
          "운영기관의 올해 공고를 꼭 확인하세요.",
    "en": "Note: amounts and schedules change with every year's call. Check the current call on "
          "K-Startup (www.k-startup.go.kr) and with the operating agency before applying.",
}

REFUSAL = {
    "ko": "죄송합니다. 제가 가진 자료에서는 이 질문에 대한 답을 찾지 못했습니다. "
          "추측으로 답하지 않겠습니다. {contact}에 문의해 보세요.",
    "en": "Sorry, the documents I have do not answer this question, and I will not guess. "
          "Please ask {contact}.",
}

FACTS_AS_OF = {"ko": "자료 기준", "en": "figures as of"}

EMPTY_QUESTION = {
    "ko": "질문이 비어 있습니다. 궁금한 점을 문장으로 적어 주세요. "
          "예: \"예비창업패키지 지원 금액은?\"",
    "en": "The question is empty. Please type your question, e.g. \"How much does TIPS provide?\"",
}

QUESTION_TOO_LONG = {
    "ko": "질문이 너무 깁니다({length}자). {limit}자 이내로 핵심만 적어 주세요.",
    "en": "The question is too long ({length} characters). Please keep it under {limit}.",
}

INDEX_BOOTSTRAPPED = (
    "색인이 비어 있어 기본 문서({count}개 파일, {chunks}개 조각)를 먼저 수집했습니다."
)
