"""The two wings over the past three calendar years and the current year to date: incidents (案事件) and hazards
(隐患), as columns ready for the bulk writers.

Incidents are drawn kind by kind: how many (per year, county and subtype), when (the kind's rhythm), where (the
subtype's hotspots), at which place, then their timeline (dispatch, handling, filing, solving or resolving,
closing) as it stands at `now`. In the headline period and its baseline the counts that make the article's figures
are not drawn but fixed (`calibration`): criminal cases filed and solved per county, and cases in rental housing
per county, chosen among the incidents by weighted sampling without replacement.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from dashboard.data.periods import Period, comparable_as_of
from dashboard.data.report_texts import report_text
from dashboard.data.routing import get_routing
from dashboard.data.vocab import (
    HazardCategory,
    HazardSeverity,
    HazardStatus,
    IncidentKind,
    IncidentStatus,
    PlaceType,
    ReportSource,
)
from dashboard.formatting import headline_period
from dashboard.seed import calibration as cal
from dashboard.seed.city import City
from dashboard.seed.columns import Column, Table, coded, floats, ints, numbered, times
from dashboard.seed.distributions import (
    DAY,
    DEADLINE_TO_SUPERVISED_RECTIFIED,
    DEPARTMENT_ID,
    DISPATCH_TO_HANDLING,
    FILING_TO_SOLVED,
    FOUND_TO_RECTIFYING,
    HANDLING_TO_RESOLVED,
    HAZARD_SUBTYPE_MIX,
    INCIDENT_SUBTYPE_MIX,
    MAJOR_HAZARD_SHARE,
    PLACE_INDEX,
    PLACES,
    RECTIFIED_TO_CLOSED,
    RECTIFY_FRACTION,
    REPORT_TO_DISPATCH,
    REPORT_TO_FILING,
    RESOLVE_PROBABILITY,
    RESOLVED_TO_CLOSED,
    RHYTHMS,
    SOLVABILITY,
    SOURCE_MIX,
    SUPERVISED_SHARE,
    UNRESOLVED_CLOSE_FRACTION,
    CityClock,
    GridFeatures,
    HourlyWeights,
    PointSampler,
    grid_weights,
    place_probabilities,
    sample_rows,
)

log = logging.getLogger(__name__)

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

NULL = np.iinfo(np.int64).min  # a time that did not happen (yet)
# Seeded event ids are UUIDs, as a phone's are, numbered in their last group: an update through the ingest API (the
# simulator's follow-ups of the seeded backlog) names its record by one.
SEEDED_INCIDENT_IDS = "5eed0001-0000-4000-8000-"
SEEDED_HAZARD_IDS = "5eed0002-0000-4000-8000-"
YEARS_BACK = 3  # the past three calendar years, plus the current year to date
BASELINE_SOLVE_RATE = 0.52  # the city's solve rate in the baseline period, as counted at the same moment last year
COUNTY_SPREAD = 0.12  # how far a county's change strays from the city's (log-ratio standard deviation)
SOLVE_SPREAD = 0.05  # how far a county's solve rate strays from the city's (rate standard deviation)


@dataclass(frozen=True)
class Window:
    """The span the history covers, on the city's clock: 1 January three years back up to `now` (UTC seconds),
    with the headline period and its baseline (same span last year)."""

    today: date
    now: int
    zone: str

    @classmethod
    def ending(cls, today: date, zone: str, now: datetime | None = None) -> Window:
        """The window for `today`; `now` (aware or naive UTC) defaults to the current time, and is capped at the
        end of `today` (a past `today` gets its whole day)."""
        tz = ZoneInfo(zone)
        end_of_today = int(datetime.combine(today + timedelta(days=1), time(), tz).timestamp()) - 1
        current = now or datetime.now(UTC)
        current = current if current.tzinfo else current.replace(tzinfo=UTC)
        moment = int(current.timestamp())
        if moment < int(datetime.combine(today, time(), tz).timestamp()):
            raise ValueError(f"today {today} is in the future (it is {current.astimezone(tz):%Y-%m-%d %H:%M} now)")
        return cls(today, min(moment, end_of_today), zone)

    @cached_property
    def clock(self) -> CityClock:
        return CityClock(self.zone, date(self.today.year - YEARS_BACK, 1, 1), date(self.today.year, 12, 31))

    @property
    def start(self) -> int:
        return int(self.clock.day_starts[0])

    @cached_property
    def headline(self) -> tuple[Period, bool]:
        """The period the headline figures cover and whether it is the early-year fallback (the last full year)."""
        return headline_period(self.today)

    @property
    def current(self) -> Period:
        return self.headline[0]

    @property
    def baseline(self) -> Period:
        return self.current.same_period_last_year()

    @cached_property
    def baseline_now(self) -> int:
        """The moment the baseline's solved cases are counted at, like for like with `now` (UTC seconds)."""
        moment = datetime.fromtimestamp(self.now, UTC).replace(tzinfo=None)
        return int(comparable_as_of(self.current, self.baseline, moment, self.zone).replace(tzinfo=UTC).timestamp())

    def bounds(self, period: Period) -> tuple[int, int]:
        """[start, end) of a period in UTC seconds, the end capped just after `now`."""
        return self.clock.midnight(period.start), min(self.clock.midnight(period.end), self.now + 1)

    def segments(self) -> list[tuple[int, int, str]]:
        """The window cut at the baseline and current periods: (start, end, role), role one of 'free',
        'baseline', 'current'."""
        cuts = [(*self.bounds(self.baseline), "baseline"), (*self.bounds(self.current), "current")]
        result: list[tuple[int, int, str]] = []
        cursor = self.start
        for start, end, role in cuts:
            if start > cursor:
                result.append((cursor, start, "free"))
            result.append((start, end, role))
            cursor = end
        if cursor < self.now + 1:
            result.append((cursor, self.now + 1, "free"))
        return result


