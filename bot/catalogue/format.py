"""Shared wording of a programme: D-day, window, target, amount (answers, cards, CLI)."""

from __future__ import annotations

from bot.catalogue import prompts
from knowledge.catalogue.models import Programme, Status
from knowledge.catalogue.render import target_text, window_text, won
from knowledge.clock import Clock


def d_day(programme: Programme, clock: Clock) -> str:
    days = programme.d_day(clock)
    if days is None:
        return prompts.ROLLING if programme.window.rolling else prompts.NO_DEADLINE
    if days == 0:
        return "D-day"
    return f"D-{days}" if days > 0 else f"D+{-days}"


def deadline(programme: Programme) -> str:
    end = programme.window.end
    if end is None:
        return prompts.ROLLING if programme.window.rolling else prompts.NO_DEADLINE
    return end.strftime("%Y-%m-%d") + (
        "" if end.strftime("%H:%M") == "23:59" else end.strftime(" %H:%M")
    )


def window(programme: Programme) -> str:
    return window_text(programme)


def target(programme: Programme) -> str:
    return target_text(programme)


def amount(programme: Programme) -> str:
    if programme.amount_max_won:
        return f"최대 {won(programme.amount_max_won)}"
    return programme.amount_text or "공고문에서 확인"


def status_label(programme: Programme, clock: Clock) -> str:
    status = programme.status(clock)
    label = prompts.STATUS_LABELS[status.value]
    if status is Status.OPEN:
        return f"{label} · {d_day(programme, clock)}"
    return label


def card_lines(p: Programme, labels: dict[str, str], esc) -> list[str]:
    """The fields of a programme card (title, agency, target, amount, window), HTML-escaped
    with `esc`; `labels` names them (agency, target, amount, window)."""
    lines = [f"<b>{esc(p.title)}</b>"]
    agency = " / ".join(x for x in (p.agency, p.supervising_agency) if x)
    if agency:
        lines.append(f"🏢 {labels['agency']}: {esc(agency)}")
    lines.append(f"👥 {labels['target']}: {esc(target(p))}")
    lines.append(f"💰 {labels['amount']}: {esc(amount(p))}")
    lines.append(f"🗓 {labels['window']}: {esc(window(p))}")
    return lines
