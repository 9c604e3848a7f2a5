"""The patrol layer's refresh: a point per worker in view, or counts per square on screen when there are many;
tracks no finer than the screen shows."""

import math
import random

import shapely

from dashboard.components.map import WORKER_DOTS, patrol_points, pixel_degrees, track_lines


def test_workers_are_drawn_one_by_one_until_there_are_many_in_view():
    positions = {f"W{n}": {"lat": 28.5 + n * 1e-4, "lon": 121.0} for n in range(WORKER_DOTS + 1)}
    few = patrol_points(dict(list(positions.items())[:2]), zoom=9, bounds=None)
    assert few["features"] == [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [121.0, 28.5]},
            "properties": {"worker": "W0"},
        },
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [121.0, 28.5001]},
            "properties": {"worker": "W1"},
        },
    ]
    many = patrol_points(positions, zoom=9, bounds=None)["features"]
    assert len(many) < 5 and sum(point["properties"].get("count", 1) for point in many) == WORKER_DOTS + 1
    assert patrol_points(positions, zoom=9, bounds=[[29.0, 121.5], [29.5, 122.0]])["features"] == []  # none in view


def street_walk(fixes: int = 180, seed: int = 1) -> list[str]:
    """A patrol as the phone reports it: a fix a minute along streets (70 m legs, a turn every 8 fixes), GPS
    jitter of about 3 m, each fix as Redis keeps it ("lon,lat" to 6 decimals)."""
    pick = random.Random(seed)
    lon, lat, heading, points = 121.42, 28.65, 0, []
    for number in range(fixes):
        if number % 8 == 0:
            heading = pick.choice([0, 90, 180, 270])
        lon += 0.0007 * math.cos(math.radians(heading))
        lat += 0.0006 * math.sin(math.radians(heading))
        points.append(f"{lon + pick.gauss(0, 0.00003):.6f},{lat + pick.gauss(0, 0.00003):.6f}")
    return points


def test_a_track_is_sent_no_finer_than_the_screen_shows():
    walk = street_walk()
    original = shapely.LineString([[float(v) for v in p.split(",")] for p in walk])
    for zoom in (13, 15, 18):
        [feature] = track_lines([walk], zoom=zoom)["features"]
        coordinates = feature["geometry"]["coordinates"]
        assert coordinates[0] == [round(float(v), 5) for v in walk[0].split(",")]  # starts where the walk started
        assert coordinates[-1] == [round(float(v), 5) for v in walk[-1].split(",")]  # and ends at the last fix
        drawn = shapely.LineString(coordinates)
        assert original.hausdorff_distance(drawn) <= pixel_degrees(zoom) / 2 + 1e-5  # within half a pixel
    close, far = (len(track_lines([walk], zoom=z)["features"][0]["geometry"]["coordinates"]) for z in (18, 13))
    assert far < len(walk) / 3 and far <= close  # zoomed out, most fixes are finer than a pixel


def test_a_track_of_one_fix_is_not_a_line():
    assert track_lines([["121.1,28.1"], []], zoom=14)["features"] == []
