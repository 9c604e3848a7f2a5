"""The draws a simulated report is made of, whatever the city: its family's rate at a moment of the city's clock,
then its subtype, grid, a point inside the grid, its place and (a hazard) its severity."""

from __future__ import annotations

from typing import Protocol

import numpy as np
from shapely.geometry.base import BaseGeometry

from dashboard.data.vocab import HazardCategory, IncidentKind, PlaceType

Family = IncidentKind | HazardCategory


class CityDraws(Protocol):
    codes: list[str]  # the grids' codes, by position
    geometries: list[BaseGeometry]  # the grids' outlines (WGS-84 lon, lat), by position
    families: list[Family]  # the kinds and hazard categories that are reported

    def per_second(self, family: Family, at: float) -> float:
        """Expected reports of the family a second, at `at` (epoch seconds) on the city's clock."""
        ...

    def subtype(self, rng: np.random.Generator, family: Family) -> str: ...

    def grid(self, rng: np.random.Generator, family: Family, subtype: str) -> int:
        """A grid position."""
        ...

    def point(self, rng: np.random.Generator, grid: int) -> tuple[float, float]:
        """(lon, lat) of a point inside the grid."""
        ...

    def place(self, rng: np.random.Generator, family: Family, subtype: str, grid: int) -> PlaceType:
        """Where an incident of the subtype happens in the grid."""
        ...

    def major_share(self, category: HazardCategory) -> float:
        """The share of the category's hazards that are major."""
        ...

    def per_day(self) -> dict[str, float]:
        """Each family's reports a day on average, for the log."""
        ...
