"""Many rows in one PostgreSQL statement: the rows as one JSON parameter, expanded by the server.

`INSERT … SELECT … FROM json_populate_recordset(NULL::table, :rows)` costs the client a `json.dumps` (in C) where
one array parameter per column costs psycopg's per-element quoting (in Python, ~4× the CPU), and a VALUES list
of 500 rows or `executemany` of 500 statements costs more again, to build and to parse.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, bindparam, cast, func, literal_column, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.types import Text


def _encode(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()  # naive UTC, as the columns hold it
    raise TypeError(f"cannot send {type(value).__name__} as JSON")


def insert_unnested(table: Table, rows: Sequence[dict[str, Any]]) -> postgresql.Insert:
    """INSERT INTO table (the columns of the first row) the rows, in the order given. Every row has the same keys."""
    names = list(rows[0])
    document = json.dumps(rows, default=_encode, ensure_ascii=False, allow_nan=False)
    records = func.json_populate_recordset(
        literal_column(f"NULL::{table.name}"), cast(bindparam("rows", document, type_=Text), postgresql.JSON)
    ).table_valued(*names)
    return postgresql.insert(table).from_select(names, select(*(records.c[name] for name in names)))
