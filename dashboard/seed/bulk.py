"""Fast writers for generated tables: one large transaction, secondary indexes dropped during the load and
rebuilt after it (inside the same transaction, so a failure rolls back to the schema as it was).

- SQLite: `executemany` over Python values converted column by column (times formatted by SQLite as the text
  SQLAlchemy stores), foreign-key checks off and `synchronous=OFF` during the load;
- PostgreSQL: `COPY ... FROM STDIN (FORMAT BINARY)` with the binary rows built by numpy; foreign keys, unique
  constraints and secondary indexes dropped and re-added (which validates them), sequences moved past the ids.

Both end with exactly the schema the models define: the same indexes and constraints, by the same names.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, suppress
from datetime import date, timedelta
from functools import lru_cache
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Engine,
    Float,
    ForeignKeyConstraint,
    Integer,
    UniqueConstraint,
)
from sqlalchemy import Table as SqlTable
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.schema import AddConstraint, CreateIndex, DropConstraint, DropIndex

from dashboard.data.models import Base
from dashboard.data.rollups import DRILL_ROLLUPS
from dashboard.seed.columns import Column, Kind, Table

log = logging.getLogger(__name__)

DRILL_TABLES = frozenset(rollup.name for rollup in DRILL_ROLLUPS)
U8 = npt.NDArray[np.uint8]
Progress = Callable[[int], None]
CHUNK_ROWS = 200_000
FULLY_ANALYZED = ("incident", "hazard")  # SQLite: statistics over every row (SqliteWriter.analyze)
PG_EPOCH_SECONDS = 946_684_800  # 2000-01-01, the origin of PostgreSQL's binary timestamps and dates
PG_EPOCH_DAYS = 10_957
COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + b"\x00\x00\x00\x00" + b"\x00\x00\x00\x00"
COPY_TRAILER = b"\xff\xff"


class Writer(Protocol):
    """Writes generated tables into the database, inside `session()` (one transaction)."""

    def session(self) -> AbstractContextManager[Any]: ...

    def write(self, table: Table, progress: Progress) -> None: ...

    def analyze(self) -> None: ...

    def rebuild(self, progress: Progress) -> None: ...

    def rebuild_steps(self) -> int: ...


def model_table(name: str) -> SqlTable:
    return Base.metadata.tables[name]


def ordered_columns(table: Table) -> list[str]:
    """The generated columns in the model's column order."""
    return [column.name for column in model_table(table.name).columns if column.name in table.columns]


def chunks(n: int, size: int = CHUNK_ROWS) -> Iterator[slice]:
    for start in range(0, n, size):
        yield slice(start, min(n, start + size))


# ---------------------------------------------------------------------------------------------------------- SQLite


@lru_cache(maxsize=1)
def _day_texts() -> npt.NDArray[np.object_]:
    """'YYYY-MM-DD' for every day from 1970 to 2199 (index: days since 1970-01-01)."""
    epoch = date(1970, 1, 1)
    return np.array([(epoch + timedelta(days=i)).isoformat() for i in range((date(2200, 1, 1) - epoch).days)], object)


# SQLAlchemy's SQLite DATETIME text, 'YYYY-MM-DD HH:MM:SS.000000', made by SQLite from UTC seconds: binding an
# integer and formatting it in C costs less than building the string in Python.
SQLITE_DATETIME = "datetime(?, 'unixepoch') || '.000000'"


def sqlite_placeholder(column: Column) -> str:
    return SQLITE_DATETIME if column.kind is Kind.TIME else "?"


def sqlite_values(column: Column) -> list[Any]:
    """The column as the Python values to bind for `sqlite_placeholder(column)`."""
    values = column.values
    null = column.null if column.null is not None else np.zeros(len(values), dtype=bool)
    result: npt.NDArray[Any]
    match column.kind:
        case Kind.INT | Kind.FLOAT:
            result = values.astype(object) if column.has_nulls else values
        case Kind.BOOL:
            result = values.astype(np.int64)
        case Kind.TEXT:
            result = np.asarray(column.categories, dtype=object)[values] if column.categories else values.astype(object)
        case Kind.NUMBERED:
            return [f"{column.prefix}{number:0{column.width}d}" for number in values.tolist()]
        case Kind.TIME:
            result = values.astype(object) if column.has_nulls else values
        case Kind.DATE:
            result = _day_texts()[values]
    if column.has_nulls:
        result = np.asarray(result, dtype=object)
        result[null] = None
    return list(result.tolist())


