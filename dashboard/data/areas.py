"""Looking up the city's areas by code: is this a grid, and what is it called."""

from __future__ import annotations

import re

from sqlalchemy import ColumnElement, func, select, true
from sqlalchemy.orm import Session

from dashboard.data.models import Grid
from dashboard.data.periods import CITY, Area, AreaLevel

GRID_CODE = re.compile(r"\d{6}-\d{3}-\d{4}")  # county-township-grid, e.g. 331004-003-0123


def grids_in(area: Area) -> ColumnElement[bool]:
    """The grids of `area` (the city: every grid)."""
    match area.level:
        case AreaLevel.COUNTY:
            return Grid.county_code == area.code
        case AreaLevel.TOWNSHIP:
            return Grid.township_code == area.code
        case AreaLevel.GRID:
            return Grid.code == area.code
    return true()


def count_grids(session: Session, area: Area = CITY) -> int:
    """Grids in the city, or in one county or township."""
    return int(session.scalar(select(func.count()).select_from(Grid).where(grids_in(area))) or 0)
