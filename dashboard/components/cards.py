"""KPI tiles: one headline figure with its 同比 and 环比, its 口径 on hover. A callback fills every tile on a page."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NotRequired

from dash import dcc, html
from pydantic import ConfigDict, with_config
from typing_extensions import TypedDict  # pydantic checks it on Python 3.11 (dashboard/callback_inputs.py)

from dashboard import ids
from dashboard.city_clock import definition_sentence
from dashboard.i18n import t
from dashboard.kpis import Headline, figure_definition, figure_title


def kpi_tile(page: str, figure: Headline, within: int | None = None) -> html.Div:
    """One tile; the solve rate as the `within`-day rate when given (its title and 口径 say so)."""
    tile = f"{page}:{figure.value}"
    title, definition = figure_title(figure, within=within), figure_definition(figure, within=within)
    return html.Div(
        [
            html.Div(title, className="kpi-title"),
            html.Div(t("value.none"), id=ids.kpi("value", tile), className="kpi-value"),
            html.Div(
                [
                    html.Span(t("compare.year_over_year"), className="kpi-label"),
                    html.Span(id=ids.kpi("yoy", tile)),
                ],
                className="kpi-change",
            ),
            html.Div(
                [
                    html.Span(t("compare.period_over_period"), className="kpi-label"),
                    html.Span(id=ids.kpi("pop", tile)),
                ],
                className="kpi-change",
            ),
        ],
        className=f"kpi-tile kpi-{figure.value.replace('_', '-')}",
        title=definition,  # the 口径, on hover
    )


# A store's value with a key its type does not declare is refused: dropped silently, a new key never reached the
# callbacks (dashboard/callback_inputs.py).
STRICT = ConfigDict(extra="forbid")


@with_config(STRICT)
class AreaData(TypedDict):
    """An area as a store holds it."""

    level: str
    code: NotRequired[str | None]


@with_config(STRICT)
class KpiScope(TypedDict):
    """What a row of tiles counts (its store's data): the callbacks take nothing else (dashboard/callback_inputs.py)."""

    period: str
    area: AreaData
    within: NotRequired[int | None]  # an N-day solve rate's N (None: solved by now)


def kpi_row(
    page: str,
    figures: Sequence[Headline],
    *,
    period: str = "headline",
    area: dict[str, Any] | None = None,
    within: int | None = None,
) -> html.Section:
    """Tiles for `figures`, counted over `period` ('headline' or 'last_month') in `area` (default: the city); the
    solve rate as the `within`-day rate when given."""
    scope = {"period": period, "area": area or {"level": "city", "code": None}, "within": within}
    return html.Section(
        [
            dcc.Store(id=ids.kpi_scope(page), data=scope),
            html.Div(id=ids.kpi("period", page), className="kpi-period"),
            html.Div([kpi_tile(page, figure, within) for figure in figures], className="kpi-row"),
        ],
        className="kpi-section",
    )


def live_tile(metric: str) -> html.Div:
    """A figure of the live state (today, now): its value, and its 口径 on hover."""
    return html.Div(
        [
            html.Div(t(f"metric.{metric}"), className="kpi-title"),
            html.Div(t("value.none"), id=ids.live_tile(metric), className="kpi-value"),
        ],
        className=f"kpi-tile live-tile live-{metric.replace('_', '-')}",
        title=definition_sentence(metric),
    )


def loop_tile() -> html.A:
    """Items in the handling loop: in progress, overdue and closed today (filled by the wall's clock), a link to the
    queue where each is listed."""
    parts = [
        html.Span([t(f"wall.loop.{part}"), html.B("—", id=ids.loop_figure(part))], className=f"loop-{part}")
        for part in ("in_progress", "overdue", "closed_today")
    ]
    return html.A(
        [html.Div(t("page.queue"), className="kpi-title"), html.Div(parts, className="kpi-value loop-figures")],
        href="/queue",
        className="kpi-tile live-tile live-loop",
        title=t("definition.loop"),
    )