@dataclass(frozen=True)
class Plan:
    """The counts fixed in advance for the headline period (`current`) and its `baseline`, city-wide and per
    county (arrays in county order)."""

    filed: tuple[int, int]  # criminal cases filed (baseline, current)
    solved: tuple[int, int]
    rental: tuple[int, int]
    filed_by_county: tuple[IntArray, IntArray]
    solved_by_county: tuple[IntArray, IntArray]
    rental_by_county: tuple[IntArray, IntArray] = field(default=(np.zeros(0, np.int64), np.zeros(0, np.int64)))


# ---------------------------------------------------------------------------------------------------------- helpers


def county_spans(city: City) -> tuple[IntArray, IntArray]:
    """First and one-past-last grid position of each county (grids are ordered by code, so by county)."""
    counties = np.arange(len(city.counties))
    return (
        np.searchsorted(city.county_of_grid, counties, side="left").astype(np.int64),
        np.searchsorted(city.county_of_grid, counties, side="right").astype(np.int64),
    )


def grids_in_counties(
    rng: np.random.Generator, weights: FloatArray, county: IntArray, spans: tuple[IntArray, IntArray]
) -> IntArray:
    """A grid for each event, inside its county, with chances proportional to `weights`."""
    first, last = spans
    cumulative = np.cumsum(weights)
    below = np.where(first > 0, cumulative[np.maximum(first - 1, 0)], 0.0)[county]
    total = cumulative[last - 1][county] - below
    chosen = np.searchsorted(cumulative, below + rng.random(len(county)) * total, side="right")
    return np.clip(chosen, first[county], last[county] - 1).astype(np.int64)


def county_shares(weights: FloatArray, spans: tuple[IntArray, IntArray]) -> FloatArray:
    """Share of the city's weight in each county."""
    first, last = spans
    cumulative = np.concatenate([[0.0], np.cumsum(weights)])
    totals = cumulative[last] - cumulative[first]
    return totals / totals.sum() if totals.sum() else totals  # type: ignore[no-any-return]


def top_k(rng: np.random.Generator, weights: FloatArray, group: IntArray, k: IntArray) -> BoolArray:
    """Exactly `k[g]` members of each group g, drawn without replacement with chances proportional to `weights`
    (Efraimidis–Spirakis keys). Members of weight 0 are taken only when a group has too few others."""
    with np.errstate(divide="ignore"):
        keys = np.log(rng.random(len(weights))) / np.where(weights > 0, weights, 1.0)
    keys = np.where(weights > 0, keys, -np.inf)
    order = np.lexsort((-keys, group))
    sorted_group = group[order]
    rank = np.arange(len(order)) - np.searchsorted(sorted_group, sorted_group, side="left")
    chosen = np.zeros(len(weights), dtype=bool)
    chosen[order[rank < k[sorted_group]]] = True
    return chosen


