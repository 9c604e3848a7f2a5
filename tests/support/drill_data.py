"""The rows the drill-down page tests count over: the tiny city, rental houses, and 600 seeded incidents."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import text

from dashboard.data.db import get_engine, session_scope
from dashboard.data.models import RentalHouse
from dashboard.data.rollups import rebuild_rollups
from tests.support.factories import GRIDS, add_city, incident

HOURS = timedelta(hours=8)  # Asia/Shanghai, no daylight saving
START, END = datetime(2025, 3, 1) - HOURS, datetime(2025, 9, 1) - HOURS  # 1 March – 31 August 2025, as stored
SUBTYPES = {
    "criminal": ["theft", "fraud", "assault"],
    "dispute": ["neighbourhood", "wages"],
    "stability": ["gathering"],
}


def add_drill_city() -> dict[str, int]:
    """The tiny city, rental houses in three of its grids, and 600 incidents over 2024–2025 (seeded, so the same
    rows each run), a few of them on the period's edges."""
    rng = random.Random(7)
    with session_scope() as session:
        grids = add_city(session)
        for grid_id, houses in ((1, 5), (2, 3), (4, 8)):
            session.add_all(
                RentalHouse(grid_id=grid_id, address=f"{grid_id}-{n}", landlord_name="房东", landlord_phone="1")
                for n in range(houses)
            )
        moments = [datetime(2024, 1, 1) + timedelta(minutes=rng.randrange(0, 2 * 365 * 24 * 60)) for _ in range(596)]
        moments += [START, START - timedelta(seconds=1), END - timedelta(seconds=1), END]  # edges of the period
        for moment in moments:
            kind = rng.choice(["criminal", "criminal", "dispute", "stability"])
            solved = moment + timedelta(hours=rng.randrange(1, 24 * 40)) if rng.random() < 0.6 else None
            session.add(
                incident(
                    moment,
                    grid=rng.choice(list(GRIDS)),
                    kind=kind,
                    subtype=rng.choice(SUBTYPES[kind]),
                    place_type=rng.choice(["rental_housing", "residence", "shop"]),
                    solved_at=solved if kind == "criminal" else None,
                )
            )
    with get_engine().begin() as connection:  # rows written here, not through the stream consumer
        rebuild_rollups(connection)
        # the registry's count per grid, as the seeder writes it: equal to the grid's rental_house rows
        connection.execute(
            text("UPDATE grid SET rental_houses = (SELECT COUNT(*) FROM rental_house r WHERE r.grid_id = grid.id)")
        )
    return grids
