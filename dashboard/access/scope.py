"""The area a user may see, and what is left of an area a client asks for once intersected with it.

Areas nest by their codes: a county 331004, its township 331004003, that township's grid 331004-003-0123. An
area's path is its code without dashes, so one area lies inside another when its path starts with the other's.
"""

from __future__ import annotations

from dashboard.data.areas import GRID_CODE
from dashboard.data.periods import CITY, Area


class OutOfScope(LookupError):
    """The area asked for lies outside the user's scope."""


def area_of_code(code: str | None) -> Area:
    """The area a code names (None or '': the city). Raises ValueError naming the field for anything else."""
    if not code:
        return CITY
    if len(code) == 6 and code.isdigit():
        return Area.county(code)
    if len(code) == 9 and code.isdigit():
        return Area.township(code)
    if GRID_CODE.fullmatch(code):
        return Area.grid(code)
    raise ValueError(f"area: {code!r} is not a county (6 digits), township (9 digits) or grid code")


def path(area: Area) -> str:
    return "" if area.code is None else area.code.replace("-", "")


def contains(outer: Area, inner: Area) -> bool:
    return path(inner).startswith(path(outer))


def in_area(area: Area, grid_code: str | None) -> bool:
    """Whether a grid (by its code; None: unknown) lies in the area."""
    if area.code is None:
        return True
    return grid_code is not None and grid_code.replace("-", "").startswith(path(area))


def within(scope: Area, asked: Area | None) -> Area:
    """The area to show: what was asked if it lies in the scope; the scope itself when nothing (or the city, or
    an area around the scope) was asked. Raises OutOfScope when the two do not overlap."""
    if asked is None:
        return scope
    if contains(scope, asked):
        return asked
    if contains(asked, scope):
        return scope
    raise OutOfScope(f"area: {asked.code} is outside this account's area ({scope.code or 'city'})")
