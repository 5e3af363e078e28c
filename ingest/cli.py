"""`startupbot ingest`: the staff command that brings the knowledge folder into the index."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ingest.pipeline import Change, Ingestor, IngestReport
from ingest.staff_calls import StaffCalls
from knowledge.base import KnowledgeBase

log = logging.getLogger(__name__)

_STYLE = {Change.ADDED: "green", Change.UPDATED: "cyan", Change.UNCHANGED: "dim",
          Change.REMOVED: "yellow", Change.SKIPPED: "magenta", Change.FAILED: "bold red"}
_LABEL = {Change.ADDED: "추가", Change.UPDATED: "갱신", Change.UNCHANGED: "변경 없음",
          Change.REMOVED: "삭제", Change.SKIPPED: "건너뜀", Change.FAILED: "실패"}


def run_ingest(kb: KnowledgeBase, paths: list[Path] | None, *, dry_run: bool = False,
               rebuild: bool = False, console: Console | None = None,
               show_progress: bool = True, wait: float = 0.0,
               calls: StaffCalls | None = None) -> IngestReport:
    """Run an ingest with a progress bar on `console` (stderr by default); `wait` seconds for
    another writer to finish first; `calls` merges the 공고 among the documents into the
    catalogue afterwards."""
    report = _run(kb, paths, dry_run=dry_run, rebuild=rebuild, console=console,
                  show_progress=show_progress, wait=wait, calls=calls)
    if calls is not None and not dry_run and not report.stopped:
        try:
            changes = calls.merge()
        except Exception as exc:  # the documents are in; the catalogue can catch up next time
            log.exception("ingest.staff_calls_failed")
            report.calls_error = f"{type(exc).__name__}: {exc}"[:300]
        else:
            if changes is not None:
                report.calls = {"new": len(changes.new), "changed": len(changes.changed),
                                "vanished": len(changes.vanished)}
    return report


def _run(kb: KnowledgeBase, paths: list[Path] | None, *, dry_run: bool, rebuild: bool,
         console: Console | None, show_progress: bool, wait: float,
         calls: StaffCalls | None) -> IngestReport:
    console = console or Console(stderr=True)
    if not show_progress or not console.is_terminal:
        return Ingestor(kb, wait=wait, on_document=calls).run(paths, dry_run=dry_run,
                                                               rebuild=rebuild)
    with Progress(TextColumn("[bold]수집 중"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), TextColumn("{task.description}"),
                  console=console, transient=True) as progress:
        task = progress.add_task("", total=None)

        def update(done: int, total: int, name: str) -> None:
            progress.update(task, completed=done, total=total, description=name)

        return Ingestor(kb, progress=update, wait=wait, on_document=calls).run(
            paths, dry_run=dry_run, rebuild=rebuild)


def print_report(report: IngestReport, console: Console, *, verbose: bool = False) -> None:
    table = Table(title=report.summary_ko(), show_lines=False)
    table.add_column("결과")
    table.add_column("파일")
    table.add_column("조각", justify="right")
    table.add_column("사유")
    for item in report.files:
        if item.change is Change.UNCHANGED and not verbose:
            continue
        reason = "; ".join(filter(None, [item.reason, *item.notes]))
        label = _LABEL[item.change] + (" (이미 보고됨)" if item.known else "")
        table.add_row(f"[{_STYLE[item.change]}]{label}[/]", item.source, str(item.chunks),
                      reason)
    if table.row_count:
        console.print(table)
    else:
        console.print(report.summary_ko())
    known = [f for f in report.of(Change.FAILED) if f.known]
    if known:
        console.print(f"[dim]이미 보고된 실패 {len(known)}개는 파일이 바뀌기 전까지 종료 코드에 "
                      "반영하지 않습니다 (--strict로 반영).[/]")
    if report.calls and any(report.calls.values()):
        console.print("지원사업 목록에 반영한 공고: 새 공고 {new}건 · 바뀐 공고 {changed}건 · "
                      "내려간 공고 {vanished}건 (구독자 알림은 serve가 보냅니다)"
                      .format(**report.calls))
    if report.calls_error:
        console.print(f"[yellow]공고를 지원사업 목록에 반영하지 못했습니다. 문서는 색인되었고, "
                      f"그 파일을 다시 저장한 뒤 수집하면 반영됩니다: {report.calls_error}[/]")
    if not report.dry_run:
        rate = report.chunks_written / report.seconds if report.seconds else 0.0
        console.print(f"색인 조각 {report.total_chunks}개 · "
                      f"이번에 쓴 조각 {report.chunks_written}개 · "
                      f"{report.seconds:.1f}초 ({rate:.1f} 조각/초)")


def report_json(report: IngestReport) -> str:
    data = report.model_dump(mode="json")
    data["counts"] = report.counts
    return json.dumps(data, ensure_ascii=False, indent=2)
