"""The month's 通报 as a document: what the /monthly page shows, the deck and the PDF print, section by section.

- the header: the issuing body (DASHBOARD_BULLETIN_ISSUER), the title, the 文号 (DASHBOARD_BULLETIN_PREFIX〔year〕n号,
  n the running number the bulletin got when first issued: dashboard/data/bulletins.py) and the date;
- 一、总体情况: the figures paragraph (dashboard/monthly_summary.py);
- 二、各地情况: on each measure the best and the worst area one level down, named, counts with their rate per 10,000
  residents beside them (`standings`);
- 三、存在问题: what the rules below select from the month's figures;
- 四、下步工作要求: what the leader wrote on the page, kept with the month; until then a text made from the problems.

One number style: percentages and points to one decimal (monthly_summary.DECIMALS). Best and worst: the lowest and
the highest value among the areas it applies to (rates: among areas with cases filed; per 10,000: among areas with
residents), ties to the lower code; a measure is left out when fewer than two areas have it or all have the same.

存在问题 (an area's change counts only on a baseline of SMALL_BASE cases or more, as the page flags smaller ones):
- criminal cases filed up RISE_PERCENT % or more on the same month last year;
- the solve rate down RATE_FALL_POINTS points or more (like for like, as the page counts it);
- rental-housing cases up RISE_PERCENT % or more;
- hazards found in the month and overdue (not rectified by their deadline), by department;
- patrol compliance below the rule's target (COMPLIANCE_TARGET % of worker-days: twice a day, two hours each).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from dashboard.config import Language, get_settings
from dashboard.data.active_city import city_name
from dashboard.data.bulletins import StoredBulletin, issue_date
from dashboard.data.city_zone import city_today, city_zone
from dashboard.data.monthly import SMALL_BASE, MonthlyReport
from dashboard.figures.common import area_label
from dashboard.figures.monthly import COMPLIANCE_TARGET, department_label
from dashboard.formatting import format_count, format_day
from dashboard.i18n import t
from dashboard.monthly_summary import DECIMALS, percent, summary_paragraph

RISE_PERCENT = 20.0  # a count up this much on the same month last year is a problem
RATE_FALL_POINTS = 10.0  # a solve rate down this many points is a problem


@dataclass(frozen=True)
class Standing:
    """One measure's best and worst area."""

    measure: str  # filed | rate | rental | patrols
    best: str  # area codes
    worst: str
    text: str


@dataclass(frozen=True)
class Problem:
    """One 存在问题: the rule that selected it and what it selected (area or department codes)."""

    rule: str  # filed_rise | rate_fall | rental_rise | overdue_hazards | patrols_below
    subjects: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class Bulletin:
    issuer: str
    title: str
    period: str  # "2025年6月"
    number: str  # the 文号, "" while the bulletin has not been issued
    date: str  # "2025年7月3日"
    overview: str
    standings: tuple[Standing, ...]
    problems: tuple[Problem, ...]
    requirements: str  # the leader's text, or the generated one
    requirements_edited: bool  # the leader wrote it
    edited_by: str | None = None  # who last changed it, and when (naive UTC)
    edited_at: datetime | None = None

    def sections(self, lang: Language) -> list[tuple[str, list[str]]]:
        """The four sections as (heading, paragraphs), in order: what every rendering prints."""
        return [
            (t("bulletin.section.overview", lang), [self.overview]),
            (
                t("bulletin.section.standings", lang),
                [standing.text for standing in self.standings] or [t("bulletin.no_standings", lang)],
            ),
            (
                t("bulletin.section.problems", lang),
                [f"{number}. {problem.text}" for number, problem in enumerate(self.problems, start=1)]
                or [t("bulletin.no_problems", lang)],
            ),
            (t("bulletin.section.requirements", lang), self.requirements.split("\n")),
        ]

    def number_line(self, lang: Language) -> str:
        return self.number or t("bulletin.unnumbered", lang)


def issuer(lang: Language) -> str:
    return get_settings().bulletin_issuer or t("bulletin.issuer_default", lang, city=city_name(lang))


def number_text(year: int, number: int, lang: Language) -> str:
    """台综治通〔2025〕3号 (the prefix: DASHBOARD_BULLETIN_PREFIX, else the city's first character and 综治通)."""
    prefix = get_settings().bulletin_prefix or t("bulletin.prefix_default", lang, initial=city_name("zh-CN")[:1])
    return t("bulletin.number", lang, prefix=prefix, year=year, number=number)


def _number(value: object) -> float | None:
    number = float(value)  # type: ignore[arg-type]
    return None if math.isnan(number) else number


def _signed(value: float, lang: Language, *, points: bool) -> str:
    """上升 36.4% / 下降 28.2 个百分点."""
    word = t("summary.up" if value > 0 else "summary.down", lang)
    unit = t("summary.points", lang) if points else "%"
    return t("bulletin.moved", lang, word=word, value=f"{abs(value):.{DECIMALS}f}{unit}")


