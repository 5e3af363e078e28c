"""`startupbot`: the one command, with a subcommand per job.

The parts come from the composition root `bot/app.py` (one `App` per invocation, kept in the
click context). This module is also the one place where the bot side calls ingestion (to fill
an empty index on first use).
"""

from __future__ import annotations

import importlib
import json
import sys
import threading
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from bot.app import App, AppError, current_app, use_app
from bot.catalogue.cli import register as register_catalogue
from bot.eval_cli import register as register_eval
from bot.front_end_cli import register as register_front_ends
from bot.review.cli import review_app
from bot.settings import Settings

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


app.add_typer(review_app, name="review")
register_catalogue(app)  # issue 14: `startupbot sync`, `startupbot programs list|show`
register_eval(app)  # `startupbot eval` (bot/eval_cli.py)
register_front_ends(app)  # `startupbot chat`, `startupbot serve` (bot/front_end_cli.py)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
