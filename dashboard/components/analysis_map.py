"""Map analysis: where incidents cluster over a period (a heatmap of hexagons sized to the area), and a replay of one
day or week hour by hour (a slider, and a play button that steps it). The area's outline is drawn too, and the
areas one level down (county outlines of the city, townships of a county, grids of a township): a page that lets
them be clicked (`drillable=True`) listens to `ids.analysis("areas", key)`'s clickData and drills into the area.

Any page embeds one with a key and the DrillFilter data in its `ids.analysis("query", key)` store (given here, or
written by a page callback). The server sends aggregated points once per choice (dashboard/data/heat.py); moving
through the hours happens in the browser (assets/30-analysis-map.js), without a round trip per hour.
"""

from __future__ import annotations

import dash_leaflet as dl
from dash import dcc, html

from dashboard import ids
from dashboard.components.footnote import footnote
from dashboard.components.map import base_layers, city_center_zoom, overlay_options
from dashboard.data.filters import DrillFilter
from dashboard.i18n import t
from dashboard.views.records import drill_to_data

STEP_MS = 1_000  # one hour of the replay per second while playing
MODES = ("period", "day", "week")


def js(name: str) -> dict[str, str]:
    return {"variable": f"analysisMap.{name}"}


def analysis_map(
    key: str, drill: DrillFilter | None = None, *, height: str = "26rem", drillable: bool = False
) -> html.Section:
    shift = overlay_options()
    outline = dl.GeoJSON(
        id=ids.analysis("outline", key), data=None, style=js("outlineStyle"), interactive=False, **shift
    )
    areas = dl.GeoJSON(  # the areas one level down, named on hover; clickable where the page drills
        id=ids.analysis("areas", key),
        data=None,
        style=js("areaStyle"),
        hoverStyle=js("areaHover"),
        onEachFeature=js("areaTip"),
        interactive=drillable,
        **shift,
    )
    heat = dl.GeoJSON(id=ids.analysis("heat", key), data=None, style=js("heatStyle"), interactive=False, **shift)
    controls = html.Div(
        [
            dcc.RadioItems(
                id=ids.analysis("mode", key),
                options=[{"label": t(f"analysis.mode.{mode}"), "value": mode} for mode in MODES],
                value="period",
                inline=True,
                className="analysis-mode",
            ),
            html.Label(
                [t("analysis.day"), dcc.DatePickerSingle(id=ids.analysis("day", key), display_format="YYYY-MM-DD")],
                className="analysis-day",
            ),
            html.Button("▶", id=ids.analysis("play", key), className="analysis-play", title=t("analysis.play")),
            html.Div(
                dcc.Slider(id=ids.analysis("slider", key), min=0, max=23, step=1, value=0, marks=None, disabled=True),
                className="analysis-slider",
            ),
        ],
        className="analysis-controls",
    )
    return html.Section(
        [
            html.H3(t("analysis.title")),
            dcc.Store(id=ids.analysis("query", key), data=None if drill is None else drill_to_data(drill)),
            dcc.Store(id=ids.analysis("density", key)),
            dcc.Store(id=ids.analysis("frames", key)),
            dcc.Interval(id=ids.analysis("clock", key), interval=STEP_MS, disabled=True),
            controls,
            html.Div(id=ids.analysis("hour", key), className="analysis-hour", role="status"),
            dl.Map(
                [*base_layers(), areas, outline, heat],
                id=ids.analysis("map", key),
                center=city_center_zoom()[0],
                zoom=city_center_zoom()[1],
                style={"height": height, "background": "#0d1d2e"},
                attributionControl=bool(base_layers()),
                # No animations: a drill or "back" replaces the page while Leaflet may still be mid-transition,
                # and its pending step then reads the removed panes ("Cannot read properties of undefined
                # (reading '_leaflet_pos')"). The view already changes without animation (viewport options).
                zoomAnimation=False,
                fadeAnimation=False,
                markerZoomAnimation=False,
                inertia=False,
                # quarter zoom steps: the area fills the map (whole steps left a township a quarter of it at best)
                zoomSnap=0.25,
                zoomDelta=0.5,
            ),
            html.Div(id=ids.analysis("status", key), className="analysis-legend"),
            html.P(t("drillmap.hint"), className="analysis-hint") if drillable else None,
            footnote("map.density"),
        ],
        className="analysis-map analysis-map-drillable" if drillable else "analysis-map",
    )
