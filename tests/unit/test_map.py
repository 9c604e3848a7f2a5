"""The patrol layer's refresh: a point per worker in view, or counts per square on screen when there are many."""

from dashboard.components.map import WORKER_DOTS, patrol_points


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
