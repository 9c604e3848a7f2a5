"""What every drill-down figure shares: the look, the empty figure, and colours that know which way is good news."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboard.config import Language
from dashboard.formatting import MINUS, Trend, trend
from dashboard.i18n import TEXT as TEXTS
from dashboard.i18n import t

CURRENT = "#3fa7ff"  # the period shown
BASELINE = "#8da2b8"  # what it is compared with
TREND_COLOURS = {Trend.GOOD: "#2ecc71", Trend.BAD: "#ff5b5b", Trend.FLAT: "#c9d3de", Trend.NONE: "#c9d3de"}
SERIES_COLOURS = ["#3fa7ff", "#ff9f43", "#b084f5", "#f6c343", "#2ecc71", "#ff5b5b", "#4dd0e1", "#f48fb1", "#aed581"]
FONT = "#e6edf5"
SELECTED = "#ffffff"  # the outline of a selected bar
GRIDLINES = "#1f3a5a"


def number(value: Any) -> float | None:
    """A float, or None for NaN/None (pandas' missing values)."""
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else value


def styled(fig: go.Figure, title: str) -> go.Figure:
    """The dark look of the command center; blank axis titles unless a builder sets them."""
    fig.update_layout(
        title={"text": title, "x": 0.01},
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        font={"color": FONT},
        legend={"orientation": "h", "y": -0.15, "title_text": ""},
        margin={"l": 50, "r": 20, "t": 50, "b": 40},
        hoverlabel={"namelength": -1},
    )
    fig.update_xaxes(gridcolor=GRIDLINES, zerolinecolor=GRIDLINES)
    fig.update_yaxes(gridcolor=GRIDLINES, zerolinecolor=GRIDLINES)
    return fig


# What a chart shows before its first answer: nothing, on the page's dark ground. Without it a dcc.Graph draws
# Plotly's default white figure with bare axes, a bright box on a dark wall until the callback answers.
WAITING: dict[str, object] = {
    "data": [],
    "layout": {
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "xaxis": {"visible": False},
        "yaxis": {"visible": False},
    },
}


def empty(title: str, message: str) -> go.Figure:
    """A figure that says why it is blank, instead of bare axes."""
    fig = go.Figure()
    fig.add_annotation(text=message, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False, font={"size": 16})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return styled(fig, title)


def change_colour(change: Any, *, lower_is_better: bool) -> str:
    """Green for good news (a fall in cases, a rise in a solve rate), red for bad, grey for none."""
    return TREND_COLOURS[trend(number(change), lower_is_better=lower_is_better, decimals=1)]


def signed_text(change: Any, lang: Language) -> str:
    """+12.5 / −37.3 (one decimal, a true minus), or 'no baseline': a change whose unit is said elsewhere."""
    value = number(change)
    if value is None:
        return t("change.none", lang)
    text = f"{abs(value):.1f}"
    sign = "" if float(text) == 0 else ("+" if value > 0 else MINUS)
    return f"{sign}{text}"


def percent_text(change: Any, lang: Language) -> str:
    """+12.5% / −37.3%, or 'no baseline'."""
    text = signed_text(change, lang)
    return text if number(change) is None else f"{text}%"


def points_text(change: Any, lang: Language) -> str:
    """+4.8个百分点 / −1.2 pts, or 'no baseline'."""
    text = signed_text(change, lang)
    return text if number(change) is None else f"{text}{t('unit.points', lang)}"


def rate_text(rate: Any, lang: Language) -> str:
    value = number(rate)
    return t("value.none", lang) if value is None else f"{value:.1f}%"


def baseline_name(compare: str, lang: Language) -> str:
    """去年同期 or 上一周期: what the dashed lines and grey markers stand for."""
    return t(f"chart.baseline.{compare}", lang)


# More areas one level down than this (a township's grids: up to about 200) are drawn as the ones with the most, named
# and sorted, in horizontal bars: 153 vertical slivers with rotated names read as nothing.
TOP_AREAS = 20


def top_areas(frame: pd.DataFrame, by: str) -> pd.DataFrame:
    """The rows of `frame` as an area chart draws them: all of them when few, else the TOP_AREAS with the most `by`
    (most first; ties in the frame's order)."""
    if len(frame) <= TOP_AREAS:
        return frame
    return frame.sort_values(by, ascending=False, kind="stable").head(TOP_AREAS)


def top_title(title: str, shown: pd.DataFrame, every: pd.DataFrame, lang: Language) -> str:
    """The chart's title, saying when it shows only the top areas: '…（前20个，共153个）'."""
    if len(shown) == len(every):
        return title
    return t("chart.top_areas", lang, title=title, shown=len(shown), total=len(every))


def horizontal_margin(fig: go.Figure, horizontal: bool, *, bar_px: int = 26) -> go.Figure:
    """Room on the left for the names of horizontal bars (a grid's name is up to ten characters), and a height that
    gives each name's row `bar_px` (20 names in the default 450 px left each bar a sliver with unreadable text)."""
    if horizontal:
        names = {str(name) for trace in fig.data for name in (trace.y if trace.y is not None else ())}
        fig.update_layout(margin={"l": 150}, height=max(450, 150 + bar_px * len(names)))
        fig.update_yaxes(automargin=True)
    return fig


def nice_step(peak: float, intervals: int = 5, *, whole: bool = False) -> float:
    """The smallest round step (1, 2 or 5 × 10^k; at least 1 when `whole`) of which `intervals` reach `peak`."""
    raw = max(float(peak), 0.0) / intervals
    if raw <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw * (1 - 1e-9))
    return max(step, 1.0) if whole else step


