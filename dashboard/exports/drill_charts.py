"""The exports of the drill-down pages: every chart and record table of /trends, /solve-rates, /rental-housing and
/grid, registered in the catalog by name ("trends.series", "grid.hazards", …).

Each builder reads the page's own URL query as the page does (dashboard.filter_url; the grid page: `code` and its
`period` choice), keeps the area inside the account's scope as the page's callbacks do (OutOfScope when the two do
not overlap), and calls the same chart functions the page's callbacks call. The rows come back with their columns
named in the request's language; a selection with nothing counted comes back empty (the route then says so).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
from sqlalchemy.orm import Session

from dashboard.access.scope import OutOfScope, in_area, within
from dashboard.config import Language
from dashboard.data import area_tree
from dashboard.data.areas import GRID_CODE
from dashboard.data.city_zone import city_today
from dashboard.data.db import session_scope
from dashboard.data.filters import DrillFilter, criminal_cases
from dashboard.data.periods import Area, Period
from dashboard.data.vocab import PlaceType
from dashboard.exports.catalog import ExportContent, ExportRequest, register
from dashboard.exports.records import CAP, record_rows
from dashboard.figures.common import baseline_name, vocab_label
from dashboard.filter_url import FieldError, StoredFilter, parse_query
from dashboard.formatting import format_count, period_label
from dashboard.i18n import t
from dashboard.views import case_trends, rental_housing, solve_rates
from dashboard.views.grid_profile import GRID_PERIODS, grid_period
from dashboard.views.records import RecordKind

CLICK_HINT = re.compile(r"\s*[（(](点击|click)[^）)]*[）)]\s*$")  # "（点击下钻）": a hint for the screen, not a slide


class BadValue(ValueError):
    """A query value the export cannot use: the message names the parameter (the route answers 400)."""


def bad_value(field: str, value: str, hint: str, lang: Language) -> BadValue:
    shown = value if len(value) <= 40 else value[:40] + "…"
    return BadValue(t("export.bad_value", lang, field=field, value=shown, hint=hint))


def field_error(error: FieldError, lang: Language) -> BadValue:
    label = t(f"filter.field.{error.param.value}", lang)
    hint = t(f"filter.hint.{error.reason}", lang)
    return bad_value(
        f"{error.param.value}（{label}）" if lang == "zh-CN" else error.param.value, error.value, hint, lang
    )


@dataclass(frozen=True)
class View:
    """What a page shows, as its export sees it: the filter (scoped), the area's name, the period in words."""

    shown: StoredFilter
    area: str
    period: str


def area_label(session: Session, area: Area, lang: Language) -> str:
    try:
        return area_tree.area_name(session, area, lang=lang)
    except LookupError:
        raise bad_value("area", area.code or "", t("area.unknown", lang, code=area.code), lang) from None


def drill_view(session: Session, request: ExportRequest, path: str) -> View:
    """The page's filter from its URL query, within the account's scope (BadValue, OutOfScope)."""
    parsed = parse_query(dict(request.query))
    if parsed.errors:
        raise field_error(parsed.errors[0], request.lang)
    area = within(request.scope, parsed.params.area)
    params = parsed.params.with_area(area)
    drill = params.resolve(city_today(), area=area)
    period = t(
        "export.period",
        request.lang,
        period=period_label(drill.period, request.lang),
        baseline=period_label(drill.baseline, request.lang),
        against=baseline_name(drill.compare.value, request.lang),
    )
    return View(StoredFilter(drill, params, path), area_label(session, area, request.lang), period)


def plain_title(figure: go.Figure) -> str:
    return CLICK_HINT.sub("", str(figure.layout.title.text or ""))


def columns(frame: pd.DataFrame, names: Mapping[str, str], lang: Language) -> pd.DataFrame:
    """The columns `names` keeps (source column → key under export.column.), renamed for people."""
    return frame[list(names)].rename(columns={source: t(f"export.column.{key}", lang) for source, key in names.items()})


def rounded(frame: pd.DataFrame, *names: str) -> pd.DataFrame:
    return frame.assign(**{name: frame[name].astype("float64").round(1) for name in names})


