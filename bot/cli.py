"""`startupbot`: the one command, with a subcommand per job.

The parts come from the composition root `bot/app.py` (one `App` per invocation, kept in the
click context). This module is also the one place where the bot side calls ingestion (to fill
an empty index on first use).
"""

from __future__ import annotations

import importlib
import json
import logging
import sys
import threading
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from bot.app import App, AppError, current_app, use_app
from bot.catalogue.cli import register as register_catalogue
from bot.review.cli import review_app
from bot.settings import Settings, TelegramMode

app = typer.Typer(
    name="startupbot",
    help="충북 창업·투자·판로 지원 안내 봇 (chungbuk-startup-bot).",
    no_args_is_help=True,
    add_completion=False,
)
out = Console()
err = Console(stderr=True)


def fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[bold red]오류:[/] {message}")
    return typer.Exit(code)


def get_settings() -> Settings:
    """The settings of this invocation (validated once; a bad value exits with code 2)."""
    try:
        return current_app().settings
    except AppError as exc:
        raise fail(exc.message, exc.code) from None


@app.callback()
def main_callback(
    ctx: typer.Context,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log at INFO.")] = False,
) -> None:
    # the composition root of this invocation (bot/app.py); it also sets up logging
    ctx.obj = App(verbose=verbose, configure_logging=True)
    ctx.call_on_close(use_app(ctx.obj))


def build_kb():
    get_settings()  # a bad setting stops here, with its message
    return current_app().kb


def open_store(kb):
    """`kb.store`, or a one-line error when a Chroma server (http mode) cannot be reached."""
    from knowledge.settings import ChromaMode

    try:
        return kb.store
    except Exception as exc:
        settings = kb.settings
        if settings.chroma_mode is not ChromaMode.HTTP:
            raise
        raise fail(f"Chroma 서버({settings.chroma_host}:{settings.chroma_port})에 연결할 수 "
                   f"없습니다 ({type(exc).__name__}). 서버를 시작하거나(`chroma run --path …`) "
                   "STARTUPBOT_CHROMA_HOST/PORT 를 확인하세요. 내장 색인을 쓰려면 "
                   "STARTUPBOT_CHROMA_MODE=embedded.", 2) from None


def check_category(kb, category: str | None) -> None:
    """An unknown --category would silently refuse every question: name the known ones."""
    if category is None:
        return
    known = sorted({d.category for d in open_store(kb).documents() if d.category})
    if category not in known:
        raise fail(f"알 수 없는 분류입니다: {category!r}. 색인에 있는 분류: "
                   f"{', '.join(known) or '(없음)'}", 2)


def ensure_index(kb, *, quiet: bool = False) -> str | None:
    """Make sure there is an index to answer from; returns a notice for the user, if any.

    - no index yet (or one from before snapshots): ingest the knowledge folder now, waiting
      for another process's ingest to finish first (two first-run `ask` at once);
    - an index that misses documents of the knowledge folder that were never ingested (an
      interrupted first run): finish the ingest;
    - a broken index (e.g. another embedder): stop with the message that says what to run."""
    from bot import prompts
    from ingest.pipeline import pending_documents

    status = kb.status()
    if status.ready and not status.empty:
        pending = pending_documents(kb)
        if not pending:
            return None
        if status.writer_running:
            names = ", ".join(pending[:3]) + (" …" if len(pending) > 3 else "")
            return prompts.INDEX_PENDING_WARNING.format(pending=len(pending), names=names)
        report = _ingest_now(kb, quiet)
        return prompts.INDEX_FINISHED.format(pending=len(pending)) if report.ok else \
            prompts.INDEX_PENDING_WARNING.format(pending=len(pending), names=report.summary_ko())
    if status.problem and not (status.missing or status.legacy_layout):
        from knowledge.settings import ChromaMode

        if kb.settings.chroma_mode is ChromaMode.HTTP:
            open_store(kb)  # a Chroma server that cannot be reached: one clear line
        raise fail(status.problem, 2)
    if status.writer_running and not quiet:
        err.print(f"[yellow]{prompts.INDEX_WAITING_FOR_WRITER}[/]")
    report = _ingest_now(kb, quiet)
    if report.stopped:
        raise fail(report.stopped, 4)
    return prompts.INDEX_BOOTSTRAPPED.format(count=len(report.files),
                                             chunks=report.total_chunks)


