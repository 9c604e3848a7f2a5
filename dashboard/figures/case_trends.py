"""案件趋势 figures: incidents over time against the baseline, by hour and weekday, top subtypes, by area."""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboard.config import Language
from dashboard.data.vocab import OTHER
from dashboard.figures.common import (
    BASELINE,
    CURRENT,
    SELECTED,
    SERIES_COLOURS,
    area_label,
    baseline_name,
    change_colour,
    empty,
    horizontal_margin,
    mark_incomplete,
    percent_text,
    rank_texts,
    styled,
    top_areas,
    top_title,
    vocab_label,
)
from dashboard.i18n import t


def bucket_labels(starts: list[Any], grain: str) -> list[str]:
    """How a bucket is named on the axis: its month (YYYY-MM) for monthly buckets, else its first day."""
    return [("" if day is None else f"{day:%Y-%m}") if grain == "month" else str(day or "") for day in starts]


def case_trend(
    frame: pd.DataFrame, *, family: str, compare: str, lang: Language, grain: str = "day", incomplete: bool = False
) -> go.Figure:
    """One solid line per series (kind, or subtype under a kind filter) over the period, and a dashed line of the
    same colour for its baseline, bucket by bucket. Expects the columns of `dashboard.data.trends.case_trend`;
    `family` ("kind" or "subtype") names the series' vocabulary; `grain` the buckets ("month": the axis names
    months, never times of day, however short the period); `incomplete`: the last bucket is not over yet."""
    title = t("chart.case_trend", lang)
    shown = frame[frame["start"].notna()]
    if shown.empty or int(shown["current"].sum()) + int(shown["baseline"].sum()) == 0:
        return empty(title, t("empty.no_incidents", lang))
    fig = go.Figure()
    against = baseline_name(compare, lang)
    for index, (series, rows) in enumerate(shown.groupby("series", sort=True)):
        colour, name = SERIES_COLOURS[index % len(SERIES_COLOURS)], vocab_label(family, str(series), lang)
        days = bucket_labels(list(rows["start"]), grain)
        baseline_days = bucket_labels(list(rows["baseline_start"]), grain)
        fig.add_scatter(
            x=days,
            y=list(rows["current"]),
            name=name,
            mode="lines+markers",
            line={"color": colour},
            legendgroup=str(series),
            meta=["current", str(series)],
            hovertemplate=f"{name}<br>%{{x}}: %{{y}}<extra></extra>",
        )
        fig.add_scatter(
            x=days,
            y=list(rows["baseline"]),
            name=f"{name}（{against}）",
            mode="lines",
            line={"color": colour, "dash": "dash", "width": 1.5},
            opacity=0.7,
            legendgroup=str(series),
            meta=["baseline", str(series)],
            customdata=baseline_days,
            hovertemplate=f"{name}（{against}）<br>%{{customdata}}: %{{y}}<extra></extra>",
        )
    fig.update_layout(hovermode="x unified")
    if grain == "month" or shown["start"].nunique() < 3:  # a date axis over one or two points shows times of day
        fig.update_xaxes(type="category", categoryorder="category ascending")
    if incomplete:
        mark_incomplete(fig, lang)
    return styled(fig, title)


