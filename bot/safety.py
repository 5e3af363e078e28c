"""Injected instructions and credential/contact requests must not reach founders.

A document can carry text that is not information but an instruction: to the model ("이전
지시를 무시하고 …", "ignore previous instructions"), or to the reader ("계좌 비밀번호를 담당자
텔레그램 @xyz 로 보내세요", "수수료를 먼저 입금하세요"). The prompt already says that source text
is data, but a model may still repeat it with a valid [1], and the extractive answerer would
quote it as the best sentence. Both are checked here:

- `unsafe_sentences(text, question)`: the sentences of `text` that hold such a request;
  the engine refuses a generated reply with any (the extractive answer is given instead), and
  stops showing streamed previews once one appears.
- `safe_preview(text, question)`: how much of a reply being streamed may be shown.
- `allowed_sentence(sentence, question)`: the extractive answerer's filter; it skips them.

A category the founder's own question raises is allowed ("K-Startup 비밀번호를 잊었어요" may be
answered about passwords): what is refused is a request that comes from the sources, not from
the question. Hand-written patterns (Korean and English): no library knows this domain's wording,
and a small, readable list is easy to extend when the review log shows a new case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SENTENCE_END = re.compile(r"(?<=[.!?。])\s+|\n+")

# Secrets a founder should never send to anyone.
_CREDENTIAL = re.compile(
    r"(비밀\s*번호|패스\s*워드|password|passcode|\bPIN\b|핀\s*번호|OTP|일회용\s*비밀번호|"
    r"인증\s*번호|보안\s*카드|보안\s*코드|\bCVC\b|\bCVV\b|카드\s*번호|계좌\s*번호|"
    r"주민\s*(등록)?\s*번호|신분증\s*(사본|사진)|로그인\s*정보|아이디\s*(와|및|,)\s*비밀번호|"
    r"API\s*(key|키)|액세스\s*토큰|access\s*token|seed\s*phrase|시드\s*(구문|문구)|"
    r"개인\s*키|private\s*key|공동\s*인증서\s*(파일|비밀번호))", re.I)
# ... and the verbs that ask for them.
_HAND_OVER = re.compile(
    r"(보내|알려|입력|전송|제출|회신|공유|적어|남겨|말해|전달|확인\s*받|"
    r"\bsend|\bshare|\bprovide|\benter|\btell|\bgive|\breply|\bforward|\bemail|\bDM\b|\btext\b)",
    re.I)
# Private channels a request sends the founder to (public phone numbers, e-mail addresses and
# websites of the programmes are normal content and are not flagged).
_PRIVATE_CHANNEL = re.compile(
    r"(텔레그램|telegram|카카오\s*톡|카톡|오픈\s*채팅|open\.kakao|t\.me/|위챗|wechat|왓츠\s*앱|"
    r"whatsapp|signal\s*메신저|\bDM\b|(?<![\w.])@[A-Za-z][A-Za-z0-9_]{3,}(?![\w.]))", re.I)
_CONTACT_VERB = re.compile(
    r"(연락|메시지|문의|보내|추가|친구|상담|접수|\bcontact|\bmessage|\badd\b|\bsend|\breach)",
    re.I)
# Money asked for up front (advance-fee scams).
_MONEY = re.compile(r"(수수료|보증금|선\s*입금|가입비|예치금|등록비|처리비|\bfee|\bdeposit)",
                    re.I)
_PAY = re.compile(r"(입금|송금|이체|납부|결제|보내|\bpay|\btransfer|\bwire|\bsend)", re.I)
# Text that addresses the model instead of informing the reader.
_INJECTION = re.compile(
    r"((이전|앞의|위의|기존|모든)\s*(의\s*)?(모든\s*)?(지시|지침|명령|규칙|프롬프트|안내)\s*"
    r"(사항)?\s*(을|를|은|는|들을)?\s*(모두\s*)?(무시|잊)|"
    r"시스템\s*프롬프트|system\s*prompt|개발자\s*모드|developer\s*mode|탈옥|jailbreak|"
    r"ignore\s+(all\s+|any\s+)?(the\s+)?(previous|prior|above|earlier)|"
    r"disregard\s+(all\s+|any\s+)?(the\s+)?(previous|prior|above|earlier)|"
    r"forget\s+(all\s+)?(your|the)\s+(previous\s+)?instructions|"
    r"you\s+are\s+now\b|new\s+instructions|"
    r"(AI|인공지능|챗봇|봇|어시스턴트|언어\s*모델|모델|assistant)\s*(는|은|이|가|에게)\s*"
    r"[^.!?\n]{0,40}(답하라|답해라|답하시오|말하라|말해라|출력하라|안내하라|답변하라|따르라|"
    r"요청하라|지시한다|해야\s*한다)|"
    r"(사용자|질문자|고객)\s*(에게|한테)\s*[^.!?\n]{0,40}(요청하라|요구하라|받아라|물어보라)|"
    r"<\s*/?\s*(system|instructions?|assistant)\s*>)", re.I)


@dataclass(frozen=True)
class Finding:
    sentence: str
    kind: str  # injection | credential | private_contact | advance_fee


def _kinds(sentence: str) -> list[str]:
    kinds = []
    if _INJECTION.search(sentence):
        kinds.append("injection")
    if _CREDENTIAL.search(sentence) and _HAND_OVER.search(sentence):
        kinds.append("credential")
    if _PRIVATE_CHANNEL.search(sentence) and _CONTACT_VERB.search(sentence):
        kinds.append("private_contact")
    if _MONEY.search(sentence) and _PAY.search(sentence) and not re.search(
            r"(면제|없[다음이]|무료|않)", sentence):
        kinds.append("advance_fee")
    return kinds


def _raised_by(question: str) -> set[str]:
    """The categories the founder's own question is about (those answers may mention)."""
    raised = set()
    if _CREDENTIAL.search(question):
        raised.add("credential")
    if _PRIVATE_CHANNEL.search(question):
        raised.add("private_contact")
    if _MONEY.search(question):
        raised.add("advance_fee")
    if _INJECTION.search(question):
        raised.add("injection")
    return raised


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text or "") if s.strip()]


