"""`startupbot eval`: retrieval against baselines, or answers on the shipped corpus, each in
throwaway indexes (split out of bot/cli.py; registered there with `register`)."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from bot.settings import Settings


def register(app: typer.Typer) -> None:
    """Add `eval` to the main `startupbot` app."""
    app.command("eval")(eval_command)


def eval_command(
    target: Annotated[str | None, typer.Argument(
        help="`answers`: the answer evaluation (same as --answers).")] = None,
    dataset: Annotated[Path | None, typer.Option(
        "--dataset", help="Retrieval dataset folder (passages.jsonl + questions.jsonl).")] = None,
    answers: Annotated[bool, typer.Option(
        "--answers", help="Evaluate answers on the shipped corpus instead.")] = False,
    retrievers: Annotated[list[str] | None, typer.Option(
        "--retrievers", help="Comma-separated: hybrid, dense, kiwi-bm25, hybrid-rrf, "
        "bigram-bm25, whitespace-bm25, minilm-chroma (default: all).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    limit: Annotated[int | None, typer.Option("--limit", min=1,
                                              help="Only the first N questions.")] = None,
    questions: Annotated[Path | None, typer.Option(
        "--questions", help="Answer-eval question file instead of the shipped parts.")] = None,
    part: Annotated[list[str] | None, typer.Option(
        "--part", help="Answer-eval part(s): old, tuning, tuning2, tuning3, heldout and "
        "heldout2 to heldout25 (default: old, tuning, heldout; the others only "
        "when named; see benchmarks/answer_eval/README.md).")] = None,
    today: Annotated[str | None, typer.Option(
        "--today", help="Pin today's date for the answer eval (default: 2026-12-01).")] = None,
    no_cache: Annotated[bool, typer.Option(
        "--no-cache", help="Do not read or write data/eval-cache (embeddings).")] = False,
    no_titles: Annotated[bool, typer.Option(
        "--no-titles", help="Index passage text without its title.")] = False,
) -> None:
    """Measure retrieval (recall@k, MRR, nDCG vs baselines) or answers, in throwaway indexes."""
    from bot import prompts
    from bot.cli import build_kb, err, fail, get_settings, out

    if target is not None:
        if target != "answers":
            raise fail(prompts.EVAL_NEEDS_TARGET, 2)
        answers = True
    if (dataset is not None) == answers:  # exactly one of the two
        raise fail(prompts.EVAL_NEEDS_TARGET, 2)
    settings = get_settings()
    import bm25s  # noqa: F401  (it sets its logger to DEBUG on import: quiet it after that)

    logging.getLogger("bm25s").setLevel(max(logging.WARNING, logging.getLogger().level))
    if answers:
        _eval_answers(settings, questions, parts=part, today=today, limit=limit,
                      as_json=as_json)
        return
    from knowledge.evaluation.datasets import DatasetError
    from knowledge.evaluation.report import retrieval_notes, retrieval_table
    from knowledge.evaluation.runner import evaluate_retrieval

    kb = build_kb()
    say = None if as_json else (lambda message: err.print(f"[dim]{message}[/]"))
    try:
        report = evaluate_retrieval(
            dataset, settings, kb.analyzer, retrievers=retrievers, limit=limit,
            cache_dir=None if no_cache else settings.data_dir / "eval-cache",
            titles=not no_titles, progress=say)
    except DatasetError as exc:
        raise fail(str(exc), 2) from None
    for skipped in report.skipped:
        err.print(prompts.EVAL_BASELINE_NOT_RUN.format(name=skipped.name, reason=skipped.reason,
                                                       install=skipped.install), markup=False)
    if as_json:
        sys.stdout.write(report.model_dump_json(indent=2) + "\n")
        return
    console = out if out.is_terminal else Console(width=140)  # piped to a file: do not wrap
    console.print(retrieval_table(report))
    for line in retrieval_notes(report):
        console.print(line)


def _eval_answers(settings: Settings, questions: Path | None, *, parts: list[str] | None,
                  today: str | None, limit: int | None, as_json: bool) -> None:
    """Answer eval on a throwaway index of the knowledge folder, part by part: extractive, then
    generative when a model is configured (each mode gets settings with or without the model).
    The date is pinned (settings and STARTUPBOT_TODAY) so "올해" means the same in every run."""
    import os
    import shutil
    import tempfile
    from datetime import date

    from bot import prompts
    from bot.answer_eval import (
        DEFAULT_PARTS,
        EVAL_TODAY,
        PARTS,
        AnswerEvalError,
        load_questions,
        run_items,
    )
    from bot.answer_eval_report import AnswerEvalReport, ModeRun, answers_table, part_report
    from bot.cli import build_engine, err, fail, out
    from ingest.pipeline import Ingestor
    from knowledge.base import KnowledgeBase

    try:
        pinned = date.fromisoformat(today or EVAL_TODAY)
    except ValueError:
        raise fail(prompts.EVAL_BAD_TODAY.format(value=today), 2) from None
    if questions is not None:
        files = {questions.stem: questions}
    else:
        for name in parts or []:
            if name not in PARTS:
                raise fail(prompts.EVAL_UNKNOWN_PART.format(part=name, parts=", ".join(PARTS)),
                           2)
        files = {name: PARTS[name] for name in (parts or DEFAULT_PARTS)}
    try:
        loaded = {name: load_questions(path)[:limit] for name, path in files.items()}
    except AnswerEvalError as exc:
        raise fail(str(exc), 2) from None
    tmp = Path(tempfile.mkdtemp(prefix="startupbot-answer-eval-"))
    previous_today = os.environ.get("STARTUPBOT_TODAY")
    os.environ["STARTUPBOT_TODAY"] = pinned.isoformat()
    try:
        if not as_json:
            err.print(f"[dim]{prompts.EVAL_INDEXING_CORPUS.format(path=settings.documents_dir)}[/]")
        local = settings.model_copy(update={"data_dir": tmp / "data", "collection_name": "eval",
                                            "today": pinned})
        kb = KnowledgeBase(local)
        report = Ingestor(kb).run()
        if not report.ok:
            raise fail(report.summary_ko(), 1)
        offline = local.model_copy(update={"openai_api_key": None, "openai_base_url": None})
        engines = [("extractive", KnowledgeBase(offline, analyzer=kb.analyzer,
                                                embeddings=kb.embeddings))]
        skipped = []
        if settings.generation_enabled:
            engines.append(("generative", kb))
        else:
            skipped.append({"mode": "generative", "reason": "no model configured"})
            if not as_json:
                err.print(prompts.EVAL_GENERATIVE_NOT_RUN, markup=False)
        runs = []
        for mode, mode_kb in engines:
            engine = build_engine(mode_kb)
            part_reports = []
            for name, items in loaded.items():
                if not as_json:
                    note = prompts.EVAL_ANSWERING_PART.format(mode=mode, part=name,
                                                              items=len(items))
                    err.print(f"[dim]{note}[/]")
                outcomes = run_items(engine, items, part=name)
                part_reports.append(part_report(name, str(files[name]), len(items), outcomes))
            runs.append(ModeRun(mode=mode, parts=part_reports))
        result = AnswerEvalReport(today=pinned.isoformat(), modes=runs, skipped=skipped)
    finally:
        if previous_today is None:
            os.environ.pop("STARTUPBOT_TODAY", None)
        else:
            os.environ["STARTUPBOT_TODAY"] = previous_today
        shutil.rmtree(tmp, ignore_errors=True)
    if as_json:
        sys.stdout.write(result.model_dump_json(indent=2) + "\n")
    else:
        console = out if out.is_terminal else Console(width=160)  # piped: do not wrap
        for table in answers_table(result):
            console.print(table)
