"""Areas ranked as leaders read a ranking: by a count, most first, tied areas sharing a rank (1, 2, 2, 4), with the
count per 10,000 residents beside it (registered residents and migrants of the area's grids)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dashboard.data import drill
from dashboard.data.areas import grids_in
from dashboard.data.models import Grid
from dashboard.data.periods import Area, AreaLevel


def residents_by_child(session: Session, area: Area) -> dict[str, int]:
    """Registered residents and migrants of each area one level down (a grid: itself), from the grids."""
    level = AreaLevel.GRID if area.level is AreaLevel.GRID else drill.child_level(area)
    key = {AreaLevel.COUNTY: Grid.county_code, AreaLevel.TOWNSHIP: Grid.township_code}.get(level, Grid.code)
    query = select(key, func.sum(Grid.residents + Grid.migrants)).where(grids_in(area)).group_by(key)
    return {str(code): int(people or 0) for code, people in session.execute(query)}


def ranked(frame: pd.DataFrame, count: str, residents: dict[str, int]) -> pd.DataFrame:
    """`frame` (one row per area, by `code`) with `residents`, `per_10k` (`count` per 10,000 of them, NaN without
    residents) and `rank` (by `count`, 1 = most; ties share the higher rank), rows in their order."""
    people = frame["code"].map(residents).fillna(0).astype("int64")
    return frame.assign(
        residents=people,
        per_10k=frame[count] / people.replace(0, np.nan) * 10_000,
        rank=frame[count].rank(method="min", ascending=False).astype("int64"),
    )
