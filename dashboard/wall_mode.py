"""Wall mode: which pages a wall screen rotates through and how fast, read from the address
(`/wall?pages=wall,trends,monthly&every=60`, `&period=` for the span the wall's headline tiles count and `&within=30`
for its solve rate as the N-day rate, carried to /monthly too; `&sound=on` for a chime when the wall draws the eye;
`&tour=counties` for the county tour, dashboard/wall_tour.py).
Bad values are named, never guessed."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from dashboard.tile_period import parse_tile_period, parse_tile_within

PAGES = {
    "wall": "/",
    "trends": "/trends",
    "solve-rates": "/solve-rates",
    "rental-housing": "/rental-housing",
    "monthly": "/monthly",
}
DEFAULT_PAGES = ("wall",)
DEFAULT_EVERY = 60  # seconds on each page
EVERY_RANGE = (10, 3600)


class WallModeError(ValueError):
    """A wall-mode parameter is wrong; the message names it."""


@dataclass(frozen=True)
class WallPlan:
    pages: tuple[str, ...]
    every: int
    period: str | None = None  # the span the wall's headline tiles count (dashboard/tile_period.py); None: default
    within: int | None = None  # the solve rate as the N-day rate; None: solved by now
    sound: bool = False  # a chime when the wall draws the eye to a red alert or a major hazard
    tour: str | None = None  # "counties": the command wall visits each county in turn (dashboard/wall_tour.py)

    def paths(self) -> list[str]:
        """The address of each page in the rotation, carrying the plan so every page knows what comes next."""
        values = {"wall": "1", "pages": ",".join(self.pages), "every": str(self.every)}
        values |= {"period": self.period} if self.period else {}
        values |= {"sound": "on"} if self.sound else {}
        values |= {"tour": self.tour} if self.tour else {}
        query = urlencode(values | ({"within": str(self.within)} if self.within is not None else {}))
        return [f"{PAGES[page]}?{query}" for page in self.pages]


def parse_plan(
    pages: str | None,
    every: str | None,
    period: str | None = None,
    within: str | None = None,
    sound: str | None = None,
    tour: str | None = None,
) -> WallPlan:
    names = tuple(name.strip() for name in (pages or ",".join(DEFAULT_PAGES)).split(",") if name.strip())
    unknown = [name for name in names if name not in PAGES]
    if not names or unknown:
        raise WallModeError(f"pages: unknown page {', '.join(unknown) or '(none)'}; choose from {', '.join(PAGES)}")
    try:
        seconds = int(every) if every not in (None, "") else DEFAULT_EVERY
    except ValueError:
        raise WallModeError(f"every: {every!r} is not a whole number of seconds") from None
    low, high = EVERY_RANGE
    if not low <= seconds <= high:
        raise WallModeError(f"every: {seconds} seconds is outside {low}–{high}")
    chosen, problem = parse_tile_period(period)
    days, within_problem = parse_tile_within(within)
    if problem or within_problem:
        raise WallModeError(problem or within_problem)
    if sound not in (None, "", "on", "off"):
        raise WallModeError(f"sound: {sound!r} is neither on nor off")
    if tour not in (None, "", "counties"):
        raise WallModeError(f"tour: unknown tour {tour!r}; choose from counties")
    return WallPlan(names, seconds, None if period in (None, "") else chosen, days, sound == "on", tour or None)