def _ingest_now(kb, quiet: bool):
    # only now: the loaders and splitters of `ingest` cost ~1 s of imports (cold `ask`)
    from ingest.cli import run_ingest
    from knowledge.store import StoreError
    from knowledge.writer import WriterError

    try:
        return run_ingest(kb, None, show_progress=not quiet, wait=FIRST_RUN_WAIT_SECONDS)
    except (WriterError, StoreError) as exc:
        raise fail(str(exc), 2) from None


# How long a first-run `ask` waits for another process's ingest before giving up.
FIRST_RUN_WAIT_SECONDS = 900.0


@app.command()
def ingest(
    paths: Annotated[list[Path] | None, typer.Argument(
        help="Files or folders (default: the knowledge folder).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would change.")] = False,
    rebuild: Annotated[bool, typer.Option(
        "--rebuild", help="Drop the index and ingest everything again.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    verbose_report: Annotated[bool, typer.Option(
        "--all", help="List unchanged files too.")] = False,
    strict: Annotated[bool, typer.Option(
        "--strict", help="Exit 1 on any failed file, also one already reported.")] = False,
) -> None:
    """Ingest documents incrementally (added / updated / unchanged / removed / failed).

    Exit codes: 0 done (files that failed before and are unchanged are reported as known and
    do not count, unless --strict); 1 a file failed; 2 bad arguments or a broken index;
    3 another ingest is running; 4 stopped early (full disk); 130 interrupted."""
    from bot import prompts
    from bot.catalogue.cli import staff_calls
    from ingest.cli import print_report, report_json, run_ingest
    from ingest.pipeline import IngestLockedError
    from knowledge.store import StoreError
    from knowledge.writer import WriterError

    kb = build_kb()
    for path in paths or []:
        if not path.exists():
            raise fail(f"경로가 없습니다: {path}", 2)
    try:
        with sigterm_as_interrupt():
            report = run_ingest(kb, paths, dry_run=dry_run, rebuild=rebuild,
                                show_progress=not as_json, calls=staff_calls(kb))
    except IngestLockedError as exc:
        raise fail(str(exc), 3) from None
    except (StoreError, WriterError) as exc:
        raise fail(str(exc), 4 if "디스크" in str(exc) else 2) from None
    except KeyboardInterrupt:
        raise fail(prompts.INGEST_INTERRUPTED, 130) from None
    if as_json:
        out.print_json(report_json(report))
    else:
        print_report(report, out, verbose=verbose_report)
    code = report.exit_code(strict=strict)
    if code:
        raise typer.Exit(code)


class sigterm_as_interrupt:
    """Treat SIGTERM (systemd, containers, `kill`) like Ctrl-C while inside: the writer then
    publishes the documents it finished instead of dying half-way."""

    def __enter__(self) -> None:
        import signal

        def interrupt(signum, frame):
            raise KeyboardInterrupt

        try:
            self._previous = signal.signal(signal.SIGTERM, interrupt)
        except ValueError:  # not the main thread
            self._previous = None

    def __exit__(self, *exc: object) -> None:
        import signal

        if self._previous is not None:
            signal.signal(signal.SIGTERM, self._previous)


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="질문 (question)")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    category: Annotated[str | None, typer.Option(help="Only search this category.")] = None,
) -> None:
    """Answer one question with its sources."""
    from bot.models import QuestionError
    from bot.render import render_text

    kb = build_kb()
    kb.prefetch()  # Kiwi loads in the background while Chroma is imported below
    # and the answer log's SQLAlchemy (~0.2 s of imports, needed only at the end)
    threading.Thread(target=importlib.import_module, args=("bot.answer_log",),
                     daemon=True).start()
    from knowledge.store import StoreError

    notice = ensure_index(kb, quiet=as_json)
    if notice and not as_json:
        err.print(f"[yellow]{notice}[/]")
    try:
        check_category(kb, category)
    except StoreError as exc:
        raise fail(str(exc), 2) from None
    answer_log = build_answer_log()
    engine = build_engine(kb)
    try:
        answer = engine.answer(question, category=category)
    except QuestionError as exc:
        raise fail(exc.message, 2) from None
    except StoreError as exc:
        raise fail(str(exc), 2) from None
    answer_id = answer_log.record(answer, channel="cli")
    if as_json:
        data = answer.model_dump(mode="json")
        data["answer_id"] = answer_id
        if notice:
            data["index_notice"] = notice
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        out.print(render_text(answer), markup=False, highlight=False)


