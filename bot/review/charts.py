"""The review page's bar charts as inline SVG, drawn on the server.

Hand-written on purpose: the page must work without JavaScript and without a CDN (the machines
that run it may have no internet), and two bar charts do not justify a plotting library.

An SVG with a viewBox scales its text with its width, so one drawing cannot be legible both on
a desk (≈ 510 px per chart) and on a phone (≈ 320 px). Each chart is therefore drawn twice, for
a wide and a narrow frame (:data:`WIDE`, :data:`NARROW`); the page's CSS shows one of them
(``.chart-wide`` / ``.chart-narrow``, switched at 560 px). Within a frame the margins follow the
labels: the left margin fits the widest y label, date labels are thinned until they do not
touch, and the first and last are kept inside the plot. Text widths are estimated from the
characters (digits ≈ 0.62 em, Hangul and emoji ≈ 1.05 em), generously, since the server cannot
measure fonts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

from bot.answer_log import DailyStats


@dataclass(frozen=True)
class Frame:
    """Size of one drawing in SVG user units; at the intended width 1 unit ≈ 1 CSS px."""

    name: str
    width: int
    plot_height: int
    font: int
    gap: int = 6  # between labels


WIDE = Frame("wide", 520, 150, 13)  # half of the 1100 px page
NARROW = Frame("narrow", 320, 150, 12)
FRAMES = (WIDE, NARROW)


def text_width(text: str, font: float) -> float:
    """A generous estimate of the rendered width of ``text`` (no font metrics on the server)."""
    width = 0.0
    for ch in text:
        if ch.isdigit() or ch in "-.:/ ":
            width += 0.62 if ch != " " else 0.35
        elif ch.isascii():
            width += 0.9  # %, Latin letters
        else:
            width += 1.05  # Hangul, emoji
    return width * font


@dataclass(frozen=True)
class _Layout:
    frame: Frame
    left: float
    top: float
    right: float

    @property
    def plot_bottom(self) -> float:
        return self.top + self.frame.plot_height

    @property
    def x_label_y(self) -> float:
        return self.plot_bottom + 1.45 * self.frame.font

    @property
    def legend_y(self) -> float:
        return self.x_label_y + 1.9 * self.frame.font

    @property
    def height(self) -> float:
        return self.legend_y + 0.45 * self.frame.font

    def slot(self, n: int) -> float:
        return (self.frame.width - self.left - self.right) / max(1, n)


def _layout(frame: Frame, y_labels: Sequence[str]) -> _Layout:
    widest = max((text_width(t, frame.font) for t in y_labels), default=0.0)
    return _Layout(frame, left=widest + 2 * frame.gap, top=0.8 * frame.font + 2,
                   right=max(8.0, frame.font * 0.5))


def _y_axis(lay: _Layout, labels: Sequence[tuple[float, str]]) -> list[str]:
    """Labels right-aligned left of the plot, centred on their height (0..1 of the plot)."""
    out = [f'<line x1="{lay.left:.1f}" y1="{lay.plot_bottom:.1f}" '
           f'x2="{lay.frame.width - lay.right:.1f}" y2="{lay.plot_bottom:.1f}" class="grid"/>']
    for share, text in labels:
        y = lay.plot_bottom - share * lay.frame.plot_height + 0.35 * lay.frame.font
        out.append(f'<text x="{lay.left - lay.frame.gap:.1f}" y="{y:.1f}" class="axis" '
                   f'text-anchor="end">{escape(text)}</text>')
    return out


def _x_labels(lay: _Layout, days: Sequence[DailyStats]) -> list[str]:
    """Date labels under the bars: the latest day always, then every ``step``-th day back,
    dropping any that would touch its neighbour or leave the plot."""
    n = len(days)
    if not n:
        return []
    slot, font = lay.slot(n), lay.frame.font
    label_w = text_width("00-00", font)
    step = 1
    while step * slot < label_w + lay.frame.gap:
        step += 1
    lo, hi = lay.left, lay.frame.width - lay.right
    placed: list[tuple[float, str]] = []  # (centre x, text), right to left
    for i in range(n - 1, -1, -step):
        x = min(max(lay.left + slot * (i + 0.5), lo + label_w / 2), hi - label_w / 2)
        if placed and placed[-1][0] - x < label_w + lay.frame.gap:
            continue
        placed.append((x, days[i].day.strftime("%m-%d")))
    return [f'<text x="{x:.1f}" y="{lay.x_label_y:.1f}" class="axis" text-anchor="middle">'
            f"{text}</text>" for x, text in reversed(placed)]


def _legend(lay: _Layout, legend: Sequence[tuple[str, str]]) -> list[str]:
    out, x, font = [], lay.left, lay.frame.font
    box = round(font * 0.8)
    for label, color in legend:
        out.append(f'<rect x="{x:.1f}" y="{lay.legend_y - box + 1:.1f}" width="{box}" '
                   f'height="{box}" fill="{color}"/>'
                   f'<text x="{x + box + 4:.1f}" y="{lay.legend_y:.1f}" class="legend">'
                   f"{escape(label)}</text>")
        x += box + 4 + text_width(label, font) + 2 * font
    return out


def _svg(lay: _Layout, title: str, body: list[str]) -> str:
    return (f'<svg class="chart chart-{lay.frame.name}" viewBox="0 0 {lay.frame.width} '
            f'{lay.height:.0f}" width="100%" font-size="{lay.frame.font}" role="img" '
            f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
            f"<title>{escape(title)}</title>{''.join(body)}</svg>")


def _bars(lay: _Layout, i: int, n: int) -> tuple[float, float]:
    slot = lay.slot(n)
    return lay.left + slot * i + slot * 0.15, slot * 0.7


def _volume(frame: Frame, days: Sequence[DailyStats]) -> str:
    peak = max((d.questions for d in days), default=0) or 1
    y_labels = [(0.0, "0"), (1.0, f"{peak:,}")]
    lay = _layout(frame, [t for _, t in y_labels])
    plot_h = frame.plot_height
    body = _y_axis(lay, y_labels)
    for i, d in enumerate(days):
        x, w = _bars(lay, i, len(days))
        h = plot_h * d.questions / peak
        r = plot_h * d.refused / peak
        tip = f"{d.day.isoformat()}: 질문 {d.questions}건, 거절 {d.refused}건"
        body.append(f'<g><title>{escape(tip)}</title>'
                    f'<rect x="{x:.1f}" y="{lay.plot_bottom - h:.1f}" width="{w:.1f}" '
                    f'height="{h:.1f}" fill="#3b6fd8"/>'
                    f'<rect x="{x:.1f}" y="{lay.plot_bottom - r:.1f}" width="{w:.1f}" '
                    f'height="{r:.1f}" fill="#e8a33d"/></g>')
    body += _x_labels(lay, days)
    body += _legend(lay, [("질문", "#3b6fd8"), ("거절", "#e8a33d")])
    return _svg(lay, "일별 질문 수", body)


def _feedback(frame: Frame, days: Sequence[DailyStats]) -> str:
    y_labels = [(0.0, "0%"), (0.5, "50%"), (1.0, "100%")]
    lay = _layout(frame, [t for _, t in y_labels])
    plot_h = frame.plot_height
    body = _y_axis(lay, y_labels)
    for i, d in enumerate(days):
        x, w = _bars(lay, i, len(days))
        rated = d.thumbs_up + d.thumbs_down
        if not rated:
            body.append(f'<rect x="{x:.1f}" y="{lay.plot_bottom - 2:.1f}" width="{w:.1f}" '
                        f'height="2" fill="#cfd4dc"><title>{d.day.isoformat()}: 평가 없음'
                        f"</title></rect>")
            continue
        up_h = plot_h * d.thumbs_up / rated
        tip = (f"{d.day.isoformat()}: 👍 {d.thumbs_up} · 👎 {d.thumbs_down} "
               f"(👍 {100 * d.thumbs_up / rated:.0f}%)")
        body.append(f'<g><title>{escape(tip)}</title>'
                    f'<rect x="{x:.1f}" y="{lay.top:.1f}" width="{w:.1f}" '
                    f'height="{plot_h - up_h:.1f}" fill="#d9534f"/>'
                    f'<rect x="{x:.1f}" y="{lay.plot_bottom - up_h:.1f}" width="{w:.1f}" '
                    f'height="{up_h:.1f}" fill="#3c9d5d"/></g>')
    body += _x_labels(lay, days)
    body += _legend(lay, [("👍 좋아요", "#3c9d5d"), ("👎 아쉬워요", "#d9534f")])
    return _svg(lay, "일별 피드백 비율", body)


def volume_chart(days: Sequence[DailyStats]) -> Markup:
    """Questions per day; the refused part of each bar in a second colour (both frames)."""
    return Markup("".join(_volume(frame, days) for frame in FRAMES))


def feedback_chart(days: Sequence[DailyStats]) -> Markup:
    """Share of 👍 and 👎 among the answers that got feedback, per day (100% bars)."""
    return Markup("".join(_feedback(frame, days) for frame in FRAMES))
