"""Check a new wholly held-out answer-eval set before it is handed over (issue 11, round 10).

    python3 scripts/check_heldout_set.py FILE TAG DOC1 ... DOC7

Checks the planned mix and outcomes, ids (TAG + kind prefix + two digits, clashing with no other
file), that only the seven given documents are cited, follow-up length, that every key-fact group
has a verbatim alternative in its documents and that no question repeats an earlier file. Writers
run it without running the answerer (it reads only the question files and the documents);
`tests/test_answer_eval_questions.py` checks the same once the file is wired as a part.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "knowledge" / "documents"
EVAL = ROOT / "benchmarks" / "answer_eval"
MIX = {"near_miss": 24, "eligibility": 18, "year": 12, "typo": 12, "english": 16,
       "conversation": 10, "refusal": 8}
PREFIX = {"near_miss": "nm", "eligibility": "el", "year": "yr", "typo": "ty", "english": "en",
          "conversation": "cv", "refusal": "oo"}
OUTCOMES = {
    "near_miss": {"detail_missing": 24},
    "eligibility": {"verdict_yes": 9, "verdict_no": 9},
    "year": {"answer": 8, "detail_missing": 4},
    "typo": {"answer": 12},
    "english": {"answer": 8, "verdict_yes": 2, "verdict_no": 2, "detail_missing": 2, "refuse": 2},
    "conversation": {"answer": 28, "detail_missing": 2},
    "refusal": {"refuse": 8},
}
ANSWERABLE = {"answer", "verdict_yes", "verdict_no"}
FOLLOW_UP = 25  # characters


def norm(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


def turns_of(item: dict) -> list[dict]:
    return item.get("turns") or [item]


def earlier(path: Path) -> tuple[set[str], set[str]]:
    """Ids and (normalised) question texts of every other question file."""
    ids, questions = set(), set()
    for other in EVAL.glob("questions*.jsonl"):
        if other.resolve() == path.resolve():
            continue
        for line in other.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                ids.add(row["id"])
                questions |= {norm(t["question"]) for t in turns_of(row) if "question" in t}
    return ids, questions


def check_turn(where: str, turn: dict, mine: set[str], texts: dict[str, str]) -> list[str]:
    problems = []
    expected = turn.get("expected")
    facts = [[g] if isinstance(g, str) else g for g in turn.get("key_facts") or []]
    docs = turn.get("source_docs") or []
    if not (turn.get("question") or "").strip():
        problems.append(f"{where}: empty question")
    if not set(docs) <= mine:
        problems.append(f"{where}: cites documents outside the seven: {set(docs) - mine}")
    if expected in ANSWERABLE and not (facts and docs):
        problems.append(f"{where}: {expected} needs key_facts and source_docs")
    if expected == "detail_missing" and not docs:
        problems.append(f"{where}: detail_missing needs source_docs")
    if expected == "refuse" and (facts or docs):
        problems.append(f"{where}: refuse takes no key_facts or source_docs")
    for group in facts:
        if not group or not all(isinstance(s, str) and s.strip() for s in group):
            problems.append(f"{where}: an empty key-fact group or string")
        elif not any(norm(s) in texts.get(d, "") for s in group for d in docs):
            problems.append(f"{where}: no alternative of {group} is word for word in {docs}")
    return problems


def check(path: Path, tag: str, mine: set[str]) -> list[str]:
    problems = [] if len(mine) == 7 else [f"give seven documents, not {len(mine)}"]
    problems += [f"no such document {d}" for d in sorted(mine) if not (DOCS / d).is_file()]
    texts = {p.name: norm(p.read_text(encoding="utf-8")) for p in DOCS.glob("*.md")}
    old_ids, old_questions = earlier(path)
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
             if line.strip()]
    kinds = Counter(item.get("kind") for item in items)
    if dict(kinds) != MIX:
        problems.append(f"mix {dict(kinds)} is not {MIX}")
    problems += [f"id {i} appears {n} times" for i, n in
                 Counter(item.get("id") for item in items).items() if n > 1]
    outcomes: dict[str, Counter] = {kind: Counter() for kind in MIX}
    asked: Counter = Counter()
    for item in items:
        iid, kind = item.get("id", "?"), item.get("kind")
        if kind not in MIX:
            problems.append(f"{iid}: unknown kind {kind}")
            continue
        if not re.fullmatch(rf"{tag}{PREFIX[kind]}\d{{2}}", iid):
            problems.append(f"{iid}: the id is not {tag}{PREFIX[kind]} + two digits")
        if iid in old_ids:
            problems.append(f"{iid}: the id clashes with an earlier file")
        turns = turns_of(item)
        if (kind == "conversation") != ("turns" in item) or len(turns) != (
                3 if kind == "conversation" else 1):
            problems.append(f"{iid}: conversations have three turns, the rest one question")
        if kind == "conversation":
            problems += [f"{iid}: follow-up longer than {FOLLOW_UP} characters: {t['question']}"
                         for t in turns[1:] if len(t.get("question", "")) > FOLLOW_UP]
        for number, turn in enumerate(turns, 1):
            where = f"{iid} turn {number}"
            outcomes[kind][turn.get("expected")] += 1
            asked[norm(turn.get("question") or "")] += 1
            if norm(turn.get("question") or "") in old_questions:
                problems.append(f"{where}: the question equals an earlier file's")
            problems += check_turn(where, turn, mine, texts)
    problems += [f"a question appears {n} times: {q}" for q, n in asked.items() if n > 1 and q]
    for kind, want in OUTCOMES.items():
        if dict(outcomes[kind]) != want:
            problems.append(f"{kind} outcomes {dict(outcomes[kind])} are not {want}")
    ends = sum(turns_of(item)[-1].get("expected") == "detail_missing" for item in items
               if item.get("kind") == "conversation")
    if ends != 2:
        problems.append(f"{ends} conversations end in detail_missing, not 2")
    return problems


def main(argv: list[str]) -> int:
    if len(argv) < 3:
        print(__doc__)
        return 2
    path, tag, mine = Path(argv[0]), argv[1], set(argv[2:])
    problems = check(path, tag, mine)
    print("\n".join(problems) if problems else f"OK: {path.name}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