def categorical(rng: np.random.Generator, mix: dict[str, float] | dict[ReportSource, float], n: int) -> IntArray:
    shares = np.array(list(mix.values()), dtype=np.float64)
    return rng.choice(len(shares), size=n, p=shares / shares.sum()).astype(np.int64)


def later(start: IntArray, delay: IntArray, happens: BoolArray, now: int) -> IntArray:
    """`start + delay` where the step happens, started and is reached by `now`; NULL elsewhere."""
    moment = np.where(happens & (start != NULL), start + delay, NULL)
    return np.where((moment != NULL) & (moment <= now), moment, NULL)


def in_span(moments: IntArray, span: tuple[int, int]) -> BoolArray:
    return (moments >= span[0]) & (moments < span[1])


SUMMARY_VARIANTS = 2  # texts per subtype in the dictionary of the summary column


def padded_variants(subtype: str) -> list[str]:
    """SUMMARY_VARIANTS texts of the subtype (repeated when it has fewer)."""
    return [report_text(subtype, variant) for variant in range(SUMMARY_VARIANTS)]


def record_table(
    table_name: str,
    event_prefix: str,
    city: City,
    rng: np.random.Generator,
    *,
    subtypes: list[str],
    subtype: IntArray,
    grid: IntArray,
    department: IntArray,
    at: IntArray,
    what: dict[str, Column],
    how: dict[str, Column],
) -> Table:
    """Incident or hazard rows: ids, `what` it is, where (grid, township, county, a point drawn in the grid cell),
    `how` it stands, the department and the worker's summary (report_texts: one of its subtype's texts, by row
    number, so no draw is spent on it); in order of `at`, ids 1..N."""
    n = len(subtype)
    lon, lat = PointSampler(city).sample(rng, grid)
    township = city.township_of_grid[grid]
    summaries = [text for name in subtypes for text in padded_variants(name)]
    rows = Table(
        table_name,
        {
            "id": ints(np.arange(1, n + 1)),
            "event_id": numbered(event_prefix, np.arange(1, n + 1), 12),
            **what,
            "grid_id": ints(grid + 1),
            "township_code": coded([town.code for town in city.townships], township),
            "county_code": coded([county.code for county in city.counties], city.county_of_grid[grid]),
            "lat": floats(lat),
            "lon": floats(lon),
            **how,
            "department_id": ints(department),
            "summary": coded(summaries, subtype * SUMMARY_VARIANTS + np.arange(n) % SUMMARY_VARIANTS),
        },
    )
    ordered = rows.take(np.argsort(at, kind="stable"))
    ordered.columns["id"] = rows.columns["id"]  # numbered in that order, not in the order drawn
    ordered.columns["event_id"] = rows.columns["event_id"]
    return ordered


# ---------------------------------------------------------------------------------------------------------- incidents


@dataclass
class Draw:
    """Incidents drawn so far: kind, subtype (index into `subtypes`), county, report time and filing time (NULL
    except for criminal cases)."""

    kind: list[IntArray] = field(default_factory=list)
    subtype: list[IntArray] = field(default_factory=list)
    county: list[IntArray] = field(default_factory=list)
    reported: list[IntArray] = field(default_factory=list)
    filed: list[IntArray] = field(default_factory=list)

    def add(self, kind: int, subtype: IntArray, county: IntArray, reported: IntArray, filed: IntArray) -> None:
        self.kind.append(np.full(len(subtype), kind, dtype=np.int64))
        self.subtype.append(subtype)
        self.county.append(county)
        self.reported.append(reported)
        self.filed.append(filed)


