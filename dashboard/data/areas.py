"""Looking up the city's areas by code: is this a grid, and what is it called."""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dashboard.data.models import Grid
from dashboard.data.periods import CITY, Area, AreaLevel

GRID_CODE = re.compile(r"\d{6}-\d{3}-\d{4}")  # county-township-grid, e.g. 331004-003-0123


def count_grids(session: Session, area: Area = CITY) -> int:
    """Grids in the city, or in one county or township."""
    query = select(func.count()).select_from(Grid)
    if area.level is AreaLevel.COUNTY:
        query = query.where(Grid.county_code == area.code)
    elif area.level is AreaLevel.TOWNSHIP:
        query = query.where(Grid.township_code == area.code)
    elif area.level is AreaLevel.GRID:
        query = query.where(Grid.code == area.code)
    return int(session.scalar(query) or 0)


def grid_exists(session: Session, code: str) -> bool:
    return session.scalar(select(Grid.id).where(Grid.code == code)) is not None
