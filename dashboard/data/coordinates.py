"""Chinese coordinate systems: WGS-84 (GPS, what we store), GCJ-02 (the offset Chinese map tiles and Amap use) and
BD-09 (Baidu). Conversions by prcoords (public domain); the GCJ-02 inverse is the precise iterative one."""

from __future__ import annotations

from typing import Literal

import prcoords

System = Literal["wgs84", "gcj02", "bd09"]


def to_wgs84(lat: float, lon: float, system: System) -> tuple[float, float]:
    """A position given in `system`, as WGS-84 (lat, lon)."""
    match system:
        case "wgs84":
            return lat, lon
        case "gcj02":
            point = prcoords.gcj_wgs_bored(prcoords.Coords(lat, lon))
        case "bd09":
            point = prcoords.bd_wgs_bored(prcoords.Coords(lat, lon))
    return float(point.lat), float(point.lon)


def wgs84_to_gcj02(lat: float, lon: float) -> tuple[float, float]:
    point = prcoords.wgs_gcj(prcoords.Coords(lat, lon))
    return float(point.lat), float(point.lon)
