"""出租房 figures: cases in rental housing by area and by grid, against the baseline and per 100 rental houses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboard.config import Language
from dashboard.figures.common import (
    BASELINE,
    area_label,
    baseline_name,
    change_colour,
    empty,
    horizontal_margin,
    number,
    paired_axes,
    percent_text,
    points_text,
    rank_texts,
    styled,
    top_areas,
    top_title,
)
from dashboard.formatting import Trend, format_count, trend
from dashboard.i18n import t


def per_100_text(value: object, lang: Language) -> str:
    rate = number(value)
    return t("value.none", lang) if rate is None else f"{rate:.1f}"


def rental_by_area(frame: pd.DataFrame, *, compare: str, lang: Language) -> go.Figure:
    """Cases in rental housing per area one level down (bars, green when they fell), the baseline (grey diamonds)
    and cases per 100 rental houses (right axis; round ticks on the left axis's gridlines). Click a bar to drill.
    Many areas (a township's grids): the ones with the most cases, named, in horizontal bars, cases per 100 houses
    in the hover. Expects `rental.rental_by_area`."""
    title = t("chart.rental_by_area", lang)
    if frame.empty:
        return empty(title, t("empty.no_areas", lang))
    shown = top_areas(frame, "rental")
    horizontal = len(shown) < len(frame)
    rows = shown.iloc[::-1] if horizontal else shown  # horizontal bars draw bottom-up: the most on top
    labels = [area_label(row, lang) for _, row in rows.iterrows()]
    custom = [[str(code), str(level)] for code, level in zip(rows["code"], rows["level"], strict=True)]

    def placed(values: list[Any]) -> dict[str, Any]:
        return {"y": labels, "x": values} if horizontal else {"x": labels, "y": values}

    ranks = rank_texts(rows, lang) if "rank" in rows else [""] * len(rows)
    per_100 = [per_100_text(value, lang) for value in rows["per_100_houses"]]
    fig = go.Figure()
    fig.add_bar(
        **placed(list(rows["rental"])),
        orientation="h" if horizontal else "v",
        name=t("chart.rental_cases", lang),
        marker={"color": [change_colour(change, lower_is_better=True) for change in rows["change"]]},
        text=[f"{n}（{percent_text(change, lang)}）" for n, change in zip(rows["rental"], rows["change"], strict=True)],
        textposition="auto",
        customdata=custom,
        meta=["current"],
        hovertext=[f"{rank} · {per}" if horizontal else rank for rank, per in zip(ranks, per_100, strict=True)],
    )
    fig.add_scatter(
        **placed(list(rows["baseline_rental"])),
        mode="markers",
        name=baseline_name(compare, lang),
        marker={"color": BASELINE, "symbol": "diamond", "size": 10},
        customdata=custom,
        meta=["baseline"],
    )
    if horizontal:  # no line of cases per 100 houses here (it is in the hover): the title says none
        plain = t("chart.rental_by_area.bars", lang)
        return horizontal_margin(styled(fig, top_title(plain, shown, frame, lang)), True)
    fig.add_scatter(
        x=labels,
        y=[number(value) for value in rows["per_100_houses"]],
        mode="lines+markers",
        name=t("chart.per_100_houses", lang),
        yaxis="y2",
        line={"color": "#f6c343"},
        customdata=custom,
        meta=["per_100_houses"],
        text=per_100,
        hovertemplate="%{x}: %{text}<extra></extra>",
    )
    bars = [*rows["rental"], *rows["baseline_rental"]]
    paired_axes(fig, bars, rows["per_100_houses"], left_whole=True, right_whole=False)
    return styled(fig, title)


def top_grids(frame: pd.DataFrame, *, lang: Language) -> go.Figure:
    """The grids with the most cases in rental housing, most on top, with cases per 100 rental houses; click one to
    open its page. Expects `rental.top_rental_grids`."""
    title = t("chart.top_rental_grids", lang)
    if frame.empty:
        return empty(title, t("empty.no_rental_cases", lang))
    rows = frame.iloc[::-1]
    labels = [f"{name}（{township}）" for name, township in zip(rows["name"], rows["township_name"], strict=True)]
    fig = go.Figure()
    fig.add_bar(
        y=labels,
        x=list(rows["rental"]),
        orientation="h",
        name=t("chart.rental_cases", lang),
        marker={"color": [change_colour(change, lower_is_better=True) for change in rows["change"]]},
        text=[
            t("chart.per_100_text", lang, cases=n, per_100=per_100_text(rate, lang))
            for n, rate in zip(rows["rental"], rows["per_100_houses"], strict=True)
        ],
        textposition="auto",
        customdata=[[str(code)] for code in rows["code"]],
        meta=["current"],
    )
    fig.update_layout(margin={"l": 220})
    return styled(fig, title)


@dataclass(frozen=True)
class Fact:
    """One line of the rental summary: label, value, and how its change reads."""

    key: str
    label: str
    value: str
    trend: Trend


def rental_facts(frame: pd.DataFrame, *, compare: str, lang: Language) -> list[Fact]:
    """The rental summary in words: cases, their share of all incidents, the change and cases per 100 houses."""
    if frame.empty:
        return []
    row = frame.iloc[0]
    against = baseline_name(compare, lang)
    share, share_change = number(row["share"]), number(row["share_change_points"])
    change = number(row["change"])
    baseline_per_100 = per_100_text(row["baseline_per_100_houses"], lang)
    return [
        Fact(
            "rental", t("fact.rental", lang), f"{format_count(int(row['rental']))}{t('unit.cases', lang)}", Trend.NONE
        ),
        Fact(
            "change",
            t("fact.change", lang, against=against),
            percent_text(change, lang),
            trend(change, lower_is_better=True, decimals=1),
        ),
        Fact(
            "share",
            t("fact.share", lang),
            t("value.none", lang) if share is None else f"{share:.1f}%（{points_text(share_change, lang)}）",
            trend(share_change, lower_is_better=True, decimals=1),
        ),
        Fact("houses", t("fact.houses", lang), format_count(int(row["rental_houses"])), Trend.NONE),
        Fact(
            "per_100",
            t("fact.per_100", lang),
            f"{per_100_text(row['per_100_houses'], lang)}（{against} {baseline_per_100}）",
            Trend.NONE,
        ),
    ]
