"""月度通报 figures: the areas' criminal cases against last year, the grids that rose most, hazard rectification by
department and patrol compliance by area. Frames in (dashboard/data/monthly.py), go.Figure out."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.config import Language
from dashboard.figures.common import (
    BASELINE,
    CURRENT,
    TREND_COLOURS,
    area_label,
    change_colour,
    empty,
    number,
    paired_axes,
    percent_text,
    rate_text,
    styled,
)
from dashboard.formatting import Trend
from dashboard.i18n import t

COMPLIANCE_TARGET = 90.0  # percent of worker-days: below it a county's bar shows red
SOLVE_COLUMNS = ("rate", "rate_change")  # the ranking's solve-rate columns: headed as the N-day rate when it is one


def column_title(key: str, lang: Language, *, within: int | None = None) -> str:
    """A ranking column's heading (monthly.col.<key>); the solve-rate columns name the N-day rate when counted so."""
    if within is not None and key in SOLVE_COLUMNS:
        return t(f"monthly.col.{key}_within", lang, days=within)
    return t(f"monthly.col.{key}", lang)


def area_ranking(frame: pd.DataFrame, *, lang: Language) -> go.Figure:
    """Criminal cases filed per area (the month, and the same month last year), most first."""
    title = t("monthly.chart.ranking", lang)
    if frame.empty:
        return empty(title, t("monthly.empty", lang))
    labels = [area_label(row, lang) for _, row in frame.iterrows()]
    fig = go.Figure()
    fig.add_bar(
        x=labels,
        y=list(frame["filed"]),
        name=t("monthly.this_month", lang),
        marker={"color": [change_colour(change, lower_is_better=True) for change in frame["filed_change"]]},
        text=[
            f"{filed}（{percent_text(change, lang)}）"
            for filed, change in zip(frame["filed"], frame["filed_change"], strict=True)
        ],
        textposition="outside",
        textangle=0,
        cliponaxis=False,
    )
    fig.add_bar(
        x=labels,
        y=list(frame["baseline_filed"]),
        name=t("monthly.same_month_last_year", lang),
        marker={"color": BASELINE},
    )
    fig.update_layout(barmode="group")
    return styled(fig, title)


def rising_grids(frame: pd.DataFrame, *, lang: Language) -> go.Figure:
    """The grids whose incidents rose most against the same month last year, the most risen on top."""
    title = t("monthly.chart.rising", lang)
    if frame.empty:
        return empty(title, t("monthly.no_rise", lang))
    shown = frame.iloc[::-1]  # horizontal bars draw bottom-up: the most risen last, on top
    labels = [f"{name}（{township}）" for name, township in zip(shown["name"], shown["township_name"], strict=True)]
    fig = go.Figure()
    fig.add_bar(
        y=labels,
        x=list(shown["increase"]),
        orientation="h",
        marker={"color": TREND_COLOURS[Trend.BAD]},
        text=[
            t("monthly.rise_text", lang, increase=increase, reported=reported, baseline=baseline)
            for increase, reported, baseline in zip(
                shown["increase"], shown["reported"], shown["baseline"], strict=True
            )
        ],
        textposition="auto",
        customdata=[[code] for code in shown["code"]],
        name=t("monthly.increase", lang),
    )
    fig = styled(fig, title)
    fig.update_layout(margin={"l": 220}, showlegend=False)
    return fig


def department_label(row: pd.Series, lang: Language) -> str:
    if not row["department"]:
        return t("monthly.no_department", lang)
    return str(row["name"] if lang == "zh-CN" else row["name_en"])


def hazards_by_department(frame: pd.DataFrame, *, lang: Language) -> go.Figure:
    """Each department's rectification rate (bars) and its overdue hazards (diamonds, right axis)."""
    title = t("monthly.chart.hazards", lang)
    if frame.empty:
        return empty(title, t("monthly.no_hazards", lang))
    labels = [department_label(row, lang) for _, row in frame.iterrows()]
    fig = go.Figure()
    fig.add_bar(
        x=labels,
        y=[number(value) or 0.0 for value in frame["rate"]],
        name=t("monthly.rectification_rate", lang),
        marker={"color": CURRENT},
        text=[rate_text(value, lang) for value in frame["rate"]],
        textposition="auto",
    )
    fig.add_scatter(
        x=labels,
        y=list(frame["overdue"]),
        name=t("monthly.overdue", lang),
        mode="markers+text",
        marker={"symbol": "diamond", "size": 12, "color": TREND_COLOURS[Trend.BAD]},
        text=[str(value) for value in frame["overdue"]],
        textposition="top center",
        yaxis="y2",
    )
    fig = styled(fig, title)
    paired_axes(fig, [100.0], frame["overdue"], left_whole=True, right_whole=True)  # the rate's axis: 0–100 by 20
    fig.update_layout(
        yaxis={"title": {"text": t("monthly.rectification_rate", lang)}, "ticksuffix": "%"},
        yaxis2={"title": {"text": t("monthly.overdue", lang)}, "tickformat": ",d"},
    )
    return fig


def patrol_compliance(frame: pd.DataFrame, *, lang: Language) -> go.Figure:
    """The share of worker-days that met the patrol rule, per area; red below the target."""
    title = t("monthly.chart.patrols", lang)
    if frame.empty or int(frame["worker_days"].sum()) == 0:
        return empty(title, t("monthly.no_patrols", lang))
    labels = [area_label(row, lang) for _, row in frame.iterrows()]
    rates = [None if number(value) is None else 100.0 * float(value) for value in frame["rate"]]
    colours = [
        TREND_COLOURS[Trend.NONE if value is None else Trend.GOOD if value >= COMPLIANCE_TARGET else Trend.BAD]
        for value in rates
    ]
    fig = go.Figure()
    fig.add_bar(
        x=labels,
        y=[value or 0.0 for value in rates],
        marker={"color": colours},
        text=[rate_text(value, lang) for value in rates],
        textposition="auto",
        name=t("monthly.compliance_rate", lang),
    )
    fig = styled(fig, title)
    fig.update_layout(yaxis={"ticksuffix": "%", "range": [0, 105]}, showlegend=False)
    return fig
