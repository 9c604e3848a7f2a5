"""A day of the live simulator at the city's pace keeps the headline figures the article's: the seeded history (small
profile) goes on for 24 simulated hours, driven through the simulator's own generator tick by tick without waiting,
its reports and follow-ups stored by the stream consumer's store, then counted through the query layer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from dashboard.config import get_settings
from dashboard.data.db import session_scope
from dashboard.data.periods import Period
from dashboard.data.queries import headline_figures
from dashboard.data.redis_client import get_redis
from dashboard.pipeline.consumer import StreamConsumer
from dashboard.pipeline.events import parse_event
from dashboard.seed import seed_database
from dashboard.seed.seeder import DEFAULT_SEED
from dashboard.simulate import Simulator, load_draws, open_records, stored_grids
from tests.seed.conftest import TODAY

DAY, STEP = 86_400, 60
ARTICLE = {"criminal_filed": -37.34, "solve_rate": 4.76, "rental_cases": -20.8}


def simulated_day(started: float) -> list[dict]:
    """The incident events of 24 simulated hours from `started` (patrols and hazards count in no headline figure)."""
    zone = get_settings().timezone
    with session_scope() as session:
        grid_ids, workers = stored_grids(session)
        draws = load_draws(session, grid_ids, DEFAULT_SEED, zone, started)  # the seeded city's
        cases, _hazards = open_records(session, started)
    simulator = Simulator(draws, grid_ids, workers, rate=1, speedup=1, seed=18, zone=zone, started=started)
    simulator.carry_on(cases, [], workers)
    events = []
    for tick in range(1, DAY // STEP + 1):
        now = started + tick * STEP
        simulator.tick(now, STEP)
        events += [event for event in simulator.due(now) if event["type"].startswith("incident.")]
    return events


def test_a_simulated_day_keeps_the_year_to_date_figures_within_0_3_of_the_article():
    seed_database("small", today=TODAY, progress=False)
    seeded_now = datetime(TODAY.year, TODAY.month, TODAY.day, 15, 59, 59)  # the seed's clock: the day's end, UTC
    started = seeded_now.replace(tzinfo=UTC).timestamp()
    events = simulated_day(started)
    assert sum(event["type"] == "incident.reported" for event in events) > 20  # a day's reports, at the city's pace
    consumer = StreamConsumer(get_redis(), name="simulated-day", block_ms=10)
    good = []
    for number, event in enumerate(events, start=1):
        parsed = parse_event(event, now=datetime.fromisoformat(event["occurred_at"]))
        good.append((f"{number}-0", parsed, consumer.resolve(parsed)))
    for first in range(0, len(good), 500):
        stored, refused = consumer.store(good[first : first + 500])
        assert not refused and len(stored) == len(good[first : first + 500])
    a_day_later = seeded_now + timedelta(seconds=DAY)
    with session_scope() as session:
        period = Period.year_to_date(TODAY + timedelta(days=1))  # the year to date a day later
        yoy = headline_figures(session, period, as_of=a_day_later).year_over_year
    changes = {
        "criminal_filed": yoy.criminal_filed_change,
        "solve_rate": yoy.solve_rate_change,
        "rental_cases": yoy.rental_cases_change,
    }
    for name, article in ARTICLE.items():
        assert changes[name] is not None and abs(changes[name] - article) <= 0.3, (name, changes[name], article)
