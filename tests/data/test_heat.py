"""Incident density and the hour-by-hour replay on the real database, against plain SQL over the raw rows."""

from __future__ import annotations

import math
import random
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import text

from dashboard.data.db import session_scope
from dashboard.data.filters import DrillFilter
from dashboard.data.heat import HEXES_ACROSS, HexGrid, density, replay
from dashboard.data.periods import CITY, Area, AreaLevel, Period
from dashboard.data.rollups import rebuild_rollups
from dashboard.data.vocab import IncidentKind, PlaceType
from tests.support.factories import add_city, incident, utc

MARCH = Period(date(2025, 3, 1), date(2025, 4, 1))
SPOTS = [(28.0050, 121.0050), (28.0060, 121.0050), (28.0060, 121.0070)]  # centres of 0.0005° cells


@pytest.fixture
def reports() -> None:
    with session_scope() as session:
        add_city(session)
        session.flush()
        for number, (lat, lon) in enumerate([(28.60, 121.40), (28.61, 121.41), (28.62, 121.42), (28.40, 121.30)]):
            session.execute(text("UPDATE grid SET centroid_lat = :lat, centroid_lon = :lon WHERE id = :id"),
                            {"lat": lat, "lon": lon, "id": number + 1})  # fmt: skip
        grids = ["331004-001-0001"] * 5 + ["331004-001-0002"] * 3 + ["331004-002-0001"] * 2 + ["331081-001-0001"]
        for n in range(40):
            lat, lon = SPOTS[n % 3]
            session.add(incident(utc(date(2025, 3, 3 + n % 9), hour=n % 24), grid=grids[n % len(grids)],
                                 kind="criminal" if n % 4 == 0 else "dispute", lat=lat, lon=lon,
                                 place_type="rental_housing" if n % 3 == 1 else "residence"))  # fmt: skip
        session.add(incident(utc("2025-04-02"), lat=28.005, lon=121.005))  # outside the period
        session.flush()
        rebuild_rollups(session.connection())


def rows(query: str, **params: object) -> list[tuple]:
    with session_scope() as session:
        return [tuple(row) for row in session.execute(text(query), params)]


def bounds(period: Period) -> dict[str, datetime]:
    start, end = period.utc_bounds("Asia/Shanghai")
    return {"start": start, "end": end}


def test_over_a_county_each_grid_weighs_its_incidents_at_its_centroid(reports):
    with session_scope() as session:
        found = density(session, DrillFilter(MARCH, area=Area.county("331004")))
    expected = rows(
        "SELECT g.centroid_lat, g.centroid_lon, count(*) FROM incident i JOIN grid g ON g.id = i.grid_id "
        "WHERE i.county_code = '331004' AND i.reported_at >= :start AND i.reported_at < :end "
        "GROUP BY g.id, g.centroid_lat, g.centroid_lon ORDER BY g.id",
        **bounds(MARCH),
    )
    assert [tuple(point) for point in found.points] == [(lat, lon, float(count)) for lat, lon, count in expected]
    assert found.total == sum(count for *_, count in expected) and found.peak == max(c for *_, c in expected)


def test_the_city_and_a_kind_of_incident(reports):
    with session_scope() as session:
        found = density(session, DrillFilter(MARCH, area=CITY, kind=IncidentKind.CRIMINAL))
    expected = rows("SELECT grid_id, count(*) FROM incident WHERE kind = 'criminal' AND reported_at >= :start "
                    "AND reported_at < :end GROUP BY grid_id ORDER BY grid_id", **bounds(MARCH))  # fmt: skip
    assert [point[2] for point in found.points] == [float(count) for _, count in expected]


def test_inside_one_grid_incidents_are_summed_per_small_cell(reports):
    with session_scope() as session:
        found = density(session, DrillFilter(MARCH, area=Area.grid("331004-001-0001")))
    expected = rows(
        "SELECT lat, lon, count(*) FROM incident WHERE grid_id = 1 AND reported_at >= :start AND reported_at < :end "
        "GROUP BY lat, lon ORDER BY lat, lon",
        **bounds(MARCH),
    )
    assert [tuple(point) for point in found.points] == [(lat, lon, float(count)) for lat, lon, count in expected]


