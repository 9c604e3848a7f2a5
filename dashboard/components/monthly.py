"""The 月度通报 page's own pieces: the area ranking table with up/down marks, and the export bar (deck and PDF)."""

from __future__ import annotations

from typing import Any

import pandas as pd
from dash import dcc, html

from dashboard import ids
from dashboard.config import Language
from dashboard.figures.common import area_label, number, signed_text
from dashboard.figures.monthly import column_title
from dashboard.formatting import format_count, trend
from dashboard.i18n import t

JOB_POLL_MS = 1_000


def change_cell(value: Any, *, lower_is_better: bool, lang: Language) -> html.Td:
    """A change with its mark: ▲ up, ▼ down, coloured by whether that is good news (trend-good / trend-bad). The
    number alone: its unit (% or 百分点) is in the column's heading, said once."""
    change = number(value)
    direction = trend(change, lower_is_better=lower_is_better, decimals=1)
    mark = (
        ""
        if change is None or round(change, 1) == 0
        else t("monthly.mark.up" if change > 0 else "monthly.mark.down", lang)
    )
    return html.Td([html.Span(mark, className="rank-mark"), signed_text(value, lang)], className=f"trend-{direction}")


def small_base(cell: html.Td, flagged: bool, lang: Language) -> html.Td:
    """A change on a small base says so (and why, on hover)."""
    if flagged:
        flag = html.Sup(t("monthly.small_base", lang), className="small-base", title=t("monthly.small_base_hint", lang))
        cell.children = [*cell.children, flag]
    return cell


def ranking_table(frame: pd.DataFrame, lang: Language, *, within: int | None = None) -> html.Table:
    """Areas ranked by criminal cases filed, with the month's changes against the same month last year (the solve
    rate as the `within`-day rate when given)."""
    heads = [
        "rank",
        "area",
        "filed",
        "per_10k",
        "baseline_filed",
        "filed_change",
        "rate",
        "rate_change",
        "rental",
        "rental_change",
    ]
    header = html.Tr([html.Th(column_title(key, lang, within=within)) for key in heads])
    rows = [
        html.Tr(
            [
                html.Td(str(row["rank"])),
                html.Td(area_label(row, lang), className="rank-area"),
                html.Td(format_count(int(row["filed"]))),
                html.Td("—" if pd.isna(row["per_10k"]) else f"{row['per_10k']:.2f}"),
                html.Td(format_count(int(row["baseline_filed"]))),
                small_base(
                    change_cell(row["filed_change"], lower_is_better=True, lang=lang),
                    bool(row["small_base"]),
                    lang,
                ),
                html.Td("—" if number(row["rate"]) is None else f"{row['rate']:.1f}"),
                change_cell(row["rate_change"], lower_is_better=False, lang=lang),
                html.Td(format_count(int(row["rental"]))),
                change_cell(row["rental_change"], lower_is_better=True, lang=lang),
            ],
            className="rank-row",
        )
        for _, row in frame.iterrows()
    ]
    return html.Table([html.Thead(header), html.Tbody(rows)], className="monthly-ranking")


def export_bar() -> html.Div:
    """The two buttons that build the month's files in the background, and where progress then the link show.
    Hidden until a callback finds the account's role may export."""
    return html.Div(
        [
            html.Button(t("monthly.deck_button"), id=ids.Monthly.DECK, className="monthly-export-button"),
            html.Button(t("monthly.pdf_button"), id=ids.Monthly.PDF, className="monthly-export-button"),
            html.Div(id=ids.Monthly.JOB_STATUS, className="monthly-job-status", role="status"),
            dcc.Store(id=ids.Monthly.JOB),
            dcc.Interval(id=ids.Monthly.JOB_CLOCK, interval=JOB_POLL_MS, disabled=True),
        ],
        id=ids.Monthly.EXPORTS,
        className="monthly-exports",
        style={"display": "none"},
    )
