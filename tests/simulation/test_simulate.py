"""What the live simulator sends: valid events, in their grids, follow-ups after their reports, in the mix of the
history (the same distributions)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pytest
import shapely

from dashboard.data.report_texts import OTHER_TEXTS, TEXTS
from dashboard.data.vocab import IncidentKind
from dashboard.pipeline.events import parse_event
from dashboard.seed.city import build_city
from dashboard.seed.distributions import (
    FILING_TO_SOLVED,
    RECTIFY_FRACTION,
    RHYTHMS,
    SOLVABILITY,
    CityClock,
    HourlyWeights,
)
from dashboard.seed.profiles import DEFAULT
from dashboard.seed.seeder import DEFAULT_SEED, rng
from dashboard.simulate import OpenRecord, Simulator, parse_args
from dashboard.simulation.seeded import SeededDraws

pytestmark = pytest.mark.db_independent


MONDAY_6AM = datetime(2027, 1, 18, 6, tzinfo=ZoneInfo("Asia/Shanghai")).timestamp()
SPEEDUP = 1200


def run(
    speedup: float, seconds: int, step: float, start: float = MONDAY_6AM, rate: float = 120
) -> tuple[list[tuple[float, dict]], Any, Simulator]:
    """The simulator for `seconds` of real time, ticking every `step` seconds: each event with when it was due, and
    the simulator (the platforms' steps it planned are left in it)."""
    city = build_city(rng(DEFAULT_SEED, "city"))
    grid_ids = {grid.code: number for number, grid in enumerate(city.grids, start=1)}
    workers = {number: f"W{number:05d}" for number in grid_ids.values()}
    simulator = Simulator(
        SeededDraws(city, around=start), grid_ids, workers, rate=rate, speedup=speedup, seed=7, started=start
    )
    events = []
    for tick in range(1, int(seconds / step) + 1):
        now = start + tick * step
        simulator.tick(now, step)
        events.extend((now, event) for event in simulator.due(now))
    return events, city, simulator


@pytest.fixture(scope="module")
def sent() -> tuple[list[tuple[float, dict]], object, Simulator]:
    """Five minutes at 1200 times the city's pace (about four days of the city), from a Monday 06:00."""
    return run(SPEEDUP, 300, 1.0)


def test_every_event_is_valid_when_it_is_sent(sent):
    events, _, _ = sent
    for due, event in events:
        parse_event(event, now=datetime.fromtimestamp(due, UTC))  # raises on any problem, naming the field


def test_every_report_carries_its_workers_summary_of_its_subtype(sent):
    events, _, _ = sent
    reports = [event for _, event in events if event["type"] in ("incident.reported", "hazard.reported")]
    assert reports and all(event["summary"] in TEXTS.get(event["subtype"], OTHER_TEXTS) for event in reports)


def test_every_position_is_inside_its_grid_and_patrols_stay_in_their_own(sent):
    events, city, _ = sent
    grids = {grid.code: grid.geometry for grid in city.grids}
    located = [event for _, event in events if "grid_code" in event]
    assert all(shapely.contains_xy(grids[e["grid_code"]], e["lon"], e["lat"]) for e in located)
    patrol_grid = {e["event_id"]: e["grid_code"] for e in located if e["type"] == "patrol.started"}
    fixes = [event for _, event in events if event["type"] == "patrol.position"]
    assert fixes and all(shapely.contains_xy(grids[patrol_grid[f["ref"]]], f["lon"], f["lat"]) for f in fixes)


def test_follow_ups_come_after_their_report(sent):
    events, _, _ = sent
    sent_at = {}
    for due, event in events:
        if "ref" in event:
            assert sent_at[event["ref"]] <= due
        sent_at[event["event_id"]] = due
    statuses = Counter(event.get("status") for _, event in events if event["type"].endswith(".updated"))
    assert {"solved"} <= set(statuses)  # the police's own system; the platforms take the other steps


def test_the_platforms_handle_each_report_in_the_loop_s_order_after_it(sent):
    events, _, simulator = sent
    reported = {event["event_id"]: due for due, event in events if event["type"].endswith(".reported")}
    plans = sorted(simulator.plans)
    by_report: dict[str, list[str]] = {}
    for due in plans:
        plan = due.event["plan"]
        assert due.at >= reported.get(plan.ref, 0)
        by_report.setdefault(plan.ref, []).append(plan.step.value)
    sequences = Counter(" ".join(steps) for steps in by_report.values())
    assert all(steps[0] == "dispatch" for steps in by_report.values())
    assert any(sequence.startswith("dispatch accept note report close") for sequence in sequences)
    assert any(sequence.startswith("dispatch send_back dispatch accept") for sequence in sequences)
    # A case the police solved (their system's update) is closed by the command room after it.
    solved = {event["ref"]: due for due, event in events if event.get("status") == "solved"}
    closes = {due.event["plan"].ref: due.at for due in plans if due.event["plan"].step.value == "close"}
    assert solved and all(ref in closes and closes[ref] >= at for ref, at in solved.items() if ref in reported)


def expected_reports(start: float, end: float) -> dict[str, float]:
    """Each family's reports the history's yearly volume and rhythm put between two moments of the city's clock."""
    volumes: dict[Any, float] = {
        IncidentKind.CRIMINAL: DEFAULT.criminal_per_year,
        **DEFAULT.incidents_per_year,
        **DEFAULT.hazards_per_year,
    }
    expected = {}
    for family, volume in volumes.items():
        name = family.value if isinstance(family, IncidentKind) else "hazard"
        clock = CityClock("Asia/Shanghai", date(2026, 1, 1), date(2027, 12, 31))
        weights = HourlyWeights(clock, RHYTHMS[family if name != "hazard" else "hazard"])
        expected[family.value] = weights.expected(int(start), int(end), {2026: volume, 2027: volume})
    return expected


def test_reports_come_at_the_history_s_rates_by_hour_and_weekday(sent):
    events, _, _ = sent
    reports = [event for _, event in events if event["type"].endswith(".reported")]
    families = Counter(event.get("kind") or event["category"] for event in reports)
    expected = expected_reports(MONDAY_6AM, MONDAY_6AM + 300 * SPEEDUP)
    for family, count in expected.items():
        assert abs(families[family] - count) < 4 * np.sqrt(count) + 3, family
    fishing = [e for e in reports if e.get("subtype") == "fishing_vessel"]
    assert all(e["grid_code"][:6] in {"331002", "331081", "331082", "331083", "331022"} for e in fishing)


@pytest.mark.parametrize(("argv", "message"), [(["--rate", "0"], "--rate"), (["--speedup", "0.5"], "--speedup")])
def test_bad_arguments_are_named(argv, message, capsys):
    with pytest.raises(SystemExit):
        parse_args(argv)
    assert message in capsys.readouterr().err


def test_by_default_a_day_goes_at_the_city_s_pace():
    """A city day at speedup 1: about the history's reports of a day, and every worker sets out twice."""
    assert parse_args([]).speedup == 1
    events, city, _ = run(1, 86_400, 60.0, rate=1)  # few positions: they count in no figure
    reports = Counter(
        event.get("kind") or event["category"] for _, event in events if event["type"].endswith("reported")
    )
    expected = expected_reports(MONDAY_6AM, MONDAY_6AM + 86_400)
    assert abs(sum(reports.values()) - sum(expected.values())) < 4 * np.sqrt(sum(expected.values()))
    assert abs(reports["criminal"] - expected["criminal"]) < 4 * np.sqrt(expected["criminal"]) + 3
    starts = Counter(event["worker_code"] for _, event in events if event["type"] == "patrol.started")
    assert len(starts) == len(city.grids) and set(starts.values()) == {2}
    ends = [event for _, event in events if event["type"] == "patrol.ended"]
    assert len(ends) == 2 * len(city.grids)  # all back by 06:00 the next day
    started = {e["event_id"]: due for due, e in events if e["type"] == "patrol.started"}
    lasted = [due - started[e["ref"]] for due, e in events if e["type"] == "patrol.ended"]
    assert min(lasted) >= 2 * 3600 - 60 and max(lasted) <= 3 * 3600 + 60  # two to three hours, as the rule asks


def test_the_stored_backlog_is_solved_and_rectified_at_the_history_s_pace():
    """Cases and hazards already stored go on closing as the history would: else, at the city's pace, the backlog
    would only grow while the simulator runs and the figures drift."""
    city = build_city(rng(DEFAULT_SEED, "city"))
    simulator = Simulator(SeededDraws(city, around=MONDAY_6AM), {}, {}, rate=1, speedup=1, seed=3, started=MONDAY_6AM)
    week = 7 * 86_400
    hazards = [OpenRecord(f"h{n}", 1, "blocked_exit", MONDAY_6AM, week) for n in range(2_000)]
    cases = [OpenRecord(f"c{n}", 1, "theft", MONDAY_6AM - 86_400) for n in range(2_000)]
    simulator.carry_on(cases, hazards, {1: "W00001"})
    due = [(item.at, item.event) for item in simulator.queue]
    rectified = [at for at, event in due if event["type"] == "hazard.updated" and event["status"] == "rectified"]
    assert len(rectified) == 2_000 and all(MONDAY_6AM < at <= MONDAY_6AM + 3 * week + 1 for at in rectified)
    on_time = sum(at <= MONDAY_6AM + week for at in rectified) / 2_000
    assert abs(on_time - float(RECTIFY_FRACTION.cdf(np.array([1.0]))[0])) < 0.03  # 85 % by the deadline
    solved = [at for at, event in due if event["type"] == "incident.updated" and event["status"] == "solved"]
    waited = float(FILING_TO_SOLVED.cdf(np.array([86_400]))[0])
    chance = SOLVABILITY["theft"] * (1 - waited) / (1 - SOLVABILITY["theft"] * waited)
    assert abs(len(solved) - 2_000 * chance) < 4 * np.sqrt(2_000 * chance * (1 - chance))
    assert all(at > MONDAY_6AM for at in solved)
