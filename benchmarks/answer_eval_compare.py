"""Before → after tables of two `startupbot eval answers --json` runs, per part and kind.

    python benchmarks/answer_eval_compare.py benchmarks/results/answers-issue11-before.json \
        benchmarks/results/answers.json [--mode extractive]

Prints Markdown (for benchmarks/README.md and the issue note). A cell shows one value when it
did not change, else "before → after".
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.answer_eval_report import AnswerEvalReport, compare_markdown


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--mode", default="extractive")
    args = parser.parse_args()
    reports = [AnswerEvalReport.model_validate_json(p.read_text(encoding="utf-8"))
               for p in (args.before, args.after)]
    print(compare_markdown(*reports, mode=args.mode))


if __name__ == "__main__":
    main()