class SqliteWriter:
    """Loads tables through one raw sqlite3 connection, in one transaction.

    During the load: foreign-key and CHECK enforcement off (the generator's rows satisfy both; the tests check
    them), no fsync, a rollback journal in memory instead of the write-ahead log when no other connection has the
    file open (the WAL would write every page twice). All restored afterwards.
    """

    PRAGMAS = (
        "PRAGMA synchronous=OFF",
        "PRAGMA cache_size=-65536",
        "PRAGMA temp_store=MEMORY",
        "PRAGMA threads=2",
        "PRAGMA ignore_check_constraints=ON",
    )
    RESTORE = (
        "PRAGMA ignore_check_constraints=OFF",
        "PRAGMA synchronous=NORMAL",
        "PRAGMA cache_size=-2000",
        "PRAGMA foreign_keys=ON",
    )

    def __init__(self, connection: sqlite3.Connection, tables: Sequence[str]) -> None:
        self.connection = connection
        self.tables = list(tables)
        self.dialect = sqlite.dialect()

    @contextmanager
    def session(self) -> Iterator[SqliteWriter]:
        connection = self.connection
        connection.execute("PRAGMA foreign_keys=OFF")  # only outside a transaction
        for pragma in self.PRAGMAS:
            connection.execute(pragma)
        journal = connection.execute("PRAGMA journal_mode").fetchone()[0]
        if journal == "wal":  # switching works only when this is the file's one connection; else WAL stays
            with suppress(sqlite3.OperationalError):
                connection.execute("PRAGMA journal_mode=MEMORY")
        connection.execute("BEGIN")
        try:
            for index in self.indexes():
                connection.execute(str(DropIndex(index).compile(dialect=self.dialect)))
            yield self
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")  # DDL is transactional in SQLite: the dropped indexes come back
            raise
        finally:
            for index in self.indexes():  # belt and braces: whatever happened, the schema keeps its indexes
                connection.execute(str(CreateIndex(index, if_not_exists=True).compile(dialect=self.dialect)))
            connection.execute(f"PRAGMA journal_mode={journal}")
            for pragma in self.RESTORE:
                connection.execute(pragma)

    def analyze(self) -> None:
        """Planner statistics: from a sample of each index (fast even on millions of rows), but read in full for the
        raw incidents and hazards the record tables page through. A sample of 2,000 rows takes one kind of incident
        for 2,000 rows, and the planner then sorts a city's year of criminal cases by kind instead of walking the
        report-time index (10.5 s against 4 ms for the first page on the large profile); the full pass costs ~6 s
        per 5 million rows."""
        self.connection.execute("PRAGMA analysis_limit=2000")
        self.connection.execute("ANALYZE")
        self.connection.execute("PRAGMA analysis_limit=0")
        for table in FULLY_ANALYZED:
            self.connection.execute(f"ANALYZE {table}")

    def indexes(self) -> list[Any]:
        return [index for name in self.tables for index in sorted(model_table(name).indexes, key=lambda i: str(i.name))]

    def write(self, table: Table, progress: Progress) -> None:
        names = ordered_columns(table)
        placeholders = ", ".join(sqlite_placeholder(table.columns[name]) for name in names)
        statement = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({placeholders})"
        for part in chunks(len(table)):
            rows = table.take(part)
            self.connection.executemany(statement, zip(*(sqlite_values(rows.columns[n]) for n in names), strict=True))
            progress(part.stop - part.start)

    def rebuild(self, progress: Progress) -> None:
        for index in self.indexes():
            self.connection.execute(str(CreateIndex(index).compile(dialect=self.dialect)))
            progress(1)

    def rebuild_steps(self) -> int:
        return len(self.indexes())


# ---------------------------------------------------------------------------------------------------------- PostgreSQL


def pg_type(column: Any) -> str:
    """The binary COPY encoding of a model column: int4, int8, float8, bool, timestamp, date or text."""
    kind = column.type.dialect_impl(postgresql.dialect())  # type: ignore[no-untyped-call]
    for sql_type, name in (
        (BigInteger, "int8"),
        (Integer, "int4"),
        (Float, "float8"),
        (Boolean, "bool"),
        (DateTime, "timestamp"),
        (Date, "date"),
    ):
        if isinstance(kind, sql_type):
            return name
    return "text"


FIXED: dict[str, tuple[str, int]] = {
    "int4": (">i4", 4),
    "int8": (">i8", 8),
    "float8": (">f8", 8),
    "bool": ("u1", 1),
    "timestamp": (">i8", 8),
    "date": (">i4", 4),
}


def _length_prefix(lengths: npt.NDArray[np.int64]) -> U8:
    return lengths.astype(">i4").view(np.uint8).reshape(len(lengths), 4)


