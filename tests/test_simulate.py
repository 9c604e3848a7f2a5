"""What the live simulator sends: valid events, in their grids, follow-ups after their reports, in the mix of the
history (the same distributions)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import numpy as np
import pytest
import shapely

from dashboard.data.events import parse_event
from dashboard.data.seed.city import build_city
from dashboard.data.seed.profiles import DEFAULT
from dashboard.data.seed.seeder import DEFAULT_SEED, rng
from dashboard.simulate import Simulator, parse_args

pytestmark = pytest.mark.db_independent


@pytest.fixture(scope="module")
def sent() -> tuple[list[tuple[float, dict]], object]:
    """Five simulated minutes at 120 events a second, each event with the moment it was due."""
    city = build_city(rng(DEFAULT_SEED, "city"))
    grid_ids = {grid.code: number for number, grid in enumerate(city.grids, start=1)}
    workers = {number: f"W{number:05d}" for number in grid_ids.values()}
    simulator = Simulator(city, grid_ids, workers, rate=120, speedup=1200, seed=7)
    start, events = 1_800_000_000.0, []
    for second in range(300):
        now = start + second
        simulator.tick(now, 1.0)
        events.extend((now, event) for event in simulator.due(now))
    return events, city


def test_every_event_is_valid_when_it_is_sent(sent):
    events, _ = sent
    for due, event in events:
        parse_event(event, now=datetime.fromtimestamp(due, UTC))  # raises on any problem, naming the field


def test_every_position_is_inside_its_grid_and_patrols_stay_in_their_own(sent):
    events, city = sent
    grids = {grid.code: grid.geometry for grid in city.grids}
    located = [event for _, event in events if "grid_code" in event]
    assert all(shapely.contains_xy(grids[e["grid_code"]], e["lon"], e["lat"]) for e in located)
    patrol_grid = {e["event_id"]: e["grid_code"] for e in located if e["type"] == "patrol.started"}
    fixes = [event for _, event in events if event["type"] == "patrol.position"]
    assert fixes and all(shapely.contains_xy(grids[patrol_grid[f["ref"]]], f["lon"], f["lat"]) for f in fixes)


def test_follow_ups_come_after_their_report(sent):
    events, _ = sent
    sent_at = {}
    for due, event in events:
        if "ref" in event:
            assert sent_at[event["ref"]] <= due
        sent_at[event["event_id"]] = due
    statuses = Counter(event.get("status") for _, event in events if event["type"].endswith(".updated"))
    assert {"dispatched", "handling", "solved", "resolved", "rectifying", "rectified"} <= set(statuses)


def test_reports_come_in_the_history_s_proportions(sent):
    events, _ = sent
    reports = [event for _, event in events if event["type"].endswith(".reported")]
    families = Counter(event.get("kind") or event["category"] for event in reports)
    volumes = {
        "criminal": DEFAULT.criminal_per_year,
        **{k.value: v for k, v in DEFAULT.incidents_per_year.items()},
        **{k.value: v for k, v in DEFAULT.hazards_per_year.items()},
    }
    total = sum(volumes.values())
    for family, volume in volumes.items():
        expected = len(reports) * volume / total
        assert abs(families[family] - expected) < 4 * np.sqrt(expected) + 3, family
    fishing = [e for e in reports if e.get("subtype") == "fishing_vessel"]
    assert all(e["grid_code"][:6] in {"331002", "331081", "331082", "331083", "331022"} for e in fishing)


@pytest.mark.parametrize(("argv", "message"), [(["--rate", "0"], "--rate"), (["--speedup", "0.5"], "--speedup")])
def test_bad_arguments_are_named(argv, message, capsys):
    with pytest.raises(SystemExit):
        parse_args(argv)
    assert message in capsys.readouterr().err
