"""The county tour: asked for in the address, a bad value named; the clock takes it through the whole city and then
each county in turn, and round again."""

import pytest

from dashboard.data.geography import load_counties
from dashboard.wall_mode import parse_plan
from dashboard.wall_tour import TourError, parse_tour, stop


def test_the_tour_visits_the_city_then_every_county_in_turn():
    counties = [county.code for county in load_counties()]
    assert len(counties) == 9
    visited = [stop(counties, every=30, now=1_800_000_000 + 30 * n) for n in range(20)]
    first = visited.index(None)
    cycle = visited[first : first + 10]
    assert cycle == [None, *sorted(counties)]  # the whole city, then each county once, in code order
    assert visited[first + 10] is None  # and round again
    assert stop(counties, every=30, now=1_800_000_000 + 29.9) == stop(counties, every=30, now=1_800_000_000)


def test_the_tour_is_asked_for_in_the_address_and_carried_through_the_rotation():
    assert parse_tour("counties", "30") == 30 and parse_tour(None, "30") is None
    assert (
        parse_plan("wall,trends", "30", tour="counties").paths()[0]
        == "/?wall=1&pages=wall%2Ctrends&every=30&tour=counties"
    )
    with pytest.raises(TourError, match="tour: unknown tour 'towns'; choose from counties"):
        parse_tour("towns", None)
    with pytest.raises(TourError, match="every: 5 seconds is outside 10–3600"):
        parse_tour("counties", "5")
