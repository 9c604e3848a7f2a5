"""破案率 as rows and charts: by area, by subtype, days to solve and by month, each from one filter; the page's
callbacks and its exports draw the same."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.orm import Session

from dashboard.config import Language
from dashboard.data import solve_rates
from dashboard.data.city_zone import city_today
from dashboard.data.ranking import ranked, residents_by_child
from dashboard.figures import solve_rates as figures
from dashboard.filter_url import StoredFilter
from dashboard.views.chart import Chart


def solve_areas_chart(session: Session, shown: StoredFilter, lang: Language) -> Chart:
    by_area = ranked(
        solve_rates.solve_rates(session, shown.drill, by="area"), "filed", residents_by_child(session, shown.drill.area)
    )
    return by_area, figures.rate_by_area(by_area, compare=shown.drill.compare.value, lang=lang)


def solve_subtypes_chart(session: Session, shown: StoredFilter, lang: Language) -> Chart:
    f = shown.drill
    unpicked = replace(f, kind=shown.params.kind, subtype=None)  # the chart a subtype is picked in shows them all
    by_subtype = solve_rates.solve_rates(session, unpicked, by="subtype")
    return by_subtype, figures.rate_by_subtype(by_subtype, compare=f.compare.value, lang=lang, selected=f.subtype)


def solve_days_chart(session: Session, shown: StoredFilter, lang: Language) -> Chart:
    f = shown.drill
    days = solve_rates.time_to_solve(session, f)
    return days, figures.time_to_solve(days, compare=f.compare.value, lang=lang, selected=f.subtype)


def solve_months_chart(session: Session, shown: StoredFilter, lang: Language) -> Chart:
    by_month = solve_rates.solve_rates(session, shown.drill, by="month")
    running = shown.drill.period.runs_past(city_today())  # its last month is not over
    return by_month, figures.rate_by_month(by_month, compare=shown.drill.compare.value, lang=lang, incomplete=running)
