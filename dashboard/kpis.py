"""What a KPI tile says: the headline figures turned into value, change and trend, for one figure at a time."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from dashboard.city_clock import definition_sentence
from dashboard.config import Language
from dashboard.data.monthly import SMALL_BASE
from dashboard.data.queries import CaseCounts, Comparison, HeadlineFigures
from dashboard.formatting import (
    Trend,
    format_count,
    format_percent_change,
    format_point_change,
    format_rate,
    trend,
)
from dashboard.i18n import t


class Headline(StrEnum):
    CRIMINAL_FILED = "criminal_filed"
    SOLVE_RATE = "solve_rate"
    RENTAL_CASES = "rental_cases"


LOWER_IS_BETTER = {
    Headline.CRIMINAL_FILED: True,
    Headline.SOLVE_RATE: False,
    Headline.RENTAL_CASES: True,
}
DECIMALS = {
    Headline.CRIMINAL_FILED: 2,
    Headline.SOLVE_RATE: 2,
    Headline.RENTAL_CASES: 1,
}  # as the article prints


def figure_title(figure: Headline, lang: Language | None = None, *, within: int | None = None) -> str:
    """A headline figure's name: the solve rate as the N-day rate when `within` is given ("30日破案率")."""
    if figure is Headline.SOLVE_RATE and within is not None:
        return t("solve.within.days", lang, days=within)
    return t(f"figure.{figure.value}", lang)


def figure_definition(figure: Headline, lang: Language | None = None, *, within: int | None = None) -> str:
    """A headline figure's 口径, the comparison rule included; the N-day solve rate's when `within` is given."""
    if figure is Headline.SOLVE_RATE and within is not None:
        return definition_sentence("solve_rate_within", lang, days=within)
    return definition_sentence(figure.value, lang)


@dataclass(frozen=True)
class TileText:
    value: str
    year_over_year: str
    year_over_year_trend: Trend
    period_over_period: str
    period_over_period_trend: Trend


def value_text(figure: Headline, counts: CaseCounts, lang: Language) -> str:
    match figure:
        case Headline.CRIMINAL_FILED:
            return f"{format_count(counts.criminal_filed)}{t('unit.cases', lang)}"
        case Headline.SOLVE_RATE:
            return format_rate(counts.solve_rate, lang)
        case Headline.RENTAL_CASES:
            return f"{format_count(counts.rental_cases)}{t('unit.cases', lang)}"


def change(figure: Headline, comparison: Comparison) -> float | None:
    match figure:
        case Headline.CRIMINAL_FILED:
            return comparison.criminal_filed_change
        case Headline.SOLVE_RATE:
            return comparison.solve_rate_change
        case Headline.RENTAL_CASES:
            return comparison.rental_cases_change


def base_count(figure: Headline, comparison: Comparison) -> int:
    """How many cases the baseline of a change stands on (a solve rate: the cases filed)."""
    if figure is Headline.RENTAL_CASES:
        return comparison.baseline.rental_cases
    return comparison.baseline.criminal_filed


def small_base(figure: Headline, comparison: Comparison) -> bool:
    """A change on fewer than SMALL_BASE cases: +50 % of 4 is 2 cases, and reads like 1,500 of 3,000."""
    return change(figure, comparison) is not None and base_count(figure, comparison) < SMALL_BASE


def change_text(figure: Headline, comparison: Comparison, lang: Language) -> tuple[str, Trend]:
    value, decimals = change(figure, comparison), DECIMALS[figure]
    text = (format_point_change if figure is Headline.SOLVE_RATE else format_percent_change)(value, lang, decimals)
    if small_base(figure, comparison):
        text += t("change.small_base", lang)
    return text, trend(value, lower_is_better=LOWER_IS_BETTER[figure], decimals=decimals)


def tile_text(figure: Headline, figures: HeadlineFigures, lang: Language) -> TileText:
    yoy, yoy_trend = change_text(figure, figures.year_over_year, lang)
    pop, pop_trend = change_text(figure, figures.period_over_period, lang)
    return TileText(value_text(figure, figures.current, lang), yoy, yoy_trend, pop, pop_trend)
