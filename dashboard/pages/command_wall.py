"""指挥大屏, the command wall: live figures, the grid map coloured by a chosen figure, live charts, alerts and feed.

Three columns of panels (`wall-panel`): the headline figures and today's reports per hour and by kind on the left,
the live tiles over the map in the middle, the alerts, the areas ranked and the feed on the right. In wall mode
they fill one fixed canvas (assets/14-wall-canvas.css); otherwise the page scrolls, the map beside the alerts and
the feed, the charts below."""

import json
from typing import Any

import dash
from dash import dcc, html

from dashboard import ids
from dashboard.components.alert_panel import alert_panel
from dashboard.components.cards import kpi_row, live_tile, loop_tile
from dashboard.components.map import cell_layer_data, city_map
from dashboard.components.page import page_frame
from dashboard.components.wall_chart import wall_chart
from dashboard.data.city_extent import city_bounds
from dashboard.i18n import t
from dashboard.kpis import Headline
from dashboard.pipeline.grid_metrics import GridMetric
from dashboard.tile_period import parse_tile_period, parse_tile_within
from dashboard.wall_tour import TourError, parse_tour

dash.register_page(__name__, path="/", name=t("page.command_wall"), order=0)

LIVE_MS = 5_000  # map colours, live tiles and patrols refresh this often; new reports arrive at once (pushed)


def data(**values: str) -> dict[str, Any]:
    """HTML data-* attributes, for the page's scripts in assets/."""
    return {f"data-{name}": value for name, value in values.items()}


def metric_picker() -> dcc.RadioItems:
    options = [{"label": t(f"metric.{metric.value}"), "value": metric.value} for metric in GridMetric]
    return dcc.RadioItems(
        id=ids.Wall.METRIC,
        options=options,
        value=GridMetric.INCIDENTS_TODAY.value,
        inline=True,
        className="metric-picker",
    )


def layout(
    period: str | None = None,
    within: str | None = None,
    wall: str | None = None,
    tour: str | None = None,
    every: str | None = None,
    **_unused_query: str,
) -> html.Div:
    # ?period= picks the span the headline tiles count (default: the latest with data), ?within= the N-day solve
    # rate, ?tour=counties&every= the county tour of a wall; a bad value is named.
    tile_period, period_problem = parse_tile_period(period if isinstance(period, str) else None)
    days, within_problem = parse_tile_within(within if isinstance(within, str) else None)
    try:
        tour_every, tour_problem = parse_tour(tour if wall == "1" else None, every), None
    except TourError as error:
        tour_every, tour_problem = None, str(error)
    problems = [problem for problem in (period_problem, within_problem, tour_problem) if problem]
    messages = [html.P(problem, className="page-message", role="alert") for problem in problems]
    tiles = [live_tile(metric.value) for metric in GridMetric]
    live = html.Div([*tiles, loop_tile()], className="kpi-row live-row wall-panel")
    map_panel = html.Section(
        [
            html.Div(metric_picker(), className="map-bar"),
            html.Div(
                [city_map(ids.Wall), html.Div(id=ids.Wall.LEGEND, className="legend"), dcc.Store(id=ids.Wall.CLICKED)],
                className="wall-map-frame",
            ),
        ],
        className="wall-map-panel wall-panel",
        # for assets/10-grid-cells.js, which draws the cells, 11-wall.js, which places the pushed reports, and
        # 16-wall-fit.js, which fits the city to the map
        **cell_layer_data(),
        **data(bounds=json.dumps(city_bounds())),
    )
    feed_panel = html.Section(
        [
            html.H2(t("feed.title")),
            # Rows are added in the browser by assets/11-wall.js; Dash renders the list empty and leaves it alone.
            html.Ol(id=ids.Wall.FEED, className="feed", **data(empty=t("feed.empty"))),
        ],
        className="wall-feed-panel wall-panel",
    )
    return page_frame(
        "command_wall",
        *messages,
        html.Div(
            [
                html.Div(
                    [
                        html.Div(
                            kpi_row("wall", list(Headline), period=tile_period, within=days),
                            className="wall-panel wall-headline",
                        ),
                        wall_chart(ids.Wall.HOURLY, t("wall.chart.hourly"), "wall.hourly"),
                        wall_chart(ids.Wall.KINDS, t("wall.chart.kinds"), "wall.kinds"),
                    ],
                    className="wall-column wall-left",
                ),
                html.Div([live, map_panel], className="wall-column wall-centre"),
                html.Div(
                    [
                        alert_panel(),
                        wall_chart(
                            ids.Wall.AREAS, t("wall.chart.areas.county"), "wall.areas", title_id=ids.Wall.AREAS_TITLE
                        ),
                        feed_panel,
                    ],
                    className="wall-column wall-right",
                ),
            ],
            className="wall-grid",
        ),
        dcc.Interval(id=ids.Wall.PATROL_CLOCK, interval=LIVE_MS),
        dcc.Store(id=ids.Wall.COLOURS),
        dcc.Store(id=ids.Wall.MODE, data=wall == "1"),
        dcc.Store(id=ids.Wall.VIEW),
        dcc.Store(id=ids.Wall.TOUR, data={"every": tour_every} if tour_every else None),
        title_after=html.Span(id=ids.Wall.AREA_NAME),
    )
