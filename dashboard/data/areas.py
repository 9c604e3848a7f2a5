"""Looking up the city's areas by code: is this a grid, and what is it called."""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dashboard.data.models import Grid

GRID_CODE = re.compile(r"\d{6}-\d{3}-\d{4}")  # county-township-grid, e.g. 331004-003-0123


def count_grids(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Grid)) or 0)


def grid_exists(session: Session, code: str) -> bool:
    return session.scalar(select(Grid.id).where(Grid.code == code)) is not None
