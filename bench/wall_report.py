"""Figures for the wall benchmark: percentiles, units, and plain-text tables with the target and PASS/MISS."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

KB, MB = 1000, 1000**2  # decimal units throughout: a target in MB is 10^6 bytes
# The targets.
TARGET_P95_MS = 250  # event -> screen at 50 events/s
TARGET_PAINT_MS = 800  # map first paint, median on a quiet machine
TARGET_PAINT_BYTES = 1.2 * MB  # bytes over the wire to first paint
TARGET_UPDATE_BYTES = 25 * KB  # one live update
TARGET_RSS = 300 * MB  # the web worker after an hour at 50 events/s
TARGET_GROWTH = 50 * MB  # ... and its growth over that hour


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest rank: the smallest value with at least q% of the values at or below it."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else math.nan


def kb(size: float) -> str:
    return "-" if math.isnan(size) else f"{size / KB:,.1f} KB"


def mb(size: float) -> str:
    return "-" if math.isnan(size) else f"{size / MB:,.2f} MB"


def ms(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:,.0f} ms"


def table(title: str, header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    cells = [[str(cell) for cell in header], *([str(cell) for cell in row] for row in rows)]
    widths = [max(len(row[column]) for row in cells) for column in range(len(header))]

    def line(row: list[str]) -> str:
        first = row[0].ljust(widths[0])
        return "  ".join([first, *(cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True))])

    print(f"\n== {title}")
    print(line(cells[0]))
    print("  ".join("-" * width for width in widths))
    for row in cells[1:]:
        print(line(row))


@dataclass
class Verdict:
    metric: str
    figure: str
    target: str
    passed: bool | None  # None: not measured

    @property
    def result(self) -> str:
        return "n/a" if self.passed is None else ("PASS" if self.passed else "MISS")


def verdict_rows(verdicts: Sequence[Verdict]) -> list[list[str]]:
    return [[v.metric, v.figure, v.target, v.result] for v in verdicts]
