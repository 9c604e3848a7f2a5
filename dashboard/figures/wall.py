"""The wall's charts: today's reports per hour against yesterday and last week, by kind and hazard category, and the
areas ranked beside their patrol coverage. Type for a screen read across a room (16 px and up at 1080p), no
toolbars, no titles (each panel names its chart above it and states its 口径 below)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard.config import Language
from dashboard.figures.common import BASELINE, CURRENT, FONT, GRIDLINES
from dashboard.i18n import t

TEXT_PX = 16  # the smallest type on the wall at 1080p
DAY_STYLE = {  # the hourly chart's lines: today bold and bright, the days it is compared with quieter
    "today": {"color": CURRENT, "width": 4, "dash": "solid"},
    "yesterday": {"color": "#f6c343", "width": 2, "dash": "dot"},
    "last_week": {"color": BASELINE, "width": 2, "dash": "dash"},
}
FAMILY_COLOURS = {"incident": CURRENT, "hazard": "#ff9f43"}
COVERAGE = "#2ecc71"


def wall_styled(fig: go.Figure) -> go.Figure:
    fig.update_layout(
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        font={"color": FONT, "size": TEXT_PX},
        margin={"l": 8, "r": 8, "t": 8, "b": 8},
        legend={
            "orientation": "h",
            "x": 0,
            "y": 1.02,
            "yanchor": "bottom",
            "title_text": "",
            "font": {"size": TEXT_PX},
        },
        hoverlabel={"namelength": -1, "font": {"size": TEXT_PX}},
        uirevision="wall",  # a refresh keeps what a viewer toggled
    )
    fig.update_xaxes(gridcolor=GRIDLINES, zerolinecolor=GRIDLINES, tickfont={"size": TEXT_PX}, automargin=True)
    fig.update_yaxes(gridcolor=GRIDLINES, zerolinecolor=GRIDLINES, tickfont={"size": TEXT_PX}, automargin=True)
    return fig


def hourly(frame: pd.DataFrame, *, lang: Language) -> go.Figure:
    """One line per day (today, yesterday, the same weekday last week) over the hours of the city's day. Expects
    columns day, hour, reports (dashboard/data/wall_today.py hourly_reports)."""
    fig = go.Figure()
    for day in ("last_week", "yesterday", "today"):  # today drawn last, on top
        rows = frame[frame["day"] == day]
        fig.add_scatter(
            x=rows["hour"].tolist(),
            y=rows["reports"].tolist(),
            name=t(f"wall.day.{day}", lang),
            mode="lines+markers" if day == "today" else "lines",
            line=DAY_STYLE[day],
            marker={"size": 6},
            hovertemplate="%{x}:00 · %{y}<extra>%{fullData.name}</extra>",
        )
    fig.update_xaxes(range=[-0.5, 23.5], tickvals=list(range(0, 24, 3)), ticksuffix=t("wall.hour_suffix", lang))
    fig.update_yaxes(rangemode="tozero", tickformat=",d")
    return wall_styled(fig)


def kind_label(family: str, code: str, lang: Language) -> str:
    if family == "incident":
        return t(f"kind.{code}", lang)
    return t(f"category.{code}", lang) + t("feed.hazard", lang)


def kinds(frame: pd.DataFrame, *, lang: Language) -> go.Figure:
    """Today's reports by incident kind and hazard category, most on top, a colour per family. Expects columns
    family, code, reports (reports_by_kind)."""
    rows = frame.sort_values("reports", kind="stable")  # Plotly draws the last bar on top
    labels = [kind_label(family, code, lang) for family, code in zip(rows["family"], rows["code"], strict=True)]
    fig = go.Figure(
        go.Bar(
            x=rows["reports"].tolist(),
            y=labels,
            orientation="h",
            marker={"color": [FAMILY_COLOURS[family] for family in rows["family"]]},
            text=[f"{n:,}" for n in rows["reports"]],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y} · %{x}<extra></extra>",
        )
    )
    fig.update_xaxes(visible=False, range=[0, room_for_labels(rows["reports"])])
    return wall_styled(fig)


def room_for_labels(values: pd.Series) -> float:
    """An axis range with room for the value written beside the longest bar."""
    return 1.3 * max(1, int(values.max()) if len(values) else 1)


def area_ranking(frame: pd.DataFrame, *, lang: Language) -> go.Figure:
    """The areas ranked by today's reports (left) beside each one's patrol coverage today (right), on one shared list
    of names. Expects columns name, name_en, reports, coverage (reports_by_area with_coverage)."""
    rows = frame.sort_values(["reports", "name"], ascending=[True, False], kind="stable")
    names = (rows["name"] if lang == "zh-CN" else rows["name_en"]).tolist()
    fig = make_subplots(
        rows=1,
        cols=2,
        shared_yaxes=True,
        column_widths=[0.58, 0.42],
        horizontal_spacing=0.03,
        subplot_titles=[t("wall.chart.reports_today", lang), t("wall.chart.coverage", lang)],
    )
    fig.add_bar(
        x=rows["reports"].tolist(),
        y=names,
        orientation="h",
        marker={"color": CURRENT},
        text=[f"{n:,}" for n in rows["reports"]],
        textposition="outside",
        cliponaxis=False,
        hovertemplate="%{y} · %{x}<extra></extra>",
        row=1,
        col=1,
    )
    fig.add_bar(
        x=rows["coverage"].tolist(),
        y=names,
        orientation="h",
        marker={"color": COVERAGE},
        text=[f"{value:.0f}%" for value in rows["coverage"]],
        textposition="outside",
        cliponaxis=False,
        hovertemplate="%{y} · %{x:.1f}%<extra></extra>",
        row=1,
        col=2,
    )
    fig.update_xaxes(visible=False)
    fig.update_xaxes(range=[0, room_for_labels(rows["reports"])], row=1, col=1)
    fig.update_xaxes(range=[0, 160], row=1, col=2)  # room for "100%" beside a full bar
    fig.update_annotations(font={"size": TEXT_PX, "color": FONT}, xanchor="left", x=None)
    for annotation, domain in zip(
        fig.layout.annotations, (fig.layout.xaxis.domain, fig.layout.xaxis2.domain), strict=True
    ):
        annotation.x = domain[0]  # each column's name over its left edge
    wall_styled(fig)
    fig.update_layout(showlegend=False, margin={"t": 30})
    return fig
