"""Looking up the city's areas by code: is this a grid, and what is it called."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select, true
from sqlalchemy.orm import Session

from dashboard.data.models import Grid
from dashboard.data.periods import CITY, Area, AreaLevel

GRID_CODE = re.compile(r"\d{6}-\d{3}-\d{4}")  # county-township-grid, e.g. 331004-003-0123


def grids_in(area: Area, grid: Any = Grid) -> ColumnElement[bool]:
    """The grids of `area` (the city: every grid); `grid`: the Grid model or an alias of it."""
    match area.level:
        case AreaLevel.COUNTY:
            return grid.county_code == area.code  # type: ignore[no-any-return]
        case AreaLevel.TOWNSHIP:
            return grid.township_code == area.code  # type: ignore[no-any-return]
        case AreaLevel.GRID:
            return grid.code == area.code  # type: ignore[no-any-return]
    return true()


def records_in(model: Any, area: Area) -> ColumnElement[bool]:
    """The incidents or hazards (`model`) of `area`, through the county's code first as their indexes are."""
    match area.level:
        case AreaLevel.COUNTY:
            return model.county_code == area.code  # type: ignore[no-any-return]
        case AreaLevel.TOWNSHIP:
            return and_(model.county_code == area.county_code, model.township_code == area.code)
        case AreaLevel.GRID:
            return model.grid_id == select(Grid.id).where(Grid.code == area.code).scalar_subquery()  # type: ignore[no-any-return]
    return true()


def count_grids(session: Session, area: Area = CITY) -> int:
    """Grids in the city, or in one county or township."""
    return int(session.scalar(select(func.count()).select_from(Grid).where(grids_in(area))) or 0)
