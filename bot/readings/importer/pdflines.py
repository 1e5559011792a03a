"""A PDF page's text as lines that know their font size, weight and position (via pypdf)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

_BOLD = re.compile(r"bold|black|heavy|semibold|demi|-medi|\bcmbx|sfbx|-bd\b|,bd", re.I)


@dataclass(frozen=True, slots=True)
class PdfLine:
    text: str
    size: float  # the font size most of its characters have, in points
    bold: bool  # most of its characters are set in a bold face
    y: float | None  # the baseline's height on the page, when the PDF says


@dataclass(slots=True)
class _Run:
    chars: Counter[tuple[float, bool]]
    text: list[str]
    y: float | None = None


def page_lines(page: Any) -> list[PdfLine]:
    """The page's lines in pypdf's reading order, each with its dominant font."""
    runs: list[_Run] = [_Run(Counter(), [])]

    def visit(text: str, cm: Sequence[float], tm: Sequence[float], font: Any, size: float) -> None:
        if not text:
            return
        pieces = text.split("\n")
        for k, piece in enumerate(pieces):
            if k:
                runs.append(_Run(Counter(), []))
            if not piece:
                continue
            run = runs[-1]
            run.text.append(piece)
            visible = len(piece.strip())
            if visible:
                run.chars[(_size(size, cm, tm), _is_bold(font))] += visible
                if run.y is None:
                    run.y = _height(cm, tm)

    page.extract_text(visitor_text=visit)
    lines: list[PdfLine] = []
    for run in runs:
        text = "".join(run.text).rstrip()
        if not text.strip():
            lines.append(PdfLine("", 0.0, False, None))
            continue
        (size, bold), _ = run.chars.most_common(1)[0] if run.chars else ((0.0, False), 0)
        lines.append(PdfLine(text, size, bold, run.y))
    return lines


def _size(size: float, cm: Sequence[float], tm: Sequence[float]) -> float:
    # The font size operand is scaled by the text and transformation matrices' vertical parts.
    scale = abs(tm[3] or 1.0) * abs(cm[3] or 1.0) if len(tm) > 3 and len(cm) > 3 else 1.0
    return round(size * scale, 1)


def _height(cm: Sequence[float], tm: Sequence[float]) -> float | None:
    if len(tm) < 6 or len(cm) < 6:
        return None
    return float(tm[5] * (cm[3] or 1.0) + cm[5])


def _is_bold(font: Any) -> bool:
    if not font:
        return False
    try:
        name = str(font.get("/BaseFont", ""))
    except AttributeError:
        return False
    return _BOLD.search(name) is not None
