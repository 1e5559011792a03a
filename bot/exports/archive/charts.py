"""Small inline SVG bar charts: no script, no external asset, readable on a phone."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

WIDTH = 480  # also the largest it is drawn, so text never grows past its size
BAR_AREA = 170
TOP = 24
BOTTOM = 36
LEFT = 36


def bar_chart(
    title: str, bars: Sequence[tuple[str, int]], *, amount: Callable[[int], str], empty: str
) -> str:
    """A vertical bar chart of `bars` (label, value) as an SVG element that scales to its column.
    `amount` writes a value in words ("3 members"); `empty` is said when there are no bars."""
    label = escape(title)
    if not bars:
        return f'<p class="empty">{escape(empty)}</p>'
    peak = max(max(v for _, v in bars), 1)
    height = TOP + BAR_AREA + BOTTOM
    step = (WIDTH - LEFT - 8) / len(bars)
    width = max(min(step * 0.7, 48.0), 4.0)
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{label}" '
        'xmlns="http://www.w3.org/2000/svg">',
        f"<title>{label}</title>",
    ]
    for tick in _ticks(peak):
        y = TOP + BAR_AREA - BAR_AREA * tick / peak
        parts.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - 4}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="axis" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{tick}</text>'
        )
    show_every = max(1, len(bars) // 16)  # keep the labels apart on long histories
    for i, (name, value) in enumerate(bars):
        x = LEFT + step * i + (step - width) / 2
        h = BAR_AREA * value / peak
        y = TOP + BAR_AREA - h
        tip = escape(f"{name}: {amount(value)}")
        parts.append(
            f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{h:.1f}" rx="3">'
            f"<title>{tip}</title></rect>"
        )
        if value:
            parts.append(
                f'<text class="value" x="{x + width / 2:.1f}" y="{y - 5:.1f}" '
                f'text-anchor="middle">{value}</text>'
            )
        if i % show_every == 0:
            parts.append(
                f'<text class="axis" x="{x + width / 2:.1f}" y="{TOP + BAR_AREA + 20}" '
                f'text-anchor="middle">{escape(name)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def _ticks(peak: int) -> list[int]:
    step = max(1, -(-peak // 4))
    return list(range(0, peak + 1, step))