def extremes(frame: pd.DataFrame, column: str) -> tuple[pd.Series, pd.Series] | None:
    """The rows with the lowest and the highest `column` (NaN rows left out; ties to the lower code), or None when
    fewer than two rows have a value or all have the same."""
    rows = frame[frame[column].notna()].sort_values([column, "code"], kind="stable")
    if len(rows) < 2 or rows[column].iloc[0] == rows[column].iloc[-1]:
        return None
    highest = rows.sort_values([column, "code"], ascending=[False, True], kind="stable").iloc[0]
    return rows.iloc[0], highest


def _names(frame: pd.DataFrame, lang: Language) -> pd.Series:
    return pd.Series([area_label(row, lang) for _, row in frame.iterrows()], index=frame.index, dtype=object)


def _per_10k(count: pd.Series, residents: pd.Series) -> pd.Series:
    return (count / residents.where(residents > 0)) * 10_000


def _count_standing(frame: pd.DataFrame, count: str, lang: Language) -> Standing | None:
    """Fewest and most per 10,000 residents (the count beside it), then the biggest fall and rise on last year."""
    shown = frame.assign(per=_per_10k(frame[count].astype("float64"), frame["residents"]))
    found = extremes(shown, "per")
    if found is None:
        return None
    best, worst = found

    def said(row: pd.Series) -> str:
        return t(
            "bulletin.count_of",
            lang,
            area=row["label"],
            count=format_count(int(row[count])),
            per=f"{row['per']:.{DECIMALS}f}",
        )

    text = t(f"bulletin.standing.{count}", lang, best=said(best), worst=said(worst))
    text += _moves(shown, f"{count}_change", f"baseline_{count}", lang, points=False)
    return Standing(count, str(best["code"]), str(worst["code"]), text + t("bulletin.stop", lang))


def _moves(frame: pd.DataFrame, column: str, baseline: str, lang: Language, *, points: bool) -> str:
    """'；同比下降最多的是X（12.5%），同比上升最多的是Y（36.4%）' for the falls and rises there are (a change on fewer
    than SMALL_BASE cases in the same month last year flagged as such)."""
    values = frame[column].astype("float64")
    parts = []
    falls = frame[values < 0].sort_values([column, "code"], kind="stable")
    rises = frame[values > 0].sort_values([column, "code"], ascending=[False, True], kind="stable")
    unit = t("summary.points", lang) if points else "%"
    for key, rows in (("bulletin.most_fall", falls), ("bulletin.most_rise", rises)):
        if not rows.empty:
            row = rows.iloc[0]
            size = f"{abs(float(row[column])):.{DECIMALS}f}{unit}"
            if row[baseline] < SMALL_BASE:
                size += t("bulletin.small_base", lang)
            parts.append(t(key, lang, area=row["label"], change=size))
    return t("bulletin.moves", lang, moves=t("summary.separator", lang).join(parts)) if parts else ""


def _rate_standing(frame: pd.DataFrame, lang: Language) -> Standing | None:
    """Highest and lowest solve rate among areas with cases filed (solved of filed beside), then the biggest change."""
    shown = frame[frame["filed"] > 0]
    found = extremes(shown, "rate")
    if found is None:
        return None
    worst, best = found  # the lowest rate is the worst

    def said(row: pd.Series) -> str:
        return t(
            "bulletin.rate_of",
            lang,
            area=row["label"],
            rate=percent(_number(row["rate"]), lang),
            solved=format_count(int(row["solved"])),
            filed=format_count(int(row["filed"])),
        )

    text = t("bulletin.standing.rate", lang, best=said(best), worst=said(worst))
    text += _moves(shown, "rate_change", "baseline_filed", lang, points=True)
    return Standing("rate", str(best["code"]), str(worst["code"]), text + t("bulletin.stop", lang))


def _patrol_standing(patrols: pd.DataFrame, lang: Language) -> Standing | None:
    shown = patrols[patrols["worker_days"] > 0]
    shown = shown.assign(percent=shown["rate"].astype("float64") * 100.0, label=_names(shown, lang))
    found = extremes(shown, "percent")
    if found is None:
        return None
    worst, best = found

    def said(row: pd.Series) -> str:
        return t("bulletin.share_of", lang, area=row["label"], rate=percent(float(row["percent"]), lang))

    text = t("bulletin.standing.patrols", lang, best=said(best), worst=said(worst)) + t("bulletin.stop", lang)
    return Standing("patrols", str(best["code"]), str(worst["code"]), text)


def standings(report: MonthlyReport, lang: Language) -> tuple[Standing, ...]:
    ranking = report.ranking.assign(label=_names(report.ranking, lang))
    found = [
        _count_standing(ranking, "filed", lang),
        _rate_standing(ranking, lang),
        _count_standing(ranking, "rental", lang),
        _patrol_standing(report.patrols, lang),
    ]
    return tuple(standing for standing in found if standing is not None)


def _listed(rows: pd.DataFrame, say: Callable[[pd.Series], str], lang: Language) -> str:
    return t("bulletin.list_separator", lang).join(say(row) for _, row in rows.iterrows())


