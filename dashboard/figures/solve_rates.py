"""破案率 figures: the solve rate by area, subtype and month against the baseline, and the days a case takes."""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboard.config import Language
from dashboard.figures.common import (
    BASELINE,
    CURRENT,
    SELECTED,
    area_label,
    baseline_name,
    change_colour,
    empty,
    horizontal_margin,
    mark_incomplete,
    number,
    points_text,
    rank_texts,
    rate_text,
    styled,
    subtype_label,
    top_areas,
    top_title,
)
from dashboard.i18n import t


def bar_texts(frame: pd.DataFrame, lang: Language) -> list[str]:
    """'78.4%（+4.8个百分点）' per row: the rate and its change in points."""
    return [
        f"{rate_text(rate, lang)}（{points_text(change, lang)}）"
        for rate, change in zip(frame["rate"], frame["change_points"], strict=True)
    ]


def heights(values: pd.Series) -> list[float]:
    """Bar heights: a rate that is undefined (nothing filed) draws as 0, its text says '—'."""
    return [number(value) or 0.0 for value in values]


def rate_bars(
    labels: list[str], frame: pd.DataFrame, custom: list[Any], *, compare: str, lang: Language, horizontal: bool
) -> go.Figure:
    """Bars of the rate coloured by its change (a rise is good news), grey diamonds at the baseline's rate."""
    fig = go.Figure()
    rates, baseline = heights(frame["rate"]), [number(value) for value in frame["baseline_rate"]]
    ranks = rank_texts(frame, lang) if "rank" in frame else []  # areas: ranked by cases filed
    bar: dict[str, Any] = {"y": labels, "x": rates, "orientation": "h"} if horizontal else {"x": labels, "y": rates}
    marker: dict[str, Any] = {"y": labels, "x": baseline} if horizontal else {"x": labels, "y": baseline}
    fig.add_bar(
        **bar,
        name=t("chart.current", lang),
        marker={"color": [change_colour(change, lower_is_better=False) for change in frame["change_points"]]},
        text=bar_texts(frame, lang),
        textposition="auto",
        customdata=custom,
        meta=["current"],
        hovertext=[
            t("chart.filed_solved", lang, filed=filed, solved=solved) + (f"<br>{ranks[n]}" if ranks else "")
            for n, (filed, solved) in enumerate(zip(frame["filed"], frame["solved"], strict=True))
        ],
    )
    fig.add_scatter(
        **marker,
        mode="markers",
        name=baseline_name(compare, lang),
        marker={"color": BASELINE, "symbol": "diamond", "size": 10},
        customdata=custom,
        meta=["baseline"],
    )
    axis = fig.update_xaxes if horizontal else fig.update_yaxes
    axis(range=[0, 105], ticksuffix="%")
    return fig


def rate_by_area(frame: pd.DataFrame, *, compare: str, lang: Language) -> go.Figure:
    """The solve rate of each area one level down (click one to drill); many areas (a township's grids) as the ones
    with the most cases filed, named, in horizontal bars. Expects the by="area" columns of
    `dashboard.data.solve_rates.solve_rates`."""
    title = t("chart.rate_by_area", lang)
    if frame.empty:
        return empty(title, t("empty.no_areas", lang))
    shown = top_areas(frame, "filed")
    horizontal = len(shown) < len(frame)
    rows = shown.iloc[::-1] if horizontal else shown  # horizontal bars draw bottom-up: the most filed on top
    labels = [area_label(row, lang) for _, row in rows.iterrows()]
    custom = [[str(code), str(level)] for code, level in zip(rows["code"], rows["level"], strict=True)]
    fig = rate_bars(labels, rows, custom, compare=compare, lang=lang, horizontal=horizontal)
    return horizontal_margin(styled(fig, top_title(title, shown, frame, lang)), horizontal)


def rate_by_subtype(frame: pd.DataFrame, *, compare: str, lang: Language, selected: str | None = None) -> go.Figure:
    """The solve rate of each subtype, most filed on top (click one to select it)."""
    title = t("chart.rate_by_subtype", lang)
    if frame.empty:
        return empty(title, t("empty.no_cases", lang))
    rows = frame.iloc[::-1]
    labels = [subtype_label(str(code), lang) for code in rows["subtype"]]
    fig = rate_bars(
        labels, rows, [[str(code)] for code in rows["subtype"]], compare=compare, lang=lang, horizontal=True
    )
    fig.update_traces(
        selector={"type": "bar"},
        marker_line={"color": SELECTED, "width": [3 if code == selected else 0 for code in rows["subtype"]]},
    )
    fig.update_layout(clickmode="event", margin={"l": 120})
    return styled(fig, title)


