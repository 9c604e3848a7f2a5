"""What the deck and the PDF of a month share: the refusal of an empty month, progress reports, and the month's
contents in the order the page shows them."""

from __future__ import annotations

from collections.abc import Callable

from dashboard.exports.catalog import ExportContent
from dashboard.exports.monthly_charts import MonthPack, registered_names

Progress = Callable[[int, str], None]  # percent done (0–100), what is being done (in the user's language)


class EmptyMonth(ValueError):
    """The month has nothing to report in the area: no file is written."""


def no_progress(_percent: int, _step: str) -> None:
    return None


def contents_in_order(pack: MonthPack) -> list[tuple[str, ExportContent]]:
    """The month's registered exports, in page order (the deck and the PDF iterate these)."""
    if pack.empty:
        raise EmptyMonth(pack.empty_message())
    return [(name, pack.contents[name]) for name in registered_names() if name in pack.contents]