def _rise_problem(
    ranking: pd.DataFrame, rule: str, column: str, baseline: str, lang: Language, *, points: bool
) -> Problem | None:
    change = ranking[column].astype("float64")
    if points:
        selected = ranking[(change <= -RATE_FALL_POINTS) & (ranking[baseline] >= SMALL_BASE)]
        selected = selected.sort_values([column, "code"], kind="stable")
    else:
        selected = ranking[(change >= RISE_PERCENT) & (ranking[baseline] >= SMALL_BASE)]
        selected = selected.sort_values([column, "code"], ascending=[False, True], kind="stable")
    if selected.empty:
        return None
    areas = _listed(
        selected,
        lambda row: t(
            "bulletin.area_change", lang, area=row["label"], change=_signed(float(row[column]), lang, points=points)
        ),
        lang,
    )
    threshold = f"{RATE_FALL_POINTS if points else RISE_PERCENT:.0f}"
    text = t(f"bulletin.problem.{rule}", lang, threshold=threshold, n=len(selected), areas=areas)
    return Problem(rule, tuple(str(code) for code in selected["code"]), text)


def _overdue_problem(hazards: pd.DataFrame, lang: Language) -> Problem | None:
    late = hazards[hazards["overdue"] > 0].sort_values(["overdue", "department"], ascending=[False, True])
    if late.empty:
        return None
    departments = _listed(
        late,
        lambda row: t("bulletin.department_count", lang, name=department_label(row, lang), n=int(row["overdue"])),
        lang,
    )
    total = format_count(int(late["overdue"].sum()))
    text = t("bulletin.problem.overdue_hazards", lang, n=total, departments=departments)
    return Problem("overdue_hazards", tuple(str(code) for code in late["department"]), text)


def _patrol_problem(patrols: pd.DataFrame, lang: Language) -> Problem | None:
    due = patrols[patrols["worker_days"] > 0]
    rates = due["rate"].astype("float64") * 100.0
    below = due[rates < COMPLIANCE_TARGET].assign(percent=rates[rates < COMPLIANCE_TARGET])
    if below.empty:
        return None
    below = below.assign(label=_names(below, lang)).sort_values(["percent", "code"], kind="stable")
    areas = _listed(below, lambda row: f"{row['label']}（{percent(float(row['percent']), lang)}）", lang)
    target = f"{COMPLIANCE_TARGET:.0f}"
    text = t("bulletin.problem.patrols_below", lang, target=target, n=len(below), areas=areas)
    return Problem("patrols_below", tuple(str(code) for code in below["code"]), text)


def problems(report: MonthlyReport, lang: Language) -> tuple[Problem, ...]:
    ranking = report.ranking.assign(label=_names(report.ranking, lang))
    found = [
        _rise_problem(ranking, "filed_rise", "filed_change", "baseline_filed", lang, points=False),
        _rise_problem(ranking, "rate_fall", "rate_change", "baseline_filed", lang, points=True),
        _rise_problem(ranking, "rental_rise", "rental_change", "baseline_rental", lang, points=False),
        _overdue_problem(report.hazards, lang),
        _patrol_problem(report.patrols, lang),
    ]
    return tuple(problem for problem in found if problem is not None)


def default_requirements(found: Sequence[Problem], report: MonthlyReport, lang: Language) -> str:
    """The 下步工作要求 the page offers before the leader writes one: a task per problem, then the standing one."""
    ranking = report.ranking.assign(label=_names(report.ranking, lang))
    labels = dict(zip(ranking["code"].astype(str), ranking["label"], strict=True))
    patrols = report.patrols.assign(label=_names(report.patrols, lang))
    labels.update(zip(patrols["code"].astype(str), patrols["label"], strict=True))
    separator = t("bulletin.list_separator", lang)
    lines = []
    for problem in found:
        areas = separator.join(labels.get(code, code) for code in problem.subjects)
        lines.append(t(f"bulletin.task.{problem.rule}", lang, areas=areas))
    lines.append(t("bulletin.task.always", lang))
    return "\n".join(f"{number}. {line}" for number, line in enumerate(lines, start=1))


def bulletin(
    report: MonthlyReport,
    stored: StoredBulletin,
    *,
    title: str,
    period: str,
    subject: str,
    lang: Language,
    today: date | None = None,
) -> Bulletin:
    """The month's 通报 from its figures and what is kept of it (its number, the leader's text)."""
    found = problems(report, lang)
    day = issue_date(stored, today or city_today(), city_zone())
    number = "" if stored.number is None else number_text(report.month.start.year, stored.number, lang)
    return Bulletin(
        issuer=issuer(lang),
        title=title,
        period=period,
        number=number,
        date=format_day(day, lang),
        overview=summary_paragraph(report, subject, lang),
        standings=standings(report, lang),
        problems=found,
        requirements=stored.requirements or default_requirements(found, report, lang),
        requirements_edited=stored.requirements is not None,
        edited_by=stored.edited_by,
        edited_at=stored.edited_at,
    )