def rate_by_month(frame: pd.DataFrame, *, compare: str, lang: Language, incomplete: bool = False) -> go.Figure:
    """The solve rate month by month (solid) against the baseline's month (dashed); `incomplete`: the last month
    is not over yet (marked so)."""
    title = t("chart.rate_by_month", lang)
    shown = frame[frame["start"].notna()]
    if shown.empty or int(shown["filed"].sum()) + int(shown["baseline_filed"].sum()) == 0:
        return empty(title, t("empty.no_cases", lang))
    months = [f"{day:%Y-%m}" for day in shown["start"]]
    fig = go.Figure()
    fig.add_scatter(
        x=months,
        y=[number(value) for value in shown["rate"]],
        name=t("chart.current", lang),
        mode="lines+markers",
        line={"color": CURRENT},
        meta=["current"],
        text=[rate_text(value, lang) for value in shown["rate"]],
        hovertemplate="%{x}: %{text}<extra></extra>",
    )
    fig.add_scatter(
        x=months,
        y=[number(value) for value in shown["baseline_rate"]],
        name=baseline_name(compare, lang),
        mode="lines+markers",
        line={"color": BASELINE, "dash": "dash"},
        meta=["baseline"],
        text=[rate_text(value, lang) for value in shown["baseline_rate"]],
        hovertemplate="%{x}: %{text}<extra></extra>",
    )
    fig.update_yaxes(range=[0, 105], ticksuffix="%")
    fig.update_xaxes(type="category")  # months as named, not a date axis (which shows times for a single month)
    if incomplete:
        mark_incomplete(fig, lang)
    return styled(fig, title)


def time_to_solve(frame: pd.DataFrame, *, compare: str, lang: Language, selected: str | None = None) -> go.Figure:
    """Median days from filing to solving, all cases and by subtype (only the selected one when one is), against
    the baseline; the 90th percentile in the bar text. Horizontal bars, all cases on top: the subtypes' names and
    the texts read level, never rotated. Expects `dashboard.data.solve_rates.time_to_solve`."""
    title = t("chart.time_to_solve", lang)
    rows = frame if selected is None else frame[frame["subtype"].isin(["all", selected])]
    if rows.empty or int(rows["solved"].sum()) + int(rows["baseline_solved"].sum()) == 0:
        return empty(title, t("empty.no_solved", lang))
    rows = rows.iloc[::-1]  # horizontal bars draw bottom-up: "all cases" (the first row) on top
    labels = [subtype_label(str(code), lang) for code in rows["subtype"]]
    fig = go.Figure()
    for prefix, name, colour in (
        ("baseline_", baseline_name(compare, lang), BASELINE),  # drawn first: below the current bar in each group
        ("", t("chart.current", lang), CURRENT),
    ):
        fig.add_bar(
            y=labels,
            x=[number(value) for value in rows[f"{prefix}median_days"]],
            orientation="h",
            name=name,
            marker={"color": colour},
            meta=["baseline" if prefix else "current"],
            text=[
                t("chart.days_text", lang, median=fmt_days(median), p90=fmt_days(p90), cases=cases)
                for median, p90, cases in zip(
                    rows[f"{prefix}median_days"], rows[f"{prefix}p90_days"], rows[f"{prefix}solved"], strict=True
                )
            ],
            textposition="outside",
            textangle=0,
            cliponaxis=False,
        )
    fig.update_layout(barmode="group", legend={"traceorder": "reversed"})
    longest = max(number(value) or 0.0 for column in ("median_days", "baseline_median_days") for value in rows[column])
    # room on the right for the texts beside the longest bars
    fig.update_xaxes(title_text=t("chart.days", lang), range=[0, max(longest, 1.0) * 1.6])
    return horizontal_margin(styled(fig, title), True, bar_px=44)


def fmt_days(value: Any) -> str:
    days = number(value)
    return "—" if days is None else f"{days:g}"
