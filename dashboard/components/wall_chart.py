"""A chart panel of the wall: its name above, the chart (no toolbar), its 口径 below (dashboard/definitions.py)."""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from dashboard.components.footnote import footnote
from dashboard.figures.common import WAITING


def wall_chart(graph_id: str, title: str, definition: str, *, title_id: str | None = None) -> html.Section:
    """`definition` names the chart in dashboard/definitions.py; `title_id` lets a callback rename the panel."""
    heading: dict[str, Any] = {"id": title_id} if title_id else {}
    return html.Section(
        [
            html.H2(title, className="wall-chart-title", **heading),
            dcc.Graph(
                id=graph_id,
                figure=WAITING,
                config={"displayModeBar": False, "responsive": True},
                className="wall-graph",
            ),
            footnote(definition),
        ],
        className="wall-chart wall-panel",
    )
