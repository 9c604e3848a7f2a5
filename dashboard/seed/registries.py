"""The city's fixed rows and the registries (一心, the population at the centre): counties, townships, grids,
departments, one grid worker per grid, rental houses, key and special persons and their follow-up visits.

Per-grid counts on the `grid` rows equal the registry rows generated here (rental houses, key persons, special
persons); residents and migrants stay counts. Worker shares hit the article's 37.56 % (college or above) and
34.22 % (party members) exactly when the whole city is seeded.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import shapely

from dashboard.data.vocab import Education, PersonCategory
from dashboard.seed import people
from dashboard.seed.calibration import COLLEGE_SHARE, PARTY_SHARE, share_count
from dashboard.seed.city import City
from dashboard.seed.columns import Table, bools, coded, dates, floats, ints, texts, times
from dashboard.seed.distributions import DAY, DEPARTMENTS, HOUR, MINUTE, CityClock

PROGRAMME_START = date(2017, 6, 1)  # the grid workers were hired from mid-2017 (the article)
KEY_REASONS = ("repeat_petitioner", "criminal_record", "stability_risk", "long_running_dispute")
SPECIAL_REASONS = (
    "community_correction",
    "released_prisoner",
    "drug_rehabilitation",
    "severe_mental_illness",
    "troubled_youth",
)
VISIT_NOTES = (
    "上门走访，情况稳定",
    "电话联系，无异常",
    "当面谈话，思想稳定",
    "走访家属，了解近况",
    "协助办理帮扶事项",
    "督促按时报到",
    "了解就业情况，已登记帮扶需求",
)
VISITS_PER_YEAR = {PersonCategory.KEY: 12, PersonCategory.SPECIAL: 6}  # key persons monthly, special every 2 months


def county_table(city: City) -> Table:
    counties = city.counties
    return Table(
        "county",
        {
            "code": texts([county.code for county in counties]),
            "name": texts([county.name for county in counties]),
            "name_en": texts([county.name_en for county in counties]),
            "seat_lat": floats([county.seat_lat for county in counties]),
            "seat_lon": floats([county.seat_lon for county in counties]),
        },
    )


def township_table(city: City) -> Table:
    townships = city.townships
    return Table(
        "township",
        {
            "code": texts([township.code for township in townships]),
            "county_code": texts([township.county_code for township in townships]),
            "name": texts([township.name for township in townships]),
            "name_en": texts([township.name_en for township in townships]),
            "kind": texts([township.kind for township in townships]),
        },
    )


def grid_table(city: City) -> Table:
    grids = city.grids
    geometry = shapely.to_geojson(np.array([grid.geometry for grid in grids], dtype=object))
    return Table(
        "grid",
        {
            "id": ints(city.grid_ids),
            "code": texts([grid.code for grid in grids]),
            "name": texts([grid.name for grid in grids]),
            "township_code": texts([grid.township_code for grid in grids]),
            "county_code": texts([grid.county_code for grid in grids]),
            "urban": bools(city.urban),
            "geometry": texts(geometry.tolist()),
            "centroid_lat": floats([grid.centroid_lat for grid in grids]),
            "centroid_lon": floats([grid.centroid_lon for grid in grids]),
            "area_km2": floats(city.area_km2),
            "residents": ints(city.residents),
            "migrants": ints(city.migrants),
            "key_persons": ints(city.key_persons),
            "special_persons": ints(city.special_persons),
            "rental_houses": ints(city.rental_houses),
        },
    )


def department_table() -> Table:
    platforms = [department.platform.value if department.platform else "" for department in DEPARTMENTS]
    return Table(
        "department",
        {
            "id": ints(np.arange(1, len(DEPARTMENTS) + 1)),
            "code": texts([department.code for department in DEPARTMENTS]),
            "name": texts([department.name for department in DEPARTMENTS]),
            "name_en": texts([department.name_en for department in DEPARTMENTS]),
            "platform": coded(platforms, np.arange(len(DEPARTMENTS)), np.array([not p for p in platforms])),
        },
    )


def worker_code(grid_code: str) -> str:
    """The worker's number: W and the grid code's digits, e.g. W3310041030012 for grid 331004-103-0012."""
    return "W" + grid_code.replace("-", "")


def exact_flags(rng: np.random.Generator, n: int, count: int) -> np.ndarray:
    """`count` True values among `n`, at random places."""
    flags = np.zeros(n, dtype=bool)
    flags[rng.choice(n, size=count, replace=False)] = True
    return flags


def worker_table(city: City, rng: np.random.Generator, *, today: date) -> Table:
    """One full-time worker per grid; hired since mid-2017 (some replaced later); the article's education and
    party shares, exactly."""
    n = len(city.grids)
    male = rng.random(n) < 0.55
    college = exact_flags(rng, n, share_count(n, COLLEGE_SHARE))
    party = exact_flags(rng, n, share_count(n, PARTY_SHARE))
    high_school = ~college & (rng.random(n) < 0.7)
    education = np.select([college, high_school], [0, 1], default=2)
    first_hire, last_hire = (PROGRAMME_START - people.EPOCH).days, (today - timedelta(days=30) - people.EPOCH).days
    original = first_hire + rng.integers(0, 240, n)  # the first wave, mid-2017 to early 2018
    replacement = rng.integers(first_hire + 240, max(last_hire, first_hire + 241), n)
    hired = np.where(rng.random(n) < 0.8, original, replacement)
    return Table(
        "grid_worker",
        {
            "id": ints(city.grid_ids),
            "code": texts([worker_code(grid.code) for grid in city.grids]),
            "name": texts(people.names(rng, male)),
            "phone": texts(people.phones(rng, n)),
            "grid_id": ints(city.grid_ids),
            "hire_date": dates(np.minimum(hired, last_hire)),
            "education": coded([level.value for level in Education], education),
            "party_member": bools(party),
        },
    )


def rental_house_table(city: City, rng: np.random.Generator) -> Table:
    """`city.rental_houses[g]` houses in each grid g, numbered grid by grid (ids 1..N in grid order)."""
    grid = np.repeat(np.arange(len(city.grids)), city.rental_houses)
    n = len(grid)
    township_names = [city.townships[index].name for index in city.township_of_grid[grid].tolist()]
    male = rng.random(n) < 0.6
    return Table(
        "rental_house",
        {
            "id": ints(np.arange(1, n + 1)),
            "grid_id": ints(grid + 1),
            "address": texts(people.addresses(rng, township_names)),
            "landlord_name": texts(people.names(rng, male)),
            "landlord_phone": texts(people.phones(rng, n)),
            "registered_tenants": ints(1 + rng.poisson(1.7, n)),
        },
    )


def person_table(city: City, rng: np.random.Generator, *, today: date) -> Table:
    """Key and special persons, grid by grid: `city.key_persons[g]` then `city.special_persons[g]` in each."""
    per_grid = city.key_persons + city.special_persons
    grid = np.repeat(np.arange(len(city.grids)), per_grid)
    start = np.repeat(np.cumsum(per_grid) - per_grid, per_grid)
    special = (np.arange(len(grid)) - start) >= city.key_persons[grid]
    n = len(grid)
    male = rng.random(n) < np.where(special, 0.7, 0.6)
    births = people.birth_dates(rng, n, today=today, ages=(18, 80))
    migrant = rng.random(n) < city.migrants[grid] / np.maximum(city.residents[grid] + city.migrants[grid], 1)
    key_reason = rng.integers(0, len(KEY_REASONS), n)
    special_reason = len(KEY_REASONS) + rng.integers(0, len(SPECIAL_REASONS), n)
    return Table(
        "person_of_concern",
        {
            "id": ints(np.arange(1, n + 1)),
            "grid_id": ints(grid + 1),
            "name": texts(people.names(rng, male)),
            "id_number": texts(people.id_numbers(rng, births, male, migrant=migrant)),
            "phone": texts(people.phones(rng, n)),
            "category": coded([PersonCategory.KEY.value, PersonCategory.SPECIAL.value], special.astype(np.int64)),
            "reason": coded([*KEY_REASONS, *SPECIAL_REASONS], np.where(special, special_reason, key_reason)),
        },
    )


def visit_table(persons: Table, clock: CityClock, rng: np.random.Generator, *, months: int, now: int) -> Table:
    """Follow-up visits by the grid's worker over the last `months` months: key persons monthly, special persons
    every two months, in working hours."""
    category = persons.columns["category"].values  # 0: key, 1: special
    per_year = np.where(category == 1, VISITS_PER_YEAR[PersonCategory.SPECIAL], VISITS_PER_YEAR[PersonCategory.KEY])
    count = np.maximum(1, np.round(per_year * months / 12)).astype(np.int64)
    interval = (365 * DAY) // per_year  # seconds between two visits of the same person
    phase = rng.integers(0, interval)  # how long before now each person's latest visit was
    person = np.repeat(np.arange(len(category)), count)
    nth = np.arange(len(person)) - np.repeat(np.cumsum(count) - count, count)
    moment = now - nth * interval[person] - phase[person]
    day = clock.local_days(moment)
    valid = day >= 0
    person, day = person[valid], day[valid]
    at = clock.day_starts[day] + 8 * HOUR + 30 * MINUTE + rng.integers(0, 9 * HOUR, len(day))
    keep = at <= now
    person, at = person[keep], at[keep]
    order = np.argsort(at, kind="stable")
    person, at = person[order], at[order]
    grid_id = persons.columns["grid_id"].values[person]
    return Table(
        "follow_up_visit",
        {
            "id": ints(np.arange(1, len(person) + 1)),
            "person_id": ints(person + 1),
            "worker_id": ints(grid_id),  # the grid's worker has the grid's number
            "visited_at": times(at),
            "note": coded(VISIT_NOTES, rng.integers(0, len(VISIT_NOTES), len(person))),
        },
    )
