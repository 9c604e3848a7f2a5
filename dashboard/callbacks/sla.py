"""/sla: the on-time closure rate by area, department and month, and the overdue list, for the month and area
asked (within the account's area)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
from dash import Input, Output, callback, dcc
from sqlalchemy import select
from sqlalchemy.orm import Session

from dashboard import ids
from dashboard.callbacks.month_area import area_options, filter_row, parse_area
from dashboard.components.month_area import table_rows
from dashboard.config import get_settings
from dashboard.data import area_tree, sla
from dashboard.data.casework import handling_times
from dashboard.data.city_zone import city_today, city_zone
from dashboard.data.db import session_scope
from dashboard.data.models import Department
from dashboard.data.periods import AreaLevel, Period, shift_months, shift_years, utc_now
from dashboard.figures.on_time import rate_bars, rate_lines
from dashboard.i18n import t
from dashboard.monthly_url import month_or_default


def label_departments(frame: pd.DataFrame) -> pd.DataFrame:
    unassigned = frame["key"] == "unassigned"
    return frame.assign(
        name=frame["name"].where(~unassigned, t("sla.unassigned")),
        name_en=frame["name_en"].where(~unassigned, t("sla.unassigned", "en")),
    )


@callback(
    Output(ids.Sla.MONTH, "options"),
    Output(ids.Sla.AREA, "options"),
    Output(ids.Sla.MESSAGE, "children"),
    Output(ids.Sla.BY_AREA, "figure"),
    Output(ids.Sla.BY_DEPARTMENT, "figure"),
    Output(ids.Sla.BY_MONTH, "figure"),
    Output(ids.Sla.OVERDUE, "children"),
    Input(ids.Sla.MONTH, "value"),
    Input(ids.Sla.AREA, "value"),
    Input(ids.Sla.RECORD, "value"),
)
def update_sla_page(month: Any, area: Any, record: str | None) -> tuple[Any, ...]:
    settings = get_settings()
    lang = settings.language
    today = city_today()
    period, month_problem = month_or_default(month, today, lang)
    kind = sla.Record(record) if record in {r.value for r in sla.Record} else sla.Record.ALL
    year = Period(shift_months(period.start, -11), period.end)
    with session_scope() as session:
        where, area_problem = parse_area(session, area)
        by = sla.RateBy.COUNTY if where.level is AreaLevel.CITY else sla.RateBy.TOWNSHIP
        options = area_options(session, where, lang)
        by_area = sla.on_time_rates(session, period, where, by=by, record=kind)
        by_department = label_departments(
            sla.on_time_rates(session, period, where, by=sla.RateBy.DEPARTMENT, record=kind)
        )
        by_month = sla.on_time_rates(session, year, where, by=sla.RateBy.MONTH, record=kind)
        overdue = sla.overdue(session, where, limit=100)
        departments: dict[str, str] = dict(session.execute(select(Department.code, Department.name)).all())
        name = area_tree.area_name(session, where, lang=lang)
    bars: dict[str, Any] = {"part": "on_time", "whole": "closed", "lang": lang, "empty_key": "empty.no_closed"}
    months = by_month.assign(code="area", name=name, name_en=name, month=by_month["key"])
    return (
        *filter_row(period, today, lang, (month, area), options, month_problem, area_problem),
        rate_bars(by_area, title=t("sla.by_area", lang), **bars),
        rate_bars(by_department, title=t("sla.by_department", lang), **bars),
        rate_lines(months, x="month", title=t("sla.by_month", lang), incomplete=period.runs_past(today), **bars),
        overdue_table(overdue, departments, zone=city_zone()),
    )


def overdue_table(overdue: pd.DataFrame, departments: dict[str, str], *, zone: str) -> list[Any]:
    tz = ZoneInfo(zone)
    rows = []
    for row in overdue.itertuples():
        family = "kind" if row.record == "incident" else "category"
        deadline = pd.Timestamp(row.deadline).tz_localize("UTC").tz_convert(tz)
        rows.append(
            [
                dcc.Link(t(f"record.{row.record}"), href=f"/record?ref={row.event_id}"),  # its own view, to act on it
                t(f"{family}.{row.what}"),
                t(f"subtype.{row.subtype}"),
                row.grid,
                departments.get(row.department or "", t("sla.unassigned")),
                f"{deadline:%Y-%m-%d %H:%M}",
                f"{row.hours_over:.0f}",
                t(f"sla.level.{row.escalation}") + (t("sla.supervised") if row.supervised else ""),
            ]
        )
    headers = [
        t("column.record"),
        t("column.what"),
        t("column.subtype"),
        t("column.grid"),
        t("column.department"),
        t("column.deadline"),
        t("sla.hours_over"),
        t("sla.escalation"),
    ]
    return table_rows(t("sla.overdue"), headers, rows, empty_text=t("empty.no_rows"))


@callback(
    Output(ids.Sla.LOOP, "children"),
    Input(ids.Sla.MONTH, "value"),
    Input(ids.Sla.AREA, "value"),
    Input(ids.Sla.LOOP_BY, "value"),
)
def update_handling_times(month: Any, area: Any, by: str | None) -> list[Any]:
    """The month's handling times by department, township or county, each against the same month last year."""
    lang = get_settings().language
    today = city_today()
    period, _problem = month_or_default(month, today, lang)
    by = by if by in ("department", "township", "county") else "department"
    now = utc_now()
    with session_scope() as session:
        where, _area_problem = parse_area(session, area)  # the page's own callback names a bad month or area
        now_times = handling_times(session, period, where, by=by, as_of=now)
        year_ago = datetime.combine(shift_years(now.date(), -1), now.time())
        last_year = handling_times(session, period.same_period_last_year(), where, by=by, as_of=year_ago)
        names = key_names(session, by, sorted({*now_times["key"], *last_year["key"]}), lang)
    return handling_table(now_times, last_year, names, by=by)


def key_names(session: Session, by: str, keys: list[str], lang: str) -> dict[str, str]:
    if by == "department":
        found = {code: (name, name_en) for code, name, name_en in
                 session.execute(select(Department.code, Department.name, Department.name_en))}  # fmt: skip
    else:
        level = AreaLevel.TOWNSHIP if by == "township" else AreaLevel.COUNTY
        found = area_tree.names(session, level, keys)
    return {key: pair[0 if lang == "zh-CN" else 1] for key, pair in found.items()}


def hours(value: Any) -> str:
    return "—" if value is None or pd.isna(value) else f"{value:.1f}"


def share(value: Any) -> str:
    return "—" if value is None or pd.isna(value) else f"{value:.1%}"


MEASURES = (("to_dispatch", hours), ("to_accept", hours), ("to_close", hours), ("sent_back", share))


def handling_table(now_times: pd.DataFrame, last_year: pd.DataFrame, names: dict[str, str], *, by: str) -> list[Any]:
    before = {row.key: row for row in last_year.itertuples()}
    rows = []
    for row in now_times.itertuples():
        old = before.get(row.key)
        name = names.get(row.key, t("sla.unassigned") if row.key == "unassigned" else row.key)
        cells = [name, str(row.items), str(old.items) if old else "—"]
        for column, show in MEASURES:
            cells += [show(getattr(row, column)), show(getattr(old, column)) if old else "—"]
        rows.append(cells)
    last = t("sla.loop.last_year")
    headers = [t(f"sla.loop.{by}"), t("sla.loop.items"), last]
    for column, _show in MEASURES:
        headers += [t(f"sla.loop.{column}"), last]
    return table_rows(t("sla.loop"), headers, rows, empty_text=t("empty.no_rows"))