def filed_in(
    rng: np.random.Generator, hourly: HourlyWeights, n: int, span: tuple[int, int], earliest: int
) -> tuple[IntArray, IntArray]:
    """(reported, filed) of `n` criminal cases filed in `span`: reports follow the crime rhythm, filing follows
    the report after `REPORT_TO_FILING` (reports up to a week before the span are filed in it)."""
    start, end = span
    reported_parts: list[IntArray] = []
    filed_parts: list[IntArray] = []
    need = n
    while need > 0:
        tries = int(need * 1.5) + 16
        reported = hourly.sample(rng, tries, max(start - 7 * DAY, earliest), end)
        filed = reported + REPORT_TO_FILING.sample(rng, tries)
        accepted = np.flatnonzero((filed >= start) & (filed < end))[:need]
        reported_parts.append(reported[accepted])
        filed_parts.append(filed[accepted])
        need -= len(accepted)
    return np.concatenate([np.zeros(0, np.int64), *reported_parts]), np.concatenate(
        [np.zeros(0, np.int64), *filed_parts]
    )


class IncidentHistory:
    """Draws the incidents of a window for a city and a profile's volumes; `plan` holds the calibrated counts."""

    KINDS: tuple[IncidentKind, ...] = tuple(IncidentKind)

    def __init__(
        self,
        city: City,
        window: Window,
        *,
        criminal_per_year: int,
        per_year: dict[IncidentKind, int],
        rng: np.random.Generator,
    ) -> None:
        self.city, self.window, self.rng = city, window, rng
        self.features = GridFeatures.of(city)
        self.spans = county_spans(city)
        self.subtypes = [name for kind in self.KINDS for name in INCIDENT_SUBTYPE_MIX[kind]]
        self.subtype_index = {name: index for index, name in enumerate(self.subtypes)}
        self.weights = {name: grid_weights(self.features, name) for name in self.subtypes}
        self.criminal_per_year = criminal_per_year
        self.per_year = per_year

    # ---- how many

    def kind_county_mix(self, kind: IncidentKind) -> tuple[list[str], FloatArray]:
        """Subtypes of a kind and the (subtype, county) probabilities of an event of that kind."""
        names = list(INCIDENT_SUBTYPE_MIX[kind])
        mix = np.array([INCIDENT_SUBTYPE_MIX[kind][name] for name in names])
        shares = np.array([county_shares(self.weights[name], self.spans) for name in names])
        joint = (mix / mix.sum())[:, None] * shares
        return names, joint / joint.sum()

    def criminal_plan(self, hourly: HourlyWeights) -> tuple[Plan, dict[int, float]]:
        """The calibrated criminal counts, and the criminal volume of each year (lower from the headline year)."""
        window = self.window
        before = {
            year: float(self.criminal_per_year) for year in range(window.clock.first_day.year, window.today.year + 1)
        }
        expected = hourly.expected(*window.bounds(window.baseline), before)
        filed = cal.count_pair(max(round(expected), 1), cal.CRIMINAL_FILED)
        _, joint = self.kind_county_mix(IncidentKind.CRIMINAL)
        by_county = cal.split_counts(
            self.rng, filed, joint.sum(axis=0), spread=COUNTY_SPREAD, decimals=cal.CRIMINAL_FILED.decimals
        )
        solved = cal.solved_pair(filed, BASELINE_SOLVE_RATE, cal.SOLVE_RATE, window.current)
        solved_by_county = cal.split_solved(self.rng, by_county, solved, spread=SOLVE_SPREAD, period=window.current)
        at_before_level = hourly.expected(*window.bounds(window.current), before)
        after = self.criminal_per_year * filed[1] / max(at_before_level, 1.0)
        volumes = {year: (after if year >= window.current.start.year else volume) for year, volume in before.items()}
        return Plan(filed, solved, (0, 0), by_county, solved_by_county), volumes

    def draw_counts(
        self,
        draw: Draw,
        kind: IncidentKind,
        hourly: HourlyWeights,
        volumes: dict[int, float],
        fixed: dict[str, IntArray],
    ) -> None:
        """Draw one kind over every segment: fixed per-county counts where given (by role), Poisson elsewhere."""
        names, joint = self.kind_county_mix(kind)
        codes = np.array([self.subtype_index[name] for name in names])
        n_counties = len(self.city.counties)
        for start, end, role in self.window.segments():
            if role in fixed:
                per_county = fixed[role]
                counts = np.stack(
                    [self.rng.multinomial(int(n), joint[:, c] / joint[:, c].sum()) for c, n in enumerate(per_county)],
                    axis=1,
                )
            else:
                counts = self.rng.poisson(hourly.expected(start, end, volumes) * joint)
            flat = counts.ravel()  # subtype-major, county-minor
            subtype = np.repeat(np.repeat(codes, n_counties), flat)
            county = np.repeat(np.tile(np.arange(n_counties), len(names)), flat)
            total = int(flat.sum())
            if kind is IncidentKind.CRIMINAL:  # the segment holds the cases filed in it
                reported, filed = filed_in(self.rng, hourly, total, (start, end), self.window.start)
            else:
                reported, filed = hourly.sample(self.rng, total, start, end), np.full(total, NULL, dtype=np.int64)
            draw.add(self.KINDS.index(kind), subtype, county, reported, filed)

    # ---- the whole table

    def generate(self) -> tuple[Table, Plan]:
        window, rng, _city = self.window, self.rng, self.city
        draw = Draw()
        plan: Plan | None = None
        for kind_name in self.KINDS:
            hourly = HourlyWeights(window.clock, RHYTHMS[kind_name])
            if kind_name is IncidentKind.CRIMINAL:
                plan, volumes = self.criminal_plan(hourly)
                fixed = {"baseline": plan.filed_by_county[0], "current": plan.filed_by_county[1]}
            else:
                volumes = {
                    year: float(self.per_year[kind_name])
                    for year in range(window.clock.first_day.year, window.today.year + 1)
                }
                fixed = {}
            self.draw_counts(draw, kind_name, hourly, volumes, fixed)
        assert plan is not None
        kind = np.concatenate(draw.kind)
        subtype = np.concatenate(draw.subtype)
        county = np.concatenate(draw.county)
        reported = np.concatenate(draw.reported)
        filed = np.concatenate(draw.filed)
        n = len(kind)
        grid = np.zeros(n, dtype=np.int64)
        for code, name in enumerate(self.subtypes):
            members = np.flatnonzero(subtype == code)
            grid[members] = grids_in_counties(rng, self.weights[name], county[members], self.spans)

        criminal = kind == self.KINDS.index(IncidentKind.CRIMINAL)
        place, plan = self.places(subtype, grid, county, reported, plan)
        solved = self.solve_times(subtype, county, filed, criminal, plan)
        return self.table(kind, subtype, grid, reported, filed, solved, place), plan

    def places(
        self, subtype: IntArray, grid: IntArray, county: IntArray, reported: IntArray, plan: Plan
    ) -> tuple[IntArray, Plan]:
        """Place type of every incident; the rental-housing counts of the baseline and current periods fixed."""
        rng, window = self.rng, self.window
        n = len(subtype)
        probabilities = np.zeros((n, len(PLACES)))
        for code, name in enumerate(self.subtypes):
            members = np.flatnonzero(subtype == code)
            if len(members):
                probabilities[members] = place_probabilities(self.features, self.city.port, name, grid[members])
        rental_column = PLACE_INDEX[PlaceType.RENTAL_HOUSING]
        p_rental = probabilities[:, rental_column]
        role = np.full(n, -1, dtype=np.int64)
        role[in_span(reported, window.bounds(window.baseline))] = 0
        role[in_span(reported, window.bounds(window.current))] = 1
        n_counties = len(self.city.counties)
        pooled = role >= 0
        group = np.where(pooled, role * n_counties + county, 0)
        expected = np.bincount(group[pooled], weights=p_rental[pooled], minlength=2 * n_counties)
        candidates = np.bincount(group[pooled & (p_rental > 0)], minlength=2 * n_counties)
        rental_pair = cal.count_pair(max(round(expected[:n_counties].sum()), 1), cal.RENTAL_CASES)
        by_county = cal.split_counts(
            rng,
            rental_pair,
            expected[:n_counties].astype(np.float64),
            spread=COUNTY_SPREAD / 2,
            decimals=cal.RENTAL_CASES.decimals,
            caps=(candidates[:n_counties], candidates[n_counties:]),
        )
        target = np.concatenate(by_county)
        rental = np.zeros(n, dtype=bool)
        pool_index = np.flatnonzero(pooled)
        rental[pool_index] = top_k(rng, p_rental[pool_index], group[pool_index], target)
        free = ~pooled
        rental[free] = rng.random(int(free.sum())) < p_rental[free]
        others = probabilities.copy()
        others[:, rental_column] = 0.0
        place = sample_rows(rng, others)
        place[rental] = rental_column
        plan = Plan(plan.filed, plan.solved, rental_pair, plan.filed_by_county, plan.solved_by_county, by_county)
        return place, plan

    def solve_times(
        self, subtype: IntArray, county: IntArray, filed: IntArray, criminal: BoolArray, plan: Plan
    ) -> IntArray:
        """When each criminal case was solved (NULL: not yet): exact counts per county in the two periods, the
        baseline's counted like for like (solved by the same moment last year); of the baseline's other cases, some
        are solved in the year since, as late cases are."""
        rng, window = self.rng, self.window
        solvability = np.array([SOLVABILITY.get(name, 0.0) for name in self.subtypes])[subtype]
        n_counties = len(self.city.counties)
        role = np.full(len(filed), -1, dtype=np.int64)
        role[criminal & in_span(filed, window.bounds(window.baseline))] = 0
        role[criminal & in_span(filed, window.bounds(window.current))] = 1
        cutoff = np.where(role == 0, window.baseline_now, window.now)
        age = np.where(criminal, cutoff - filed, 0)  # how long each case had to be solved by its period's cut-off
        pooled = role >= 0
        index = np.flatnonzero(pooled)
        weights = solvability[index] * FILING_TO_SOLVED.cdf(age[index])
        chosen = top_k(rng, weights, role[index] * n_counties + county[index], np.concatenate(plan.solved_by_county))
        solved = np.full(len(filed), NULL, dtype=np.int64)
        picked = index[chosen]
        solved[picked] = filed[picked] + FILING_TO_SOLVED.sample(rng, len(picked), at_most=age[picked])
        late = index[~chosen & (role[index] == 0)]
        solved_later = rng.random(len(late)) < solvability[late] * (1.0 - FILING_TO_SOLVED.cdf(age[late]))
        solved[late] = later(filed[late], FILING_TO_SOLVED.sample_beyond(rng, age[late]), solved_later, window.now)
        free = np.flatnonzero(criminal & ~pooled)
        eventually = rng.random(len(free)) < solvability[free]
        solved[free] = later(filed[free], FILING_TO_SOLVED.sample(rng, len(free)), eventually, window.now)
        return solved

    def table(
        self,
        kind: IntArray,
        subtype: IntArray,
        grid: IntArray,
        reported: IntArray,
        filed: IntArray,
        solved: IntArray,
        place: IntArray,
    ) -> Table:
        """Timelines, statuses and the other columns; rows in order of report time, ids 1..N."""
        rng, _window, city, now = self.rng, self.window, self.city, self.window.now
        n = len(kind)
        criminal = kind == self.KINDS.index(IncidentKind.CRIMINAL)
        dispatched = later(reported, REPORT_TO_DISPATCH.sample(rng, n), np.ones(n, bool), now)
        handling = later(dispatched, DISPATCH_TO_HANDLING.sample(rng, n), np.ones(n, bool), now)
        gives_up = criminal.copy()  # may close without a result: criminal cases not solved, disputes not resolved
        for code, kind_name in enumerate(self.KINDS):
            if kind_name is IncidentKind.CRIMINAL:
                continue
            members = np.flatnonzero(kind == code)
            eventually = rng.random(len(members)) < RESOLVE_PROBABILITY[kind_name]
            gives_up[members] = ~eventually
            delay = HANDLING_TO_RESOLVED[kind_name].sample(rng, len(members))
            solved[members] = later(handling[members], delay, eventually, now)
        # A case solved within minutes was being handled by then: keep the steps in order.
        has_solved = solved != NULL
        handling = np.where(has_solved & ((handling == NULL) | (handling > solved)), solved, handling)
        dispatched = np.where(
            (handling != NULL) & ((dispatched == NULL) | (dispatched > handling)), handling, dispatched
        )
        closed = later(solved, RESOLVED_TO_CLOSED.sample(rng, n), has_solved, now)
        source_mix = np.zeros((n, len(ReportSource)))
        sources = list(ReportSource)
        for code, kind_name in enumerate(self.KINDS):
            for name, share in SOURCE_MIX[kind_name].items():
                source_mix[kind == code, sources.index(name)] = share
        source = sample_rows(rng, source_mix)
        routes = [
            get_routing().incident(kind_name, name)
            for kind_name in self.KINDS
            for name in INCIDENT_SUBTYPE_MIX[kind_name]
        ]
        department = np.array([DEPARTMENT_ID[route.department] for route in routes])[subtype]  # the routing matrix
        deadline = reported + np.array([int(route.deadline.total_seconds()) for route in routes])[subtype]
        offsets = np.concatenate([[0], np.cumsum(city.rental_houses)[:-1]])
        is_rental = place == PLACE_INDEX[PlaceType.RENTAL_HOUSING]
        house = offsets[grid] + 1 + (rng.random(n) * np.maximum(city.rental_houses[grid], 1)).astype(np.int64)
        # A case the platform cannot solve or resolve is closed all the same: a criminal case handed over to the
        # police's own investigation (移交侦查), a dispute whose mediation failed referred to the courts (引导诉讼)
        # or ended. As with hazards, most close within the time the routing matrix allows and the rest within three
        # times it, so the open ones are recent and a small share of them overdue. Drawn last: the rows above, and
        # so the calibrated figures, stay as they were.
        allowed = deadline - reported
        without_result = reported + (UNRESOLVED_CLOSE_FRACTION.sample_values(rng, n) * allowed).astype(np.int64)
        ends = gives_up & ~has_solved & (closed == NULL) & (without_result <= now)
        closed = np.where(ends, without_result, closed)
        handling = np.where(ends & (handling != NULL) & (handling > closed), closed, handling)
        dispatched = np.where(ends & (dispatched != NULL) & (dispatched > closed), closed, dispatched)
        status = np.select(
            [closed != NULL, has_solved & criminal, has_solved, handling != NULL, dispatched != NULL],
            [5, 3, 4, 2, 1],
            default=0,
        )  # indices into IncidentStatus
        return record_table(
            "incident",
            SEEDED_INCIDENT_IDS,
            city,
            rng,
            subtypes=self.subtypes,
            subtype=subtype,
            grid=grid,
            department=department,
            at=reported,
            what={"kind": coded([k.value for k in self.KINDS], kind), "subtype": coded(self.subtypes, subtype)},
            how={
                "place_type": coded([place_type.value for place_type in PLACES], place),
                "rental_house_id": ints(np.where(is_rental, house, 0), ~is_rental),
                "source": coded([s.value for s in sources], source),
                "status": coded([s.value for s in IncidentStatus], status),
                "reported_at": times(reported),
                "filed_at": times(np.where(criminal, filed, 0), ~criminal),
                "dispatched_at": times(dispatched, dispatched == NULL),
                "handling_at": times(handling, handling == NULL),
                "solved_at": times(solved, solved == NULL),
                "closed_at": times(closed, closed == NULL),
                "deadline": times(deadline),
            },
        )


