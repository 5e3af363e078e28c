"""`startupbot review`: list, inspect, judge and correct logged answers; `--web` for the page.

Imported by bot/cli.py when the command line is built, so this module imports only typer and
rich at module level; SQLAlchemy, the knowledge base and the web stack load inside commands.
"""

from __future__ import annotations

import json
import sys
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from bot.review.cli_common import (
    EDIT_CUT_LINE,
    Channel,
    Down,
    Fallback,
    Mode,
    Refused,
    Search,
    Since,
    Status,
    Unreviewed,
    Until,
    Up,
    build_corrections,
    build_filter,
    err,
    fail,
    get_settings,
    one_line,
    open_log,
    out,
    shown,
    when,
)

if TYPE_CHECKING:
    from bot.answer_log import AnswerLog

review_app = typer.Typer(
    help="답변 기록 검토: 목록·상세·검토 표시·수정·내보내기·통계, --web 으로 검토 페이지.",
    add_completion=False,
)

# --- commands ----------------------------------------------------------------------------
@review_app.callback(invoke_without_command=True)
def review_main(
    ctx: typer.Context,
    web: Annotated[bool, typer.Option("--web", help="검토 웹 페이지를 띄웁니다.")] = False,
    host: Annotated[str | None, typer.Option(help="웹 페이지 주소 (기본 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="웹 페이지 포트 (기본 8765).")] = None,
) -> None:
    """Review logged answers (`startupbot review --web` serves the review page)."""
    if web:
        if ctx.invoked_subcommand:
            raise fail("--web 은 하위 명령과 함께 쓸 수 없습니다.", 2)
        web_cmd(host=host, port=port)
        raise typer.Exit(0)
    if ctx.invoked_subcommand is None:
        out.print(ctx.get_help())
        raise typer.Exit(0)


@review_app.command("list")
def list_cmd(
    down: Down = False, up: Up = False, refused: Refused = False, fallback: Fallback = False,
    mode: Mode = None, unreviewed: Unreviewed = False, status: Status = None,
    since: Since = None, until: Until = None, search: Search = None, channel: Channel = None,
    page: Annotated[int, typer.Option("--page", "-p", min=1, help="쪽 번호.")] = 1,
    limit: Annotated[int | None, typer.Option("--limit", "-n", min=1, max=1000,
                                              help="한 쪽의 줄 수.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON으로 출력.")] = False,
) -> None:
    """List logged answers, newest first, with filters and paging."""
    from bot.review import labels

    flt = build_filter(down=down, up=up, refused=refused, fallback=fallback, mode=mode,
                       unreviewed=unreviewed, status=status, since=since, until=until,
                       search=search, channel=channel)
    log = open_log()
    result = log.list_answers(flt, page=page, per_page=limit or get_settings().review_page_size)
    if as_json:
        data = result.model_dump(mode="json")
        data["pages"] = result.pages
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    if not result.total:
        out.print("조건에 맞는 답변이 없습니다.")
        return
    table = Table(title=f"답변 기록 {result.total:,}건 · {result.page}/{result.pages}쪽",
                  title_justify="left")
    table.add_column("ID", justify="right")
    table.add_column("시각")
    table.add_column("채널")
    table.add_column("방식")
    table.add_column("평가")
    table.add_column("상태")
    table.add_column("질문", overflow="fold")
    for item in result.items:
        table.add_row(str(item.id), when(item.created_at),
                      labels.CHANNEL.get(item.channel, item.channel), labels.MODE[item.mode],
                      labels.feedback(item.feedback), labels.STATUS[item.review_status],
                      Text(one_line(item.question, 60)))
    out.print(table, highlight=False)


@review_app.command("show")
def show_cmd(
    answer_id: Annotated[int, typer.Argument(help="답변 ID")],
    as_json: Annotated[bool, typer.Option("--json", help="JSON으로 출력.")] = False,
) -> None:
    """Show one answer: question, answer, sources, feedback, review and history."""
    from bot.review import labels

    log = open_log()
    item = log.get(answer_id)
    if item is None:
        raise fail(f"답변 #{answer_id}을(를) 찾을 수 없습니다.", 1)
    events = log.events(answer_id)
    if as_json:
        data = item.model_dump(mode="json")
        data["events"] = [e.model_dump(mode="json") for e in events]
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    p = out.print
    p(f"[bold]답변 #{item.id}[/] · {when(item.created_at)} · "
      f"{labels.CHANNEL.get(item.channel, item.channel)} · {labels.MODE[item.mode]} · "
      f"{labels.STATUS[item.review_status]}", highlight=False)
    p("\n[bold]질문[/]")
    p(shown(item.question), markup=False, highlight=False)
    if item.query and item.query != item.question:
        p(Text(f"검색어: {shown(item.query)}", style="dim"))
    p("\n[bold]답변[/]")
    p(shown(item.answer), markup=False, highlight=False)
    if item.notice:
        p(shown(item.notice), markup=False, highlight=False)
    p("\n[bold]출처[/]")
    if not item.sources:
        p("  (없음)")
    for s in item.sources:
        where = shown(s.title + (f" › {s.section}" if s.section else ""))
        link = shown(s.url or s.source)
        p(f"  [{s.number}] {where} — {link} (점수 {s.score:.3f}, 조각 {shown(s.chunk_id)})",
          markup=False, highlight=False)
    timing = " · ".join(f"{name} {value} ms" for name, value in (
        ("검색", item.retrieval_ms), ("생성", item.generation_ms), ("전체", item.total_ms))
        if value is not None)
    model = escape(shown(item.model)) or "-"
    p(f"\n[dim]모델 {model} · 프롬프트 {item.prompt_version or '-'} · {timing}"
      + (f" · 토큰 {item.total_tokens}" if item.total_tokens else "") + "[/]", highlight=False)
    p(Text.assemble("\n", ("사용자 평가 ", "bold"), labels.feedback(item.feedback) or "없음",
                    f" — {shown(item.feedback_comment)}" if item.feedback_comment else ""))
    if item.reviewer_note:
        p(Text.assemble(("검토 메모 ", "bold"), shown(item.reviewer_note)))
    if item.corrected_answer:
        p(f"\n[bold green]수정한 답변[/] ({when(item.corrected_at)})", highlight=False)
        p(shown(item.corrected_answer), markup=False, highlight=False)
        p(Text(f"문서: {shown(item.curated_path)}", style="dim"))
    if events:
        p("\n[bold]이력[/]")
        for e in events:
            detail = one_line(labels.event_detail(e.kind, e.detail), 80)
            bits = [labels.EVENT[e.kind], detail, shown(e.note)]
            p(f"  {when(e.created_at)} " + " · ".join(b for b in bits if b),
              markup=False, highlight=False)


@review_app.command("mark")
def mark_cmd(
    answer_id: Annotated[int, typer.Argument(help="답변 ID")],
    note: Annotated[str | None, typer.Option("--note", "-m", help="검토 메모.")] = None,
) -> None:
    """Mark an answer reviewed (with an optional note)."""
    log = open_log()
    if not log.mark_reviewed(answer_id, note):
        raise fail(f"답변 #{answer_id}을(를) 찾을 수 없습니다.", 1)
    out.print(f"답변 #{answer_id}을(를) 검토 완료로 표시했습니다.")


def _read_correction(log: AnswerLog, answer_id: int, answer: str | None) -> str:
    if answer is not None:
        return answer
    if not sys.stdin.isatty():
        return sys.stdin.read()
    item = log.get(answer_id)
    if item is None:
        raise fail(f"답변 #{answer_id}을(를) 찾을 수 없습니다.", 1)
    template = (f"{item.corrected_answer or item.answer}\n\n{EDIT_CUT_LINE}\n"
                f"# 질문: {item.question}\n# 위의 답변을 고쳐 쓰고 저장한 뒤 편집기를 닫으세요.\n")
    import click  # typer's foundation; typer does not re-export edit()

    edited = click.edit(template, extension=".md")
    if edited is None:
        raise fail("편집기에서 저장하지 않아 수정을 취소했습니다.", 1)
    return edited.split(EDIT_CUT_LINE, 1)[0]


@review_app.command("correct")
def correct_cmd(
    answer_id: Annotated[int, typer.Argument(help="답변 ID")],
    answer: Annotated[str | None, typer.Option(
        "--answer", "-a", help="수정한 답변 (없으면 표준 입력, 터미널이면 $EDITOR).")] = None,
    note: Annotated[str | None, typer.Option("--note", "-m", help="검토 메모.")] = None,
) -> None:
    """Store a corrected answer; it becomes a curated document and is ingested at once."""
    from bot.review.corrections import CorrectionError

    log = open_log()
    text = _read_correction(log, answer_id, answer)
    try:
        result = build_corrections(log).correct(answer_id, text, note=note)
    except CorrectionError as exc:
        raise fail(str(exc), 1) from None
    out.print(f"답변 #{answer_id}의 수정한 답변을 저장했습니다. 문서: {result.path}",
              highlight=False)
    out.print(result.summary, highlight=False)
    if not result.indexed:
        err.print("[yellow]색인에 반영되지 않았습니다. `startupbot ingest`를 다시 실행하세요.[/]")
        raise typer.Exit(1)


@review_app.command("uncorrect")
def uncorrect_cmd(
    answer_id: Annotated[int, typer.Argument(help="답변 ID")],
    note: Annotated[str | None, typer.Option("--note", "-m", help="검토 메모.")] = None,
) -> None:
    """Remove a correction: deletes its curated document and removes it from the index."""
    from bot.review.corrections import CorrectionError

    log = open_log()
    try:
        result = build_corrections(log).uncorrect(answer_id, note=note)
    except CorrectionError as exc:
        raise fail(str(exc), 1) from None
    out.print(f"답변 #{answer_id}의 수정을 취소하고 문서를 지웠습니다: {result.path}",
              highlight=False)
    out.print(result.summary, highlight=False)
    if not result.indexed:
        err.print("[yellow]색인에 반영되지 않았습니다. `startupbot ingest`를 다시 실행하세요.[/]")
        raise typer.Exit(1)


@review_app.command("export")
def export_cmd(
    fmt: Annotated[str, typer.Option("--format", "-f", help="csv | jsonl")] = "csv",
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="저장할 파일 (없으면 표준 출력).")] = None,
    excel: Annotated[bool, typer.Option(
        "--excel/--no-excel", help="CSV 앞에 BOM을 붙여 엑셀에서 한글이 깨지지 않게 합니다 "
        "(기본; 파일과 표준 출력 모두).")] = True,
    down: Down = False, up: Up = False, refused: Refused = False, fallback: Fallback = False,
    mode: Mode = None, unreviewed: Unreviewed = False, status: Status = None,
    since: Since = None, until: Until = None, search: Search = None, channel: Channel = None,
) -> None:
    """Export answers (one row per answer: question, answer, mode, sources, feedback, ...)."""
    from bot.review.export import ExportFormat, write_export

    try:
        export_format = ExportFormat(fmt.lower())
    except ValueError:
        raise fail("--format 은 csv 또는 jsonl 입니다.", 2) from None
    flt = build_filter(down=down, up=up, refused=refused, fallback=fallback, mode=mode,
                       unreviewed=unreviewed, status=status, since=since, until=until,
                       search=search, channel=channel)
    log = open_log()
    items = log.iter_answers(flt)
    bom = excel and export_format is ExportFormat.CSV
    if output is None:
        if bom:
            sys.stdout.write("\ufeff")
        count = write_export(items, sys.stdout, export_format)
    else:
        with output.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
            count = write_export(items, handle, export_format)
        err.print(f"{count:,}건을 {output}에 저장했습니다.", highlight=False)


