"""What a KPI tile says, from known counts: the value, the change, and whether the change is good news."""

from datetime import date

from dashboard.data.periods import CITY, Period
from dashboard.data.queries import CaseCounts, Comparison, HeadlineFigures
from dashboard.formatting import Trend, headline_period, period_label
from dashboard.kpis import Headline, tile_text

YTD = Period(date(2026, 1, 1), date(2026, 11, 26))


def headline(current: tuple[int, int, int], baseline: tuple[int, int, int]) -> HeadlineFigures:
    now, then = CaseCounts(YTD, *current), CaseCounts(YTD.same_period_last_year(), *baseline)
    return HeadlineFigures(CITY, Comparison(now, then), Comparison(now, then))


ARTICLE = headline((6266, 5000, 1584), (10000, 7504, 2000))  # the article's −37.34 %, +4.76 points, −20.8 %


def test_a_fall_in_criminal_cases_reads_as_good_news():
    text = tile_text(Headline.CRIMINAL_FILED, ARTICLE, "zh-CN")
    assert (text.value, text.year_over_year, text.year_over_year_trend) == ("6,266起", "−37.34%", Trend.GOOD)


def test_a_rise_in_the_solve_rate_is_in_points_and_good_news():
    zh, en = tile_text(Headline.SOLVE_RATE, ARTICLE, "zh-CN"), tile_text(Headline.SOLVE_RATE, ARTICLE, "en")
    assert (zh.value, zh.year_over_year, zh.year_over_year_trend) == ("79.80%", "+4.76个百分点", Trend.GOOD)
    assert en.year_over_year == "+4.76 pts"


def test_rental_housing_cases_print_one_decimal():
    text = tile_text(Headline.RENTAL_CASES, ARTICLE, "zh-CN")
    assert (text.year_over_year, text.year_over_year_trend) == ("−20.8%", Trend.GOOD)


def test_a_rise_in_crime_is_bad_news_and_no_baseline_says_so():
    rising = headline((12, 6, 3), (10, 6, 0))
    assert tile_text(Headline.CRIMINAL_FILED, rising, "zh-CN").year_over_year_trend is Trend.BAD
    assert tile_text(Headline.SOLVE_RATE, rising, "zh-CN").year_over_year_trend is Trend.BAD  # 50 % from 60 %
    no_baseline = tile_text(Headline.RENTAL_CASES, rising, "zh-CN")
    assert (no_baseline.year_over_year, no_baseline.year_over_year_trend) == ("无可比数据", Trend.NONE)


def test_period_labels_in_both_languages():
    assert period_label(YTD, "zh-CN") == "2026年1月1日至11月25日"
    assert period_label(YTD, "en") == "1 Jan – 25 November 2026"
    assert period_label(Period.month(2026, 10), "zh-CN") == "2026年10月"
    assert period_label(Period.year(2025), "zh-CN") == "2025年全年"


def test_early_in_the_year_the_headline_covers_the_last_full_year():
    assert headline_period(date(2026, 2, 10)) == (Period.year(2025), True)
    assert headline_period(date(2026, 3, 2)) == (Period.year_to_date(date(2026, 3, 2)), False)


def test_every_code_name_a_user_can_see_has_a_label_in_both_languages():
    from dashboard.data.vocab import HAZARD_SUBTYPES, SUBTYPES, HazardCategory, IncidentKind, PlaceType
    from dashboard.i18n import LANGUAGES, TEXT

    keys = [f"kind.{kind}" for kind in IncidentKind] + [f"category.{category}" for category in HazardCategory]
    keys += [f"place.{place}" for place in PlaceType]
    keys += [
        f"subtype.{subtype}" for subtypes in [*SUBTYPES.values(), *HAZARD_SUBTYPES.values()] for subtype in subtypes
    ]
    missing = [(key, lang) for key in keys for lang in LANGUAGES if not TEXT.get(key, {}).get(lang)]
    assert missing == []


def test_a_change_on_a_small_base_says_so():
    small = headline((12, 6, 3), (10, 6, 0))  # 10 cases last year: +20 % is two cases
    assert tile_text(Headline.CRIMINAL_FILED, small, "zh-CN").year_over_year == "+20.00%（基数小）"
    assert tile_text(Headline.SOLVE_RATE, small, "en").year_over_year.endswith(" pts (small base)")
    assert tile_text(Headline.RENTAL_CASES, small, "zh-CN").year_over_year == "无可比数据"  # no change, no flag
    assert not tile_text(Headline.CRIMINAL_FILED, ARTICLE, "zh-CN").year_over_year.endswith("（基数小）")
