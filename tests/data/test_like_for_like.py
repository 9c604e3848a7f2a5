"""Solve rates compared like for like, on rows where last year's and last month's cases were solved late: /monthly
(its figures, summary paragraph and ranking, for the city and a county), the monthly ranking export and the
/solve-rates export count each baseline's cases solved by the same lag (the same moment one year, or one period,
earlier) — each checked against an independent count in plain SQL over the same rows. The N-day solve rate too."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import DateTime, bindparam, text

from dashboard.callbacks.headline import fill_kpi_tiles
from dashboard.callbacks.monthly_report import write_monthly_address
from dashboard.data.db import get_engine, session_scope
from dashboard.data.periods import CITY, Area, Period
from dashboard.data.rollups import rebuild_rollups
from dashboard.exports.catalog import ExportRequest
from dashboard.exports.monthly_charts import month_pack
from dashboard.formatting import format_point_change
from dashboard.monthly_summary import DECIMALS, change_phrase
from dashboard.monthly_url import parse_month_query
from dashboard.tile_period import parse_tile_within
from dashboard.wall_mode import WallModeError, parse_plan
from tests.callbacks.test_wall_period import tiles_callback
from tests.support.accounts import signed_in_client
from tests.support.export_files import csv_rows
from tests.support.factories import GRIDS, TOWNSHIPS, add_city, incident

ZONE = ZoneInfo("Asia/Shanghai")
HOURS = timedelta(hours=8)  # Taizhou has no daylight saving
DAY = timedelta(days=1)


def months_back(moment: datetime, months: int) -> datetime:
    """The same city-clock day and time `months` earlier (the month's last day when it has no such day), naive UTC."""
    local = moment + HOURS
    index = local.year * 12 + local.month - 1 - months
    year, month = divmod(index, 12)
    next_month = date(year + (month + 1) // 12, (month + 1) % 12 + 1, 1)
    last = (next_month - DAY).day
    return local.replace(year=year, month=month + 1, day=min(local.day, last)) - HOURS


class Rows:
    """Criminal cases in the last full month, the same month last year and the month before, in every grid; the
    two baselines' cases partly solved before their cut-off and partly after it (late), none near a cut-off."""

    def __init__(self, seed: int = 18) -> None:
        self.now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
        today = (self.now + HOURS).date()
        self.month = Period.last_full_month(today)
        self.cutoffs = {
            self.month: self.now,
            self.month.same_period_last_year(): months_back(self.now, 12),
            self.month.previous(): months_back(self.now, 1),
        }
        rng = random.Random(seed)
        with session_scope() as session:
            add_city(session)
            for period, cutoff in self.cutoffs.items():
                start, end = self.bounds(period)
                for grid in GRIDS:
                    for _ in range(rng.randrange(8, 16)):
                        filed = start + timedelta(seconds=rng.randrange(int((end - start).total_seconds())))
                        session.add(incident(filed, grid=grid, solved_at=self.solved(rng, filed, cutoff)))
        with get_engine().begin() as connection:  # rows written here, not through the stream consumer
            rebuild_rollups(connection)

    def solved(self, rng: random.Random, filed: datetime, cutoff: datetime) -> datetime | None:
        choice = rng.random()
        early_end = min(cutoff, self.now) - DAY
        if choice < 0.45 and early_end > filed:
            return filed + (early_end - filed) * rng.random()
        if choice < 0.8 and cutoff + DAY < self.now - DAY:  # solved late: after the baseline's cut-off
            return cutoff + DAY + (self.now - cutoff - 2 * DAY) * rng.random()
        return None

    @staticmethod
    def bounds(period: Period) -> tuple[datetime, datetime]:
        return datetime.combine(period.start, datetime.min.time()) - HOURS, datetime.combine(
            period.end, datetime.min.time()
        ) - HOURS

    def counts(self, period: Period, county: str | None = None, *, by: datetime | None = None) -> dict[str, list[int]]:
        """Plain SQL: per county (or per township of `county`) [filed, solved by the period's cut-off] ('' = all)."""
        start, end = self.bounds(period)
        where = "" if county is None else " AND county_code = :county"
        key = "county_code" if county is None else "township_code"
        query = text(
            f"SELECT {key}, COUNT(*), SUM(CASE WHEN solved_at IS NOT NULL AND solved_at <= :by THEN 1 ELSE 0 END)"
            f" FROM incident WHERE kind = 'criminal' AND filed_at >= :start AND filed_at < :end{where}"
            f" GROUP BY {key}"
        ).bindparams(
            bindparam("start", type_=DateTime), bindparam("end", type_=DateTime), bindparam("by", type_=DateTime)
        )
        values: dict[str, Any] = {"start": start, "end": end, "by": by or self.cutoffs[period]}
        if county is not None:
            values["county"] = county
        with session_scope() as session:
            result = {str(code): [int(filed), int(solved)] for code, filed, solved in session.execute(query, values)}
        result[""] = [sum(pair[0] for pair in result.values()), sum(pair[1] for pair in result.values())]
        return result


def rate(pair: list[int]) -> float:
    return 100.0 * pair[1] / pair[0]


@pytest.fixture
def rows() -> Rows:
    return Rows()


def test_rows_have_late_solves_that_the_rule_leaves_out(rows):
    for baseline in (rows.month.same_period_last_year(), rows.month.previous()):
        by_now = rows.counts(baseline, by=rows.now)[""][1]
        assert by_now > rows.counts(baseline)[""][1] + 5  # counted by now, last period would look much better


@pytest.mark.parametrize("area", [CITY, Area.county("331004")])
def test_monthly_figures_summary_and_ranking_count_the_baselines_with_the_same_lag(rows, area):
    county = area.code
    month = month_pack(ExportRequest({"month": f"{rows.month.start:%Y-%m}", "area": county or ""}, CITY, "zh-CN"))
    figures = month.report.headline.figures
    current = rows.counts(rows.month, county)
    against = {"yoy": rows.month.same_period_last_year(), "pop": rows.month.previous()}
    comparisons = {"yoy": figures.year_over_year, "pop": figures.period_over_period}
    for name, baseline in against.items():
        then = rows.counts(baseline, county)
        expected = rate(current[""]) - rate(then[""])
        assert comparisons[name].solve_rate_change == pytest.approx(expected, abs=0.05)  # the criterion
        assert comparisons[name].solve_rate_change == pytest.approx(expected)
        phrase = change_phrase(expected, decimals=DECIMALS, points=True, against=name, lang="zh-CN")
        assert phrase in month.summary, (name, phrase, month.summary)
    then = rows.counts(against["yoy"], county)
    ranking = month.report.ranking.set_index("code")
    children = set(TOWNSHIPS.values()) if county is None else {code for code, c in TOWNSHIPS.items() if c == county}
    for code in children:
        assert ranking.loc[code, "rate_change"] == pytest.approx(rate(current[code]) - rate(then[code])), code


def test_the_ranking_export_and_the_solve_rate_export_use_the_same_lag(dash_app, rows):
    client = signed_in_client(dash_app, "analyst")
    current = rows.counts(rows.month)
    last_year = rows.counts(rows.month.same_period_last_year())
    ranking = csv_rows(client.get(f"/export/monthly.county_ranking.csv?month={rows.month.start:%Y-%m}").data)
    changes = {row["编码"]: float(row["破案率同比（百分点）"]) for row in ranking}
    assert changes == {code: round(rate(current[code]) - rate(last_year[code]), 2) for code in changes}
    assert set(changes) == set(TOWNSHIPS.values())
    days = f"period=custom&from={rows.month.start}&to={rows.month.last_day}"
    for compare, baseline in (("yoy", rows.month.same_period_last_year()), ("prev", rows.month.previous())):
        then = rows.counts(baseline)
        exported = csv_rows(client.get(f"/export/solve.areas.csv?{days}&compare={compare}").data)
        for row in exported:
            code = row["编号"]
            assert (int(row["对比期立案数"]), int(row["对比期已破"])) == tuple(then[code]), (compare, code)
            expected = rate(current[code]) - rate(then[code])
            assert float(row["变化（百分点）"]) == pytest.approx(expected, abs=0.05 + 1e-9), (
                compare,
                code,
            )  # 1 decimal


def n_day_counts(period: Period, days: int, by: datetime) -> tuple[int, int]:
    start, end = Rows.bounds(period)
    with session_scope() as session:
        rows = session.execute(
            text("SELECT filed_at, solved_at FROM incident WHERE kind = 'criminal'").columns(
                filed_at=DateTime, solved_at=DateTime
            )
        ).all()
    filed = [(f, s) for f, s in rows if start <= f < end]
    solved = sum(1 for f, s in filed if s is not None and s <= by and s - f < timedelta(days=days))
    return len(filed), solved


@pytest.mark.parametrize("days", [30, 90])
def test_the_n_day_solve_rate_export_equals_an_independent_count(dash_app, rows, days):
    client = signed_in_client(dash_app, "analyst")
    query = f"period=custom&from={rows.month.start}&to={rows.month.last_day}&within={days}"
    exported = {row["编号"]: row for row in csv_rows(client.get(f"/export/solve.areas.csv?{query}").data)}
    filed, solved = (sum(int(row[name]) for row in exported.values()) for name in ("立案数", "已破"))
    assert (filed, solved) == n_day_counts(rows.month, days, rows.now)
    baseline = rows.month.same_period_last_year()
    base_filed, base_solved = (
        sum(int(row[name]) for row in exported.values()) for name in ("对比期立案数", "对比期已破")
    )
    assert (base_filed, base_solved) == n_day_counts(baseline, days, rows.cutoffs[baseline])


def test_a_bad_n_day_value_is_named_and_falls_back(dash_app, rows):
    client = signed_in_client(dash_app, "analyst")
    response = client.get("/export/solve.areas.csv?within=45")
    assert response.status_code == 400 and "within" in response.get_data(as_text=True)


def test_the_kpi_tiles_count_the_baselines_with_the_same_lag(dash_app, rows):
    """The wall's and the pages' tiles: last month's solve rate against the same month last year and the month
    before, each baseline counted solved by its own cut-off."""
    with tiles_callback(dash_app):
        values, yoy, _, pop, _, _ = fill_kpi_tiles([{"period": "last_month", "area": {"level": "city"}}], 0)
    current = rows.counts(rows.month)[""]
    assert values[1] == f"{rate(current):.2f}%"
    for shown, baseline in ((yoy[1], rows.month.same_period_last_year()), (pop[1], rows.month.previous())):
        then = rows.counts(baseline)[""]
        assert then[0] >= 20  # no small-base flag in the way
        assert shown == format_point_change(rate(current) - rate(then), "zh-CN", 2)


@pytest.mark.parametrize("days", [30, 90])
def test_monthly_n_day_solve_rate_equals_an_independent_count_in_figures_summary_ranking_and_export(
    dash_app, rows, days
):
    """/monthly?within=N: the tiles' figures, the summary paragraph, the ranking and its export all count the N-day
    solve rate, each baseline's cases solved within N days and by its own cut-off."""
    query = {"month": f"{rows.month.start:%Y-%m}", "within": str(days)}
    month = month_pack(ExportRequest(query, CITY, "zh-CN"))
    figures = month.report.headline.figures
    filed, solved = n_day_counts(rows.month, days, rows.now)
    assert figures.current.solve_rate == pytest.approx(100.0 * solved / filed)
    comparisons = {"yoy": figures.year_over_year, "pop": figures.period_over_period}
    for name, baseline in (("yoy", rows.month.same_period_last_year()), ("pop", rows.month.previous())):
        then_filed, then_solved = n_day_counts(baseline, days, rows.cutoffs[baseline])
        expected = 100.0 * solved / filed - 100.0 * then_solved / then_filed
        assert comparisons[name].solve_rate_change == pytest.approx(expected)
        assert change_phrase(expected, decimals=DECIMALS, points=True, against=name, lang="zh-CN") in month.summary
    assert f"{days}日破案率" in month.summary
    client = signed_in_client(dash_app, "analyst")
    ranking = csv_rows(client.get(f"/export/monthly.county_ranking.csv?month={query['month']}&within={days}").data)
    by_code = {row["编码"]: row for row in ranking}
    assert sum(int(row["刑事立案（起）"]) for row in ranking) == filed
    for code, row in by_code.items():
        assert float(row[f"{days}日破案率（%）"]) == pytest.approx(
            month.report.ranking.set_index("code").loc[code, "rate"], abs=0.005
        )
    headline = csv_rows(client.get(f"/export/monthly.headline.csv?month={query['month']}&within={days}").data)
    assert headline[1]["指标"] == f"{days}日破案率" and headline[1]["本月"] == f"{100.0 * solved / filed:.1f}%"


def test_a_bad_n_day_value_on_monthly_is_named(dash_app, rows):
    client = signed_in_client(dash_app, "analyst")
    response = client.get(f"/export/monthly.county_ranking.csv?month={rows.month.start:%Y-%m}&within=7")
    assert response.status_code == 400 and "within" in response.get_data(as_text=True)
    asked = parse_month_query({"month": f"{rows.month.start:%Y-%m}", "within": "7"}, date.today())
    assert asked.within is None and any("within" in message for message in asked.errors)


def test_the_monthly_window_choice_is_written_into_the_address():
    stored = {"month": "2026-10"}
    assert write_monthly_address("2026-10", None, "30", stored) == "?month=2026-10&within=30"
    assert write_monthly_address("2026-10", None, "now", {"month": "2026-10", "within": "30"}) == "?month=2026-10"


def test_the_wall_takes_the_n_day_solve_rate_from_its_address(dash_app, rows):
    with tiles_callback(dash_app):
        values, yoy, _, _, _, _ = fill_kpi_tiles([{"period": "last_month", "area": {"level": "city"}, "within": 30}], 0)
    filed, solved = n_day_counts(rows.month, 30, rows.now)
    then_filed, then_solved = n_day_counts(
        rows.month.same_period_last_year(), 30, rows.cutoffs[rows.month.same_period_last_year()]
    )
    assert values[1] == f"{100.0 * solved / filed:.2f}%"
    assert yoy[1] == format_point_change(100.0 * solved / filed - 100.0 * then_solved / then_filed, "zh-CN", 2)
    assert (
        parse_plan("wall,monthly", "30", None, "90").paths()[1]
        == "/monthly?wall=1&pages=wall%2Cmonthly&every=30&within=90"
    )
    with pytest.raises(WallModeError, match="within"):
        parse_plan("wall", "30", None, "45")
    assert parse_tile_within("30") == (30, None)
    days, problem = parse_tile_within("14")
    assert days is None and problem is not None and "within" in problem and "14" in problem
