"""`patrol_worker_day` of generated patrols: each worker's patrols per city-clock day, the same counts
`dashboard.data.patrol_compliance.rebuild_worker_days` computes from stored rows. A seeded worker patrols its own
grid, so the patrol's township and county are the worker's."""

from __future__ import annotations

import numpy as np

from dashboard.data.patrol_compliance import MIN_PATROL_HOURS, MIN_PATROLS
from dashboard.data.zone_clock import ZoneClock
from dashboard.seed.columns import Table, coded, dates, ints
from dashboard.seed.daily import city_days, months_of, present


def patrol_worker_day(patrols: Table, clock: ZoneClock) -> Table:
    c = patrols.columns
    worker = c["worker_id"].values.astype(np.int64)
    day = city_days(c["started_at"], clock)
    finished = present(c["ended_at"])
    seconds = np.where(finished, c["ended_at"].values.astype(np.int64) - c["started_at"].values.astype(np.int64), 0)
    long = finished & (seconds >= int(MIN_PATROL_HOURS * 3600))
    key = worker * 1_000_000 + (day - day.min() if len(day) else day)
    keys, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    n = len(keys)
    return Table(
        "patrol_worker_day",
        {
            "worker_id": ints(worker[first]),
            "day": dates(day[first]),
            "township_code": coded(c["township_code"].categories, c["township_code"].values[first]),
            "county_code": coded(c["county_code"].categories, c["county_code"].values[first]),
            "patrols": ints(np.bincount(inverse, minlength=n)),
            "long_patrols": ints(np.bincount(inverse, weights=long, minlength=n).astype(np.int64)),
            "seconds": ints(np.bincount(inverse, weights=seconds, minlength=n).astype(np.int64)),
        },
    )


def patrol_worker_month(days: Table) -> Table:
    """`patrol_worker_month` of the generated worker-days: compliant days per worker and calendar month."""
    c = days.columns
    worker = c["worker_id"].values.astype(np.int64)
    month = months_of(c["day"].values.astype(np.int64))
    compliant = c["long_patrols"].values.astype(np.int64) >= MIN_PATROLS
    key = worker * 1_000_000 + (month - month.min() if len(month) else month)
    keys, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    return Table(
        "patrol_worker_month",
        {
            "worker_id": ints(worker[first]),
            "month": dates(month[first]),
            "township_code": coded(c["township_code"].categories, c["township_code"].values[first]),
            "county_code": coded(c["county_code"].categories, c["county_code"].values[first]),
            "compliant_days": ints(np.bincount(inverse, weights=compliant, minlength=len(keys)).astype(np.int64)),
        },
    )
