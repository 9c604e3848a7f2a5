"""The drill-down figure builders, pure: frames in, figures out; labels in Chinese, colours that read a fall in
cases (and a rise in a solve rate) as good news, and a blank figure that says why it is blank."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest

from dashboard.data.periods import Period
from dashboard.figures import case_trends, common, monthly, on_time, rental_housing, solve_rates
from dashboard.figures.common import TREND_COLOURS
from dashboard.formatting import Trend

GOOD, BAD = TREND_COLOURS[Trend.GOOD], TREND_COLOURS[Trend.BAD]


def test_the_case_trend_draws_each_kind_and_its_baseline_dashed():
    frame = pd.DataFrame(
        {
            "bucket": [0, 0, 1, 1],
            "start": [date(2025, 3, 1), date(2025, 3, 1), date(2025, 3, 8), date(2025, 3, 8)],
            "baseline_start": [date(2024, 3, 1), date(2024, 3, 1), date(2024, 3, 8), date(2024, 3, 8)],
            "series": ["criminal", "dispute", "criminal", "dispute"],
            "current": [3, 1, 2, 0],
            "baseline": [5, 1, 4, 2],
        }
    )
    fig = case_trends.case_trend(frame, family="kind", compare="yoy", lang="zh-CN")
    assert [trace.name for trace in fig.data] == [
        "刑事案件",
        "刑事案件（去年同期）",
        "矛盾纠纷",
        "矛盾纠纷（去年同期）",
    ]
    assert list(fig.data[0].y) == [3, 2] and list(fig.data[1].y) == [5, 4] and fig.data[1].line.dash == "dash"
    assert list(fig.data[0].x) == ["2025-03-01", "2025-03-08"]


def test_a_one_month_period_is_drawn_on_a_month_axis():
    """A single monthly bucket on a date axis would be labelled with times of day: months are named instead."""
    frame = pd.DataFrame(
        {
            "bucket": [0],
            "start": [date(2026, 11, 1)],
            "baseline_start": [date(2025, 11, 1)],
            "series": ["criminal"],
            "current": [3],
            "baseline": [5],
        }
    )
    fig = case_trends.case_trend(frame, family="kind", compare="yoy", lang="zh-CN", grain="month")
    assert list(fig.data[0].x) == ["2026-11"] and list(fig.data[1].customdata) == ["2025-11"]
    assert fig.layout.xaxis.type == "category"
    rates = pd.DataFrame(
        {
            "bucket": [0],
            "start": [date(2026, 11, 1)],
            "baseline_start": [date(2025, 11, 1)],
            "filed": [10],
            "solved": [5],
            "rate": [50.0],
            "baseline_filed": [8],
            "baseline_solved": [2],
            "baseline_rate": [25.0],
            "change_points": [25.0],
        }
    )
    fig = solve_rates.rate_by_month(rates, compare="yoy", lang="zh-CN")
    assert list(fig.data[0].x) == ["2026-11"] and fig.layout.xaxis.type == "category"


def test_a_bucket_not_over_yet_is_drawn_hollow_and_said_so():
    frame = pd.DataFrame(
        {
            "bucket": [0, 1, 2],
            "start": [date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1)],
            "baseline_start": [date(2025, 10, 1), date(2025, 11, 1), date(2025, 12, 1)],
            "series": ["criminal"] * 3,
            "current": [30, 28, 4],
            "baseline": [31, 29, 30],
        }
    )
    fig = case_trends.case_trend(frame, family="kind", compare="yoy", lang="zh-CN", grain="month", incomplete=True)
    assert list(fig.data[0].marker.symbol) == ["circle", "circle", "circle-open"]
    assert any("不完整" in note.text for note in fig.layout.annotations)
    label = next(note for note in fig.layout.annotations if note.text == "未完整")
    assert label.x == "2026-12"  # over the running month
    dotted = [trace for trace in fig.data if trace.meta and trace.meta[0] == "incomplete"]
    assert len(dotted) == 1 and list(dotted[0].x) == ["2026-11", "2026-12"] and dotted[0].line.dash == "dot"
    assert fig.data[1].marker.symbol is None  # the baseline's month is over: drawn as it is
    whole = case_trends.case_trend(frame, family="kind", compare="yoy", lang="zh-CN", grain="month")
    assert whole.data[0].marker.symbol is None and not whole.layout.annotations


def test_an_empty_frame_gives_a_figure_that_says_why():
    frame = pd.DataFrame(columns=["bucket", "start", "baseline_start", "series", "current", "baseline"])
    fig = case_trends.case_trend(frame, family="kind", compare="prev", lang="zh-CN")
    assert fig.layout.annotations[0].text == "本期没有案事件" and not fig.data
    en = solve_rates.rate_by_area(pd.DataFrame(), compare="yoy", lang="en")
    assert en.layout.annotations[0].text == "This area has no areas below it"


def test_a_fall_in_cases_is_green_and_a_rise_red():
    frame = pd.DataFrame(
        {"kind": ["criminal", "criminal", "dispute"], "subtype": ["theft", "fraud", "wages"],
         "current": [10, 8, 5], "baseline": [20, 4, 0], "change": [-50.0, 100.0, math.nan]}
    )  # fmt: skip
    fig = case_trends.top_subtypes(frame, compare="yoy", lang="zh-CN", selected="fraud")
    bars = fig.data[0]
    assert list(bars.y) == ["劳资纠纷", "诈骗", "盗窃"]  # the most reported on top
    assert list(bars.marker.color) == [TREND_COLOURS[Trend.NONE], BAD, GOOD]
    assert list(bars.text) == ["5（无可比数据）", "8（+100.0%）", "10（−50.0%）"]
    assert list(bars.marker.line.width) == [0, 3, 0]  # the selected subtype is outlined


def test_a_rise_in_the_solve_rate_is_green_and_its_change_is_in_points():
    frame = pd.DataFrame(
        {"code": ["331004", "331081"], "name": ["路桥区", "温岭市"], "name_en": ["Luqiao", "Wenling"],
         "level": ["county", "county"], "filed": [10, 0], "solved": [8, 0], "rate": [80.0, math.nan],
         "baseline_filed": [10, 5], "baseline_solved": [7, 5], "baseline_rate": [70.0, 100.0],
         "change_points": [10.0, math.nan]}
    )  # fmt: skip
    fig = solve_rates.rate_by_area(frame, compare="yoy", lang="zh-CN")
    bars = fig.data[0]
    assert list(bars.x) == ["路桥区", "温岭市"] and list(bars.y) == [80.0, 0.0]
    assert list(bars.text) == ["80.0%（+10.0个百分点）", "—（无可比数据）"]
    assert list(bars.marker.color) == [GOOD, TREND_COLOURS[Trend.NONE]]
    assert [list(custom) for custom in bars.customdata] == [["331004", "county"], ["331081", "county"]]


def test_rental_facts_read_the_summary_row():
    frame = pd.DataFrame(
        [{"rental": 30, "total": 120, "share": 25.0, "baseline_rental": 40, "baseline_total": 100,
          "baseline_share": 40.0, "change": -25.0, "share_change_points": -15.0, "rental_houses": 200,
          "per_100_houses": 15.0, "baseline_per_100_houses": 20.0}]
    )  # fmt: skip
    facts = {fact.key: fact for fact in rental_housing.rental_facts(frame, compare="yoy", lang="zh-CN")}
    assert facts["rental"].value == "30起" and facts["change"].value == "−25.0%"
    assert facts["change"].trend is Trend.GOOD and facts["change"].label == "较去年同期"
    assert facts["share"].value == "25.0%（−15.0个百分点）" and facts["houses"].value == "200"
    assert facts["per_100"].value == "15.0（去年同期 20.0）"


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_every_time_series_marks_its_running_bucket_the_same_way(lang):
    """The month lines of /sla and /patrols and the solve rate by month use the one marker the trend uses."""
    label = "未完整" if lang == "zh-CN" else "incomplete"
    months = pd.DataFrame(
        {"code": ["a"] * 3, "name": ["甲"] * 3, "name_en": ["A"] * 3, "month": ["2026-10", "2026-11", "2026-12"]}
        | {"on_time": [8, 9, 1], "closed": [10, 10, 2]}
    )
    lines = on_time.rate_lines(
        months, x="month", part="on_time", whole="closed", title="t", lang=lang, empty_key="empty.no_closed",
        incomplete=True,
    )  # fmt: skip
    rates = pd.DataFrame(
        {
            "bucket": [0, 1],
            "start": [date(2026, 11, 1), date(2026, 12, 1)],
            "baseline_start": [date(2025, 11, 1), date(2025, 12, 1)],
            "filed": [10, 3],
            "solved": [5, 0],
            "rate": [50.0, 0.0],
            "baseline_filed": [8, 9],
            "baseline_solved": [2, 6],
            "baseline_rate": [25.0, 66.7],
            "change_points": [25.0, -66.7],
        }
    )
    by_month = solve_rates.rate_by_month(rates, compare="yoy", lang=lang, incomplete=True)
    for fig, last in ((lines, "2026-12"), (by_month, "2026-12")):
        assert [note.x for note in fig.layout.annotations if note.text == label] == [last]
        assert list(fig.data[0].marker.symbol)[-1] == "circle-open"
    whole = on_time.rate_lines(
        months, x="month", part="on_time", whole="closed", title="t", lang=lang, empty_key="empty.no_closed"
    )
    assert not whole.layout.annotations


def test_a_period_runs_past_today_until_its_last_day_is_over():
    assert Period.month(2026, 12).runs_past(date(2026, 12, 31))
    assert not Period.month(2026, 11).runs_past(date(2026, 12, 1))


def township_grids(count: int) -> pd.DataFrame:
    """A township's grids one level down, with counts that are not in name order."""
    counts = [(n * 37) % 101 for n in range(count)]
    return pd.DataFrame(
        {
            "code": [f"331004-001-{n + 1:04d}" for n in range(count)],
            "name": [f"路南街道第{n + 1}网格" for n in range(count)],
            "name_en": [f"Grid {n + 1}" for n in range(count)],
            "level": ["grid"] * count,
            "total": counts,
        }
    )


