"""Two small charts of the review page as inline SVG, drawn on the server.

Hand-written on purpose: the page must work without JavaScript and without a CDN (the machines
that run it may have no internet), and two bar charts do not justify a plotting library.
The SVGs scale to the width of their container (viewBox + width 100%), so they fit a phone.
"""

from __future__ import annotations

from html import escape

from bot.answer_log import DailyStats

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 36, 8, 12, 28


def _frame(title: str, body: list[str], legend: list[tuple[str, str]]) -> str:
    items = "".join(
        f'<rect x="{LEFT + i * 110}" y="{HEIGHT - 12}" width="10" height="10" fill="{color}"/>'
        f'<text x="{LEFT + i * 110 + 14}" y="{HEIGHT - 3}" class="legend">{escape(label)}</text>'
        for i, (label, color) in enumerate(legend))
    return (f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT + 4}" width="100%" role="img" '
            f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
            f"<title>{escape(title)}</title>{''.join(body)}{items}</svg>")


def _x_labels(days: list[DailyStats], slot: float) -> list[str]:
    step = max(1, len(days) // 7)
    labels = []
    for i, d in enumerate(days):
        if i % step == 0 or i == len(days) - 1:
            x = LEFT + slot * (i + 0.5)
            labels.append(f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 14}" class="axis" '
                          f'text-anchor="middle">{d.day.strftime("%m-%d")}</text>')
    return labels


def volume_chart(days: list[DailyStats]) -> str:
    """Questions per day; the refused part of each bar in a second colour."""
    plot_h = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / max(1, len(days))
    peak = max((d.questions for d in days), default=0) or 1
    body = [f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" '
            f'class="grid"/>',
            f'<text x="{LEFT - 4}" y="{TOP + 8}" class="axis" text-anchor="end">{peak}</text>',
            f'<text x="{LEFT - 4}" y="{TOP + plot_h}" class="axis" text-anchor="end">0</text>']
    for i, d in enumerate(days):
        x = LEFT + slot * i + slot * 0.15
        w = slot * 0.7
        h = plot_h * d.questions / peak
        r = plot_h * d.refused / peak
        tip = f"{d.day.isoformat()}: 질문 {d.questions}건, 거절 {d.refused}건"
        body.append(f'<g><title>{escape(tip)}</title>'
                    f'<rect x="{x:.1f}" y="{TOP + plot_h - h:.1f}" width="{w:.1f}" '
                    f'height="{h:.1f}" fill="#3b6fd8"/>'
                    f'<rect x="{x:.1f}" y="{TOP + plot_h - r:.1f}" width="{w:.1f}" '
                    f'height="{r:.1f}" fill="#e8a33d"/></g>')
    body += _x_labels(days, slot)
    return _frame("일별 질문 수", body, [("질문", "#3b6fd8"), ("거절", "#e8a33d")])


def feedback_chart(days: list[DailyStats]) -> str:
    """Share of 👍 and 👎 among the answers that got feedback, per day (100% bars)."""
    plot_h = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / max(1, len(days))
    body = [f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" '
            f'class="grid"/>',
            f'<text x="{LEFT - 4}" y="{TOP + 8}" class="axis" text-anchor="end">100%</text>',
            f'<text x="{LEFT - 4}" y="{TOP + plot_h}" class="axis" text-anchor="end">0%</text>']
    for i, d in enumerate(days):
        x = LEFT + slot * i + slot * 0.15
        w = slot * 0.7
        rated = d.thumbs_up + d.thumbs_down
        if not rated:
            body.append(f'<rect x="{x:.1f}" y="{TOP + plot_h - 2}" width="{w:.1f}" height="2" '
                        f'fill="#cfd4dc"><title>{d.day.isoformat()}: 평가 없음</title></rect>')
            continue
        up_h = plot_h * d.thumbs_up / rated
        tip = (f"{d.day.isoformat()}: 👍 {d.thumbs_up} · 👎 {d.thumbs_down} "
               f"(👍 {100 * d.thumbs_up / rated:.0f}%)")
        body.append(f'<g><title>{escape(tip)}</title>'
                    f'<rect x="{x:.1f}" y="{TOP:.1f}" width="{w:.1f}" height="{plot_h - up_h:.1f}"'
                    f' fill="#d9534f"/>'
                    f'<rect x="{x:.1f}" y="{TOP + plot_h - up_h:.1f}" width="{w:.1f}" '
                    f'height="{up_h:.1f}" fill="#3c9d5d"/></g>')
    body += _x_labels(days, slot)
    return _frame("일별 피드백 비율", body, [("👍 좋아요", "#3c9d5d"), ("👎 아쉬워요", "#d9534f")])
