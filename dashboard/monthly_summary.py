"""The month in one paragraph (the 通报's 总体情况), zh-CN or en, from the figures the page's tiles and tables show:
"2026年10月，全市刑事立案 1,234 起，同比下降 37.3%，环比上升 2.1%；破案率 78.2%，同比上升 4.8 个百分点；……"

One number style throughout the 通报: every percentage and every change in points to one decimal (DECIMALS), counts
with thousands separators; a change is written as a direction and its size."""

from __future__ import annotations

from dashboard.config import Language
from dashboard.data.monthly import MonthlyReport, compliance_rate
from dashboard.data.queries import Comparison
from dashboard.formatting import format_count, period_label
from dashboard.i18n import t
from dashboard.kpis import Headline, change, small_base

DECIMALS = 1  # percentages and points, everywhere in the 通报


def percent(value: float | None, lang: Language) -> str:
    """A rate or share as the 通报 prints it: 78.2%."""
    return t("value.none", lang) if value is None else f"{value:.{DECIMALS}f}%"


def change_phrase(value: float | None, *, decimals: int, points: bool, against: str, lang: Language) -> str:
    """'同比下降 37.34%' / 'down 37.34% year over year'; flat and missing baselines said as such."""
    label = t(f"summary.{against}", lang)
    if value is None:
        return t("summary.no_baseline", lang, label=label)
    size = f"{abs(value):.{decimals}f}"
    if float(size) == 0:
        return t("summary.flat", lang, label=label)
    unit = t("summary.points", lang) if points else "%"
    word = t("summary.up" if value > 0 else "summary.down", lang)
    return t("summary.change", lang, label=label, word=word, value=f"{size}{unit}")


def figure_changes(figure: Headline, comparisons: dict[str, Comparison], lang: Language) -> list[str]:
    return [
        change_phrase(
            change(figure, comparison),
            decimals=DECIMALS,
            points=figure is Headline.SOLVE_RATE,
            against=against,
            lang=lang,
        )
        + (t("change.small_base", lang) if small_base(figure, comparison) else "")
        for against, comparison in comparisons.items()
    ]


def rate_name(within: int | None, lang: Language) -> str:
    """The solve rate as the paragraph names it: 破案率, or the N-day rate (30日破案率)."""
    return t("summary.rate_name", lang) if within is None else t("summary.rate_name_within", lang, days=within)


def summary_paragraph(report: MonthlyReport, area_name: str, lang: Language) -> str:
    """The paragraph for the month: the headline figures with 同比 and 环比, all incidents, hazards, patrols and the
    grid that rose most."""
    figures = report.headline.figures
    current = figures.current
    both = {"yoy": figures.year_over_year, "pop": figures.period_over_period}
    sep = t("summary.separator", lang)
    sentences = [
        t(
            "summary.criminal",
            lang,
            period=period_label(report.month, lang),
            area=area_name,
            filed=format_count(current.criminal_filed),
            changes=sep.join(figure_changes(Headline.CRIMINAL_FILED, both, lang)),
            rate_name=rate_name(report.within_days, lang),
            rate=percent(current.solve_rate, lang),
            rate_changes=sep.join(figure_changes(Headline.SOLVE_RATE, both, lang)),
            rental=format_count(current.rental_cases),
            rental_changes=sep.join(figure_changes(Headline.RENTAL_CASES, both, lang)),
        ),
        t("summary.reported", lang, reported=format_count(report.headline.reported)),
    ]
    hazards = report.hazards
    found = int(hazards["found"].sum())
    if found:
        rectified = 100.0 * int(hazards["rectified"].sum()) / found
        sentences.append(
            t(
                "summary.hazards",
                lang,
                found=format_count(found),
                rate=percent(rectified, lang),
                overdue=format_count(int(hazards["overdue"].sum())),
            )
        )
    else:
        sentences.append(t("summary.no_hazards", lang))
    compliance = compliance_rate(report.patrols)
    if compliance is not None:
        sentences.append(t("summary.patrols", lang, rate=percent(100.0 * compliance, lang)))
    if not report.rising.empty:
        top = report.rising.iloc[0]
        sentences.append(t("summary.rising", lang, grid=str(top["place"]), increase=format_count(int(top["increase"]))))
    return t("summary.joiner", lang).join(sentences)