def nothing_counted(frame: pd.DataFrame, *counts: str) -> bool:
    return frame.empty or all(int(frame[name].sum()) == 0 for name in counts)


def area_names(frame: pd.DataFrame, lang: Language) -> pd.Series:
    return frame["name"] if lang == "zh-CN" else frame["name_en"]


def chart_content(view: View, figure: go.Figure, table: pd.DataFrame, *notes: str) -> ExportContent:
    return ExportContent(
        title=plain_title(figure),
        period=view.period,
        table=table,
        figure=figure,
        notes=notes,
        area=view.area,
        span=view.shown.drill.period,
    )


Builder = Callable[[ExportRequest], ExportContent]


def drill_export(name: str, path: str) -> Callable[[Callable[[Session, View, Language], ExportContent]], Builder]:
    """Register `build(session, view, lang)` under `name`: the page's view read from the request, in one session."""

    def wrap(build: Callable[[Session, View, Language], ExportContent]) -> Builder:
        def export(request: ExportRequest) -> ExportContent:
            with session_scope() as session:
                return build(session, drill_view(session, request, path), request.lang)

        register(name)(export)
        return export

    return wrap


# --- 案件趋势 /trends ---


@drill_export("trends.series", "/trends")
def trends_series(session: Session, view: View, lang: Language) -> ExportContent:
    grain = case_trends.default_grain(view.shown.params)
    frame, figure = case_trends.trend_series_chart(session, view.shown, lang, grain=grain)
    frame = frame[frame["start"].notna()]
    family = "subtype" if view.shown.drill.kind is not None else "kind"
    if nothing_counted(frame, "current", "baseline"):
        frame = frame.iloc[0:0]
    labelled = frame.assign(series=[vocab_label(family, str(code), lang) for code in frame["series"]])
    names = {"start": "start", "baseline_start": "baseline_start", "series": family, "current": "current"}
    return chart_content(view, figure, columns(labelled, {**names, "baseline": "baseline"}, lang))


@drill_export("trends.subtypes", "/trends")
def trends_subtypes(session: Session, view: View, lang: Language) -> ExportContent:
    frame, figure = case_trends.trend_subtypes_chart(session, view.shown, lang)
    labelled = rounded(frame, "change").assign(
        kind=[vocab_label("kind", str(code), lang) for code in frame["kind"]],
        subtype=[vocab_label("subtype", str(code), lang) for code in frame["subtype"]],
    )
    names = {"kind": "kind", "subtype": "subtype", "current": "current", "baseline": "baseline", "change": "change"}
    return chart_content(view, figure, columns(labelled, names, lang))


@drill_export("trends.areas", "/trends")
def trends_areas(session: Session, view: View, lang: Language) -> ExportContent:
    frame, figure = case_trends.trend_areas_chart(session, view.shown, lang)
    if nothing_counted(frame, "total"):
        frame = frame.iloc[0:0]
    labelled = rounded(frame, "per_10k").assign(area=area_names(frame, lang))
    names = {"rank": "rank", "area": "area", "code": "code", "total": "total", "per_10k": "per_10k"}
    return chart_content(view, figure, columns(labelled, names, lang))


@drill_export("trends.heatmap", "/trends")
def trends_heatmap(session: Session, view: View, lang: Language) -> ExportContent:
    frame, figure = case_trends.trend_heatmap_chart(session, view.shown, lang)
    if nothing_counted(frame, "reports"):
        frame = frame.iloc[0:0]
    labelled = frame.assign(weekday=[t(f"weekday.{day}", lang) for day in frame["weekday"]])
    names = {"weekday": "weekday", "hour": "hour", "reports": "reports", "baseline": "baseline"}
    return chart_content(view, figure, columns(labelled, names, lang))


# --- 破案率 /solve-rates ---

SOLVE_METRICS = {
    "filed": "filed",
    "solved": "solved",
    "rate": "rate",
    "baseline_filed": "baseline_filed",
    "baseline_solved": "baseline_solved",
    "baseline_rate": "baseline_rate",
    "change_points": "change_points",
}


