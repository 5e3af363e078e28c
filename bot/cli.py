"""`startupbot`: the one command, with a subcommand per job.

This module is the composition root: it reads settings, builds the parts and passes them in.
It is also the one place where the bot side calls ingestion (to fill an empty index on first use).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from knowledge.settings import Settings, SettingsError, load_settings

app = typer.Typer(
    name="startupbot",
    help="충북 창업·투자·판로 지원 안내 봇 (chungbuk-startup-bot).",
    no_args_is_help=True,
    add_completion=False,
)
out = Console()
err = Console(stderr=True)


class State:
    settings: Settings | None = None
    verbose: bool = False


state = State()


def fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[bold red]오류:[/] {message}")
    return typer.Exit(code)


def get_settings() -> Settings:
    if state.settings is None:
        try:
            state.settings = load_settings()
        except SettingsError as exc:
            raise fail(str(exc), 2) from None
        from bot.logging_setup import configure_logging

        configure_logging("INFO" if state.verbose else "WARNING",
                          json_format=state.settings.log_json)
    return state.settings


@app.callback()
def main_callback(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log at INFO.")] = False,
) -> None:
    state.verbose = verbose


def build_kb():
    from knowledge.base import KnowledgeBase

    return KnowledgeBase(get_settings())


def ensure_index(kb, *, quiet: bool = False) -> str | None:
    """Ingest the shipped corpus when the index is missing or empty; returns the notice."""
    from bot import prompts
    from ingest.cli import run_ingest
    from knowledge.store import EmbedderMismatchError

    store = kb.store
    try:
        if store.exists() and store.open().count() > 0:
            return None
    except EmbedderMismatchError as exc:
        raise fail(str(exc), 2) from None
    report = run_ingest(kb, None, show_progress=not quiet)
    notice = prompts.INDEX_BOOTSTRAPPED.format(count=len(report.files),
                                               chunks=report.total_chunks)
    kb.reload_keyword_index()
    return notice


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
) -> None:
    """Ingest documents incrementally (added / updated / unchanged / removed / failed)."""
    from ingest.cli import print_report, report_json, run_ingest
    from ingest.pipeline import IngestLockedError
    from knowledge.store import StoreError

    kb = build_kb()
    for path in paths or []:
        if not path.exists():
            raise fail(f"경로가 없습니다: {path}", 2)
    try:
        report = run_ingest(kb, paths, dry_run=dry_run, rebuild=rebuild,
                            show_progress=not as_json)
    except IngestLockedError as exc:
        raise fail(str(exc), 3) from None
    except StoreError as exc:
        raise fail(str(exc), 2) from None
    if as_json:
        out.print_json(report_json(report))
    else:
        print_report(report, out, verbose=verbose_report)
    if not report.ok:
        raise typer.Exit(1)


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="질문 (question)")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    category: Annotated[str | None, typer.Option(help="Only search this category.")] = None,
) -> None:
    """Answer one question with its sources."""
    from bot.models import QuestionError
    from bot.render import render_text
    from knowledge.store import StoreError

    kb = build_kb()
    kb.prefetch()
    notice = ensure_index(kb, quiet=as_json)
    if notice and not as_json:
        err.print(f"[yellow]{notice}[/]")
    engine = build_engine(kb)
    try:
        answer = engine.answer(question, category=category)
    except QuestionError as exc:
        raise fail(exc.message, 2) from None
    except StoreError as exc:
        raise fail(str(exc), 2) from None
    if as_json:
        data = answer.model_dump(mode="json")
        if notice:
            data["index_notice"] = notice
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        out.print(render_text(answer), markup=False, highlight=False)


def build_engine(kb):
    from bot.engine import AnswerEngine

    return AnswerEngine(kb)


@app.command()
def chat() -> None:
    """Interactive console: ask questions one after another (empty line or Ctrl-D to quit)."""
    from bot.models import QuestionError
    from bot.render import render_text

    kb = build_kb()
    kb.prefetch()
    notice = ensure_index(kb)
    if notice:
        err.print(f"[yellow]{notice}[/]")
    engine = build_engine(kb)
    out.print("[bold]충북 창업 지원 안내[/] — 질문을 입력하세요 (끝내려면 빈 줄 또는 Ctrl-D).")
    while True:
        try:
            question = out.input("[bold cyan]질문> [/]")
        except (EOFError, KeyboardInterrupt):
            out.print()
            break
        if not question.strip():
            break
        try:
            answer = engine.answer(question)
        except QuestionError as exc:
            out.print(f"[yellow]{exc.message}[/]")
            continue
        out.print(render_text(answer), markup=False, highlight=False)
        out.print(f"[dim]({answer.mode.value}, {answer.timings.get('total', 0) * 1000:.0f} ms)[/]")


@app.command()
def sources(
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """List the documents in the index."""
    from rich.table import Table

    from knowledge.store import StoreError

    kb = build_kb()
    try:
        docs = kb.store.open().documents()
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
    k: Annotated[int, typer.Option("-k")] = 5,
    mode: Annotated[str, typer.Option(help="hybrid | dense | keyword")] = "hybrid",
    category: Annotated[str | None, typer.Option()] = None,
) -> None:
    """Show raw search hits with their scores (for staff and debugging)."""
    from knowledge.search import SearchMode

    kb = build_kb()
    ensure_index(kb)
    result = kb.searcher().search(query, k, category=category, mode=SearchMode(mode))
    for rank, hit in enumerate(result.hits, 1):
        c = hit.chunk
        out.print(f"{rank}. {hit.score:.4f} dense={hit.dense_score} bm25={hit.keyword_score} "
                  f"{c.title} › {c.section}", markup=False)
        out.print(f"   {c.text[:160]}", markup=False, highlight=False)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
