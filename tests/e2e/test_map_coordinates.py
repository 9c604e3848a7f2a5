"""On GCJ-02 tiles (Amap) every overlay is shifted from the stored WGS-84: the browser's shift agrees with the
server's (prcoords), and the layers use it only when the tiles are GCJ-02."""

from __future__ import annotations

import pytest

from dashboard.components.map import overlay_options
from dashboard.config import get_settings
from dashboard.data.coordinates import to_wgs84, wgs84_to_gcj02
from tests.support.accounts import sign_in

SEATS = [
    (28.68, 121.44),
    (28.65, 121.26),
    (28.58, 121.37),
    (28.85, 121.13),
    (28.37, 121.38),
    (28.14, 121.23),
    (29.14, 121.03),
    (28.85, 120.73),
    (29.10, 121.38),
]


@pytest.mark.browser
def test_the_browser_shifts_to_gcj02_as_the_server_does(dash_app, dash_duo):
    sign_in(dash_duo, dash_app)
    dash_duo.wait_for_element(".leaflet-container")
    shifted = dash_duo.driver.execute_script(
        "return arguments[0].map(([lat, lon]) => window.commandCenter.gcj02(lat, lon))", SEATS
    )
    for (lat, lon), (browser_lat, browser_lon) in zip(SEATS, shifted, strict=True):
        server_lat, server_lon = wgs84_to_gcj02(lat, lon)
        assert (browser_lat, browser_lon) == pytest.approx((server_lat, server_lon), abs=1e-9)
        assert 100 < 111_000 * abs(server_lon - lon) + 111_000 * abs(server_lat - lat) < 1000  # a few hundred metres


def test_round_trips_through_each_system_come_back_within_a_metre():
    for lat, lon in SEATS:
        gcj = wgs84_to_gcj02(lat, lon)
        assert to_wgs84(*gcj, "gcj02") == pytest.approx((lat, lon), abs=1e-5)
        assert to_wgs84(lat, lon, "wgs84") == (lat, lon)


def test_overlays_are_shifted_only_on_gcj02_tiles(monkeypatch):
    assert overlay_options() == {}
    monkeypatch.setenv("DASHBOARD_TILE_CRS", "gcj02")
    get_settings.cache_clear()
    assert overlay_options() == {"coordsToLatLng": {"variable": "commandCenter.gcj02LatLng"}}