def build_answer_log(*, warm: bool = False):
    """The answer log (`App.answer_log`); with `warm` a database that cannot be opened is
    reported at once and the bot still answers."""
    from bot.answer_log import AnswerLogError

    get_settings()
    try:
        return current_app().answer_log(warm=warm)
    except AppError as exc:
        raise fail(exc.message, exc.code) from None
    except AnswerLogError as exc:
        from rich.markup import escape

        err.print(f"[yellow]경고: {escape(str(exc))} — 답변은 계속하지만 기록되지 "
                  "않습니다.[/]", highlight=False)
        return current_app().answer_log()


def build_alerts(answer_log=None):
    """Subscriptions, outbox and sender (`App.alerts`); a bad STARTUPBOT_ALERTS_* value exits
    with its message."""
    get_settings()
    try:
        return current_app().alerts(answer_log)
    except AppError as exc:
        raise fail(exc.message, exc.code) from None


def build_engine(kb):
    """The answer engine for `kb` (generative when a model is configured)."""
    try:
        return current_app().engine_for(kb)
    except AppError as exc:
        raise fail(exc.message, exc.code) from None


@app.command()
def chat(
    conversation: Annotated[str | None, typer.Option(
        "--conversation", help="Conversation id (default: a new one); /reset forgets it.")] = None,
) -> None:
    """Interactive console: ask questions one after another (empty line or Ctrl-D to quit)."""
    import uuid

    from bot.models import QuestionError
    from bot.render import render_text

    conversation_id = conversation or f"cli-{uuid.uuid4().hex[:12]}"

    kb = build_kb()
    kb.prefetch()
    notice = ensure_index(kb)
    if notice:
        err.print(f"[yellow]{notice}[/]")
    engine = build_engine(kb)
    answer_log = build_answer_log()
    out.print("[bold]충북 창업 지원 안내[/] — 질문을 입력하세요 (끝내려면 빈 줄 또는 Ctrl-D).")
    while True:
        try:
            question = out.input("[bold cyan]질문> [/]")
        except (EOFError, KeyboardInterrupt):
            out.print()
            break
        if not question.strip():
            break
        if question.strip() == "/reset":
            engine.forget(conversation_id)
            continue
        try:
            answer = engine.answer(question, conversation_id=conversation_id)
        except QuestionError as exc:
            out.print(f"[yellow]{exc.message}[/]")
            continue
        answer_log.record(answer, channel="cli")
        out.print(render_text(answer), markup=False, highlight=False)
        out.print(f"[dim]({answer.mode.value}, {answer.timings.get('total', 0) * 1000:.0f} ms)[/]")


@app.command()
def doctor() -> None:
    """Check settings, index and model reachability; say what to fix (exit 1 if anything is)."""
    from bot.doctor import run_doctor

    raise typer.Exit(run_doctor(out))


