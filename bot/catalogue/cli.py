"""`startupbot sync` and `startupbot programs list|show` (staff), registered on the main app."""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

out = Console()
err = Console(stderr=True)

programs_app = typer.Typer(
    help="동기화된 지원사업 공고 (programme catalogue).", no_args_is_help=True
)


def _settings():
    from bot.app import AppError, current_app

    try:
        return current_app().settings
    except AppError as exc:
        raise _fail(exc.message, exc.code) from None


def _fail(message: str, code: int = 1) -> typer.Exit:
    from rich.markup import escape

    err.print(f"[bold red]오류:[/] {escape(message)}")
    return typer.Exit(code)


def _catalogue_settings():
    from knowledge.catalogue.settings import load_catalogue_settings
    from knowledge.settings import SettingsError

    try:
        return load_catalogue_settings()
    except SettingsError as exc:
        raise _fail(str(exc), 2) from None


def print_sync_report(report, console: Console) -> None:
    table = Table(title=report.summary_ko())
    for col in (
        "출처",
        "사용",
        "페이지",
        "항목",
        "공고",
        "중복",
        "지역 제외",
        "요청",
        "재시도",
        "오류",
    ):
        table.add_column(col)
    for s in report.sources:
        table.add_row(
            s.name,
            "예" if s.enabled else "아니오 (키 없음)",
            str(s.pages),
            str(s.items),
            str(s.programmes),
            str(s.duplicates),
            str(s.skipped_region),
            str(s.requests),
            str(s.retries),
            s.error or "",
        )
    console.print(table)
    counts = report.status_counts
    console.print(
        f"카탈로그 {report.catalogue_total}건 · 접수 중 {counts.get('open', 0)} · "
        f"예정 {counts.get('upcoming', 0)} · 마감 {counts.get('closed', 0)} · "
        f"기간 미상 {counts.get('unknown', 0)} · 문서 {report.documents_written}건 작성 · "
        f"{report.seconds:.1f}초",
        highlight=False,
    )
    if report.ingest:
        c = report.ingest["counts"]
        console.print(
            f"색인: 추가 {c['added']} · 갱신 {c['updated']} · 변경 없음 {c['unchanged']} · "
            f"삭제 {c['removed']} · 실패 {c['failed']}",
            highlight=False,
        )
    if report.ingest_error:
        console.print(f"[yellow]색인하지 못했습니다: {report.ingest_error}[/]")
    for problem in report.problems[:30]:
        console.print(
            f"[yellow]문제[/] {problem.source} {problem.where}: {problem.reason}",
            highlight=False,
            markup=False,
        )
    if len(report.problems) > 30:
        console.print(f"… 문제 {len(report.problems) - 30}건 더 (--json 으로 모두 보기)")


