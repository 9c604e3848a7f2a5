"""The city's areas as a tree, for labels and drilling: city → counties → townships → grids.

- `children(session, area)` → DataFrame, one row per area one level down, in code order:
  `code` (str: county or township code, or grid code such as 331004-003-0123), `name` (str, Chinese),
  `name_en` (str; a grid has no English name: its Chinese one), `level` (str: "county", "township" or "grid").
  A grid has no children (no rows).
- `area_name(session, area, *, lang="zh-CN")` → str: the area's name ("台州市"/"Taizhou" for the city).
  An unknown code raises `LookupError` naming the level and the code.
"""

from __future__ import annotations

from typing import Literal

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from dashboard.data.active_city import city_name
from dashboard.data.models import County, Grid, Township
from dashboard.data.periods import Area, AreaLevel

COLUMNS = ["code", "name", "name_en", "level"]
CITY_NAME = {"zh-CN": "台州市", "en": "Taizhou"}  # the default city; an imported one names itself (active_city)


def children(session: Session, area: Area) -> pd.DataFrame:
    """The areas one level down from `area` (columns code, name, name_en, level)."""
    match area.level:
        case AreaLevel.CITY:
            query = select(County.code, County.name, County.name_en).order_by(County.code)
            level = AreaLevel.COUNTY
        case AreaLevel.COUNTY:
            query = (
                select(Township.code, Township.name, Township.name_en)
                .where(Township.county_code == area.code)
                .order_by(Township.code)
            )
            level = AreaLevel.TOWNSHIP
        case AreaLevel.TOWNSHIP:
            query = select(Grid.code, Grid.name, Grid.name).where(Grid.township_code == area.code).order_by(Grid.code)
            level = AreaLevel.GRID
        case AreaLevel.GRID:
            return pd.DataFrame({name: pd.Series(dtype=object) for name in COLUMNS})
    frame = pd.DataFrame([tuple(row) for row in session.execute(query)], columns=COLUMNS[:3])
    frame["level"] = level.value
    return frame.astype(object) if frame.empty else frame


def names(session: Session, level: AreaLevel, codes: list[str]) -> dict[str, tuple[str, str]]:
    """(name, name_en) of the areas of one level with these codes."""
    if not codes:
        return {}
    match level:
        case AreaLevel.COUNTY:
            query = select(County.code, County.name, County.name_en).where(County.code.in_(codes))
        case AreaLevel.TOWNSHIP:
            query = select(Township.code, Township.name, Township.name_en).where(Township.code.in_(codes))
        case _:
            query = select(Grid.code, Grid.name, Grid.name).where(Grid.code.in_(codes))
    return {code: (name, name_en) for code, name, name_en in session.execute(query)}


def area_name(session: Session, area: Area, *, lang: Literal["zh-CN", "en"] = "zh-CN") -> str:
    """The area's name in `lang` (grids have Chinese names only)."""
    if area.level is AreaLevel.CITY or area.code is None:
        return city_name(lang)
    found = names(session, area.level, [area.code]).get(area.code)
    if found is None:
        raise LookupError(f"unknown {area.level.value} code {area.code!r}")
    return found[0] if lang == "zh-CN" else found[1]
