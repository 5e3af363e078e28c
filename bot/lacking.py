"""A requirement the founder says they lack decides the verdict: no (issue 11, round 12).

"투자는 아직 한 푼도 못 받았어요. 26년 투자연계형 창업패키지 넣을 수 있어요?" against "투자 실적이
있는 비수도권 기업을 대상으로 하며 …", "소프트웨어 회사예요, 제조업 아니고" against "제조 소기업과
중기업", "관련 경력은 하나도 없어요" against "1억원 이상의 투자 실적과 함께 일정한 경력 요건을
갖추어야 한다": the rule names what the founder says they do not have, so whatever else they meet
(an age, a turnover cap) the answer is no. The answerer read only the figures and said yes.

A lack of something the rule excludes ("사행성 업종은 아니에요" against "사행성 업종 등 일부
업종은 제외된다", "체납은 없어요") is no reason for a no and is left alone. Hand-written regular
expressions, like the other readers of told cases (bot/membership.py); Korean only.
"""

from __future__ import annotations

import re

from bot.kinds import asked_clause

# "<noun phrase>(은|는|이|가|도) (아직|전혀|하나도|…) 없어요 / 못 받았어요 / 안 나와요 / 아니고"
_LACKS = re.compile(
    r"((?:[가-힣A-Za-z]+\s){0,2}[가-힣A-Za-z]+?)"
    r"(?:은|는|이|가|도|을|를)?\s*"
    r"(?:(?:아직|전혀|하나도|한\s*푼도|한\s*번도|별로)\s*)*"
    r"(?:없(?:어|고|는데|습니다|음|다)|못\s*받|안\s*(?:나와|나오|나옴|돼|되)|아니(?:고|에요|예요|라)|"
    r"아닌데)")
# "투자한 게 없어요", "받은 적 없어요": the noun before the verb form
_VERB_NOUN = re.compile(r"^([가-힣]{2,}?)(?:한|된|받은|해\s*본|해본)\s*(?:게|거|것|적)$")
# words that name no requirement of their own
_EMPTY = frozenset({"요건", "조건", "기업", "회사", "것", "게", "거", "적", "저", "저희", "우리",
                    "제가", "관련", "아직", "그런", "이런", "자격", "기준", "해당"})
_PARTICLE = re.compile(r"(?:은|는|이|가|도|을|를|의)$")
# the rule sentence states a requirement (who may apply, what they must have)
_REQUIRES = re.compile(r"대상|요건|갖추어야|갖춰야|있는\s|받을\s*수\s*있는|이상|필요|해야")
# the rule leaves out what is named: lacking it is no fault
_EXCLUDES = re.compile(r"제외|없다|수\s*없|불가|안\s*된다|않는다|체납|넘게|초과")
_AFTER = 30  # characters after the named word, up to the clause's end, read for an exclusion


def _phrases(question: str) -> list[str]:
    asked = asked_clause(question)
    told = question[: len(question) - len(asked)] if asked != question else ""
    if not told:  # no told part split off: every sentence but the last one
        parts = re.split(r"(?<=[.?!])\s+", question.strip())
        told = " ".join(parts[:-1])
    return [m.group(1) for m in _LACKS.finditer(told)]


def lacked_words(question: str) -> list[str]:
    """The words naming what the founder says they lack, most specific first."""
    out: list[str] = []
    for phrase in _phrases(question):
        words = phrase.split()
        # only the words after a clause's end ("청주 법인인데 투자는 …": 투자)
        ends = [i for i, w in enumerate(words[:-1]) if re.search(r"(?:데|고|서|며|요|다|라)$", w)]
        if ends:
            words = words[ends[-1] + 1:]
        if words:
            verb = _VERB_NOUN.match(" ".join(words[-2:])) or _VERB_NOUN.match(words[-1])
            if verb:
                words = [*words[:-2], verb.group(1)] if len(words) > 1 else [verb.group(1)]
        for word in words:
            bare = _PARTICLE.sub("", word)
            if len(bare) >= 2 and bare not in _EMPTY and bare not in out:
                out.append(bare)
    return sorted(out, key=len, reverse=True)


def _named(sentence: str, word: str) -> int:
    """Where the sentence names the word (or its stem without 업: 제조업 -> 제조), else -1;
    spacing is ignored ("확인서를" in "소상공인 확인서를")."""
    low = sentence.lower()
    for form in (word, word[:-1] if word.endswith("업") and len(word) >= 3 else ""):
        if form:
            found = re.search(r"\s*".join(map(re.escape, form.lower())), low)
            if found:
                return found.start()
    return -1


def lacks_requirement(question: str, sentence: str) -> str | None:
    """The word of a requirement the rule states and the founder says they lack, or None."""
    if not _REQUIRES.search(sentence):
        return None
    for word in lacked_words(question):
        at = _named(sentence, word)
        if at < 0:
            continue
        clause = re.split(r",|(?<=며)\s|(?<=고)\s", sentence[at:at + _AFTER])[0]
        if _EXCLUDES.search(clause):
            continue  # "사행성 업종 등 일부 업종은 제외된다": not having it is no fault
        return word
    return None
