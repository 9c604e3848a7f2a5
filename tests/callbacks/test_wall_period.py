"""The period the wall's headline tiles count: the latest with data (named as such), or the one `?period=` asks for;
a bad value is named. The tiles' callback is called as Dash calls it, inside a logged-in request."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from dash._callback_context import context_value
from dash._utils import AttributeDict
from sqlalchemy import text

from dashboard import ids
from dashboard.callbacks.headline import fill_kpi_tiles, previous_note
from dashboard.data.db import get_engine, session_scope
from dashboard.data.periods import Period
from dashboard.data.rollups import rebuild_rollups
from dashboard.kpis import Headline
from dashboard.tile_period import TilePeriod, following_data, parse_tile_period, resolve_tile_period
from dashboard.wall_mode import WallModeError, parse_plan
from tests.support.accounts import signed_in_client
from tests.support.factories import GRIDS, add_city, incident

HOURS = timedelta(hours=8)
TODAY = (datetime.now(UTC) + HOURS).date()
LAST_YEAR = TODAY.year - 1


def add_history_ending_last_year() -> None:
    """Criminal cases (some in rental housing) over the year before last and last year, none this year."""
    rng = random.Random(4)
    with session_scope() as session:
        add_city(session)
        for year, count in ((LAST_YEAR - 1, 60), (LAST_YEAR, 45)):
            for _ in range(count):
                filed = datetime(year, 1, 1) - HOURS + timedelta(minutes=rng.randrange(0, 364 * 24 * 60))
                solved = filed + timedelta(days=rng.randrange(1, 20)) if rng.random() < 0.6 else None
                place = rng.choice(["rental_housing", "residence"])
                session.add(incident(filed, grid=rng.choice(list(GRIDS)), solved_at=solved, place_type=place))
    with get_engine().begin() as connection:
        rebuild_rollups(connection)


@contextmanager
def tiles_callback(dash_app: Any) -> Iterator[None]:
    """Inside a logged-in request, with Dash's callback context naming the wall's three tiles as outputs."""
    client = signed_in_client(dash_app, "operator")
    with client:
        assert client.get("/_dash-layout").status_code == 200
        outputs = [{"id": ids.kpi("value", f"wall:{figure.value}"), "property": "children"} for figure in Headline]
        token = context_value.set(AttributeDict(outputs_list=[outputs]))
        try:
            yield
        finally:
            context_value.reset(token)


def sql_counts(year: int) -> tuple[int, int, int]:
    """Criminal cases filed in the calendar year (Taizhou), those solved, and rental-housing cases, in plain SQL."""
    start, end = datetime(year, 1, 1) - HOURS, datetime(year + 1, 1, 1) - HOURS
    with session_scope() as session:
        filed, solved = session.execute(
            text(
                "SELECT COUNT(*), COALESCE(SUM(CASE WHEN solved_at IS NOT NULL THEN 1 ELSE 0 END), 0) FROM incident"
                " WHERE kind = 'criminal' AND filed_at >= :start AND filed_at < :end"
            ),
            {"start": start, "end": end},
        ).one()
        rental = session.execute(
            text(
                "SELECT COUNT(*) FROM incident WHERE place_type = 'rental_housing'"
                " AND reported_at >= :start AND reported_at < :end"
            ),
            {"start": start, "end": end},
        ).scalar_one()
    return int(filed), int(solved), int(rental)


def test_data_ending_last_year_show_last_years_figures_named_as_such(dash_app):
    add_history_ending_last_year()
    with tiles_callback(dash_app):
        values, yoy, _, _, _, label = fill_kpi_tiles([{"period": "headline", "area": {"level": "city"}}], 0)
    filed, solved, rental = sql_counts(LAST_YEAR)
    before_filed, _, before_rental = sql_counts(LAST_YEAR - 1)
    assert values == [f"{filed:,}起", f"{100.0 * solved / filed:.2f}%", f"{rental:,}起"]
    assert yoy[0] == f"{100.0 * (filed - before_filed) / before_filed:+.2f}%".replace("-", "−")
    assert yoy[2] == f"{100.0 * (rental - before_rental) / before_rental:+.1f}%".replace("-", "−")
    assert f"{LAST_YEAR}年全年" in label[0]
    if date(TODAY.year, 3, 2) <= TODAY:  # later than the early-year fallback: the tiles say why it is last year
        assert "最近有数据" in label[0]


def test_period_in_the_address_picks_the_tiles_span(dash_app):
    add_history_ending_last_year()
    with tiles_callback(dash_app):
        values, _, _, pop, _, label = fill_kpi_tiles([{"period": str(LAST_YEAR - 1), "area": {"level": "city"}}], 0)
    filed, _, _ = sql_counts(LAST_YEAR - 1)
    assert values[0] == f"{filed:,}起" and label == [f"{LAST_YEAR - 1}年全年"]
    assert pop[0] == "同同比（上一周期即去年同期）"  # a year's 环比 is its 同比: said, not repeated


def test_tile_periods_parse_and_bad_values_are_named():
    assert parse_tile_period(None) == ("headline", None)
    assert parse_tile_period("2025-10") == ("2025-10", None)
    name, problem = parse_tile_period("lastyear")
    assert name == "headline" and problem is not None and "period" in problem and "lastyear" in problem
    assert resolve_tile_period("last_month", date(2026, 12, 6)).period == Period.month(2026, 11)
    assert resolve_tile_period("2025", date(2026, 12, 6)).period == Period.year(2025)
    headline = TilePeriod(Period.year_to_date(date(2026, 12, 6)))
    assert following_data(headline, date(2026, 12, 5)) == headline
    assert following_data(headline, date(2025, 7, 1)) == TilePeriod(Period.year(2025), follows_data=True)
    assert following_data(headline, None) == headline
    assert parse_plan("wall,trends", "30", "2025").paths()[0] == "/?wall=1&pages=wall%2Ctrends&every=30&period=2025"
    with pytest.raises(WallModeError, match="period"):
        parse_plan("wall", "30", "forever")


def test_what_the_period_before_is_is_said_when_it_is_not_the_month_before():
    assert previous_note(Period.year_to_date(date(2026, 12, 6)), "zh-CN") == "（较2025年1月26日 至 2025年12月31日）"
    assert (
        previous_note(Period.month(2026, 11), "zh-CN") == ""
    )  # 环比 of a month: the month before, as everyone reads it