def sync(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Fetch and compare; write nothing.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Sync the programme catalogue from K-Startup and 기업마당 (then index the changes)."""
    from bot.app import current_app
    from ingest.sync import SyncLockedError
    from knowledge.catalogue.repository import CatalogueError

    config = _catalogue_settings()
    if not config.sources_enabled:
        raise _fail(
            "API 키가 없어 동기화할 출처가 없습니다: STARTUPBOT_KSTARTUP_API_KEY 또는 "
            "STARTUPBOT_BIZINFO_API_KEY 를 설정하세요 (README 참고). (no API key set)",
            2,
        )
    from ingest.sync import CatalogueSync

    _settings()
    kb = current_app().kb
    listeners = [] if dry_run else [_alerts_listener()]
    try:
        if as_json or not err.is_terminal:
            report = CatalogueSync(kb, catalogue_settings=config,
                                   listeners=listeners).run(dry_run=dry_run)
        else:
            report = _with_progress(kb, config, dry_run, listeners)
    except SyncLockedError as exc:
        raise _fail(str(exc), 3) from None
    except CatalogueError as exc:
        raise _fail(str(exc), 2) from None
    if as_json:
        data = report.model_dump(mode="json")
        data["ok"] = report.ok
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        print_sync_report(report, out)
    if not report.ok:
        raise typer.Exit(1)


def _with_progress(kb, config, dry_run: bool, listeners=None):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from ingest.sync import CatalogueSync

    with Progress(
        TextColumn("[bold]동기화 중"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=err,
        transient=True,
    ) as progress:
        task = progress.add_task("", total=None)

        def update(done: int, total: int, name: str) -> None:
            progress.update(task, completed=done, total=total, description=name)

        return CatalogueSync(kb, catalogue_settings=config, progress=update,
                             listeners=listeners).run(dry_run=dry_run)


def _catalogue_and_clock():
    from knowledge.catalogue.repository import Catalogue
    from knowledge.clock import clock_from_settings

    settings = _settings()
    return Catalogue.from_settings(settings), clock_from_settings(settings)


@programs_app.command("list")
def programs_list(
    status: Annotated[
        str | None, typer.Option(help="open | upcoming | closed | unknown (comma-separated)")
    ] = None,
    source: Annotated[str | None, typer.Option(help="kstartup | bizinfo")] = None,
    category: Annotated[str | None, typer.Option(help="분류 (예: 사업화)")] = None,
    search: Annotated[str | None, typer.Option("--search", "-q", help="제목에 포함")] = None,
    vanished: Annotated[bool, typer.Option("--vanished", help="사라진 공고도 포함")] = False,
    new: Annotated[bool, typer.Option("--new", help="새로 올라온 순")] = False,
    limit: Annotated[int, typer.Option(min=1)] = 50,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """List catalogue programmes with their status on today's date (STARTUPBOT_TODAY)."""
    from bot.catalogue import format as fmt
    from knowledge.catalogue.models import Status
    from knowledge.catalogue.repository import CatalogueError

    catalogue, clock = _catalogue_and_clock()
    try:
        wanted = [Status(s.strip()) for s in status.split(",")] if status else None
    except ValueError:
        raise _fail("status 는 open, upcoming, closed, unknown 중에서 고르세요.", 2) from None
    try:
        items = catalogue.search(
            clock,
            status=wanted,
            source=source,
            category=category,
            text=search,
            include_vanished=vanished,
            order="new" if new else "deadline",
        )
    except CatalogueError as exc:
        raise _fail(str(exc), 2) from None
    if as_json:
        rows = [
            {
                "id": s.programme.id,
                "title": s.programme.title,
                "status": s.programme.status(clock).value,
                "d_day": s.programme.d_day(clock),
                "deadline": fmt.deadline(s.programme),
                "source": s.programme.source,
                "category": s.programme.category,
                "url": s.programme.url,
                "vanished": s.vanished,
            }
            for s in items[:limit]
        ]
        sys.stdout.write(
            json.dumps(
                {"today": clock.today().isoformat(), "total": len(items), "programmes": rows},
                ensure_ascii=False,
                indent=2,
            )
            + "\n"
        )
        return
    table = Table(title=f"지원사업 공고 {len(items)}건 ({clock.today().isoformat()} 기준)")
    for col in ("id", "상태", "마감", "분류", "제목", "기관"):
        table.add_column(col)
    for s in items[:limit]:
        p = s.programme
        state = fmt.status_label(p, clock) + (" · 사라짐" if s.vanished else "")
        table.add_row(p.id, state, fmt.deadline(p), p.category, p.title, p.agency)
    out.print(table)
    if len(items) > limit:
        out.print(f"… 외 {len(items) - limit}건 (--limit)")


@programs_app.command("show")
def programs_show(
    programme_id: Annotated[str, typer.Argument(help="공고 id (예: ks-175000)")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Everything the catalogue knows about one programme."""
    from bot.catalogue import format as fmt

    catalogue, clock = _catalogue_and_clock()
    stored = catalogue.get(programme_id)
    if stored is None:
        raise _fail(f"공고를 찾지 못했습니다: {programme_id}", 1)
    p = stored.programme
    if as_json:
        data = stored.model_dump(mode="json")
        data["status"] = p.status(clock).value
        data["d_day"] = p.d_day(clock)
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    rows = [
        ("제목", p.title),
        ("id", p.id),
        ("출처", p.source),
        ("상태", fmt.status_label(p, clock)),
        ("신청 기간", fmt.window(p)),
        ("원문 기간", p.window.text),
        ("대상", fmt.target(p)),
        ("지원 규모", fmt.amount(p)),
        ("수행기관", p.agency),
        ("소관기관", p.supervising_agency),
        ("분류", p.category),
        ("공고문", p.url),
        ("첨부", ", ".join(a.name for a in p.attachments)),
        ("처음 본 때", f"{stored.first_seen:%Y-%m-%d %H:%M}"),
        ("마지막 확인", f"{stored.last_seen:%Y-%m-%d %H:%M}"),
        ("사라짐", f"{stored.vanished_at:%Y-%m-%d}" if stored.vanished_at else ""),
    ]
    table = Table(show_header=False)
    table.add_column()
    table.add_column()
    for key, value in rows:
        if value:
            table.add_row(key, str(value))
    out.print(table)


def register(app: typer.Typer) -> None:
    """Add `sync` and `programs` to the main `startupbot` app."""
    app.command("sync")(sync)
    app.add_typer(programs_app, name="programs")


def _alerts_listener():
    """issue 16: after the sync wrote the catalogue, plan the alerts of what it brought (the
    sender in `serve` delivers them; a failure is logged by the sync, never fatal)."""
    from bot.app import AppError, current_app

    try:
        alerts = current_app().alerts()
    except AppError as exc:
        raise _fail(exc.message, exc.code) from None
    return alerts.on_sync


def staff_calls(kb: Any):
    """issue 16, "after every sync or ingest": the 공고 among the documents `ingest` wrote join
    the catalogue (source `staff`), and their alerts are planned at once. The alerts and the
    answer log are built only when a call changed."""
    from bot.app import current_app
    from ingest.pipeline import CATALOGUE_PREFIX, CURATED_PREFIX
    from ingest.staff_calls import StaffCalls
    from knowledge.catalogue.repository import Catalogue
    from knowledge.clock import clock_from_settings

    clock = clock_from_settings(kb.settings)
    opened: list[Catalogue] = []

    def catalogue(create: bool) -> Catalogue:
        opened.append(Catalogue.from_settings(kb.settings, create=create))
        return opened[-1]

    def plan_alerts(changes, programmes) -> None:
        alerts = current_app().alerts(catalogue=opened[-1] if opened else None, clock=clock)
        alerts.on_sync(changes, programmes)

    return StaffCalls(catalogue, clock, [plan_alerts],
                      keep=lambda key: not key.startswith((CURATED_PREFIX, CATALOGUE_PREFIX)))


def attach_sync(engine: Any, kb: Any, alerts: Any = None) -> None:
    """Give `serve`'s scheduled job the sync to run (bot/telegram/programs.py); its changes
    become alerts at once (`alerts.on_sync`)."""
    from ingest.sync import CatalogueSync

    answerer = getattr(engine, "catalogue_answerer", None)
    if answerer is None:
        return
    config = _catalogue_settings()
    if not config.sources_enabled or config.catalogue_sync_interval_hours <= 0:
        return

    listeners = [alerts.on_sync] if alerts is not None else []

    def run():
        return CatalogueSync(kb, catalogue_settings=config, listeners=listeners).run()

    answerer.sync = run
    answerer.sync_interval_s = config.catalogue_sync_interval_hours * 3600
    answerer.first_sync_delay_s = config.catalogue_first_sync_delay
