"""案件趋势 as rows and charts: the series by day, week or month, the top subtypes, the areas ranked and the hour by
weekday heat map, each from one filter; the page's callbacks and its exports draw the same."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.orm import Session

from dashboard.config import Language
from dashboard.data import rental, trends
from dashboard.data.city_zone import city_today
from dashboard.data.ranking import ranked, residents_by_child
from dashboard.figures import case_trends as figures
from dashboard.filter_url import FilterParams, PeriodChoice, StoredFilter
from dashboard.i18n import t
from dashboard.views.chart import Chart

DEFAULT_GRAINS: dict[PeriodChoice, trends.Grain] = {
    PeriodChoice.MONTH: "day",
    PeriodChoice.YEAR: "week",
    PeriodChoice.LAST_12_MONTHS: "month",
}


def default_grain(params: FilterParams) -> trends.Grain:
    """The series' buckets: the address's grain, or the period's (a month by day, a year by week, 12 months by
    month, a custom span by week)."""
    chosen = params.grain or DEFAULT_GRAINS.get(params.period, "week")
    return next((each for each in trends.GRAINS if each == chosen), "week")


def trend_series_chart(session: Session, shown: StoredFilter, lang: Language, *, grain: trends.Grain) -> Chart:
    f = shown.drill
    series = trends.case_trend(session, f, grain=grain)
    if f.subtype is not None:  # under a kind the series are subtypes: the picked one alone
        series = series[series["series"] == f.subtype]
    family = "subtype" if f.kind is not None else "kind"
    running = f.period.runs_past(city_today())  # its last bucket is not over
    return series, figures.case_trend(
        series, family=family, compare=f.compare.value, lang=lang, grain=grain, incomplete=running
    )


def trend_subtypes_chart(session: Session, shown: StoredFilter, lang: Language) -> Chart:
    f = shown.drill
    # the subtype chart is the one a subtype is picked in: it shows every subtype of the kind the bar chose
    top = trends.top_subtypes(session, replace(f, kind=shown.params.kind, subtype=None))
    return top, figures.top_subtypes(top, compare=f.compare.value, lang=lang, selected=f.subtype)


def trend_areas_chart(session: Session, shown: StoredFilter, lang: Language) -> Chart:
    by_area = ranked(
        rental.rental_by_area(session, shown.drill), "total", residents_by_child(session, shown.drill.area)
    )
    title = t("chart.incidents_by_area", lang)
    return by_area, figures.area_counts(by_area, value="total", title=title, lang=lang)


def trend_heatmap_chart(session: Session, shown: StoredFilter, lang: Language) -> Chart:
    heat = trends.hour_weekday(session, shown.drill)
    return heat, figures.hour_weekday(heat, lang=lang)
