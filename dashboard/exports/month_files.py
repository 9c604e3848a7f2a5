"""What the deck and the PDF of a month share: the refusal of an empty month, progress reports, and the charts
drawn once as meeting-size PNGs (dashboard/exports/images.py) in the order the page shows them."""

from __future__ import annotations

import logging
from collections.abc import Callable

from dashboard.config import Language
from dashboard.exports.catalog import ExportContent
from dashboard.exports.images import RenderFailed, figure_png
from dashboard.exports.monthly_charts import MonthPack, registered_names
from dashboard.i18n import t

log = logging.getLogger(__name__)

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


def chart_images(
    pack: MonthPack, lang: Language, progress: Progress = no_progress, *, start: int = 10, end: int = 80
) -> dict[str, bytes | None]:
    """Each chart as a 1920×1080 PNG (None where the browser could not draw it: the file shows its table)."""
    charts = [(name, content) for name, content in contents_in_order(pack) if content.figure is not None]
    images: dict[str, bytes | None] = {}
    for number, (name, content) in enumerate(charts, start=1):
        progress(
            start + (end - start) * (number - 1) // max(1, len(charts)),
            t("monthly.job.step.chart", lang, n=number, total=len(charts)),
        )
        try:
            images[name] = figure_png(content, lang)
        except RenderFailed as error:
            log.warning("monthly export: %s drawn as a table instead: %s", name, error)
            images[name] = None
    return images


def cell_text(value: object) -> str:
    """A table cell as text: integers without decimals, missing values as —."""
    if hasattr(value, "item"):  # a numpy scalar, as pandas hands them out
        value = value.item()
    if value is None:
        return "—"
    if isinstance(value, float):
        if value != value:  # NaN
            return "—"
        return f"{value:,.2f}" if not value.is_integer() else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)