@review_app.command("stats")
def stats_cmd(
    days: Annotated[int, typer.Option("--days", "-d", min=1, max=366,
                                      help="최근 며칠 (오늘 포함).")] = 14,
    gaps: Annotated[int, typer.Option("--gaps", min=0, max=100,
                                      help="자주 거절된 질문 몇 개.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="JSON으로 출력.")] = False,
) -> None:
    """Per day: questions, 👍/👎, refusals, median latency; and the corpus gaps."""
    log = open_log()
    last = log.today()
    first = last - timedelta(days=days - 1)
    per_day = log.stats_by_day(first, last)
    top = log.refused_gaps(first, last, limit=gaps) if gaps else []
    alerts = alert_summary(log)
    if as_json:
        sys.stdout.write(json.dumps({
            "days": [d.model_dump(mode="json") for d in per_day],
            "gaps": [g.model_dump(mode="json") for g in top],
            "alerts": alerts,
        }, ensure_ascii=False, indent=2) + "\n")
        return
    print_alerts(alerts)
    table = Table(title=f"일별 통계 ({first} ~ {last})", title_justify="left")
    for column in ("날짜", "질문", "👍", "👎", "거절", "대체", "중앙 응답시간"):
        table.add_column(column, justify="left" if column == "날짜" else "right")
    for d in per_day:
        table.add_row(d.day.isoformat(), str(d.questions), str(d.thumbs_up),
                      str(d.thumbs_down), str(d.refused), str(d.fallback),
                      f"{d.median_latency_ms:,.0f} ms" if d.median_latency_ms is not None
                      else "-")
    out.print(table, highlight=False)
    if gaps:
        if not top:
            out.print("이 기간에 거절된 질문이 없습니다.")
            return
        gap_table = Table(title="자주 거절된 질문 (자료에 없는 주제)", title_justify="left")
        gap_table.add_column("횟수", justify="right")
        gap_table.add_column("질문 (최근 표현)", overflow="fold")
        gap_table.add_column("마지막")
        for g in top:
            gap_table.add_row(str(g.count), Text(shown(g.example)), when(g.last_seen))
        out.print(gap_table, highlight=False)


def alert_summary(log) -> dict | None:
    """issue 16: subscriptions and alerts (None when the alerts cannot be read)."""
    from bot.alerts.report import summary
    from bot.app import AppError, current_app

    try:
        return summary(current_app().alerts(log).store.stats())
    except AppError as exc:
        raise fail(exc.message, exc.code) from None
    except Exception as exc:  # an old database, …: the answer stats still print
        err.print(f"[yellow]알림 통계를 읽지 못했습니다: {type(exc).__name__}[/]")
        return None


def print_alerts(alerts: dict | None) -> None:
    from bot.alerts.report import percent

    if alerts is None:
        return
    subs, sent, rates = alerts["subscriptions"], alerts["alerts"], alerts["rates"]
    table = Table(title=f"알림 구독 (활성 {subs['active']:,} · 종료 {subs['ended']:,})",
                  title_justify="left")
    table.add_column("항목")
    table.add_column("구독자 수 (활성)", overflow="fold")
    for label, key in (("창업 단계", "by_stage"), ("나이", "by_age"), ("지역", "by_region"),
                       ("관심 분야", "by_field")):
        parts = sorted(subs[key].items(), key=lambda kv: -kv[1])
        table.add_row(label, " · ".join(f"{k} {v:,}" for k, v in parts) or "-")
    out.print(table, highlight=False)
    table = Table(title="보낸 알림", title_justify="left")
    for column in ("시도", "전달", "차단", "실패", "불확실", "대기", "보류", "🔕 끈 대화",
                   "링크 클릭"):
        table.add_column(column, justify="right")
    table.add_row(f"{sent['attempted']:,}", f"{sent['sent']:,} ({percent(rates['delivered'])})",
                  f"{sent['blocked']:,} ({percent(rates['blocked'])})", f"{sent['failed']:,}",
                  f"{sent['uncertain']:,}", f"{sent['pending']:,}", f"{sent['held']:,}",
                  f"{alerts['muted_chats']:,} ({percent(rates['muted_chats'])})",
                  f"{alerts['clicks']:,} ({percent(rates['clicked'])} 클릭)")
    out.print(table, highlight=False)
    out.print(f"[dim]{alerts['clicks_note']}[/]", highlight=False)


@review_app.command("purge")
def purge_cmd() -> None:
    """Delete answers older than STARTUPBOT_LOG_RETENTION_DAYS (0 keeps everything)."""
    settings = get_settings()
    if not settings.log_retention_days:
        out.print("보존 기간(STARTUPBOT_LOG_RETENTION_DAYS)이 0이라 지우지 않았습니다.")
        return
    log = open_log()
    deleted = log.purge_expired()
    out.print(f"{settings.log_retention_days}일보다 오래된 답변 {deleted:,}건을 지웠습니다.")


@review_app.command("web")
def web_cmd(
    host: Annotated[str | None, typer.Option(help="주소 (기본 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="포트 (기본 8765).")] = None,
) -> None:
    """Serve the review page (sign-in with STARTUPBOT_REVIEW_TOKEN)."""
    settings = get_settings()
    if settings.review_token is None or not settings.review_token.get_secret_value().strip():
        raise fail("검토 페이지에는 로그인 토큰이 필요합니다. STARTUPBOT_REVIEW_TOKEN 을 "
                    "설정하세요 (예: python -c "
                    "\"import secrets; print(secrets.token_urlsafe(24))\").", 2)
    host = host or settings.review_host
    port = port or settings.review_port
    if host not in ("127.0.0.1", "localhost", "::1"):
        err.print(f"[yellow]주의: {host} 에서 접속을 받습니다. 외부에 열 때는 HTTPS 리버스 "
                  "프록시 뒤에 두세요.[/]", highlight=False)
    log = open_log()
    from bot.review.server import build_app, run_app

    try:
        app = build_app(settings, log, build_corrections(log))
    except ValueError as exc:  # a short token, a bad STARTUPBOT_REVIEW_* setting
        raise fail(str(exc), 2) from None
    out.print(f"검토 페이지: http://{host}:{port}/  (끝내려면 Ctrl-C)", highlight=False)
    run_app(app, host=host, port=port)