@lru_cache(maxsize=64)
def _encoded_categories(categories: tuple[str, ...]) -> tuple[U8, npt.NDArray[np.bool_]]:
    """Each category as a binary COPY field (length, UTF-8 bytes), padded to one width, and which bytes count."""
    encoded = [category.encode("utf-8") for category in categories]
    lengths = np.array([len(data) for data in encoded], dtype=np.int64)
    width = int(lengths.max()) if len(lengths) else 0
    padded = np.array(encoded, dtype=f"S{max(width, 1)}").view(np.uint8).reshape(len(encoded), max(width, 1))
    block = np.concatenate([_length_prefix(lengths), padded[:, :width]], axis=1)
    keep = np.concatenate([np.ones((len(encoded), 4), bool), np.arange(width)[None, :] < lengths[:, None]], axis=1)
    return block, keep


def _numbered_block(column: Column) -> U8:
    prefix = column.prefix.encode("ascii")
    width = len(prefix) + column.width
    n = len(column.values)
    block = np.empty((n, 4 + width), dtype=np.uint8)
    block[:, :4] = _length_prefix(np.array([width]))
    block[:, 4 : 4 + len(prefix)] = np.frombuffer(prefix, dtype=np.uint8)
    number = column.values.copy()
    for position in range(width - 1, len(prefix) - 1, -1):
        number, digit = np.divmod(number, 10)
        block[:, 4 + position] = digit + 48
    return block


def pg_field(column: Column, encoding: str) -> tuple[U8, npt.NDArray[np.bool_] | None]:
    """One field of every row as binary COPY bytes: (n, width) and, when widths vary, which bytes count."""
    n = len(column.values)
    if column.kind is Kind.TEXT:
        block, keep = _encoded_categories(column.categories)
        block, keep = block[column.values], keep[column.values]
        variable = not keep.all()
    elif column.kind is Kind.NUMBERED:
        block, keep, variable = _numbered_block(column), np.ones(0, bool), False
    else:
        values = column.values
        if encoding == "timestamp":
            values = (values - PG_EPOCH_SECONDS) * 1_000_000
        elif encoding == "date":
            values = values - PG_EPOCH_DAYS
        dtype, size = FIXED[encoding]
        block = np.empty((n, 4 + size), dtype=np.uint8)
        block[:, :4] = _length_prefix(np.array([size]))
        block[:, 4:] = np.ascontiguousarray(values.astype(dtype)).view(np.uint8).reshape(n, size)
        keep, variable = np.ones(0, bool), False
    if column.has_nulls:
        assert column.null is not None
        if not variable:
            keep = np.ones(block.shape, bool)
        block = block.copy()
        block[column.null, :4] = 255  # length -1: NULL, no bytes follow
        keep = keep.copy()
        keep[column.null, 4:] = False
        variable = True
    return block, (keep if variable else None)


def pg_rows(table: Table, names: list[str], encodings: list[str]) -> bytes:
    """The rows of `table` as binary COPY data (no header or trailer)."""
    n = len(table)
    fields = [pg_field(table.columns[name], encoding) for name, encoding in zip(names, encodings, strict=True)]
    width = 2 + sum(block.shape[1] for block, _ in fields)
    rows = np.empty((n, width), dtype=np.uint8)
    rows[:, :2] = np.frombuffer(np.array([len(fields)], dtype=">i2").tobytes(), dtype=np.uint8)
    keep: npt.NDArray[np.bool_] | None = None
    if any(mask is not None for _, mask in fields):
        keep = np.ones((n, width), dtype=bool)
    offset = 2
    for block, mask in fields:
        rows[:, offset : offset + block.shape[1]] = block
        if mask is not None and keep is not None:
            keep[:, offset : offset + block.shape[1]] = mask
        offset += block.shape[1]
    return rows[keep].tobytes() if keep is not None else rows.tobytes()


