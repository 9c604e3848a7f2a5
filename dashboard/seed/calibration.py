"""Whole numbers that make the query layer print the article's figures exactly, city-wide, while each county
has a change of its own.

The figures (year over year, same period): criminal cases filed −37.34 %, solve rate +4.76 points, cases in
rental housing −20.8 %, at the printed precision. The query layer computes them from counts
(`dashboard.data.queries`), so the seeder picks the counts here, with the query layer's own arithmetic, and then
generates exactly that many rows. Worker shares (37.56 % college or above, 34.22 % party members) work the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from dashboard.data.periods import Period
from dashboard.data.queries import CaseCounts, percent_change, point_change
from dashboard.formatting import signed
from dashboard.seed.city import largest_remainder

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

SAFETY = 0.4  # how far inside the rounding interval a value must lie (in units of the last printed digit)
MAX_REDRAWS = 200


@dataclass(frozen=True)
class Figure:
    """One printed figure: its value and how many decimals the article prints."""

    value: float
    decimals: int


CRIMINAL_FILED = Figure(-37.34, 2)  # percent
SOLVE_RATE = Figure(4.76, 2)  # percentage points
RENTAL_CASES = Figure(-20.8, 1)  # percent
COLLEGE_SHARE = Figure(37.56, 2)  # percent of grid workers
PARTY_SHARE = Figure(34.22, 2)  # percent of grid workers


def hits(value: float | None, figure: Figure, *, margin: float = SAFETY) -> bool:
    """True when `value` prints as the figure (by round() and as formatted on screen), at most `margin` units of
    the last printed digit away from it (0.5: anywhere that rounds to it; less keeps clear of the edges)."""
    if value is None:
        return False
    unit = 10.0**-figure.decimals
    return (
        round(value, figure.decimals) == figure.value
        and signed(value, figure.decimals) == signed(figure.value, figure.decimals)
        and abs(value - figure.value) <= margin * unit
    )


def count_pair(baseline_near: int, figure: Figure) -> tuple[int, int]:
    """(baseline, current) with `percent_change(current, baseline)` hitting `figure`, the baseline as close to
    `baseline_near` as possible (at or above it first)."""
    for offset in range(max(baseline_near, 1) * 4):
        for baseline in (baseline_near + offset, baseline_near - offset):
            if baseline <= 0:
                continue
            guess = round(baseline * (1 + figure.value / 100))
            for current in (guess, guess - 1, guess + 1):
                if current >= 0 and hits(percent_change(current, baseline), figure):
                    return baseline, current
    raise ValueError(f"no whole numbers near {baseline_near} give {figure.value}%")


def share_count(total: int, figure: Figure) -> int:
    """How many of `total` make `100 * count / total` print as the figure (the nearest such count)."""
    guess = round(total * figure.value / 100)
    for offset in range(total + 1):
        for count in (guess + offset, guess - offset):
            if 0 <= count <= total and hits(100.0 * count / total, figure, margin=0.5):
                return count
    raise ValueError(f"no count out of {total} prints as {figure.value}%")


def solved_pair(filed: tuple[int, int], baseline_rate: float, figure: Figure, period: Period) -> tuple[int, int]:
    """(solved at baseline, solved now) for (filed at baseline, filed now), the baseline solve rate close to
    `baseline_rate`, the change in points hitting `figure` through `CaseCounts.solve_rate`."""
    filed_base, filed_now = filed
    start = round(filed_base * baseline_rate)
    for offset in range(filed_base + 1):
        for solved_base in (start + offset, start - offset):
            if not 0 < solved_base <= filed_base:
                continue
            base_rate = CaseCounts(period, filed_base, solved_base, 0).solve_rate
            guess = round(filed_now * ((base_rate or 0.0) + figure.value) / 100)
            for solved_now in (guess, guess - 1, guess + 1):
                if not 0 <= solved_now <= filed_now:
                    continue
                now_rate = CaseCounts(period, filed_now, solved_now, 0).solve_rate
                if hits(point_change(now_rate, base_rate), figure):
                    return solved_base, solved_now
    raise ValueError(f"no solve counts for {filed} give {figure.value} points")


def apportion(total: int, desired: FloatArray, cap: IntArray | None = None) -> IntArray:
    """Whole numbers close to `desired` (scaled to add up to `total`), each at most `cap` (water-filling: an entry
    that would pass its cap gets the cap, the rest is shared among the others)."""
    weights = np.maximum(np.asarray(desired, dtype=np.float64), 1e-9)
    if cap is None:
        return largest_remainder(total, weights)
    if total > int(cap.sum()):
        raise ValueError(f"cannot place {total} within caps adding up to {int(cap.sum())}")
    result = np.zeros(len(weights), dtype=np.int64)
    free = np.ones(len(weights), dtype=bool)
    remaining = total
    while True:
        share = np.zeros(len(weights), dtype=np.int64)
        share[free] = largest_remainder(remaining, weights[free])
        over = free & (share > cap)
        if not over.any():
            return result + share
        result[over] = cap[over]
        remaining -= int(cap[over].sum())
        free &= ~over


def distinct(changes: list[float | None], decimals: int) -> bool:
    """True when every county's change prints differently from every other's."""
    printed = [None if change is None else round(change, decimals) for change in changes]
    return None not in printed and len(set(printed)) == len(printed)


def split_counts(
    rng: np.random.Generator,
    pair: tuple[int, int],
    weights: FloatArray,
    *,
    spread: float,
    decimals: int,
    caps: tuple[IntArray, IntArray] | None = None,
) -> tuple[IntArray, IntArray]:
    """Split the city's (baseline, current) over counties: baselines by `weights`, each county's change its own
    (lognormal spread around the city's), adding up exactly to the city's pair."""
    baseline, current = pair
    for _ in range(MAX_REDRAWS):
        base = apportion(baseline, weights * rng.lognormal(0.0, 0.05, len(weights)), None if caps is None else caps[0])
        ratio = (current / baseline) * np.exp(rng.normal(0.0, spread, len(weights)))
        now = apportion(current, base * ratio, None if caps is None else caps[1])
        changes = [percent_change(int(c), int(b)) for c, b in zip(now, base, strict=True)]
        if (base > 0).all() and distinct(changes, decimals):
            return base, now
    raise ValueError("could not give every county a change of its own")


def split_solved(
    rng: np.random.Generator,
    filed: tuple[IntArray, IntArray],
    solved: tuple[int, int],
    *,
    spread: float,
    period: Period,
) -> tuple[IntArray, IntArray]:
    """Solved cases per county (baseline, current), within the cases filed there, adding up to the city's;
    each county's solve rate and its change its own."""
    filed_base, filed_now = filed
    solved_base, solved_now = solved
    city_base = solved_base / filed_base.sum()
    city_now = solved_now / filed_now.sum()
    for _ in range(MAX_REDRAWS):
        rate_base = np.clip(city_base + rng.normal(0.0, spread, len(filed_base)), 0.05, 0.95)
        base = apportion(solved_base, rate_base * filed_base, filed_base)
        step = city_now - city_base + rng.normal(0.0, spread / 2, len(filed_base))
        rate_now = np.clip(base / filed_base + step, 0.05, 0.98)
        now = apportion(solved_now, rate_now * filed_now, filed_now)
        changes = [
            point_change(
                CaseCounts(period, int(fn), int(sn), 0).solve_rate, CaseCounts(period, int(fb), int(sb), 0).solve_rate
            )
            for fb, sb, fn, sn in zip(filed_base, base, filed_now, now, strict=True)
        ]
        if distinct(changes, SOLVE_RATE.decimals):
            return base, now
    raise ValueError("could not give every county a solve-rate change of its own")
