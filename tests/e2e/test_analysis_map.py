"""Map analysis in a real browser, on the grid page: the density layer shows the period's incidents, and play
replays the chosen day hour by hour."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from dash.testing.wait import until
from sqlalchemy import text

from dashboard.callbacks.analysis_map import hexes_over
from dashboard.data.db import session_scope
from dashboard.data.periods import Area
from dashboard.i18n import t
from tests.e2e.test_grid_detail import GRID, at_city_hour, city_today, clicked
from tests.support.accounts import sign_in
from tests.support.factories import add_city, incident

pytestmark = pytest.mark.browser
SPOTS = [(28.0050, 121.0050), (28.0060, 121.0050), (28.0060, 121.0070)]


@pytest.fixture
def incidents() -> date:
    """Incidents at three spots of one grid over the last days, and on the last day at 01:00, 02:00 and 05:00."""
    today = city_today()
    with session_scope() as session:
        add_city(session)
        for n in range(12):
            lat, lon = SPOTS[n % 3]
            session.add(incident(at_city_hour(today - timedelta(days=n % 5), [1, 2, 5, 9][n % 4]), lat=lat, lon=lon))
    return today


def drawn_cells(dash_duo) -> int:
    return len(dash_duo.find_elements(".analysis-map path.heat-cell"))


def test_the_density_layer_shows_and_play_steps_through_the_hours(dash_app, dash_duo, incidents):
    sign_in(dash_duo, dash_app, path=f"/grid?code={GRID}")
    with session_scope() as session:
        total = session.execute(text("SELECT count(*) FROM incident")).scalar_one()
        spots = session.execute(text("SELECT DISTINCT lat, lon FROM incident")).all()
    hexes = hexes_over(Area.grid(GRID))  # the grid's hexagons: one drawn per hexagon with a spot
    cells = {hexes.cell_of(lat, lon) for lat, lon in spots}
    dash_duo.wait_for_text_to_equal(".analysis-hour", t("analysis.period_total", count=total), timeout=15)
    until(lambda: drawn_cells(dash_duo) == len(cells), timeout=10)

    until(lambda: clicked(dash_duo, ".analysis-play"), timeout=10)  # from the period view: replay the last day
    day = f"{incidents.year}年{incidents.month}月{incidents.day}日"
    dash_duo.wait_for_contains_text(".analysis-hour", f"{day} 00:00–00:59", timeout=10)
    dash_duo.wait_for_contains_text(".analysis-hour", f"{day} 01:00–01:59", timeout=10)  # it moves by itself
    with session_scope() as session:
        at_one = session.execute(
            text("SELECT count(*) FROM incident WHERE reported_at >= :a AND reported_at < :b"),
            {"a": at_city_hour(incidents, 1), "b": at_city_hour(incidents, 2)},
        ).scalar_one()
    assert dash_duo.find_element(".analysis-hour").text.endswith(f"{at_one} 起")
    dash_duo.wait_for_contains_text(".analysis-hour", f"{day} 02:00–02:59", timeout=10)
    assert [entry for entry in dash_duo.get_logs() if entry["level"] == "SEVERE"] == []