def hour_weekday(frame: pd.DataFrame, *, lang: Language) -> go.Figure:
    """Reports by hour (x) and weekday (y, Monday on top) in the period. Expects weekday, hour, reports."""
    title = t("chart.hour_weekday", lang)
    if frame.empty or int(frame["reports"].sum()) == 0:
        return empty(title, t("empty.no_incidents", lang))
    grid = frame.pivot_table(index="weekday", columns="hour", values="reports", aggfunc="sum", fill_value=0)
    grid = grid.reindex(index=range(7), columns=range(24), fill_value=0)
    fig = go.Figure(
        go.Heatmap(
            z=grid.to_numpy().tolist(),
            x=list(range(24)),
            y=[t(f"weekday.{day}", lang) for day in range(7)],
            colorscale="YlOrRd",
            hovertemplate=t("chart.hour_weekday.hover", lang) + "<extra></extra>",
            colorbar={"title": {"text": ""}},
        )
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(dtick=2, title_text=t("chart.hour", lang))
    return styled(fig, title)


def top_subtypes(frame: pd.DataFrame, *, compare: str, lang: Language, selected: str | None = None) -> go.Figure:
    """The most reported subtypes, most on top; each bar green when it fell against the baseline, red when it rose;
    grey diamonds mark the baseline. Click a bar to select it. Expects kind, subtype, current, baseline, change."""
    title = t("chart.top_subtypes", lang)
    if frame.empty:
        return empty(title, t("empty.no_incidents", lang))
    rows = frame.iloc[::-1]  # plotly draws the first category at the bottom
    labels = [
        subtype_bar_label(str(kind), str(code), lang) for kind, code in zip(rows["kind"], rows["subtype"], strict=True)
    ]
    custom: list[Any] = [[str(kind), str(code)] for kind, code in zip(rows["kind"], rows["subtype"], strict=True)]
    fig = go.Figure()
    fig.add_bar(
        y=labels,
        x=list(rows["current"]),
        orientation="h",
        name=t("chart.current", lang),
        marker={
            "color": [change_colour(change, lower_is_better=True) for change in rows["change"]],
            "line": {"color": SELECTED, "width": [3 if code == selected else 0 for code in rows["subtype"]]},
        },
        text=[
            f"{n}（{percent_text(change, lang)}）" for n, change in zip(rows["current"], rows["change"], strict=True)
        ],
        textposition="auto",
        customdata=custom,
        meta=["current"],
    )
    fig.add_scatter(
        y=labels,
        x=list(rows["baseline"]),
        mode="markers",
        name=baseline_name(compare, lang),
        marker={"color": BASELINE, "symbol": "diamond", "size": 10},
        customdata=custom,
        meta=["baseline"],
    )
    fig.update_layout(clickmode="event", margin={"l": 120})
    return styled(fig, title)


def subtype_bar_label(kind: str, subtype: str, lang: Language) -> str:
    """A subtype's label; `other`, which every kind has, says its kind (two bars of one label would be drawn as one)."""
    label = vocab_label("subtype", subtype, lang)
    return (
        t("chart.subtype_of_kind", lang, subtype=label, kind=vocab_label("kind", kind, lang))
        if subtype == OTHER
        else label
    )


def area_counts(frame: pd.DataFrame, *, value: str, title: str, lang: Language) -> go.Figure:
    """One bar per area one level down (click one to drill in); many areas (a township's grids) as the top ones,
    named, in sorted horizontal bars. Expects code, name, name_en, level, `value`."""
    if frame.empty:
        return empty(title, t("empty.no_areas", lang))
    shown = top_areas(frame, value)
    horizontal = len(shown) < len(frame)
    rows = shown.iloc[::-1] if horizontal else shown  # horizontal bars draw bottom-up: the most on top
    labels = [area_label(row, lang) for _, row in rows.iterrows()]
    counts = list(rows[value])
    axes: dict[str, Any] = {"y": labels, "x": counts, "orientation": "h"} if horizontal else {"x": labels, "y": counts}
    fig = go.Figure(
        go.Bar(
            **axes,
            marker={"color": CURRENT},
            text=counts,
            textposition="auto",
            customdata=[[str(code), str(level)] for code, level in zip(rows["code"], rows["level"], strict=True)],
            hovertext=rank_texts(rows, lang) if "rank" in rows else None,
            hovertemplate=("%{y}: %{x}" if horizontal else "%{x}: %{y}")
            + ("<br>%{hovertext}" if "rank" in rows else "")
            + "<extra></extra>",
            meta=["current"],
        )
    )
    return horizontal_margin(styled(fig, top_title(title, shown, frame, lang)), horizontal)
