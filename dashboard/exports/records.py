"""A record table as a file: every record the page's filter selects (up to CAP), in the table's default order,
with its columns named and shown as on screen: personal fields masked, codes by their labels, times on the city
clock. The same query and the same masking as the on-screen table (dashboard.views.records)."""

from __future__ import annotations

import pandas as pd
from sqlalchemy.orm import Session

from dashboard.config import Language
from dashboard.data.filters import DrillFilter
from dashboard.data.vocab import PlaceType
from dashboard.i18n import t
from dashboard.views.records import COUNT_CAP, TABLES, ColumnType, RecordKind, base_query, order_by

CAP = COUNT_CAP  # rows in one file at most: the table counts exactly up to here too


def record_rows(
    session: Session, kind: RecordKind, drill: DrillFilter, lang: Language, *, place: PlaceType | None = None
) -> tuple[pd.DataFrame, bool]:
    """The records as a frame with localized column names, and whether there were more than CAP."""
    table = TABLES[kind]
    query = base_query(table, drill, place).order_by(*order_by(table, None)).limit(CAP + 1)
    rows = [
        [column.show(value, lang) for column, value in zip(table.columns, row, strict=True)]
        for row in session.execute(query)
    ]
    names = [t(f"records.column.{column.name}", lang) for column in table.columns]
    frame = pd.DataFrame(rows[:CAP], columns=names, dtype=object)
    for column in table.columns:  # numbers stay numbers in the file
        if column.type is ColumnType.NUMBER:
            name = t(f"records.column.{column.name}", lang)
            frame[name] = pd.to_numeric(frame[name])
    return frame, len(rows) > CAP
