"""The shape of the generated history (small profile, in memory): where and when things happen, and that the
rows keep the model's rules."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

import numpy as np
import pytest
import shapely

from dashboard.data.geography import load_grids
from dashboard.data.report_texts import OTHER_TEXTS, TEXTS
from dashboard.data.vocab import HAZARD_SUBTYPES, OTHER, SUBTYPES
from dashboard.pipeline.events import parse_event
from dashboard.seed.city import COASTAL_COUNTIES
from dashboard.seed.distributions import HAZARD_SUBTYPE_MIX, INCIDENT_SUBTYPE_MIX, SPRING_FESTIVAL
from dashboard.seed.history import NULL
from tests.seed.conftest import ZONE, Generated
from tests.support.events import hazard_updated, incident_updated

pytestmark = pytest.mark.db_independent  # never touches the configured database: once, not on both

TAIZHOU = ZoneInfo(ZONE)


def local(seconds: np.ndarray) -> list[datetime]:
    return [datetime.fromtimestamp(s, UTC).astimezone(TAIZHOU) for s in seconds.tolist()]


def test_mixes_use_exactly_the_vocabulary():
    # every named subtype; `other` (the long tail of real reports and imported files) is never seeded
    named = {k: set(v) - {OTHER} for k, v in SUBTYPES.items()}
    assert {kind: set(mix) for kind, mix in INCIDENT_SUBTYPE_MIX.items()} == named
    assert {c: set(mix) for c, mix in HAZARD_SUBTYPE_MIX.items()} == {
        c: set(v) - {OTHER} for c, v in HAZARD_SUBTYPES.items()
    }


def test_fishing_port_incidents_are_on_the_coast(generated: Generated):
    place = generated.strings("incident", "place_type")
    county = generated.strings("incident", "county_code")
    grid = generated.values("incident", "grid_id") - 1
    at_port = place == "fishing_port"
    assert at_port.sum() > 100
    assert set(county[at_port]) == COASTAL_COUNTIES  # every coastal county has its ports, no other county does
    assert generated.seeder.the_city().port[grid[at_port]].all()
    vessels = generated.strings("incident", "subtype") == "fishing_vessel"
    assert (place[vessels] == "fishing_port").all()


def test_production_safety_hazards_concentrate_in_industrial_towns(generated: Generated):
    city = generated.seeder.the_city()
    industrial = city.industrial_township[city.township_of_grid]
    grid = generated.values("hazard", "grid_id") - 1
    production = generated.strings("hazard", "category") == "production_safety"
    per_grid = np.bincount(grid[production], minlength=len(city.grids))
    assert per_grid[industrial].mean() > 3 * per_grid[~industrial].mean()
    food = np.bincount(grid[generated.strings("hazard", "category") == "food_safety"], minlength=len(city.grids))
    assert food[industrial].mean() < 2 * food[~industrial].mean()  # food safety follows people, not factories


def test_urban_grids_are_smaller_and_busier_per_km2(generated: Generated):
    city = generated.seeder.the_city()
    grid = generated.values("incident", "grid_id") - 1
    per_km2 = np.bincount(grid, minlength=len(city.grids)) / city.area_km2
    assert np.median(city.area_km2[city.urban]) * 5 < np.median(city.area_km2[~city.urban])
    assert np.median(per_km2[city.urban]) > 5 * np.median(per_km2[~city.urban])


def test_hotspots_follow_rental_housing(generated: Generated):
    city = generated.seeder.the_city()
    grid = generated.values("incident", "grid_id") - 1
    burglary = generated.strings("incident", "subtype") == "burglary"
    per_grid = np.bincount(grid[burglary], minlength=len(city.grids))
    many = city.rental_houses > np.quantile(city.rental_houses, 0.8)
    few = city.rental_houses <= np.quantile(city.rental_houses, 0.2)
    assert per_grid[many].mean() > 3 * per_grid[few].mean()


def test_hour_and_weekday_rhythm(generated: Generated):
    moments = local(generated.values("incident", "reported_at"))
    kind = generated.strings("incident", "kind")
    hours = np.array([moment.hour for moment in moments])
    weekdays = np.array([moment.weekday() for moment in moments])
    criminal = kind == "criminal"
    assert (hours[criminal] == 20).sum() > 2.5 * (hours[criminal] == 4).sum()  # evenings, not small hours
    stability = kind == "stability"
    assert (weekdays[stability] == 0).sum() > 1.5 * (weekdays[stability] == 6).sum()  # Mondays, not Sundays
    found = np.array([moment.hour for moment in local(generated.values("hazard", "found_at"))])
    assert ((found >= 7) & (found < 19)).mean() > 0.95  # hazards are found on daytime patrols


def test_spring_festival_dip_and_summer_peak(generated: Generated):
    days = np.array([moment.date() for moment in local(generated.values("hazard", "found_at"))])
    festival = SPRING_FESTIVAL[2025]
    during = ((days >= festival) & (days < festival + timedelta(days=7))).sum()
    later = ((days >= festival + timedelta(days=42)) & (days < festival + timedelta(days=49))).sum()
    assert during < 0.6 * later
    months = np.array([day.month for day in days if day.year == 2025])
    assert (months == 7).sum() > 1.1 * (months == 1).sum()


def test_every_point_lies_inside_its_grid(generated: Generated):
    geometries = np.array([grid.geometry for grid in load_grids()], dtype=object)
    for table in ("incident", "hazard"):
        grid = generated.values(table, "grid_id") - 1
        inside = shapely.contains_xy(geometries[grid], generated.values(table, "lon"), generated.values(table, "lat"))
        assert inside.all(), table


def test_timelines_keep_their_order_and_end_by_now(generated: Generated):
    now = generated.seeder.window.now
    incident = generated.tables["incident"].columns
    steps = ["reported_at", "dispatched_at", "handling_at", "solved_at", "closed_at"]
    moments = np.stack(
        [np.where(incident[s].null if incident[s].null is not None else False, NULL, incident[s].values) for s in steps]
    )
    for earlier, later in itertools.pairwise(steps):
        a, b = moments[steps.index(earlier)], moments[steps.index(later)]
        both = (a != NULL) & (b != NULL)
        assert (a[both] <= b[both]).all(), (earlier, later)
    assert (moments[moments != NULL] <= now).all()
    filed = incident["filed_at"]
    criminal = generated.strings("incident", "kind") == "criminal"
    assert (filed.null == ~criminal).all()  # only criminal cases are filed
    assert (filed.values[criminal] >= incident["reported_at"].values[criminal]).all()
    solved = ~incident["solved_at"].null & criminal
    assert (incident["solved_at"].values[solved] >= filed.values[solved]).all()
    months_later = incident["solved_at"].values[solved] - filed.values[solved] > 90 * 86400
    assert months_later.sum() > 0  # some cases are solved only months later
    hazard = generated.tables["hazard"].columns
    assert (hazard["deadline"].values >= hazard["found_at"].values).all()
    open_overdue = (generated.strings("hazard", "status") == "open") & (hazard["deadline"].values < now)
    assert open_overdue.sum() > 0


def test_open_hazards_are_mostly_recent_and_at_most_a_quarter_overdue(generated: Generated):
    """The backlog a wall would show: hazards open now were mostly found in the last weeks; overdue ones are at most
    a quarter of them (the routing matrix allows 7 days for a general hazard, 30 for a major one; 85 % are put
    right in time, the rest within three times the time allowed, and 0.6 % need supervision); the long-overdue
    ones (30 days past the deadline: 挂牌督办) are a small set; a month's rectification rate stays high."""
    now = generated.seeder.window.now
    hazard = generated.tables["hazard"].columns
    found, deadline = hazard["found_at"].values, hazard["deadline"].values
    rectified = hazard["rectified_at"]
    still_open = rectified.null
    overdue = still_open & (deadline < now)
    long_overdue = overdue & (now - deadline >= 30 * 86400)
    assert still_open.sum() > 0 and 0 < overdue.sum() <= 0.25 * still_open.sum()
    assert 0 < long_overdue.sum() <= 0.1 * still_open.sum()
    assert (now - found[still_open] < 60 * 86400).mean() > 0.9  # mostly recent
    assert (now - found[still_open] < 400 * 86400).all()  # nothing left over from earlier years
    status = generated.strings("hazard", "status")
    assert set(status[still_open]) <= {"open", "rectifying"}
    last_month = (now - found >= 31 * 86400) & (now - found < 61 * 86400)
    rate = 1.0 - still_open[last_month].mean()
    assert 0.9 <= rate < 1.0


