"""Follow-up detection: does a question lean on the conversation for its subject?

"그럼 신청 기간은?" starts with a connective, but founders more often just ask "주관기관은
어디?" or "마감은 언제야?". A question is a follow-up when it starts with a connective, or when it
names no programme or organisation of its own (no proper noun, foreign word or domain name, see
`QueryAnalyzer.names_subject`) and is short or has at most one topic word. Only questions asked
inside a conversation with history are ever treated as follow-ups.
"""

from __future__ import annotations

import re

from bot.query import AnalysedQuery, QueryAnalyzer

LEAD = re.compile(
    r"^\s*(그렇다면|그러면|그럼|그건|그거는|그거|그것은|그것|거기는|거기|이건|이거는|이거|그리고|또"
    r"|and|so|then|what about|how about)(?=[\s,?!.]|$)[\s,]*",
    re.IGNORECASE,
)
SHORT_QUESTION = 25  # characters


def is_follow_up(query: AnalysedQuery, analyzer: QueryAnalyzer) -> bool:
    if LEAD.match(query.question):
        return True
    if analyzer.names_subject(query.key_terms):
        return False
    return len(query.subject_terms) <= 1 or len(query.question.strip()) <= SHORT_QUESTION