@drill_export("solve.areas", "/solve-rates")
def solve_areas(session: Session, view: View, lang: Language) -> ExportContent:
    frame, figure = solve_rates.solve_areas_chart(session, view.shown, lang)
    if nothing_counted(frame, "filed", "baseline_filed"):
        frame = frame.iloc[0:0]
    labelled = rounded(frame, "rate", "baseline_rate", "change_points", "per_10k").assign(area=area_names(frame, lang))
    names = {"rank": "rank", "area": "area", "code": "code", **SOLVE_METRICS, "per_10k": "per_10k"}
    return chart_content(view, figure, columns(labelled, names, lang))


@drill_export("solve.subtypes", "/solve-rates")
def solve_subtypes(session: Session, view: View, lang: Language) -> ExportContent:
    frame, figure = solve_rates.solve_subtypes_chart(session, view.shown, lang)
    labelled = rounded(frame, "rate", "baseline_rate", "change_points").assign(
        subtype=[vocab_label("subtype", str(code), lang) for code in frame["subtype"]]
    )
    return chart_content(view, figure, columns(labelled, {"subtype": "subtype", **SOLVE_METRICS}, lang))


@drill_export("solve.days", "/solve-rates")
def solve_days(session: Session, view: View, lang: Language) -> ExportContent:
    frame, figure = solve_rates.solve_days_chart(session, view.shown, lang)
    if nothing_counted(frame, "solved", "baseline_solved"):
        frame = frame.iloc[0:0]
    days = ("median_days", "p90_days", "baseline_median_days", "baseline_p90_days")
    labelled = rounded(frame, *days).assign(
        subtype=[
            t("chart.all_subtypes", lang) if code == "all" else vocab_label("subtype", str(code), lang)
            for code in frame["subtype"]
        ]
    )
    names = {"subtype": "subtype", "solved": "solved", "median_days": "median_days", "p90_days": "p90_days"}
    baseline = {"baseline_solved": "baseline_solved", **{name: name for name in days[2:]}}
    return chart_content(view, figure, columns(labelled, {**names, **baseline}, lang))


@drill_export("solve.months", "/solve-rates")
def solve_months(session: Session, view: View, lang: Language) -> ExportContent:
    frame, figure = solve_rates.solve_months_chart(session, view.shown, lang)
    frame = frame[frame["start"].notna()]
    if nothing_counted(frame, "filed", "baseline_filed"):
        frame = frame.iloc[0:0]
    labelled = rounded(frame, "rate", "baseline_rate", "change_points")
    names = {"start": "month", "baseline_start": "baseline_month", **SOLVE_METRICS}
    return chart_content(view, figure, columns(labelled, names, lang))


# --- 出租房 /rental-housing ---


@drill_export("rental.summary", "/rental-housing")
def rental_summary(session: Session, view: View, lang: Language) -> ExportContent:
    frame, facts = rental_housing.rental_summary_facts(session, view.shown, lang)
    if nothing_counted(frame, "total", "baseline_total"):
        frame = frame.iloc[0:0]
    shares = ("share", "baseline_share", "change", "share_change_points", "per_100_houses", "baseline_per_100_houses")
    names = {name: name for name in frame.columns}
    return ExportContent(
        title=t("export.title.rental_summary", lang),
        period=view.period,
        table=columns(rounded(frame, *shares), names, lang),
        notes=tuple(
            f"{fact.label}：{fact.value}" if lang == "zh-CN" else f"{fact.label}: {fact.value}" for fact in facts
        ),
        area=view.area,
        span=view.shown.drill.period,
    )


@drill_export("rental.areas", "/rental-housing")
def rental_areas(session: Session, view: View, lang: Language) -> ExportContent:
    frame, figure = rental_housing.rental_areas_chart(session, view.shown, lang)
    if nothing_counted(frame, "rental", "baseline_rental"):
        frame = frame.iloc[0:0]
    labelled = rounded(frame, "share", "change", "per_100_houses", "per_10k").assign(area=area_names(frame, lang))
    counts = ("rental", "per_10k", "total", "share", "baseline_rental", "change", "rental_houses", "per_100_houses")
    names = {"rank": "rank", "area": "area", "code": "code", **{name: name for name in counts}}
    return chart_content(view, figure, columns(labelled, names, lang))


