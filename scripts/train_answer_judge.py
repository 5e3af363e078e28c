"""Train the answer judge (bot/answer_judge.py) on spent answer-eval parts.

    .venv/bin/pip install -e '.[train]'   # scikit-learn: only this script needs it
    .venv/bin/python scripts/train_answer_judge.py [--part NAME ...] [--out bot/answer_judge.json]

It indexes the shipped corpus in a throwaway folder (like `startupbot eval --answers`), asks
every turn of the named parts (default: every part in bot.answer_eval.PARTS, all of them spent)
with an untrained judge, and keeps the turns where the answerer quoted an answer. The label is
whether that answer should stand: it holds the key fact and gives no wrong verdict (a rule
quoted without a verdict stands); a turn whose expected outcome is "detail missing" or
"refuse" is a wrong answer.

It reports leave-one-part-out cross-validation (each part scored by a model that never saw
it), picks the threshold that gains the most on those held-out probabilities (a turn that
should say "detail missing" and is turned round: +1; a right answer turned round: -1) and
writes the model fitted on all parts. Held-out parts read after training are the real measure
(benchmarks/README.md); the cross-validation numbers are only a guide.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.answer_eval import EVAL_TODAY, PARTS, load_questions, run_items  # noqa: E402
from bot.answer_judge import WEIGHTS, AnswerJudge  # noqa: E402
from bot.engine import AnswerEngine  # noqa: E402
from bot.settings import Settings  # noqa: E402


class _Recording(AnswerEngine):
    """The engine, keeping the extractive reply behind each answer (None for a refusal)."""

    def answer(self, question, **kwargs):  # type: ignore[override]
        self.last = None
        try:
            return super().answer(question, **kwargs)
        finally:  # a QuestionError too: one entry per turn
            self.replies.append((question, self.last))

    def _finish(self, run, answer, conversation_id):  # type: ignore[override]
        self.last = run.reply
        return super()._finish(run, answer, conversation_id)


def _right(outcome) -> bool:
    """Whether the quoted answer should stand: it holds the key fact, and a verdict it gives is
    the expected one. A rule quoted without a verdict stands (the founder can read it); a wrong
    verdict, a missing key fact or any answer where "detail missing" or a refusal was expected
    does not."""
    expected = outcome.expected.value
    if outcome.outcome.value != "answered" or not outcome.key_fact:
        return False
    if expected.startswith("verdict"):
        return outcome.verdict in (None, expected.split("_")[1])
    return expected == "answer"


def collect(parts: list[str]) -> list[dict]:
    from ingest.pipeline import Ingestor
    from knowledge.base import KnowledgeBase

    pinned = date.fromisoformat(EVAL_TODAY)
    os.environ["STARTUPBOT_TODAY"] = pinned.isoformat()
    tmp = Path(tempfile.mkdtemp(prefix="startupbot-judge-"))
    try:
        settings = Settings().model_copy(update={
            "data_dir": tmp / "data", "collection_name": "judge", "today": pinned,
            "openai_api_key": None, "openai_base_url": None})
        kb = KnowledgeBase(settings)
        if not Ingestor(kb).run().ok:
            raise SystemExit("ingest failed")
        engine = _Recording(kb)
        engine.extractive.judge = AnswerJudge()  # untrained: keeps every answer
        rows = []
        for part in parts:
            engine.replies = []
            outcomes = run_items(engine, load_questions(PARTS[part]), part=part)
            replies = engine.replies
            if len(replies) != len(outcomes):
                raise SystemExit(f"{part}: {len(replies)} replies for {len(outcomes)} turns")
            for outcome, (question, reply) in zip(outcomes, replies, strict=True):
                if reply is None or reply.judge_inputs is None or reply.missing \
                        or outcome.outcome.value != "answered":
                    continue
                rows.append({"part": part, "id": outcome.id, "turn": outcome.turn,
                             "expected": outcome.expected.value, "right": _right(outcome),
                             "inputs": reply.judge_inputs, "question": question,
                             "sentence": reply.chosen[0].text})
        return rows
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _counts(rows: list[dict], probs: list[float], threshold: float) -> dict[str, int]:
    """What the judge would turn into "detail missing" at `threshold`: wrong answers (of
    which near misses, turns that should say "detail missing") and right ones."""
    out = {"demoted": 0, "wrong": 0, "near_miss": 0, "right": 0}
    for row, p in zip(rows, probs, strict=True):
        if p < threshold:
            out["demoted"] += 1
            out["right" if row["right"] else "wrong"] += 1
            out["near_miss"] += row["expected"] == "detail_missing"
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", action="append", help="a spent part (default: all)")
    parser.add_argument("--out", type=Path, default=WEIGHTS)
    parser.add_argument("--rows", type=Path, help="read/write the collected rows here")
    parser.add_argument("--c", type=float, default=1.0, help="inverse L2 strength")
    parser.add_argument("--precision", type=float, default=0.9,
                        help="share of the answers turned round that must be wrong ones")
    args = parser.parse_args()
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    parts = args.part or list(PARTS)
    if args.rows and args.rows.exists():
        rows = [r for r in json.loads(args.rows.read_text()) if r["part"] in parts]
    else:
        rows = collect(parts)
        if args.rows:
            args.rows.write_text(json.dumps(rows, ensure_ascii=False))
    names = sorted({n for r in rows for n in r["inputs"]} - {"bias"})
    x = np.array([[r["inputs"].get(n, 0.0) for n in names] for r in rows])
    y = np.array([int(r["right"]) for r in rows])
    groups = [r["part"] for r in rows]
    probs = [0.0] * len(rows)
    for part in sorted(set(groups)):
        train = [i for i, g in enumerate(groups) if g != part]
        test = [i for i, g in enumerate(groups) if g == part]
        model = LogisticRegression(C=args.c, max_iter=2000).fit(x[train], y[train])
        for i, p in zip(test, model.predict_proba(x[test])[:, 1], strict=True):
            probs[i] = float(p)
    # the highest threshold at which what the judge turns round is still almost all wrong
    # answers (held-out probabilities): a right answer lost costs as much as the key-fact score
    threshold, chosen = 0.0, _counts(rows, probs, 0.0)
    for t in [i / 100 for i in range(5, 80)]:
        counts = _counts(rows, probs, t)
        if counts["demoted"] and counts["wrong"] >= args.precision * counts["demoted"]:
            threshold, chosen = t, counts
    print(f"{len(rows)} answered turns, {int(y.sum())} right. Leave-one-part-out at threshold "
          f"{threshold}: {chosen['demoted']} answers turned into 'detail missing', "
          f"{chosen['wrong']} of them wrong ({chosen['near_miss']} near misses), "
          f"{chosen['right']} right")
    for part in parts:
        idx = [i for i, g in enumerate(groups) if g == part]
        c = _counts([rows[i] for i in idx], [probs[i] for i in idx], threshold)
        print(f"  {part:10s} wrong -{c['wrong']} (near misses {c['near_miss']}), "
              f"right -{c['right']}")
    model = LogisticRegression(C=args.c, max_iter=2000).fit(x, y)
    weights = {"bias": float(model.intercept_[0]),
               **{n: round(float(c), 6) for n, c in zip(names, model.coef_[0], strict=True)}}
    args.out.write_text(json.dumps({
        "about": "Logistic regression: P(the quoted answer is right). Trained by "
                 "scripts/train_answer_judge.py; the answerer says 'detail missing' below "
                 "the threshold.",
        "trained_on": parts, "threshold": threshold, "c": args.c,
        "cross_validation": {**chosen, "rows": len(rows)},
        "weights": weights}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
