"""What a drill-down page is asked for: a period, what it is compared with, an area, a kind of incident and, within
that kind, a subtype.

One value object shared by the filter bar (which reads and writes it in the URL), the queries (which count with
it) and the exports. The area is always the one the user may see: the caller intersects it with the account's
scope before it reaches a query.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from dashboard.data.city_zone import city_zone
from dashboard.data.periods import CITY, Area, Period, comparable_as_of
from dashboard.data.vocab import SUBTYPES, IncidentKind


class Compare(StrEnum):
    LAST_YEAR = "yoy"  # 同比: the same span one year earlier
    PREVIOUS = "prev"  # 环比: the span just before


@dataclass(frozen=True)
class DrillFilter:
    period: Period
    compare: Compare = Compare.LAST_YEAR
    area: Area = CITY
    kind: IncidentKind | None = None  # None: every kind
    subtype: str | None = None  # None: every subtype of the kind; a subtype needs its kind (SUBTYPES[kind])
    solve_within: int | None = None  # solve rates: solved by now (None), or within this many days of filing

    def __post_init__(self) -> None:
        if self.solve_within is not None and self.solve_within <= 0:
            raise ValueError(f"within: {self.solve_within!r} is not a number of days")
        if self.subtype is None:
            return
        if self.kind is None:
            raise ValueError(f"subtype: {self.subtype!r} needs a kind (choose the kind first)")
        if self.subtype not in SUBTYPES[self.kind]:
            choices = ", ".join(SUBTYPES[self.kind])
            raise ValueError(f"subtype: {self.subtype!r} is not a subtype of {self.kind}; choose from {choices}")

    @property
    def baseline(self) -> Period:
        """The period the figures are compared with."""
        if self.compare is Compare.LAST_YEAR:
            return self.period.same_period_last_year()
        return self.period.previous()

    def baseline_as_of(self, as_of: datetime) -> datetime:
        """The moment the baseline's "closed by now" figures are counted at, like for like with `as_of`."""
        return comparable_as_of(self.period, self.baseline, as_of, city_zone())


def criminal_cases(drill: DrillFilter) -> DrillFilter:
    """The filter's criminal cases only (a subtype of another kind let go): what the solve-rate page lists."""
    subtype = drill.subtype if drill.kind is IncidentKind.CRIMINAL else None
    return replace(drill, kind=IncidentKind.CRIMINAL, subtype=subtype)
