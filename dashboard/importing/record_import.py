"""Writing an import's checked rows (records.py checks them): the rows and their rollup counts in one transaction,
all of it or nothing. On SQLite a first import (most of the rows) loads without the tables' secondary indexes and
builds them again before it commits.

The table is read and checked part by part (parts.py), a part ahead on a second core while the database writes
the one before. A part with a rejected row stops the writing (unless rejected rows are skipped): the rest is still
checked for the report, and what was written is rolled back.
"""

from __future__ import annotations

import gc
import itertools
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, closing, contextmanager, suppress
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, Index, func, select
from sqlalchemy.schema import CreateIndex, DropIndex
from tqdm import tqdm

from dashboard.data.city_zone import city_zone
from dashboard.data.models import Base, Hazard, Incident
from dashboard.data.rollups import DRILL_ROLLUPS
from dashboard.importing.columns import seed_table, write_table
from dashboard.importing.mapping import RecordMapping
from dashboard.importing.parts import checked_parts
from dashboard.importing.readers import Parts, ReadError
from dashboard.importing.records import HAZARD_COLUMNS, INCIDENT_COLUMNS, Checker, load_grid_lookup, no_grids
from dashboard.importing.report import ImportReport
from dashboard.importing.rollup_deltas import Delta, hazard_deltas, incident_deltas
from dashboard.importing.schema import schema_present
from dashboard.seed import columns as seed

IMPORTED_COLUMNS = {"incident": frozenset(INCIDENT_COLUMNS), "hazard": frozenset(HAZARD_COLUMNS)}


def model_of(mapping: RecordMapping) -> Any:
    return Incident if mapping.records == "incidents" else Hazard


def stored_identities(connection: Connection, mapping: RecordMapping) -> set[str]:
    """The identities of this source's records already in the database (one index range)."""
    model = model_of(mapping)
    prefix = f"import/{mapping.source}/"
    after = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    query = select(model.event_id).where(model.event_id >= prefix, model.event_id < after)
    return set(connection.scalars(query))


class Load:
    """The secondary indexes a load drops (SQLite, `whole` imports) and builds again: one table's as soon as its
    rows are all in, the rest at the end.

    An index on columns the import never writes (a record's department, rental house, an incident's deadline) is
    kept: every new row's key is NULL and its rowid the highest yet, so each entry is appended at the end of the
    NULLs, which costs less than building the index again (a pass over the whole table each)."""

    def __init__(self, connection: Connection, tables: Iterable[str]) -> None:
        self.connection = connection
        self.dropped = {
            name: sorted(
                (index for index in Base.metadata.tables[name].indexes if written(index)), key=lambda i: str(i.name)
            )
            for name in tables
        }

    def drop_indexes(self) -> None:
        for indexes in self.dropped.values():
            for index in indexes:
                self.connection.execute(DropIndex(index))

    def build_indexes(self, *tables: str) -> None:
        """The indexes of `tables` (default: every table still without them) built again."""
        for name in tables or list(self.dropped):
            for index in self.dropped.pop(name, []):
                self.connection.execute(CreateIndex(index))


def written(index: Index) -> bool:
    """Whether an import writes a column of the index's key (NULLs otherwise: the key of every new row)."""
    table = index.table
    assert table is not None
    imported = IMPORTED_COLUMNS.get(table.name)
    return imported is None or any(column.name in imported for column in index.columns)


@contextmanager
def write_transaction(connection: Connection, tables: Iterable[str] = (), *, whole: bool = False) -> Iterator[Load]:
    """The import's one write transaction: committed when the block ends, rolled back (all of it) if it raises.

    On SQLite the transaction is begun explicitly (BEGIN IMMEDIATE: the write lock is taken before anything is
    written, and the dropped indexes below are part of the transaction, so a failed import gives them back).
    CHECK constraints are not evaluated while the import writes (as the seeder's bulk writer does): every row
    passed the same checks in records.Checker (vocabularies, coordinates, the order of times), and the rollup counts
    come from those rows; foreign keys stay checked. When the import is `whole` (most of the rows of `tables`):
    - the secondary indexes of `tables` are dropped for the load and built again after it;
    - when no other connection has the file open, the write-ahead log gives way to a rollback journal for the
      load: pages appended to the file need no journal, where the log would write every page twice (once to the
      log, once more at the checkpoint). With another connection open, the log stays.
    """
    if connection.dialect.name != "sqlite":
        try:
            yield Load(connection, ())
        except BaseException:
            connection.rollback()
            raise
        connection.commit()
        return
    driver: Any = connection.connection.driver_connection
    journal = str(driver.execute("PRAGMA journal_mode").fetchone()[0])
    if whole and journal == "wal" and not driver.in_transaction:
        with suppress(sqlite3.OperationalError):  # another connection has the file open: the log stays
            driver.execute("PRAGMA journal_mode=DELETE")
    load = Load(connection, tables if whole else ())
    for pragma in ("ignore_check_constraints=ON", "cache_size=-65536", "temp_store=MEMORY"):
        driver.execute(f"PRAGMA {pragma}")
    try:
        if not driver.in_transaction:
            driver.execute("BEGIN IMMEDIATE")
        load.drop_indexes()
        yield load
        load.build_indexes()
        connection.commit()
    except BaseException:
        connection.rollback()
        raise
    finally:
        for pragma in ("ignore_check_constraints=OFF", "cache_size=-2000", "temp_store=DEFAULT"):
            driver.execute(f"PRAGMA {pragma}")
        if str(driver.execute("PRAGMA journal_mode").fetchone()[0]) != journal:
            driver.execute(f"PRAGMA journal_mode={journal}")


