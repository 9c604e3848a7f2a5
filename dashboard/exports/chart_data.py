"""A page's chart as the data a file draws it from: its categories and series, read from the very figure the page
shows, so a deck's editable chart and a PDF's printed one hold the page's numbers and nothing else.

Bars and markers are read alike (each trace a series); traces on a second value axis (`yaxis="y2"`) make a panel of
their own, since neither a PowerPoint chart nor a printed one should pretend two scales are one."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float, ...]  # a missing value as 0, as the page's bar draws it
    colours: tuple[str, ...]  # "#rrggbb" per point, or one for the whole series, or none


@dataclass(frozen=True)
class Panel:
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    horizontal: bool  # bars along the value axis from the left (the categories read down the side)
    percent: bool  # values are percentages (the axis runs to 100)
    title: str  # the value axis's title, "" when it has none


def _colours(marker: Any, count: int) -> tuple[str, ...]:
    colour = getattr(marker, "color", None) if marker is not None else None
    found = [colour] if isinstance(colour, str) else list(colour) if colour is not None else []
    hexes = tuple(str(value) for value in found if isinstance(value, str) and value.startswith("#") and len(value) == 7)
    return hexes if len(hexes) in (1, count) else ()


def largest(panel: Panel) -> float:
    return max((value for series in panel.series for value in series.values), default=0.0)


def _axis(fig: go.Figure, name: str) -> Any:
    return fig.layout[name.replace("y", "yaxis", 1)] if name != "y" else fig.layout.yaxis


def panels(fig: go.Figure) -> list[Panel]:
    """The figure's series, one panel per value axis, in the order the figure adds them."""
    grouped: dict[str, list[Any]] = {}
    for trace in fig.data:
        if trace.type not in ("bar", "scatter"):
            continue
        grouped.setdefault(str(getattr(trace, "yaxis", None) or "y"), []).append(trace)
    found = []
    for axis_name, traces in grouped.items():
        horizontal = any(getattr(trace, "orientation", None) == "h" for trace in traces)
        first = traces[0]
        categories = tuple(str(value) for value in ((first.y if horizontal else first.x) or ()))
        series = []
        for trace in traces:
            values = (trace.x if horizontal else trace.y) or ()
            numbers = tuple(float(value) if value is not None else 0.0 for value in values)
            series.append(Series(str(trace.name or ""), numbers, _colours(trace.marker, len(numbers))))
        axis = fig.layout.xaxis if horizontal else _axis(fig, axis_name)
        title = axis.title.text if axis is not None and axis.title is not None else None
        percent = axis is not None and axis.ticksuffix == "%"
        found.append(Panel(categories, tuple(series), horizontal, bool(percent), str(title or "")))
    return found


def round_step(largest: float) -> float:
    """A round tick step (1, 2 or 5 times a power of ten, whole for counts) giving about five ticks up to `largest`."""
    raw = max(largest, 1.0) / 5
    magnitude = 10 ** math.floor(math.log10(raw))
    return float(max(1.0, next(factor * magnitude for factor in (1, 2, 5, 10) if factor * magnitude >= raw)))