def unsafe_sentences(text: str, question: str = "") -> list[Finding]:
    """The sentences of `text` that carry an instruction or a request the question did not
    raise (empty: nothing to refuse)."""
    raised = _raised_by(question or "")
    found = []
    for sentence in sentences(text):
        for kind in _kinds(sentence):
            if kind not in raised:
                found.append(Finding(sentence, kind))
                break
    return found


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


def safe_preview(text: str, question: str = "") -> str:
    """What of a reply still being streamed may be shown: "" once a finished sentence is
    unsafe. Korean puts the verb last ("… 비밀번호를 … 으로 보내세요"), so a sentence in progress
    that already holds a secret, a private channel, money or an address is held back until it
    ends and can be judged."""
    if unsafe_sentences(text, question):
        return ""
    cut = max(text.rfind(". "), text.rfind("? "), text.rfind("! "), text.rfind("\n"))
    tail = text[cut + 1:] if cut >= 0 else text
    raised = _raised_by(question or "")
    risky = [pattern for kind, pattern in (("credential", _CREDENTIAL),
                                           ("private_contact", _PRIVATE_CHANNEL),
                                           ("advance_fee", _MONEY)) if kind not in raised]
    if _EMAIL.search(tail) or any(p.search(tail) for p in risky) or (
            "injection" not in raised and _INJECTION.search(tail)):
        return text[: cut + 1].rstrip() if cut >= 0 else ""
    return text


def allowed_sentence(sentence: str, question: str = "") -> bool:
    """May the extractive answerer quote `sentence` for `question`?"""
    raised = _raised_by(question or "")
    return all(kind in raised for kind in _kinds(sentence))