def generate_incidents(
    city: City, window: Window, *, criminal_per_year: int, per_year: dict[IncidentKind, int], rng: np.random.Generator
) -> tuple[Table, Plan]:
    """All incidents of the window, and the counts fixed for the headline figures."""
    history = IncidentHistory(city, window, criminal_per_year=criminal_per_year, per_year=per_year, rng=rng)
    return history.generate()


# ---------------------------------------------------------------------------------------------------------- hazards


def generate_hazards(
    city: City, window: Window, *, per_year: dict[HazardCategory, int], rng: np.random.Generator
) -> Table:
    """Hazards found on patrol over the window, with deadlines by severity and rectification as of `now`."""
    features = GridFeatures.of(city)
    spans = county_spans(city)
    hourly = HourlyWeights(window.clock, RHYTHMS["hazard"])
    categories = list(HazardCategory)
    subtypes = [name for category in categories for name in HAZARD_SUBTYPE_MIX[category]]
    category_of = np.array([categories.index(c) for c in categories for _ in HAZARD_SUBTYPE_MIX[c]])
    years = range(window.clock.first_day.year, window.today.year + 1)
    parts: list[tuple[IntArray, IntArray, IntArray]] = []
    n_counties = len(city.counties)
    for category in categories:
        mix = HAZARD_SUBTYPE_MIX[category]
        names = list(mix)
        weights = [grid_weights(features, name) for name in names]
        joint = np.array([share * county_shares(w, spans) for share, w in zip(mix.values(), weights, strict=True)])
        joint = joint / joint.sum()
        expected = hourly.expected(window.start, window.now + 1, {year: float(per_year[category]) for year in years})
        counts = rng.poisson(expected * joint)
        for row, name in enumerate(names):
            county = np.repeat(np.arange(n_counties), counts[row])
            grid = grids_in_counties(rng, weights[row], county, spans)
            code = np.full(len(grid), subtypes.index(name), dtype=np.int64)
            parts.append((code, grid, hourly.sample(rng, len(grid), window.start, window.now + 1)))
    subtype = np.concatenate([part[0] for part in parts])
    grid = np.concatenate([part[1] for part in parts])
    found = np.concatenate([part[2] for part in parts])
    return hazard_rows(city, window, subtypes, category_of, subtype, grid, found, rng)


