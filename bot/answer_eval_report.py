"""Metrics and tables of the answer evaluation: per part (old / tuning / heldout), per kind.

Definitions (over the turns of a group; a conversation contributes one row per turn):
- key fact: turns with key facts whose expected outcome is not `refuse`; right when the answer
  has the expected outcome (answered; or detail missing, for detail-missing turns that name
  the latest covered fact) and every key-fact group appears in it;
- right document: turns that expect an answer (answer / verdict): answered and one of the
  numbered sources is one of the expected documents;
- refusal accuracy: all turns; right when the bot declined (refused or detail missing) exactly
  when it should have (expected `refuse` or `detail_missing`);
- false answers: turns expected `refuse` or `detail_missing` that got an answer;
- false refusals: turns that expect an answer but were refused or told "detail missing";
- verdict accuracy: eligibility turns (verdict_yes / verdict_no): answered with that verdict;
- detail-missing accuracy: turns expected `detail_missing` that got exactly that outcome.
A share is None when its group has no turn of that sort.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable

from pydantic import BaseModel, Field

from bot.answer_eval import Expected, Outcome, TurnOutcome

_VERDICT = {Expected.VERDICT_YES: "yes", Expected.VERDICT_NO: "no"}
_DECLINE = (Expected.REFUSE, Expected.DETAIL_MISSING)


class GroupReport(BaseModel):
    turns: int
    expect_answer: int = Field(description="Turns expecting an answer or a verdict.")
    expect_decline: int = Field(description="Turns expecting refuse or detail_missing.")
    key_fact: float | None
    key_fact_n: int
    right_document: float | None
    refusal_accuracy: float | None
    false_answers: int
    false_refusals: int
    verdict_accuracy: float | None
    verdict_n: int
    detail_missing_accuracy: float | None
    detail_missing_n: int
    median_seconds: float | None


def _share(items: list[TurnOutcome], test: Callable[[TurnOutcome], bool]) -> float | None:
    return round(sum(map(test, items)) / len(items), 4) if items else None


def summarise(outcomes: list[TurnOutcome]) -> GroupReport:
    answerable = [o for o in outcomes if o.expected.answerable]
    decline = [o for o in outcomes if o.expected in _DECLINE]
    with_facts = [o for o in outcomes if o.key_fact is not None]
    verdicts = [o for o in outcomes if o.expected in _VERDICT]
    missing = [o for o in outcomes if o.expected is Expected.DETAIL_MISSING]
    return GroupReport(
        turns=len(outcomes), expect_answer=len(answerable), expect_decline=len(decline),
        key_fact=_share(with_facts, lambda o: bool(o.key_fact)), key_fact_n=len(with_facts),
        right_document=_share(answerable, lambda o: bool(o.right_document)),
        refusal_accuracy=_share(outcomes, lambda o: (o.outcome is not Outcome.ANSWERED)
                                == (o.expected in _DECLINE)),
        false_answers=sum(o.outcome is Outcome.ANSWERED for o in decline),
        false_refusals=sum(o.outcome is not Outcome.ANSWERED for o in answerable),
        verdict_accuracy=_share(verdicts, lambda o: o.outcome is Outcome.ANSWERED
                                and o.verdict == _VERDICT[o.expected]),
        verdict_n=len(verdicts),
        detail_missing_accuracy=_share(missing, lambda o: o.outcome is Outcome.DETAIL_MISSING),
        detail_missing_n=len(missing),
        median_seconds=round(statistics.median(o.seconds for o in outcomes), 4)
        if outcomes else None,
    )


class PartReport(BaseModel):
    part: str
    questions_file: str
    items: int
    overall: GroupReport
    by_kind: dict[str, GroupReport]
    followups: GroupReport | None = Field(
        None, description="Conversation turns after the first (elliptical follow-ups).")
    outcomes: list[TurnOutcome]


def part_report(part: str, questions_file: str, items: int,
                outcomes: list[TurnOutcome]) -> PartReport:
    kinds: dict[str, list[TurnOutcome]] = defaultdict(list)
    for o in outcomes:
        kinds[o.kind].append(o)
    later = [o for o in outcomes if o.turn > 1]
    return PartReport(part=part, questions_file=questions_file, items=items,
                      overall=summarise(outcomes),
                      by_kind={k: summarise(v) for k, v in sorted(kinds.items())},
                      followups=summarise(later) if later else None, outcomes=outcomes)


class ModeRun(BaseModel):
    mode: str = Field(description="extractive | generative")
    parts: list[PartReport]


class AnswerEvalReport(BaseModel):
    today: str = Field(description="The pinned date (STARTUPBOT_TODAY) of the run.")
    modes: list[ModeRun]
    skipped: list[dict[str, str]] = Field(default_factory=list)


# --- tables ------------------------------------------------------------------------------------
_COLUMNS = ("part / kind", "turns", "key fact", "right doc", "refusal acc", "false ans",
            "false ref", "verdict acc", "detail-missing acc", "median s")


def _fmt(value: float | None, n: int | None = None) -> str:
    if value is None:
        return "–"
    return f"{value:.3f}" if n is None else f"{value:.3f} ({round(value * n)}/{n})"


def group_row(label: str, g: GroupReport) -> list[str]:
    return [label, str(g.turns), _fmt(g.key_fact, g.key_fact_n),
            _fmt(g.right_document, g.expect_answer), _fmt(g.refusal_accuracy, g.turns),
            str(g.false_answers), str(g.false_refusals), _fmt(g.verdict_accuracy, g.verdict_n),
            _fmt(g.detail_missing_accuracy, g.detail_missing_n),
            "–" if g.median_seconds is None else f"{g.median_seconds:.3f}"]


def report_rows(part: PartReport) -> list[list[str]]:
    rows = [group_row(f"{part.part} (all)", part.overall)]
    rows += [group_row(f"  {kind}", g) for kind, g in part.by_kind.items()]
    if part.followups is not None:
        rows.append(group_row("  conversation turns 2-3", part.followups))
    return rows


def answers_table(report: AnswerEvalReport):
    """One rich table per mode: every part, then its kinds (for `startupbot eval answers`)."""
    from rich.table import Table

    tables = []
    for run in report.modes:
        table = Table(title=f"answer evaluation, {run.mode} (today = {report.today})")
        for col in _COLUMNS:
            table.add_column(col, justify="left" if col == "part / kind" else "right")
        for part in run.parts:
            for row in report_rows(part):
                table.add_row(*row)
            table.add_section()
        tables.append(table)
    return tables


def markdown_table(part: PartReport) -> str:
    """The same rows as a Markdown table (for benchmarks/README.md)."""
    lines = ["| " + " | ".join(_COLUMNS) + " |",
             "|---|" + "---:|" * (len(_COLUMNS) - 1)]
    lines += ["| " + " | ".join(row) + " |" for row in report_rows(part)]
    return "\n".join(lines)


_COMPARED = (("key fact", "key_fact"), ("right doc", "right_document"),
             ("refusal acc", "refusal_accuracy"), ("false ans", "false_answers"),
             ("false ref", "false_refusals"), ("verdict acc", "verdict_accuracy"),
             ("detail-missing acc", "detail_missing_accuracy"))


def _change(before: float | int | None, after: float | int | None) -> str:
    def show(v: float | int | None) -> str:
        return "–" if v is None else (str(v) if isinstance(v, int) else f"{v:.3f}")

    return show(after) if before == after else f"{show(before)} → {show(after)}"


def compare_markdown(before: AnswerEvalReport, after: AnswerEvalReport,
                     mode: str = "extractive") -> str:
    """Before → after per part and kind, as Markdown tables (parts and kinds of `after`)."""
    def parts(report: AnswerEvalReport) -> dict[str, PartReport]:
        run = next((m for m in report.modes if m.mode == mode), None)
        return {p.part: p for p in run.parts} if run else {}

    old, new = parts(before), parts(after)
    blocks = []
    for name, part in new.items():
        header = ["part / kind", "turns", *(c for c, _ in _COMPARED)]
        lines = ["| " + " | ".join(header) + " |", "|---|" + "---:|" * (len(header) - 1)]
        groups = [(f"{name} (all)", part.overall, old[name].overall if name in old else None)]
        groups += [(f"  {k}", g, old[name].by_kind.get(k) if name in old else None)
                   for k, g in part.by_kind.items()]
        if part.followups is not None:
            groups.append(("  conversation turns 2-3", part.followups,
                           old[name].followups if name in old else None))
        for label, g, b in groups:
            cells = [label, str(g.turns)]
            cells += [_change(getattr(b, field) if b else None, getattr(g, field))
                      for _, field in _COMPARED]
            lines.append("| " + " | ".join(cells) + " |")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
