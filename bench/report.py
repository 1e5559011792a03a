"""A benchmark's result rows: printed as a table and written as JSON under bench/results/."""

from __future__ import annotations

import json
import platform
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

RESULTS = Path(__file__).resolve().parent / "results"

Direction = Literal["at_least", "at_most"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Row:
    """One measured ratio against its target; `baseline` and `bot` are printed for context."""

    name: str
    unit: str
    baseline: float
    bot: float
    ratio: float
    target: float
    direction: Direction  # "at_least": ratio >= target passes; "at_most": ratio <= target
    baseline_label: str = ""
    note: str = ""

    @property
    def met(self) -> bool:
        if self.direction == "at_least":
            return self.ratio >= self.target
        return self.ratio <= self.target

    def badness(self) -> float:
        """How many times worse than its target the ratio is (1.0 or less: met)."""
        if self.direction == "at_least":
            return self.target / self.ratio if self.ratio > 0 else float("inf")
        return self.ratio / self.target if self.target > 0 else float("inf")


@dataclass
class Report:
    benchmark: str
    quick: bool
    rows: list[Row] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    started: float = field(default_factory=time.time)

    def add(self, row: Row) -> Row:
        self.rows.append(row)
        return row

    def print(self) -> None:
        print(f"\n== {self.benchmark}{' (quick)' if self.quick else ''} ==")
        header = ("measure", "baseline", "bot", "ratio", "target", "")
        lines = [header]
        for r in self.rows:
            sign = "≥" if r.direction == "at_least" else "≤"
            lines.append(
                (
                    r.name,
                    f"{_fmt(r.baseline)} {r.unit}",
                    f"{_fmt(r.bot)} {r.unit}",
                    f"{r.ratio:.3g}",
                    f"{sign} {r.target:g}",
                    "met" if r.met else "MISSED",
                )
            )
        widths = [max(len(str(line[i])) for line in lines) for i in range(len(header))]
        for line in lines:
            print("  ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True)).rstrip())
        for r in self.rows:
            if r.baseline_label or r.note:
                print(
                    f"  · {r.name}: baseline = {r.baseline_label}{'; ' if r.note else ''}{r.note}"
                )
        for key, value in self.extra.items():
            if isinstance(value, str | int | float):
                print(f"  · {key}: {value}")

    def save(self) -> Path:
        RESULTS.mkdir(parents=True, exist_ok=True)
        path = RESULTS / f"{self.benchmark}{'-quick' if self.quick else ''}.json"
        data = {
            "benchmark": self.benchmark,
            "quick": self.quick,
            "started": self.started,
            "seconds": round(time.time() - self.started, 2),
            "machine": {"python": platform.python_version(), "system": platform.platform()},
            "rows": [{**asdict(r), "met": r.met} for r in self.rows],
            "extra": self.extra,
        }
        path.write_text(json.dumps(data, indent=1, default=str), encoding="utf-8")
        return path

    def finish(self) -> Report:
        self.print()
        print(f"  → {self.save().relative_to(RESULTS.parent.parent)}")
        return self


def _fmt(value: float) -> str:
    if value == 0:
        return "0"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 1:
        return f"{value:.2f}"
    return f"{value:.3g}"


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile of `values` (share in 0..1)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]
