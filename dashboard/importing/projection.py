"""GCJ-02 and BD-09 to WGS-84 for whole columns at once: prcoords' formulas (dashboard/data/coordinates.py converts
one point) written over numpy arrays, with the same iterative inverse, so a million points take a fraction of a
second. tests/importing/test_files.py checks them against prcoords."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from dashboard.data.coordinates import System

Floats = npt.NDArray[np.float64]
GCJ_A = 6378245.0
GCJ_EE = 0.00669342162296594323
BD_DLAT, BD_DLON = 0.0060, 0.0065
EPSILON = 1e-5
ROUNDS = 10


def wgs_to_gcj(lat: Floats, lon: Floats) -> tuple[Floats, Floats]:
    x, y = lon - 105.0, lat - 35.0
    d_lat = (
        -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
        + (
            2 * np.sin(x * 6 * np.pi) + 2 * np.sin(x * 2 * np.pi) + 2 * np.sin(y * np.pi)
            + 4 * np.sin(y / 3 * np.pi) + 16 * np.sin(y / 12 * np.pi) + 32 * np.sin(y / 30 * np.pi)
        ) * 20 / 3
    )  # fmt: skip
    d_lon = (
        300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
        + (
            2 * np.sin(x * 6 * np.pi) + 2 * np.sin(x * 2 * np.pi) + 2 * np.sin(x * np.pi)
            + 4 * np.sin(x / 3 * np.pi) + 15 * np.sin(x / 12 * np.pi) + 30 * np.sin(x / 30 * np.pi)
        ) * 20 / 3
    )  # fmt: skip
    rad = np.radians(lat)
    magic = 1 - GCJ_EE * np.sin(rad) ** 2
    lat_arc = np.radians((GCJ_A * (1 - GCJ_EE)) / magic**1.5)
    lon_arc = np.radians(GCJ_A * np.cos(rad) / np.sqrt(magic))
    return lat + d_lat / lat_arc, lon + d_lon / lon_arc


def gcj_to_bd(lat: Floats, lon: Floats) -> tuple[Floats, Floats]:
    r = np.sqrt(lon * lon + lat * lat) + 0.00002 * np.sin(np.radians(lat) * 3000)
    theta = np.arctan2(lat, lon) + 0.000003 * np.cos(np.radians(lon) * 3000)
    return r * np.sin(theta) + BD_DLAT, r * np.cos(theta) + BD_DLON


def bd_to_gcj(lat: Floats, lon: Floats) -> tuple[Floats, Floats]:
    x, y = lon - BD_DLON, lat - BD_DLAT
    r = np.sqrt(x * x + y * y) - 0.00002 * np.sin(np.radians(y) * 3000)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(np.radians(x) * 3000)
    return r * np.sin(theta), r * np.cos(theta)


def wgs_to_bd(lat: Floats, lon: Floats) -> tuple[Floats, Floats]:
    return gcj_to_bd(*wgs_to_gcj(lat, lon))


def _rough_inverse_gcj(lat: Floats, lon: Floats) -> tuple[Floats, Floats]:
    shifted_lat, shifted_lon = wgs_to_gcj(lat, lon)
    return lat - (shifted_lat - lat), lon - (shifted_lon - lon)


def _invert(forward: object, lat: Floats, lon: Floats, first: tuple[Floats, Floats]) -> tuple[Floats, Floats]:
    """prcoords' "bored" inverse: step the estimate by the forward error until it is below EPSILON degrees."""
    assert callable(forward)
    est_lat, est_lon = first[0].copy(), first[1].copy()
    active = np.ones(len(lat), dtype=bool)
    for _ in range(ROUNDS):
        if not active.any():
            break
        fwd_lat, fwd_lon = forward(est_lat[active], est_lon[active])
        diff_lat, diff_lon = fwd_lat - lat[active], fwd_lon - lon[active]
        est_lat[active] -= diff_lat
        est_lon[active] -= diff_lon
        still = np.hypot(diff_lat, diff_lon) > EPSILON
        active[np.flatnonzero(active)[~still]] = False
    return est_lat, est_lon


def to_wgs84(lat: Floats, lon: Floats, system: System) -> tuple[Floats, Floats]:
    """Positions given in `system`, as WGS-84 (lat, lon) arrays."""
    lat, lon = np.asarray(lat, dtype=np.float64), np.asarray(lon, dtype=np.float64)
    match system:
        case "wgs84":
            return lat, lon
        case "gcj02":
            return _invert(wgs_to_gcj, lat, lon, _rough_inverse_gcj(lat, lon))
        case "bd09":
            return _invert(wgs_to_bd, lat, lon, _rough_inverse_gcj(*bd_to_gcj(lat, lon)))
