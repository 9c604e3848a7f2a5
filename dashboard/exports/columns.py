"""How a table's columns read in a file: which hold percentages, changes in percent or in points, or codes, and the
text a deck or a PDF prints for their cells.

A content names the kinds of its columns (`ExportContent.columns`); a column it does not name is read from its
heading's unit: "（%）" a percentage, "（百分点）" points. Units are said once: a cell that carries the % sign
(percentages, changes in percent) sits under a heading without "（%）"; a change in points keeps its unit in the
heading and prints the number alone. A change carries ▲ or ▼, never a bare sign."""

from __future__ import annotations

import math
from typing import Any

from dashboard.config import Language
from dashboard.exports.catalog import ExportContent
from dashboard.i18n import t

PERCENT, CHANGE, POINTS, CODE = "percent", "change", "points", "code"  # a rate 0–100; a change in %; in points
PERCENT_UNITS = ("（%）", " (%)", "(%)")
POINT_UNITS = ("（百分点）", " (points)", "(points)")
DECIMALS = 1


def column_kind(content: ExportContent, name: str) -> str | None:
    kind = content.columns.get(name)
    if kind is not None:
        return kind
    if name.endswith(PERCENT_UNITS):
        return PERCENT
    if name.endswith(POINT_UNITS):
        return POINTS
    return None


def kinds(content: ExportContent) -> list[str | None]:
    return [column_kind(content, str(name)) for name in content.table.columns]


def plain_header(name: str, kind: str | None) -> str:
    """The heading as printed over cells that carry their own % sign."""
    if kind in (PERCENT, CHANGE):
        for unit in PERCENT_UNITS:
            if name.endswith(unit):
                return name.removesuffix(unit)
    return name


def number(value: Any) -> float | None:
    if hasattr(value, "item"):  # a numpy scalar, as pandas hands them out
        value = value.item()
    if value is None or isinstance(value, str | bool):
        return None
    number_ = float(value)
    return None if math.isnan(number_) else number_


def mark(value: float, lang: Language) -> str:
    """▲ for a rise, ▼ for a fall, nothing when it rounds to no change."""
    if round(value, DECIMALS) == 0:
        return ""
    return t("monthly.mark.up" if value > 0 else "monthly.mark.down", lang)


def change_text(value: float | None, lang: Language, *, points: bool, unit: bool = True) -> str:
    """▲36.4% / ▼5.5 (points: the unit in the heading) / ▼5.5个百分点 (`unit` for a column that mixes both)."""
    if value is None:
        return t("value.none", lang)
    suffix = (t("unit.points", lang) if unit else "") if points else "%"
    return f"{mark(value, lang)}{abs(value):.{DECIMALS}f}{suffix}"


def cell_text(value: Any, kind: str | None, lang: Language) -> str:
    """A cell as a deck or a PDF prints it; missing values as —."""
    if kind == CODE or isinstance(value, str):
        return str(value)
    found = number(value)
    if found is None:
        return t("value.none", lang)
    if kind == PERCENT:
        return f"{found:.{DECIMALS}f}%"
    if kind in (CHANGE, POINTS):
        return change_text(found, lang, points=kind == POINTS, unit=False)
    if found.is_integer():
        return f"{int(found):,}"
    return f"{found:,.{DECIMALS}f}"