def test_a_township_of_153_grids_draws_its_top_20_by_name_most_on_top():
    frame = township_grids(153)
    fig = case_trends.area_counts(frame, value="total", title="各区域案事件数", lang="zh-CN")
    [bars] = fig.data
    expected = sorted(zip(frame["total"], frame["name"], strict=True), key=lambda pair: -pair[0])[:20]
    assert bars.orientation == "h" and len(bars.y) == 20
    # drawn bottom-up: the last bar, on top, is the grid with the most
    assert list(zip(bars.x, bars.y, strict=True))[::-1] == [(total, name) for total, name in expected]
    assert fig.layout.title.text == "各区域案事件数·前20个（共153个）"
    assert fig.layout.height >= 150 + 26 * 20  # a readable row per name


def test_a_county_of_few_townships_keeps_one_upright_bar_each():
    frame = township_grids(12)
    fig = case_trends.area_counts(frame, value="total", title="各区域案事件数", lang="zh-CN")
    assert fig.data[0].orientation in (None, "v") and list(fig.data[0].x) == list(frame["name"])
    assert fig.layout.title.text == "各区域案事件数"


def test_the_solve_rate_of_many_grids_shows_those_with_most_cases_filed():
    frame = township_grids(40).rename(columns={"total": "filed"})
    frame = frame.assign(
        solved=frame["filed"] // 2,
        rate=50.0,
        baseline_rate=40.0,
        change_points=10.0,
        baseline_filed=frame["filed"],
        baseline_solved=0,
    )
    fig = solve_rates.rate_by_area(frame, compare="yoy", lang="zh-CN")
    bars = next(trace for trace in fig.data if trace.type == "bar")
    top = frame.sort_values("filed", ascending=False, kind="stable").head(20)
    assert list(bars.y)[::-1] == list(top["name"]) and bars.orientation == "h"