def test_open_incidents_are_recent_and_at_most_a_quarter_overdue(generated: Generated):
    """The incident backlog the wall and /sla show: a case the platform cannot solve or resolve is closed all the
    same (handed over to the police's investigation, referred to the courts), mostly within the time the routing
    matrix allows (15 days for a general case, 3 for a major one, 90 for a criminal case) and the rest within three
    times it. So the open ones are recent, at most a quarter of them overdue, none from earlier years; the
    unsolved criminal cases stay unsolved (the solve rate counts `solved_at`, not closing)."""
    now = generated.seeder.window.now
    incident = generated.tables["incident"].columns
    reported, deadline = incident["reported_at"].values, incident["deadline"].values
    still_open = incident["closed_at"].null
    overdue = still_open & (deadline < now)
    total = len(reported)
    assert 0 < still_open.sum() <= 0.05 * total
    assert 0 < overdue.sum() <= 0.25 * still_open.sum()
    assert (now - reported[still_open] < 400 * 86400).all()  # nothing left over from earlier years
    kind = generated.strings("incident", "kind")
    closed_unsolved = ~still_open & incident["solved_at"].null & (kind == "criminal")
    assert closed_unsolved.sum() > 0.2 * (kind == "criminal").sum()  # handed over, still unsolved


def test_seeded_records_can_be_followed_up_through_the_api(generated: Generated):
    """Their event ids are UUIDs, as a phone's are: the simulator's updates of the seeded backlog name them."""
    for table, updated in (("incident", incident_updated), ("hazard", hazard_updated)):
        ids = generated.strings(table, "event_id")
        assert len(set(ids)) == len(ids)
        for event_id in (ids[0], ids[-1]):
            assert str(UUID(event_id)) == event_id
            parse_event(updated(event_id, "solved" if table == "incident" else "rectified"))


