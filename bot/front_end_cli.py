"""`startupbot chat` and `startupbot serve`: the two long-running front ends, the console and
Telegram (split out of bot/cli.py; registered there with `register`)."""

from __future__ import annotations

from typing import Annotated

import typer

from bot.settings import TelegramMode


def register(app: typer.Typer) -> None:
    """Add `chat` and `serve` to the main `startupbot` app."""
    app.command()(chat)
    app.command()(serve)


def chat(
    conversation: Annotated[str | None, typer.Option(
        "--conversation", help="Conversation id (default: a new one); /reset forgets it.")] = None,
) -> None:
    """Interactive console: ask questions one after another (empty line or Ctrl-D to quit)."""
    import uuid

    from bot.cli import build_answer_log, build_engine, build_kb, ensure_index, err, out
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
    from bot.cli import (
        build_alerts,
        build_answer_log,
        build_engine,
        build_kb,
        err,
        fail,
        get_settings,
    )
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