def paired_axes(fig: go.Figure, left: Iterable[Any], right: Iterable[Any], *, left_whole: bool, right_whole: bool,
                intervals: int = 5) -> go.Figure:  # fmt: skip
    """Two y axes with round ticks on the same gridlines: each its own 1-2-5 step, both `intervals` steps high (and
    a little headroom for the text above the bars). Left to itself Plotly splits the right axis at 113, 226, 339."""
    peaks = [max((v for v in (number(x) for x in values) if v is not None), default=0.0) for values in (left, right)]
    left_step = nice_step(peaks[0], intervals, whole=left_whole)
    right_step = nice_step(peaks[1], intervals, whole=right_whole)
    top = intervals + 0.4
    fig.update_layout(
        yaxis={"range": [0, left_step * top], "dtick": left_step, "tick0": 0},
        yaxis2={"range": [0, right_step * top], "dtick": right_step, "tick0": 0, "overlaying": "y", "side": "right",
                "showgrid": False},
    )  # fmt: skip
    return fig


def area_label(row: Any, lang: Language) -> str:
    return str(row["name"] if lang == "zh-CN" else row["name_en"])


def rank_texts(frame: Any, lang: Language) -> list[str]:
    """'第2名 · 每万人 4.5' per area row (columns rank, per_10k: dashboard/data/ranking.py): tied areas share a rank."""
    return [
        t("chart.rank", lang, rank=int(rank), per_10k="—" if number(per) is None else f"{per:.1f}")
        for rank, per in zip(frame["rank"], frame["per_10k"], strict=True)
    ]


def vocab_label(family: str, code: str, lang: Language) -> str:
    """The label of a kind or subtype code; the code itself when the vocabulary has no such entry."""
    key = f"{family}.{code}"
    return t(key, lang) if key in TEXTS else code


def subtype_label(code: str, lang: Language) -> str:
    return t("chart.all_subtypes", lang) if code == "all" else vocab_label("subtype", code, lang)


def mark_incomplete(fig: go.Figure, lang: Language) -> go.Figure:
    """The last bucket of a time series is not over yet (a week or month that runs to today), so a fall there is the
    calendar, not the city: every series but a baseline draws its last point hollow and its last segment dotted, the
    bucket is labelled 未完整 / incomplete above the plot, and a note says why. Every time-series figure marks its
    running bucket through this one function."""
    last = None
    for trace in fig.data:
        if (trace.meta and trace.meta[0] == "baseline") or trace.x is None or not len(trace.x):
            continue
        count, last = len(trace.x), trace.x[-1]
        trace.marker.symbol = ["circle"] * (count - 1) + ["circle-open"]
        trace.marker.size = [6] * (count - 1) + [11]
        if count >= 2:  # the segment into the running bucket, dotted over the solid line
            fig.add_scatter(
                x=list(trace.x[-2:]),
                y=list(trace.y[-2:]),
                mode="lines",
                line={"color": FONT if trace.line.color is None else trace.line.color, "dash": "dot", "width": 3},
                showlegend=False,
                hoverinfo="skip",
                legendgroup=trace.legendgroup,
                meta=["incomplete"],
            )
    if last is not None:
        fig.add_annotation(
            text=t("chart.incomplete", lang),
            x=last,
            xref="x",
            y=1.02,
            yref="paper",
            showarrow=False,
            yanchor="bottom",
            font={"size": 11, "color": "#f6c343"},
        )
    fig.add_annotation(
        text=t("chart.partial_last", lang),
        xref="paper",
        yref="paper",
        x=1,
        y=-0.18,
        showarrow=False,
        xanchor="right",
        font={"size": 11},
    )
    return fig