class PostgresWriter:
    """Loads tables through one psycopg connection with binary COPY, in one transaction."""

    def __init__(self, connection: Any, tables: Sequence[str], *, maintenance_work_mem: str = "512MB") -> None:
        self.connection = connection  # a psycopg.Connection
        self.tables = list(tables)
        self.dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
        self.maintenance_work_mem = maintenance_work_mem
        self.keep_foreign_keys = False

    def ddl(self, element: Any) -> None:
        self.connection.execute(str(element.compile(dialect=self.dialect)))

    def constraints(self) -> tuple[list[Any], list[Any], list[Any]]:
        """(foreign keys to drop, unique constraints, secondary indexes) of the loaded tables."""
        tables = [model_table(name) for name in self.tables]
        foreign = [
            c
            for table in tables
            for c in table.constraints
            if isinstance(c, ForeignKeyConstraint) and not self.keep_foreign_keys
        ]
        unique = [c for table in tables for c in table.constraints if isinstance(c, UniqueConstraint)]
        indexes = [index for table in tables for index in table.indexes]
        key = lambda item: str(item.name)  # noqa: E731
        return sorted(foreign, key=key), sorted(unique, key=key), sorted(indexes, key=key)

    @contextmanager
    def session(self) -> Iterator[PostgresWriter]:
        connection = self.connection
        try:
            with connection.transaction():  # DDL is transactional: a failure restores every constraint and index
                connection.execute("SET LOCAL synchronous_commit TO OFF")
                connection.execute(f"SET LOCAL maintenance_work_mem TO '{self.maintenance_work_mem}'")
                self.keep_foreign_keys = self.skip_triggers()
                foreign, unique, indexes = self.constraints()
                for constraint in foreign:
                    self.ddl(DropConstraint(constraint))
                for constraint in unique:
                    self.ddl(DropConstraint(constraint))
                for index in indexes:
                    self.ddl(DropIndex(index))
                yield self
                self.move_sequences()
        finally:
            with suppress(Exception):
                connection.rollback()  # leaves no transaction open if the block above failed mid-way

    def skip_triggers(self) -> bool:
        """Load with the foreign keys in place but their triggers idle (what pg_restore --disable-triggers does),
        when the role may; else they are dropped and re-added, which validates every row again."""
        try:
            with self.connection.transaction():  # a savepoint: a refusal leaves the load's transaction usable
                self.connection.execute("SET LOCAL session_replication_role TO replica")
        except Exception:
            log.info("cannot set session_replication_role: foreign keys are dropped and re-added instead")
            return False
        self.connection.execute("SET LOCAL session_replication_role TO replica")
        return True

    def write(self, table: Table, progress: Progress) -> None:
        from psycopg.copy import QueuedLibpqWriter

        names = ordered_columns(table)
        columns = model_table(table.name).columns
        encodings = [pg_type(columns[name]) for name in names]
        statement = f"COPY {table.name} ({', '.join(names)}) FROM STDIN (FORMAT BINARY)"
        with self.connection.cursor() as cursor, cursor.copy(statement, writer=QueuedLibpqWriter(cursor)) as copy:
            copy.write(COPY_HEADER)
            for part in chunks(len(table)):
                copy.write(pg_rows(table.take(part), names, encodings))
                progress(part.stop - part.start)
            copy.write(COPY_TRAILER)

    def rebuild(self, progress: Progress) -> None:
        foreign, unique, indexes = self.constraints()
        for constraint in unique:
            self.ddl(AddConstraint(constraint))
            progress(1)
        for index in indexes:
            self.ddl(CreateIndex(index))
            progress(1)
        for constraint in foreign:
            self.ddl(AddConstraint(constraint))
            progress(1)

    def move_sequences(self) -> None:
        """Point each id sequence past the ids written, so later inserts get fresh ids."""
        for table in Base.metadata.sorted_tables:
            if "id" in table.columns and table.columns["id"].autoincrement in (True, "auto"):
                self.connection.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"COALESCE((SELECT max(id) FROM {table.name}), 0) + 1, false)"
                )

    def rebuild_steps(self) -> int:
        return sum(len(group) for group in self.constraints())

    def analyze(self) -> None:
        """Fresh planner statistics for the loaded tables (only those: other schemas are none of ours). The
        drill-down rollups are vacuumed too: their pages marked all-visible, a range of months is read from an index
        alone (what autovacuum would do, some time later)."""
        self.connection.execute(f"ANALYZE {', '.join(self.tables)}")
        self.connection.commit()
        rollups = [name for name in self.tables if name in DRILL_TABLES]
        if rollups:
            autocommit = self.connection.autocommit
            self.connection.autocommit = True  # VACUUM runs outside a transaction
            try:
                self.connection.execute(f"VACUUM {', '.join(rollups)}")
            finally:
                self.connection.autocommit = autocommit


def open_writer(engine: Engine, tables: Sequence[str]) -> tuple[Any, Writer]:
    """A raw DBAPI connection of `engine` and the writer for its database."""
    raw = engine.raw_connection()
    driver: Any = raw.driver_connection
    if engine.dialect.name == "sqlite":
        driver.isolation_level = None  # we issue BEGIN and COMMIT ourselves
        return raw, SqliteWriter(driver, tables)
    return raw, PostgresWriter(driver, tables)