@app.command()
def sources(
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """List the documents in the index."""
    from rich.table import Table

    from knowledge.store import StoreError

    kb = build_kb()
    try:
        docs = open_store(kb).documents()
    except StoreError as exc:
        raise fail(str(exc), 2) from None
    if as_json:
        sys.stdout.write(json.dumps([d.model_dump() for d in docs], ensure_ascii=False,
                                    indent=2) + "\n")
        return
    table = Table(title=f"색인된 문서 {len(docs)}개")
    for col in ("분류", "제목", "기준", "조각", "파일"):
        table.add_column(col)
    for d in docs:
        table.add_row(d.category, d.title, d.facts_as_of, str(d.chunks), d.source)
    out.print(table)


@app.command()
def search(
    query: Annotated[str, typer.Argument()],
    k: Annotated[int, typer.Option("-k", min=1, max=100, help="How many hits (1-100).")] = 5,
    mode: Annotated[str, typer.Option(help="hybrid | dense | keyword")] = "hybrid",
    category: Annotated[str | None, typer.Option()] = None,
) -> None:
    """Show raw search hits with their scores (for staff and debugging)."""
    from knowledge.search import SearchMode
    from knowledge.store import StoreError

    try:
        search_mode = SearchMode(mode)
    except ValueError:
        raise fail(f"--mode 는 {' | '.join(m.value for m in SearchMode)} 중 하나입니다 "
                   f"(받은 값: {mode!r}).", 2) from None
    kb = build_kb()
    ensure_index(kb)
    try:
        check_category(kb, category)
        result = kb.searcher().search(query, k, category=category, mode=search_mode)
    except StoreError as exc:
        raise fail(str(exc), 2) from None
    for rank, hit in enumerate(result.hits, 1):
        c = hit.chunk
        out.print(f"{rank}. {hit.score:.4f} dense={hit.dense_score} bm25={hit.keyword_score} "
                  f"{c.title} › {c.section}", markup=False)
        out.print(f"   {c.text[:160]}", markup=False, highlight=False)


@app.command("eval")
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
        "--part", help="Answer-eval part(s): old, tuning, heldout, heldout2, tuning2, tuning3, "
        "heldout3, heldout4, heldout5, heldout6, heldout7, heldout8, heldout9 (default: old, "
        "tuning, heldout; the others only when named).")] = None,
    today: Annotated[str | None, typer.Option(
        "--today", help="Pin today's date for the answer eval (default: 2026-12-01).")] = None,
    no_cache: Annotated[bool, typer.Option(
        "--no-cache", help="Do not read or write data/eval-cache (embeddings).")] = False,
    no_titles: Annotated[bool, typer.Option(
        "--no-titles", help="Index passage text without its title.")] = False,
) -> None:
    """Measure retrieval (recall@k, MRR, nDCG vs baselines) or answers, in throwaway indexes."""
    from bot import prompts

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


app.add_typer(review_app, name="review")
register_catalogue(app)  # issue 14: `startupbot sync`, `startupbot programs list|show`


@app.command()
def serve(
    mode: Annotated[TelegramMode | None, typer.Option(
        help="polling | webhook (default: STARTUPBOT_TELEGRAM_MODE, else polling).")] = None,
    webhook_url: Annotated[str | None, typer.Option(
        help="Public HTTPS URL Telegram posts updates to (webhook mode).")] = None,
    webhook_secret: Annotated[str | None, typer.Option(
        help="Secret token Telegram sends with every update (webhook mode).")] = None,
    listen: Annotated[str | None, typer.Option(help="Webhook server address.")] = None,
    port: Annotated[int | None, typer.Option(help="Webhook server port.")] = None,
) -> None:
    """Run the Telegram bot (long polling by default; webhook mode for production)."""
    from bot.catalogue.cli import attach_sync as attach_catalogue_sync
    from bot.logging_setup import configure_logging
    from bot.telegram import serve as bot_serve

    settings = get_settings()
    configure_logging(settings.log_level, json_format=settings.log_json)

    def reingest():
        from bot.reingest import reingest_in_child

        return reingest_in_child()

    try:
        webhook = bot_serve.preflight(settings, mode, url=webhook_url, secret=webhook_secret,
                                      listen=listen, port=port)
        kb = build_kb()
        kb.prefetch()  # Kiwi loads while Chroma opens
        for warning in bot_serve.check_index(kb):
            err.print(f"[yellow]{warning}[/]")
        engine = build_engine(kb)
        answer_log = build_answer_log(warm=True)
        alerts = build_alerts(answer_log)  # issue 16: subscriptions and the outbox sender
        attach_catalogue_sync(engine, kb, alerts)  # issue 14: scheduled sync inside serve
        bot_serve.serve(settings, engine, answer_log, reingest, webhook,
                        announce=lambda line: err.print(line, markup=False, highlight=False),
                        alerts=alerts)
    except bot_serve.ServeError as exc:
        raise fail(exc.message, exc.code) from None


def main() -> None:
    app()


if __name__ == "__main__":
    main()
