"""/patrols: patrol compliance by area and month, the coverage map, the exceptions list, suspicious logs and each
worker's days, for the month and area asked (within the account's area)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
from dash import Input, Output, callback
from sqlalchemy import select

from dashboard import ids
from dashboard.callbacks.month_area import area_options, child_level, filter_row, parse_area
from dashboard.components.month_area import table_rows
from dashboard.config import get_settings
from dashboard.data import patrol_compliance as compliance
from dashboard.data.areas import grids_in
from dashboard.data.city_zone import city_today, city_zone
from dashboard.data.db import session_scope
from dashboard.data.models import Grid
from dashboard.data.patrol_checks import suspicious_patrols
from dashboard.data.periods import Area, AreaLevel, Period, shift_months
from dashboard.figures.on_time import coverage_map, rate_bars, rate_lines
from dashboard.i18n import t
from dashboard.monthly_url import month_or_default

ROWS = 300  # rows a table shows


def grid_rates(session: Any, period: Period, area: Area) -> pd.DataFrame:
    """Compliance per grid with the grid's centroid (the coverage map)."""
    rates = compliance.compliance_by_area(session, period, area, AreaLevel.GRID)
    if rates.empty:
        return rates.assign(lon=[], lat=[])
    places = pd.DataFrame(
        session.execute(select(Grid.code, Grid.centroid_lon, Grid.centroid_lat).where(grids_in(area))).all(),
        columns=["code", "lon", "lat"],
    )
    return rates.merge(places, on="code", how="inner")


@callback(
    Output(ids.Patrols.MONTH, "options"),
    Output(ids.Patrols.AREA, "options"),
    Output(ids.Patrols.MESSAGE, "children"),
    Output(ids.Patrols.BY_AREA, "figure"),
    Output(ids.Patrols.MAP, "figure"),
    Output(ids.Patrols.BY_MONTH, "figure"),
    Output(ids.Patrols.EXCEPTIONS, "children"),
    Output(ids.Patrols.SUSPICIOUS, "children"),
    Output(ids.Patrols.WORKER_DAYS, "children"),
    Input(ids.Patrols.MONTH, "value"),
    Input(ids.Patrols.AREA, "value"),
    Input(ids.Patrols.MIN_DAYS, "value"),
)
def update_patrols_page(month: Any, area: Any, min_days: Any) -> tuple[Any, ...]:
    settings = get_settings()
    lang = settings.language
    today = city_today()
    period, month_problem = month_or_default(month, today, lang)
    least = int(min_days) if isinstance(min_days, int | float) and 1 <= min_days <= 31 else 3
    months = [Period.month(m.year, m.month) for m in (shift_months(period.start, -n) for n in range(11, -1, -1))]
    with session_scope() as session:
        where, area_problem = parse_area(session, area)
        level = child_level(where)
        monthly_level = level if where.level is AreaLevel.CITY else where.level  # counties; else the area itself
        detail = where.level in (AreaLevel.TOWNSHIP, AreaLevel.GRID)
        options = area_options(session, where, lang)
        by_area = compliance.compliance_by_area(session, period, where, level)
        grids = grid_rates(session, period, where)
        by_month = compliance.monthly_compliance(session, months, where, monthly_level)
        short = compliance.exceptions(session, period, where, min_days=least)
        odd = suspicious_patrols(session, period, where, limit=ROWS)
        days = compliance.worker_days(session, period, where) if detail else None
    bars: dict[str, Any] = {
        "part": "compliant_days",
        "whole": "worker_days",
        "lang": lang,
        "empty_key": "empty.no_patrol_days",
    }
    return (
        *filter_row(period, today, lang, (month, area), options, month_problem, area_problem),
        rate_bars(by_area, title=t("patrols.by_area", lang), **bars),
        coverage_map(grids, title=t("patrols.map", lang), lang=lang),
        rate_lines(
            by_month.assign(month=by_month["month"].astype(str)),
            x="month",
            title=t("patrols.by_month", lang),
            incomplete=period.runs_past(today),
            **bars,
        ),
        exceptions_table(short),
        suspicious_table(odd, zone=city_zone()),
        worker_days_table(days),
    )


def exceptions_table(short: pd.DataFrame) -> list[Any]:
    rows = [
        [r.worker, r.name, r.grid, int(r.short_days), int(r.worker_days), str(r.last_short_day)]
        for r in short.head(ROWS).itertuples()
    ]
    headers = [t(f"column.{c}") for c in ("worker", "name", "grid", "short_days", "worker_days", "last_short_day")]
    return table_rows(t("patrols.exceptions"), headers, rows, empty_text=t("empty.no_rows"))


def suspicious_table(odd: pd.DataFrame, *, zone: str) -> list[Any]:
    tz = ZoneInfo(zone)
    rows = [
        [
            r.worker,
            r.name,
            r.grid,
            r.patrol_grid,
            f"{pd.Timestamp(r.started_at).tz_localize('UTC').tz_convert(tz):%m-%d %H:%M}",
            f"{r.distance_km:.2f}",
            t(f"reason.{r.reason}"),
        ]
        for r in odd.itertuples()
    ]
    headers = [t(f"column.{c}") for c in ("worker", "name", "grid", "grid", "started_at", "distance_km", "reason")]
    return table_rows(t("patrols.suspicious"), headers, rows, empty_text=t("empty.no_rows"))


def worker_days_table(days: pd.DataFrame | None) -> list[Any]:
    if days is None:
        return table_rows(t("patrols.worker_days"), [], [], empty_text=t("patrols.pick_township"))
    rows = [
        [
            r.worker,
            r.name,
            str(r.day),
            int(r.patrols),
            int(r.long_patrols),
            f"{r.hours:.1f}",
            t("yes" if r.compliant else "no"),
        ]
        for r in days.sort_values(["day", "worker"], ascending=[False, True]).head(ROWS * 5).itertuples()
    ]
    headers = [t(f"column.{c}") for c in ("worker", "name", "day", "patrols", "long_patrols", "hours", "compliant")]
    return table_rows(t("patrols.worker_days"), headers, rows, empty_text=t("empty.no_rows"))
