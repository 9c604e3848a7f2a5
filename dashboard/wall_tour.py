"""The county tour of a wall screen (`/wall?tour=counties&every=30`): the command wall shows the whole city, then
each county in turn (its map zoomed to it, its charts for it), `every` seconds at each stop, beside the page
rotation. Where the tour stands follows the clock, not the page: a wall that turned to another page and back, or
two walls side by side, are at the same stop."""

from __future__ import annotations

from dashboard.wall_mode import DEFAULT_EVERY, EVERY_RANGE

TOURS = ("counties",)


class TourError(ValueError):
    """A tour parameter is wrong; the message names it."""


def parse_tour(tour: str | None, every: str | None) -> int | None:
    """The seconds at each stop of the county tour asked for, or None for no tour."""
    if tour in (None, ""):
        return None
    if tour not in TOURS:
        raise TourError(f"tour: unknown tour {tour!r}; choose from {', '.join(TOURS)}")
    try:
        seconds = int(every) if every not in (None, "") else DEFAULT_EVERY
    except ValueError:
        raise TourError(f"every: {every!r} is not a whole number of seconds") from None
    low, high = EVERY_RANGE
    if not low <= seconds <= high:
        raise TourError(f"every: {seconds} seconds is outside {low}–{high}")
    return seconds


def stop(counties: list[str], *, every: int, now: float) -> str | None:
    """The county the tour is at (`now` in seconds since the epoch): None for the whole city, the first stop."""
    stops: list[str | None] = [None, *sorted(counties)]
    return stops[int(now // every) % len(stops)]