def test_the_days_to_solve_read_level_beside_horizontal_bars():
    frame = pd.DataFrame(
        {
            "subtype": ["all", "theft", "fraud"],
            "solved": [30, 20, 10],
            "median_days": [4.0, 3.0, 9.0],
            "p90_days": [20.0, 15.0, 40.0],
            "baseline_solved": [25, 15, 10],
            "baseline_median_days": [5.0, 4.0, 8.0],
            "baseline_p90_days": [22.0, 18.0, 35.0],
        }
    )
    fig = solve_rates.time_to_solve(frame, compare="yoy", lang="zh-CN")
    current = next(trace for trace in fig.data if list(trace.meta) == ["current"])
    assert current.orientation == "h" and current.textangle == 0
    assert list(current.y) == ["诈骗", "盗窃", "全部"]
    assert list(current.x)[::-1] == [4.0, 3.0, 9.0]  # all cases on top, then the subtypes in the frame's order
    assert fig.layout.xaxis.range[1] >= 9.0 * 1.5  # room for the texts beside the longest bar


@pytest.mark.parametrize(("peak", "step"), [(31, 10), (339, 100), (7, 2), (0, 1), (1, 1), (4.4, 1), (0.9, 0.2)])
def test_a_round_step_is_one_two_or_five_times_a_power_of_ten(peak, step):
    whole = isinstance(peak, int)
    assert common.nice_step(peak, 5, whole=whole) == pytest.approx(step)


def test_the_rectification_chart_puts_both_axes_on_round_ticks():
    frame = pd.DataFrame(
        {
            "department": ["fire", "police"],
            "name": ["消防", "公安"],
            "name_en": ["Fire", "Police"],
            "rate": [94.7, 93.6],
            "overdue": [339, 113],
        }
    )
    fig = monthly.hazards_by_department(frame, lang="zh-CN")
    left, right = fig.layout.yaxis, fig.layout.yaxis2
    assert (left.dtick, right.dtick) == (20, 100)  # 0, 20 … 100 % beside 0, 100 … 500 overdue, on one set of lines
    assert left.range[1] / left.dtick == pytest.approx(right.range[1] / right.dtick)
    assert right.range[1] >= 339