def hazard_rows(
    city: City,
    window: Window,
    subtypes: list[str],
    category_of: IntArray,
    subtype: IntArray,
    grid: IntArray,
    found: IntArray,
    rng: np.random.Generator,
) -> Table:
    """Severity, deadline, rectification timeline and status; rows in order of finding, ids 1..N."""
    now, n = window.now, len(subtype)
    categories = list(HazardCategory)
    category = category_of[subtype]
    major_share = np.array([MAJOR_HAZARD_SHARE[c] for c in categories])[category]
    major = rng.random(n) < major_share
    routing = get_routing()  # deadlines and departments by the routing matrix, as live reports get them
    allowed = {
        severity: np.array(
            [
                routing.hazard(categories[category_of[code]], name, severity).deadline.days
                for code, name in enumerate(subtypes)
            ]
        )[subtype]
        for severity in HazardSeverity
    }
    days = np.where(major, allowed[HazardSeverity.MAJOR], allowed[HazardSeverity.GENERAL])
    deadline = found + days * 86400
    # Most are put right within the time allowed, some late; the supervised few months past the deadline. Every
    # hazard closes in the end, so the open ones are the recent ones and a small, long-overdue supervised set.
    supervised = rng.random(n) < SUPERVISED_SHARE
    taken = (RECTIFY_FRACTION.sample_values(rng, n) * days * 86400).astype(np.int64)
    taken = np.where(supervised, days * 86400 + DEADLINE_TO_SUPERVISED_RECTIFIED.sample(rng, n), taken)
    rectified = later(found, taken, np.ones(n, dtype=bool), now)
    starts = ~supervised | (rng.random(n) < 0.5)  # half the supervised ones wait for the higher level to act
    rectifying = later(found, FOUND_TO_RECTIFYING.sample(rng, n), starts, now)
    rectifying = np.where(
        (rectified != NULL) & ((rectifying == NULL) | (rectifying > rectified)), rectified, rectifying
    )
    closed = later(rectified, RECTIFIED_TO_CLOSED.sample(rng, n), rectified != NULL, now)
    status = np.select([closed != NULL, rectified != NULL, rectifying != NULL], [3, 2, 1], default=0)
    department = np.array(
        [
            DEPARTMENT_ID[routing.hazard(categories[category_of[code]], name, HazardSeverity.GENERAL).department]
            for code, name in enumerate(subtypes)
        ]
    )[subtype]
    return record_table(
        "hazard",
        SEEDED_HAZARD_IDS,
        city,
        rng,
        subtypes=subtypes,
        subtype=subtype,
        grid=grid,
        department=department,
        at=found,
        what={
            "category": coded([c.value for c in categories], category),
            "subtype": coded(subtypes, subtype),
            "severity": coded([s.value for s in HazardSeverity], major.astype(np.int64)),
        },
        how={
            "status": coded([s.value for s in HazardStatus], status),
            "found_at": times(found),
            "deadline": times(deadline),
            "rectifying_at": times(rectifying, rectifying == NULL),
            "rectified_at": times(rectified, rectified == NULL),
            "closed_at": times(closed, closed == NULL),
        },
    )