@pytest.mark.parametrize("area", [Area.county("331004"), Area.grid("331004-001-0001")], ids=["county", "grid"])
def test_the_rental_housing_map_counts_only_cases_in_rental_housing(reports, area):
    with session_scope() as session:
        found = density(session, DrillFilter(MARCH, area=area), PlaceType.RENTAL_HOUSING)
        everything = density(session, DrillFilter(MARCH, area=area))
    [(expected,)] = rows(
        "SELECT count(*) FROM incident i JOIN grid g ON g.id = i.grid_id WHERE g.code LIKE :prefix "
        "AND i.place_type = 'rental_housing' AND i.reported_at >= :start AND i.reported_at < :end",
        prefix=f"{area.code.replace('-', '')[:6]}%" if area.level.value == "county" else area.code,
        **bounds(MARCH),
    )
    assert found.total == expected and 0 < expected < everything.total


def test_a_rental_housing_replay_counts_only_cases_in_rental_housing(reports):
    first = date(2025, 3, 3)
    with session_scope() as session:
        found = replay(session, CITY, first, 7, place=PlaceType.RENTAL_HOUSING)
    [(expected,)] = rows(
        "SELECT count(*) FROM incident WHERE place_type = 'rental_housing' AND reported_at >= :start "
        "AND reported_at < :end",
        **bounds(Period(first, first + timedelta(days=7))),
    )
    assert found.total == expected > 0


@pytest.mark.parametrize("days", [1, 7])
def test_a_replay_has_one_frame_per_hour_each_holding_that_hours_incidents(reports, days):
    first = date(2025, 3, 5)
    with session_scope() as session:
        found = replay(session, Area.county("331004"), first, days)
    assert len(found.frames) == 24 * days
    start = bounds(Period(first, first + timedelta(days=days)))["start"]
    for hour, frame in enumerate(found.frames):
        [(count,)] = rows("SELECT count(*) FROM incident WHERE county_code = '331004' AND reported_at >= :a "
                          "AND reported_at < :b", a=start + timedelta(hours=hour),
                          b=start + timedelta(hours=hour + 1))  # fmt: skip
        assert sum(point[2] for point in frame) == count
    assert found.total > 0


def test_a_replay_is_a_day_or_a_week():
    with session_scope() as session, pytest.raises(ValueError, match="days"):
        replay(session, CITY, date(2025, 3, 5), 3)


TOWNSHIP_BOX = [[28.55, 121.33], [28.62, 121.42]]  # about 9 km by 8 km


def test_hexagons_sized_to_the_area_hold_each_point_in_the_nearest_centre():
    across = HEXES_ACROSS[AreaLevel.TOWNSHIP]
    hexes = HexGrid.over(TOWNSHIP_BOX, across)
    wide = (121.42 - 121.33) * math.cos(math.radians(28.585))
    assert hexes.radius * math.sqrt(3) * across == pytest.approx(wide)  # `across` hexagons over the wider side
    rng = random.Random(3)
    for _ in range(500):
        lat, lon = rng.uniform(28.55, 28.62), rng.uniform(121.33, 121.42)
        q, r = hexes.cell_of(lat, lon)

        def distance(cell: tuple[int, int], lat: float = lat, lon: float = lon) -> float:
            centre_lat, centre_lon = hexes.centre(*cell)
            return math.hypot((centre_lon - lon) * hexes.scale, centre_lat - lat)

        # the lattice's nearest centre, found by trying every centre around: the point's hexagon
        around = [(q + dq, r + dr) for dq in range(-2, 3) for dr in range(-2, 3)]
        assert distance((q, r)) == pytest.approx(min(distance(cell) for cell in around), abs=1e-9)
        assert distance((q, r)) <= hexes.radius * (1 + 1e-6)  # inside the hexagon's circumcircle


def test_binning_sums_the_points_of_a_hexagon_and_keeps_the_total():
    hexes = HexGrid.over(TOWNSHIP_BOX, 12)
    points = [[28.60, 121.40, 3], [28.6001, 121.4001, 2], [28.56, 121.34, 4]]
    cells = hexes.binned(points)
    assert sorted(cell[2] for cell in cells) == [4, 5] and sum(cell[2] for cell in cells) == 9
