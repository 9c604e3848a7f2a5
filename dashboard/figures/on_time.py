"""Rates of the SLA and patrol-compliance pages (按期结案率, 巡查合规率): one bar per area or department, a line per
month, and the coverage map (grids coloured by compliance). DataFrame in, go.Figure out."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.config import Language
from dashboard.figures.common import CURRENT, SERIES_COLOURS, empty, mark_incomplete, styled
from dashboard.i18n import t


def _label(frame: pd.DataFrame, lang: Language) -> list[str]:
    column = "name" if lang == "zh-CN" or "name_en" not in frame else "name_en"
    return [str(value) for value in frame[column]]


def rate_bars(frame: pd.DataFrame, *, part: str, whole: str, title: str, lang: Language, empty_key: str) -> go.Figure:
    """Horizontal bars of part / whole in percent, labelled 'rate (part/whole)', worst at the top."""
    rows = frame[frame[whole] > 0].copy() if not frame.empty else frame
    if rows.empty:
        return empty(title, t(empty_key, lang))
    rows["percent"] = rows[part] / rows[whole] * 100
    rows = rows.sort_values("percent", ascending=False)
    fig = go.Figure(
        go.Bar(
            x=rows["percent"],
            y=_label(rows, lang),
            orientation="h",
            marker_color=CURRENT,
            text=[
                f"{p:.1f}% ({int(a)}/{int(b)})"
                for p, a, b in zip(rows["percent"], rows[part], rows[whole], strict=True)
            ],
            textposition="auto",
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    fig.update_xaxes(range=[0, 100], ticksuffix="%")
    return styled(fig, title)


def rate_lines(
    frame: pd.DataFrame,
    *,
    x: str,
    part: str,
    whole: str,
    title: str,
    lang: Language,
    empty_key: str,
    incomplete: bool = False,
) -> go.Figure:
    """One line per area (columns code, name) over `x`, in percent; `incomplete`: the last `x` is not over yet."""
    rows = frame[frame[whole] > 0].copy() if not frame.empty else frame
    if rows.empty:
        return empty(title, t(empty_key, lang))
    fig = go.Figure()
    for index, (_code, group) in enumerate(rows.groupby("code", sort=True)):
        percent = group[part] / group[whole] * 100
        fig.add_trace(
            go.Scatter(
                x=[str(value)[:7] for value in group[x]] if x == "month" else group[x],  # YYYY-MM
                y=percent,
                mode="lines+markers",
                name=_label(group, lang)[0],
                line={"color": SERIES_COLOURS[index % len(SERIES_COLOURS)]},
                hovertemplate="%{x}: %{y:.1f}%<extra>%{fullData.name}</extra>",
            )
        )
    fig.update_yaxes(range=[0, 100], ticksuffix="%")
    if x == "month":  # months as named: a date axis over one month shows times of day
        fig.update_xaxes(type="category", categoryorder="category ascending")
    if incomplete:
        mark_incomplete(fig, lang)
    return styled(fig, title)


def coverage_map(grids: pd.DataFrame, *, title: str, lang: Language) -> go.Figure:
    """Grid centroids (columns lon, lat, code, name, rate) coloured by compliance; no base map (offline)."""
    rows = grids.dropna(subset=["rate"]) if not grids.empty else grids
    if rows.empty:
        return empty(title, t("empty.no_patrol_days", lang))
    percent = [float(rate) * 100 for rate in rows["rate"]]
    fig = go.Figure(
        go.Scatter(  # SVG, not WebGL: screens without a GPU draw it too
            x=rows["lon"],
            y=rows["lat"],
            mode="markers",
            marker={
                "color": percent,
                "colorscale": [[0, "#ff5b5b"], [0.5, "#f6c343"], [1, "#2ecc71"]],
                "cmin": 0,
                "cmax": 100,
                "size": 7,
                "colorbar": {"ticksuffix": "%", "title": ""},
            },
            text=[f"{name} {value:.0f}%" for name, value in zip(rows["name"], percent, strict=True)],
            hovertemplate="%{text}<extra></extra>",
        )
    )
    fig.update_yaxes(scaleanchor="x", scaleratio=1.14, showticklabels=False)  # about 1/cos(29°)
    fig.update_xaxes(showticklabels=False)
    return styled(fig, title)
