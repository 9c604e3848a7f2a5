"""The rollups of generated rows (`incident_daily`, `hazard_daily`, the drill-down rollups), computed from the
arrays in memory.

They count exactly what `dashboard.data.rollups.rebuild_rollups` counts from the stored rows (a test holds the two
to each other), but cost a sort of the arrays instead of two GROUP BY passes over millions of rows.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from dashboard.data.rollups import DRILL_ROLLUPS, DrillRollup
from dashboard.data.zone_clock import ZoneClock
from dashboard.seed.columns import Column, Table, coded, dates, ints

Ints = npt.NDArray[np.int64]
DAY = 86_400
DENSE_KEYS = 1 << 22  # Key.group: a key space up to this size (two arrays of 16 MB) is grouped without sorting


def local_seconds(column: Column, clock: ZoneClock) -> Ints:
    """City-clock seconds since 1970 of a time column, each by the offset in force at its moment (its NULLs give
    meaningless values: mask them)."""
    return clock.local_seconds(column.values.astype(np.int64), present(column))


def city_days(column: Column, clock: ZoneClock) -> Ints:
    """City-clock days since 1970 of a time column (its NULLs give meaningless days: mask them)."""
    return np.asarray(local_seconds(column, clock) // DAY, dtype=np.int64)


def present(column: Column) -> npt.NDArray[np.bool_]:
    return np.ones(len(column), bool) if column.null is None else ~column.null


class Key:
    """Packs a few small non-negative integer columns into one int64 per row, and unpacks them again."""

    def __init__(self, bounds: Sequence[int]) -> None:
        self.bits = [max(int(bound), 1).bit_length() for bound in bounds]
        if sum(self.bits) > 62:
            raise ValueError("rollup key too wide for 64 bits")

    def pack(self, parts: Sequence[Ints]) -> Ints:
        key = np.zeros(len(parts[0]), dtype=np.int64)
        for part, bits in zip(parts, self.bits, strict=True):
            key = (key << bits) | part.astype(np.int64)
        return key

    def unpack(self, key: Ints) -> list[Ints]:
        parts = []
        for bits in reversed(self.bits):
            parts.append(key & ((1 << bits) - 1))
            key = key >> bits
        return parts[::-1]

    @property
    def space(self) -> int:
        """How many keys there can be."""
        return 1 << sum(self.bits)

    def group(self, keys: Ints) -> tuple[Ints, Ints, Ints]:
        """(the distinct keys in order, each row's position among them, one row of each distinct key). A small key
        space (the drill-down rollups': a few million keys at most) is grouped by marking the keys in an array of
        the whole space, in linear time: sorting the rows, as np.unique does, was 40 % of the rollups' time."""
        if self.space > DENSE_KEYS or len(keys) >= 1 << 31:
            unique, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
            return unique, inverse, first
        row = np.full(self.space, -1, dtype=np.int32)
        row[keys] = np.arange(len(keys), dtype=np.int32)  # a key's rows write in turn: one of them stays
        unique = np.flatnonzero(row >= 0).astype(np.int64)
        position = np.empty(self.space, dtype=np.int32)
        position[unique] = np.arange(len(unique), dtype=np.int32)
        return unique, position[keys].astype(np.int64), row[unique].astype(np.int64)


def grouped(
    name: str,
    source: Table,
    dims: Sequence[str],
    cohorts: Sequence[tuple[Ints, npt.NDArray[np.bool_], dict[str, npt.NDArray[np.bool_]]]],
    measures: Sequence[str],
) -> Table:
    """Counts per (day, *dims) over several cohorts of `source`'s rows. A cohort is (day of each row, which rows
    belong, {measure: which of those rows it counts}); measures a cohort does not name count zero for it."""
    values = [source.columns[dim].values.astype(np.int64) for dim in dims]
    first_day = min(int(days[member].min()) for days, member, _ in cohorts if member.any()) if len(source) else 0
    last_day = max(int(days[member].max()) for days, member, _ in cohorts if member.any()) if len(source) else 0
    key = Key([last_day - first_day + 1, *(int(v.max()) + 1 if len(v) else 1 for v in values)])
    keys: list[Ints] = []
    rows: list[Ints] = []
    weights: dict[str, list[npt.NDArray[np.int64]]] = {measure: [] for measure in measures}
    for days, member, counted in cohorts:
        index = np.flatnonzero(member)
        keys.append(key.pack([days[index] - first_day, *(v[index] for v in values)]))
        rows.append(index)
        for measure in measures:
            rows_counted = counted.get(measure)
            weight = np.zeros(len(index), np.int64) if rows_counted is None else rows_counted[index].astype(np.int64)
            weights[measure].append(weight)
    all_keys = np.concatenate(keys) if keys else np.zeros(0, np.int64)
    unique, inverse, first = key.group(all_keys)
    source_row = np.concatenate(rows)[first]
    day, *parts = key.unpack(unique)
    table = Table(name, {"day": dates(day + first_day)})
    for dim, part in zip(dims, parts, strict=True):
        column = source.columns[dim]
        table.columns[dim] = ints(part) if not column.categories else coded(column.categories, part)
    for dim in ("township_code", "county_code"):  # implied by the grid: taken from any of the group's rows
        table.columns[dim] = source.columns[dim].take(source_row)
    for measure in measures:
        counts = np.bincount(inverse, weights=np.concatenate(weights[measure]), minlength=len(unique))
        table.columns[measure] = ints(counts.astype(np.int64))
    return table


def incident_daily(incidents: Table, clock: ZoneClock) -> Table:
    """`incident_daily` of generated incidents: by report day (reported, resolved) and by filing day (filed,
    solved)."""
    c = incidents.columns
    solved = present(c["solved_at"])
    criminal = np.asarray(c["kind"].categories)[c["kind"].values] == "criminal"
    everyone = np.ones(len(incidents), bool)
    return grouped(
        "incident_daily",
        incidents,
        ("grid_id", "kind", "subtype", "place_type"),
        [
            (
                city_days(c["reported_at"], clock),
                everyone,
                {"reported": everyone, "resolved": solved & ~criminal},
            ),
            (city_days(c["filed_at"], clock), present(c["filed_at"]), {"filed": everyone, "solved": solved}),
        ],
        ("reported", "filed", "solved", "resolved"),
    )


def hazard_daily(hazards: Table, clock: ZoneClock) -> Table:
    """`hazard_daily` of generated hazards, by the day each was found."""
    c = hazards.columns
    rectified = present(c["rectified_at"])
    on_time = rectified & (c["rectified_at"].values.astype(np.int64) <= c["deadline"].values.astype(np.int64))
    everyone = np.ones(len(hazards), bool)
    return grouped(
        "hazard_daily",
        hazards,
        ("grid_id", "category", "severity"),
        [
            (
                city_days(c["found_at"], clock),
                everyone,
                {"found": everyone, "rectified": rectified, "rectified_on_time": on_time},
            )
        ],
        ("found", "rectified", "rectified_on_time"),
    )


def months_of(days: Ints) -> Ints:
    """The first day of each day's calendar month, as days since 1970."""
    return np.asarray(
        np.asarray(days, "datetime64[D]").astype("datetime64[M]").astype("datetime64[D]").astype(np.int64), np.int64
    )


def drill_rollup(
    incidents: Table, rollup: DrillRollup, clock: ZoneClock, local: dict[str, Ints] | None = None
) -> Table:
    """One drill-down rollup (`dashboard.data.rollups.DRILL_ROLLUPS`) of generated incidents: the same counts as
    `rebuild_drill_rollups` computes from the stored rows. `local`: the time columns' local seconds, found once for
    all the rollups (filled in as they are needed)."""
    c = incidents.columns
    local = {} if local is None else local
    solved = present(c["solved_at"])
    filed = present(c["filed_at"])
    rental = np.asarray(c["place_type"].categories)[c["place_type"].values] == "rental_housing"
    everyone = np.ones(len(incidents), bool)
    if rollup.family == "counts":
        cohorts = [
            ("reported_at", everyone, {"reported": everyone, "rental": rental}),
            ("filed_at", filed, {"filed": everyone, "solved": solved}),
        ]
    elif rollup.family == "hours":
        cohorts = [("reported_at", everyone, {"reports": everyone})]
    elif rollup.family == "rental":
        cohorts = [("reported_at", rental, {"rental": everyone})]
    else:
        cohorts = [("filed_at", filed & solved, {"cases": everyone})]
    names = (rollup.time, *rollup.keys)
    primary = [column.name for column in rollup.table.primary_key.columns]
    order = [*primary, *(name for name in names if name not in primary)]  # pack in key order: rows come out sorted
    parts: dict[str, list[Ints]] = {name: [] for name in names}
    rows: list[Ints] = []
    weights: dict[str, list[Ints]] = {measure: [] for measure in rollup.measures}
    for moment, member, counted in cohorts:
        index = np.flatnonzero(member)
        if moment not in local:
            local[moment] = local_seconds(c[moment], clock)
        seconds = local[moment][index]
        days = seconds // DAY
        for name in names:
            if name == "day":
                values = days
            elif name == "month":
                values = months_of(days)
            elif name == "hour":
                values = (seconds % DAY) // 3600
            elif name == "weekday":
                values = (days + 3) % 7  # 1970-01-01 was a Thursday
            elif name == "days":
                spent = c["solved_at"].values[index].astype(np.int64) - c["filed_at"].values[index].astype(np.int64)
                values = np.maximum(spent // DAY, 0)
            else:
                values = c[name].values[index].astype(np.int64)
            parts[name].append(np.asarray(values, np.int64))
        rows.append(index)
        for measure in rollup.measures:
            rows_counted = counted.get(measure)
            weights[measure].append(
                np.zeros(len(index), np.int64) if rows_counted is None else rows_counted[index].astype(np.int64)
            )
    columns = {name: np.concatenate(parts[name]) for name in names}
    low = {name: int(values.min()) if len(values) else 0 for name, values in columns.items()}
    key = Key([int(columns[name].max()) - low[name] + 1 if len(columns[name]) else 1 for name in order])
    packed = key.pack([columns[name] - low[name] for name in order])
    unique, inverse, _ = key.group(packed)
    table = Table(rollup.name)
    for name, part in zip(order, key.unpack(unique), strict=True):
        values = part + low[name]
        if name in ("day", "month"):
            table.columns[name] = dates(values)
        elif name in c and c[name].categories:
            table.columns[name] = coded(c[name].categories, values)
        else:
            table.columns[name] = ints(values)
    for measure in rollup.measures:
        counts = np.bincount(inverse, weights=np.concatenate(weights[measure]), minlength=len(unique))
        table.columns[measure] = ints(counts.astype(np.int64))
    return table


def drill_rollups(incidents: Table, clock: ZoneClock) -> list[Table]:
    """Every drill-down rollup of generated incidents."""
    local: dict[str, Ints] = {}
    return [drill_rollup(incidents, rollup, clock, local) for rollup in DRILL_ROLLUPS]