def test_status_is_the_latest_step_reached(generated: Generated):
    incident = generated.tables["incident"].columns
    status = generated.strings("incident", "status")
    kind = generated.strings("incident", "kind")
    closed, solved = ~incident["closed_at"].null, ~incident["solved_at"].null
    assert (status[closed] == "closed").all()
    assert set(status[solved & ~closed & (kind == "criminal")]) == {"solved"}
    assert set(status[solved & ~closed & (kind != "criminal")]) == {"resolved"}
    assert set(status[~solved & ~closed]) <= {"reported", "dispatched", "handling"}


def test_patrols_mostly_comply_and_a_minority_falls_short(generated: Generated):
    table = generated.tables["patrol_log"].columns
    worker = table["worker_id"].values
    finished = ~table["ended_at"].null
    minutes = (table["ended_at"].values - table["started_at"].values) / 60
    full_days = 6  # the small profile's week, less today
    first = generated.seeder.window.now - (full_days + 1) * 86400
    counted = (
        finished
        & (table["started_at"].values < generated.seeder.window.now - 86400)
        & (table["started_at"].values > first)
    )
    good = np.bincount(worker[counted & (minutes >= 120)], minlength=7370)[1:]
    compliant = good >= 2 * (full_days - 1)
    assert 0.75 < compliant.mean() < 0.97  # most workers, not all
    assert ((minutes[finished] >= 120) & (minutes[finished] <= 180)).mean() > 0.85
    assert len(np.unique(worker)) == 7369  # every worker patrols


def test_another_seed_gives_other_rows(generated: Generated):
    other = Generated(seed=7)
    for table in ("incident", "hazard", "patrol_log", "person_of_concern"):
        assert not np.array_equal(other.values(table, "grid_id")[:1000], generated.values(table, "grid_id")[:1000])
    same = Generated()
    assert np.array_equal(same.values("incident", "reported_at"), generated.values("incident", "reported_at"))


def test_a_records_summary_is_its_workers_words_on_its_subtype(generated: Generated):
    townships = {town.name for town in generated.seeder.city.townships}
    for table in ("incident", "hazard"):
        summaries, subtypes = generated.strings(table, "summary"), generated.strings(table, "subtype")
        for summary, subtype in zip(summaries[:2000], subtypes[:2000], strict=True):
            assert summary in TEXTS.get(str(subtype), OTHER_TEXTS), (table, subtype, summary)
            assert not any(name in summary for name in townships)  # the table shows the grid; the text does not
        assert len(set(summaries)) > len(set(subtypes))  # more than one text per subtype