def written_tables(mapping: RecordMapping) -> list[str]:
    """The tables an import writes: the records' and their rollups'."""
    if mapping.records == "incidents":
        return ["incident", "incident_daily", *(rollup.name for rollup in DRILL_ROLLUPS)]
    return ["hazard", "hazard_daily"]


def most_of(connection: Connection, table: str, rows: int) -> bool:
    """Whether `rows` new rows outnumber the table's stored ones (then rebuilding its indexes costs less)."""
    stored = connection.scalar(select(func.count()).select_from(Base.metadata.tables[table]))
    return rows > int(stored or 0)


def rollup_deltas(mapping: RecordMapping, rows: seed.Table, dialect: str, zone: str) -> list[Delta]:
    """The new rows' counts for every rollup they touch (rollup_deltas.py), on the city's clock."""
    deltas = incident_deltas if mapping.records == "incidents" else hazard_deltas
    return deltas(rows, dialect, zone)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector paused (in the forked checker too, which inherits it): the import allocates
    millions of objects that live until it ends (the rows bound for executemany, the rollups' keys, the points
    located in the grids), each allocation counts towards a collection, and each collection walks the objects
    still alive, the whole heap at times: 15-30 % of checking and counting. What is freed by reference counting
    (nearly everything) is freed as before; the few cycles wait for the end of the import."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class Abandoned(Exception):
    """A row was rejected after the import began writing (and rejected rows are not skipped): all is undone."""


@collector_paused()
def import_records(
    engine: Engine,
    table: pd.DataFrame | Parts,
    mapping: RecordMapping,
    report: ImportReport,
    *,
    dry_run: bool,
    skip_rejected: bool = False,
    show_progress: bool = True,
    phase: Callable[[str], None] = lambda _name: None,
) -> ImportReport:
    """Check the table; unless a dry run (or a row was rejected, and `skip_rejected` is off), insert the new rows
    and add them to the rollups, in one transaction: all of it, or nothing. `phase` is told each step's name as it
    starts (the benchmark times them)."""
    parts = Parts.of(table) if isinstance(table, pd.DataFrame) else table
    report.dry_run = dry_run
    model = model_of(mapping).__tablename__

    def stopped() -> bool:
        return bool(report.problems) or (bool(report.rejected) and not skip_rejected)

    if dry_run and not schema_present(engine):  # an empty database: nothing to look up, and nothing is created
        checker = Checker(mapping, no_grids(), report, set())
        try:
            with closing(checked_parts(checker, parts)) as checked:
                for _rows in checked:
                    pass
        except ReadError as error:
            report.problems.append(str(error))
            return report
        checker.finish()
        return report
    zone = city_zone()  # asked first: its connection goes back to the pool and is the one the import takes next
    with engine.connect() as connection, ExitStack() as stack:
        phase("read, check, write (in parts)")
        stored = stored_identities(connection, mapping)
        checker = Checker(mapping, load_grid_lookup(connection), report, stored, zone=zone)
        connection.rollback()  # end the reads (PostgreSQL): the write transaction begins afresh
        checked = stack.enter_context(closing(checked_parts(checker, parts)))  # an early end stops the checking
        written: list[pd.DataFrame] = []
        try:
            first = next((rows for rows in checked if not (dry_run or stopped() or rows.empty)), None)
            if first is None:  # a dry run, a stop, or nothing new: every part is checked by now
                checker.finish()
                return report
            whole = most_of(connection, model, parts.most_rows - report.already_imported)
            with (
                write_transaction(connection, written_tables(mapping), whole=whole) as load,
                tqdm(total=parts.most_rows, unit="rows", desc=f"writing {model}", disable=not show_progress) as bar,
            ):
                for rows in itertools.chain([first], checked):
                    if stopped() or rows.empty:
                        continue  # nothing more is written, but every part is checked for the report
                    write_table(connection, seed_table(model, rows), bar.update)
                    written.append(rows)
                checker.finish()
                if stopped():
                    raise Abandoned
                bar.total = bar.n
                bar.refresh()
                add_rollups(
                    connection, load, mapping, pd.concat(written, ignore_index=True), zone, phase, show_progress
                )
                phase("rollup indexes back, commit")
        except Abandoned:
            return report
        except ReadError as error:  # a malformed part, found after the first: nothing is kept
            report.problems.append(str(error))
            return report
        report.written = sum(len(rows) for rows in written)
    return report


def add_rollups(
    connection: Connection,
    load: Load,
    mapping: RecordMapping,
    rows: pd.DataFrame,
    zone: str,
    phase: Callable[[str], None],
    show_progress: bool,
) -> None:
    """The new rows' counts added onto the rollups. The counts are made in a thread while the database builds
    the record table's indexes: one statement each, during which sqlite3 lets go of the GIL."""
    model = model_of(mapping).__tablename__
    dialect = connection.dialect.name
    with ThreadPoolExecutor(max_workers=1) as counting:
        deltas = counting.submit(lambda: rollup_deltas(mapping, seed_table(model, rows), dialect, zone))
        phase(f"{model} indexes back")
        load.build_indexes(model)
        phase("add to the rollups")
        rollups = deltas.result()
    for rollup in tqdm(rollups, unit="rollups", desc="adding to the rollups", disable=not show_progress):
        rollup.add(connection)
