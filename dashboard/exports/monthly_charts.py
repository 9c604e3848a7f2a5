"""The exports of the 月度通报 page (/monthly): its headline figures, area ranking, risen grids, hazards by
department, patrol compliance and summary, registered in the catalog as "monthly.<name>".

Each builder reads the page's URL query (`month=YYYY-MM`, `area=`; dashboard/monthly_url.py), keeps the area inside
the account's scope (OutOfScope when the two do not overlap), counts with dashboard/data/monthly.py and draws with
dashboard/figures/monthly.py. The page's callbacks, the deck, the PDF and the CLI all take their contents from
`month_pack`, which builds the same ExportContents from one count of the month: what a leader sees on screen is
what the files hold. A month with nothing in it (no incident, no hazard in the area) gives empty contents, so the
export route, the deck and the PDF refuse it instead of writing an empty file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy.orm import Session

from dashboard.access.scope import within
from dashboard.bulletin import Bulletin, bulletin
from dashboard.config import Language
from dashboard.data import area_tree, bulletins, monthly
from dashboard.data.bulletins import StoredBulletin
from dashboard.data.city_zone import city_today
from dashboard.data.db import session_scope
from dashboard.data.monthly import MonthHeadline, MonthlyReport
from dashboard.data.periods import Area, AreaLevel, Period
from dashboard.exports import columns
from dashboard.exports.catalog import CATALOG, ExportContent, ExportRequest, defined, register
from dashboard.figures import monthly as figures
from dashboard.figures.common import area_label as row_area_label
from dashboard.formatting import format_count, period_label
from dashboard.i18n import t
from dashboard.kpis import Headline, change, figure_title, small_base
from dashboard.monthly_summary import percent
from dashboard.monthly_url import month_query_or_error

PREFIX = "monthly."
# In the order the page, the deck and the PDF show them.
HEADLINE, RANKING, RISING, HAZARDS, PATROLS, SUMMARY = (
    f"{PREFIX}{name}"
    for name in ("headline", "county_ranking", "rising_grids", "hazards_by_department", "patrol_compliance", "summary")
)


@dataclass(frozen=True)
class MonthView:
    """The month and area an export shows (the area within the account's scope), and the words for them."""

    month: Period
    area: Area
    area_name: str  # "台州市", "路桥区"
    lang: Language
    within: int | None = None  # the solve rates as the N-day rate (`within=`); None: solved by now

    @property
    def period(self) -> str:
        return period_label(self.month, self.lang)

    @property
    def subject(self) -> str:
        """How the summary names the area: 全市 for the city."""
        return t("monthly.whole_city", self.lang) if self.area.level is AreaLevel.CITY else self.area_name


def month_view(session: Session, request: ExportRequest) -> MonthView:
    """The view a query asks for (ValueError naming `month` or `area`; OutOfScope outside the account's area)."""
    asked = month_query_or_error(request.query, city_today())
    area = within(request.scope, asked.area if asked.area.code is not None else None)
    try:
        name = area_tree.area_name(session, area, lang=request.lang)
    except LookupError:
        raise ValueError(f"area: {area.code!r} names no county, township or grid") from None
    return MonthView(asked.month, area, name, request.lang, asked.within)


def _content(view: MonthView, title_key: str, table: pd.DataFrame, **extra: object) -> ExportContent:
    return ExportContent(
        title=t(title_key, view.lang),
        period=view.period,
        table=table,
        area=view.area_name,
        span=view.month,
        **extra,  # type: ignore[arg-type]
    )


def _columns(frame: pd.DataFrame, names: dict[str, str], lang: Language, within: int | None = None) -> pd.DataFrame:
    """Keep `names`' columns, in order, headed in `lang` (monthly.col.<key>; solve rates as the N-day rate)."""
    shown = frame[list(names)].copy()
    shown.columns = [figures.column_title(key, lang, within=within) for key in names.values()]
    return shown.reset_index(drop=True)


def _kinds(names: dict[str, str], kinds: dict[str, str], lang: Language, within: int | None = None) -> dict[str, str]:
    """The kinds of the columns `_columns` heads (dashboard/exports/columns.py), by their headings."""
    return {figures.column_title(key, lang, within=within): kinds[key] for key in names.values() if key in kinds}


# What each monthly column holds, by its key (monthly.col.<key>): the files format them so.
KINDS = {
    "code": columns.CODE,
    "filed_change": columns.CHANGE,
    "rate": columns.PERCENT,
    "rate_change": columns.POINTS,
    "rental_change": columns.CHANGE,
    "change": columns.CHANGE,
    "rectification_rate": columns.PERCENT,
    "compliance_rate": columns.PERCENT,
}


def _rounded(values: pd.Series, decimals: int = 2) -> pd.Series:
    return values.astype("float64").round(decimals)


def headline_content(headline: MonthHeadline, view: MonthView) -> ExportContent:
    """The headline figures as a table: value, 同比, 环比, in the 通报's number style (one decimal, ▲▼; a column that
    mixes percent and points says the unit in each cell)."""
    lang, figures_ = view.lang, headline.figures
    comparisons = (figures_.year_over_year, figures_.period_over_period)
    rows: list[tuple[str, ...]] = []
    for figure in Headline:
        points = figure is Headline.SOLVE_RATE
        if points:
            value = percent(figures_.current.solve_rate, lang)
        else:
            value = f"{format_count(int(getattr(figures_.current, figure.value)))}{t('unit.cases', lang)}"
        texts = [
            columns.change_text(change(figure, comparison), lang, points=points)
            + (t("change.small_base", lang) if small_base(figure, comparison) else "")
            for comparison in comparisons
        ]
        rows.append((figure_title(figure, lang, within=view.within), value, *texts))
    reported = (headline.reported, headline.baseline_reported, headline.previous_reported)
    changes = [
        columns.change_text(monthly_change(reported[0], base), lang, points=False)
        for base in (reported[1], reported[2])
    ]
    rows.append((t("monthly.figure.reported", lang), f"{format_count(reported[0])}{t('unit.cases', lang)}", *changes))
    table = pd.DataFrame(rows, columns=[t(f"monthly.col.{key}", lang) for key in ("figure", "value", "yoy", "pop")])
    notes = tuple(f"{row[0]}：{row[1]}（{t('compare.year_over_year', lang)} {row[2]}）" for row in rows)
    return _content(view, "monthly.table.headline", table, notes=notes)


def monthly_change(current: int, baseline: int) -> float | None:
    return 100.0 * (current - baseline) / baseline if baseline else None


def ranking_content(frame: pd.DataFrame, view: MonthView) -> ExportContent:
    lang = view.lang
    shown = frame.assign(
        area=[row_area_label(row, lang) for _, row in frame.iterrows()],
        filed_change=_rounded(frame["filed_change"]),
        per_10k=_rounded(frame["per_10k"]),
        rate=_rounded(frame["rate"]),
        rate_change=_rounded(frame["rate_change"]),
        rental_change=_rounded(frame["rental_change"]),
    )
    names = {
        "rank": "rank",
        "code": "code",
        "area": "area",
        "filed": "filed",
        "per_10k": "per_10k",
        "baseline_filed": "baseline_filed",
        "previous_filed": "previous_filed",
        "filed_change": "filed_change",
        "rate": "rate",
        "rate_change": "rate_change",
        "rental": "rental",
        "rental_change": "rental_change",
    }
    notes = tuple(
        f"{row['area']}：{format_count(int(row['filed']))}{t('unit.cases', lang)}"
        f"（{columns.change_text(_number(row['filed_change']), lang, points=False)}）"
        for _, row in shown.head(3).iterrows()
    )
    return _content(
        view,
        "monthly.table.ranking",
        _columns(shown, names, lang, view.within),
        figure=figures.area_ranking(frame, lang=lang),
        notes=notes,
        columns=_kinds(names, KINDS, lang, view.within),
    )


def _number(value: object) -> float | None:
    number = float(value)  # type: ignore[arg-type]
    return None if number != number else number


def rising_content(frame: pd.DataFrame, view: MonthView) -> ExportContent:
    lang = view.lang
    shown = frame.assign(change=_rounded(frame["change"]))
    names = {
        "code": "code",
        "place": "grid",
        "reported": "reported",
        "baseline": "baseline",
        "increase": "increase",
        "change": "change",
    }
    notes = tuple(f"{row['place']}：+{format_count(int(row['increase']))}" for _, row in frame.head(3).iterrows())
    return _content(
        view,
        "monthly.chart.rising",
        _columns(shown, names, lang),
        figure=figures.rising_grids(frame, lang=lang),
        notes=notes,
        columns=_kinds(names, KINDS, lang),
    )


def hazards_content(frame: pd.DataFrame, view: MonthView) -> ExportContent:
    lang = view.lang
    shown = frame.assign(
        department=[figures.department_label(row, lang) for _, row in frame.iterrows()],
        rate=_rounded(frame["rate"]),
    )
    names = {
        "department": "department",
        "found": "found",
        "rectified": "rectified",
        "overdue": "overdue",
        "rate": "rectification_rate",
    }
    found = int(frame["found"].sum())
    notes: tuple[str, ...] = ()
    if found:
        rate = 100.0 * int(frame["rectified"].sum()) / found
        notes = (
            f"{t('monthly.col.found', lang)}：{format_count(found)}",
            f"{t('monthly.rectification_rate', lang)}：{percent(rate, lang)}",
            f"{t('monthly.overdue', lang)}：{format_count(int(frame['overdue'].sum()))}",
        )
    return _content(
        view,
        "monthly.chart.hazards",
        _columns(shown, names, lang),
        figure=figures.hazards_by_department(frame, lang=lang),
        notes=notes,
        columns=_kinds(names, KINDS, lang),
    )


def patrols_content(frame: pd.DataFrame, view: MonthView) -> ExportContent:
    lang = view.lang
    shown = frame.assign(
        area=[row_area_label(row, lang) for _, row in frame.iterrows()],
        rate=_rounded(frame["rate"] * 100.0),
    )
    names = {
        "code": "code",
        "area": "area",
        "worker_days": "worker_days",
        "compliant_days": "compliant_days",
        "rate": "compliance_rate",
    }
    due = int(frame["worker_days"].sum())
    notes: tuple[str, ...] = ()
    if due:
        rate = 100.0 * int(frame["compliant_days"].sum()) / due
        notes = (f"{t('monthly.compliance_rate', lang)}：{percent(rate, lang)}",)
    return _content(
        view,
        "monthly.chart.patrols",
        _columns(shown, names, lang),
        figure=figures.patrol_compliance(frame, lang=lang),
        notes=notes,
        columns=_kinds(names, KINDS, lang),
    )


def month_bulletin(report: MonthlyReport, view: MonthView, stored: StoredBulletin) -> Bulletin:
    title = t("monthly.deck.title", view.lang, area=view.area_name)
    return bulletin(report, stored, title=title, period=view.period, subject=view.subject, lang=view.lang)


def summary_content(document: Bulletin, view: MonthView) -> ExportContent:
    """The 通报 as a table: one row per paragraph, under its section (notes: the figures paragraph)."""
    lang = view.lang
    rows = [(heading, text) for heading, texts in document.sections(lang) for text in texts]
    table = pd.DataFrame(rows, columns=[t("monthly.col.section", lang), t("monthly.col.text", lang)])
    return _content(view, "monthly.summary_title", table, notes=(document.overview,))


def _emptied(content: ExportContent) -> ExportContent:
    """The same content with no rows: the month has nothing to report."""
    return ExportContent(
        title=content.title,
        period=content.period,
        table=content.table.iloc[0:0],
        figure=None,
        area=content.area,
        span=content.span,
    )


def report_contents(report: MonthlyReport, view: MonthView, document: Bulletin) -> dict[str, ExportContent]:
    """Every content of the month, in page order (all empty for a month with nothing in it)."""
    contents = {
        HEADLINE: headline_content(report.headline, view),
        RANKING: ranking_content(report.ranking, view),
        RISING: rising_content(report.rising, view),
        HAZARDS: hazards_content(report.hazards, view),
        PATROLS: patrols_content(report.patrols, view),
        SUMMARY: summary_content(document, view),
    }
    if report.is_empty:
        contents = {name: _emptied(content) for name, content in contents.items()}
    return {name: defined(name, content, view.lang, view.within) for name, content in contents.items()}


@dataclass(frozen=True)
class MonthPack:
    """The month as the page, the deck and the PDF show it."""

    view: MonthView
    report: MonthlyReport  # the counts behind the contents (the page draws its ranking table from them)
    bulletin: Bulletin  # the 通报 the page shows and the files print
    contents: dict[str, ExportContent] = field(default_factory=dict)
    empty: bool = False

    @property
    def summary(self) -> str:
        """The figures paragraph (the 通报's 总体情况)."""
        return self.bulletin.overview

    def empty_message(self) -> str:
        return t("monthly.empty_month", self.view.lang, area=self.view.area_name, period=self.view.period)


def month_pack(request: ExportRequest, *, issue: bool = False) -> MonthPack:
    """Count the month once and build every content from it (ValueError, OutOfScope as `month_view`). `issue`: the
    bulletin goes out as a file now, so it gets its number if it has none (a month with nothing in it never does)."""
    with session_scope() as session:
        view = month_view(session, request)
        report = monthly.monthly_report(session, view.month, view.area, within_days=view.within)
        if issue and not report.is_empty:
            stored = bulletins.issue(session, view.area, view.month)
        else:
            stored = bulletins.stored(session, view.area, view.month)
    document = month_bulletin(report, view, stored)
    return MonthPack(view, report, document, report_contents(report, view, document), report.is_empty)


def _single(part: Callable[[Session, MonthView], ExportContent]) -> Callable[[ExportRequest], ExportContent]:
    """A catalog builder for one content: counts only what that content needs (empty for an empty month)."""

    def build(request: ExportRequest) -> ExportContent:
        with session_scope() as session:
            view = month_view(session, request)
            content = part(session, view)
            if not monthly.has_rows(session, view.month, view.area):
                return _emptied(content)
        return content

    return build


def _summary(session: Session, view: MonthView) -> ExportContent:
    report = monthly.monthly_report(session, view.month, view.area, within_days=view.within)
    return summary_content(month_bulletin(report, view, bulletins.stored(session, view.area, view.month)), view)


PARTS: dict[str, Callable[[Session, MonthView], ExportContent]] = {
    HEADLINE: lambda session, view: headline_content(
        monthly.month_headline(session, view.month, view.area, within_days=view.within), view
    ),
    RANKING: lambda session, view: ranking_content(
        monthly.area_ranking(session, view.month, view.area, within_days=view.within), view
    ),
    RISING: lambda session, view: rising_content(monthly.rising_grids(session, view.month, view.area), view),
    HAZARDS: lambda session, view: hazards_content(monthly.hazards_by_department(session, view.month, view.area), view),
    PATROLS: lambda session, view: patrols_content(monthly.patrols_by_area(session, view.month, view.area), view),
    SUMMARY: _summary,
}
for _name, _part in PARTS.items():
    if _name not in CATALOG:  # importing this module twice (tests reload it) registers once
        register(_name)(_single(_part))


def registered_names() -> list[str]:
    """The monthly exports in the catalog, in page order: what the deck and the PDF iterate."""
    return [name for name in PARTS if name in CATALOG]