@drill_export("rental.grids", "/rental-housing")
def rental_grids(session: Session, view: View, lang: Language) -> ExportContent:
    frame, figure = rental_housing.rental_grids_chart(session, view.shown, lang)
    labelled = rounded(frame, "change", "per_100_houses")
    counts = ("rental", "baseline_rental", "change", "rental_houses", "per_100_houses")
    names = {"code": "code", "name": "grid", "township_name": "township", **{name: name for name in counts}}
    return chart_content(view, figure, columns(labelled, names, lang))


# --- record tables: the drill-down pages' ---


def records_content(
    session: Session,
    kind: RecordKind,
    drill: DrillFilter,
    lang: Language,
    *,
    title: str,
    period: str,
    area: str,
    span: Period | None,
    place: PlaceType | None = None,
) -> ExportContent:
    frame, more = record_rows(session, kind, drill, lang, place=place)
    notes = (t("export.capped", lang, count=format_count(CAP)),) if more else ()
    return ExportContent(title=title, period=period, table=frame, notes=notes, area=area, span=span)


def page_records(
    name: str,
    path: str,
    kind: RecordKind,
    title_key: str,
    *,
    narrow: Callable[[DrillFilter], DrillFilter] | None = None,
    place: PlaceType | None = None,
) -> None:
    """Register a drill-down page's record table: its records under the page's filter (`narrow`ed as the page does)."""

    @drill_export(name, path)
    def build(session: Session, view: View, lang: Language) -> ExportContent:
        drill = view.shown.drill if narrow is None else narrow(view.shown.drill)
        span = view.shown.drill.period if TABLE_HAS_PERIOD[kind] else None
        period = view.period if span is not None else ""
        return records_content(
            session, kind, drill, lang, title=t(title_key, lang), period=period, area=view.area, span=span, place=place
        )


TABLE_HAS_PERIOD = {kind: kind not in (RecordKind.RENTAL_HOUSES, RecordKind.KEY_PERSONS) for kind in RecordKind}

page_records("trends.records", "/trends", RecordKind.INCIDENTS, "records.title.incidents")
page_records(
    "solve.records", "/solve-rates", RecordKind.INCIDENTS, "records.title.criminal_cases", narrow=criminal_cases
)
page_records(
    "rental.records", "/rental-housing", RecordKind.INCIDENTS, "records.title.rental_incidents",
    place=PlaceType.RENTAL_HOUSING,
)  # fmt: skip
page_records("rental.houses", "/rental-housing", RecordKind.RENTAL_HOUSES, "records.title.rental_houses")


# --- 网格 /grid?code=…&period=30d|ytd|last_year: its record tables ---


def grid_export(kind: RecordKind) -> None:
    @register(f"grid.{kind.value}")
    def build(request: ExportRequest) -> ExportContent:
        lang, query = request.lang, request.query
        code = str(query.get("code", "")).strip()
        if not GRID_CODE.fullmatch(code):
            raise bad_value("code", code, t("export.hint.grid_code", lang), lang)
        if not in_area(request.scope, code):
            raise OutOfScope(f"code: grid {code} is outside this account's area")
        choice = str(query.get("period", GRID_PERIODS[0])).strip() or GRID_PERIODS[0]
        if choice not in GRID_PERIODS:
            raise bad_value("period", choice, t("export.hint.grid_period", lang, choices="、".join(GRID_PERIODS)), lang)
        span = grid_period(choice, city_today())
        area = Area.grid(code)
        with session_scope() as session:
            try:
                name = area_tree.area_name(session, area, lang=lang)
            except LookupError:
                raise bad_value("code", code, t("area.unknown", lang, code=code), lang) from None
            has_period = TABLE_HAS_PERIOD[kind]
            return records_content(
                session,
                kind,
                DrillFilter(span, area=area),
                lang,
                title=t(f"records.title.{kind.value}", lang),
                period=period_label(span, lang) if has_period else "",
                area=f"{name}（{code}）" if lang == "zh-CN" else f"{name} ({code})",
                span=span if has_period else None,
            )


for _kind in RecordKind:
    grid_export(_kind)
