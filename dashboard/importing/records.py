"""Checking incidents or hazards from another system's table (readers.py) against a mapping (mapping.py).

Every row is checked, column by column over a part of the file at once (pandas and numpy, no per-row Python on the
hot path), and is either accepted or rejected with its row number and the first reason found. Nothing is guessed:
a row without coordinates, with a date no format of the mapping reads, with a value no value map knows, or at a
point outside every grid is rejected. Positions are converted to WGS-84 (projection.py); a row with no grid code
is put in the grid containing its point.

Each record's identity is `import/<source>/<id>` (the source system named by the mapping, and the file's id
column, or a hash of the row's cells when there is no id column), stored as the row's `event_id`, which is unique:
importing the same file again inserts nothing. record_import.py writes the accepted rows and their rollup counts.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
from sqlalchemy import Connection, select

from dashboard.data.active_city import city_files
from dashboard.data.city_zone import city_zone
from dashboard.data.models import Base, Grid
from dashboard.data.vocab import (
    HAZARD_SUBTYPES,
    SUBTYPES,
    HazardCategory,
    HazardSeverity,
    HazardStatus,
    IncidentKind,
    IncidentStatus,
    PlaceType,
    ReportSource,
    values,
)
from dashboard.importing.mapping import CODED_FIELDS, RecordMapping
from dashboard.importing.projection import to_wgs84
from dashboard.importing.report import ImportReport

log = logging.getLogger(__name__)

Mask = npt.NDArray[np.bool_]
ISO_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d")  # what XLSX cells become (readers.cell_text): always understood
SOURCE_CODES_FILE = "grid_source_codes.json"  # an imported city's {code in its old system: our grid code}
UNLISTED = "default"  # the key of a value map's entry for the values it does not list
TRUE = frozenset({"1", "true", "yes", "y", "是", "已破", "已破案", "破案"})
FALSE = frozenset({"0", "false", "no", "n", "否", "未破", "未破案"})
FEW_VALUES = CODED_FIELDS | {"grid_code"}  # columns that repeat a few values (the rest: a value per row, nearly)
DEFAULT_CODES = {"place_type": "other", "source": "citizen", "severity": "general"}
INCIDENT_COLUMNS = (
    "event_id", "kind", "subtype", "grid_id", "township_code", "county_code", "lat", "lon", "place_type", "source",
    "status", "reported_at", "filed_at", "solved_at", "closed_at", "summary",
)  # fmt: skip
HAZARD_COLUMNS = (
    "event_id", "category", "subtype", "severity", "grid_id", "township_code", "county_code", "lat", "lon", "status",
    "found_at", "deadline", "rectified_at", "closed_at", "summary",
)  # fmt: skip


@dataclass(frozen=True)
class GridLookup:
    """The database's grids: by code (and by the code of the system a city was imported from), and a spatial index."""

    by_code: dict[str, int]  # grid code (or source code) → grid id
    ids: npt.NDArray[np.int64]  # in tree order
    township: dict[int, str]
    county: dict[int, str]
    tree: shapely.STRtree


def load_grid_lookup(connection: Connection) -> GridLookup:
    rows = connection.execute(
        select(Grid.id, Grid.code, Grid.township_code, Grid.county_code, Grid.geometry).order_by(Grid.code)
    ).all()
    by_code = {code: grid_id for grid_id, code, *_ in rows}
    source_file = city_files().geography / SOURCE_CODES_FILE
    if source_file.exists():
        sources = json.loads(source_file.read_text(encoding="utf-8"))
        by_code.update({source: by_code[code] for source, code in sources.items() if code in by_code})
    geometries = shapely.from_geojson([row.geometry for row in rows]) if rows else np.array([], dtype=object)
    tree = shapely.STRtree(geometries)
    shapely.prepare(tree.geometries)
    return GridLookup(
        by_code=by_code,
        ids=np.array([row.id for row in rows], dtype=np.int64),
        township={row.id: row.township_code for row in rows},
        county={row.id: row.county_code for row in rows},
        tree=tree,
    )


def no_grids() -> GridLookup:
    """The lookup of a database with no grids yet: every row is outside every grid."""
    return GridLookup({}, np.array([], dtype=np.int64), {}, {}, shapely.STRtree(np.array([], dtype=object)))


class Checks:
    """Reasons per row; the first reason found for a row is the one reported."""

    def __init__(self, n: int) -> None:
        self.reasons: npt.NDArray[np.object_] = np.full(n, None, dtype=object)

    def flag(self, mask: Mask | pd.Series, reason: str | Callable[[npt.NDArray[np.int64]], Iterable[str]]) -> None:
        where = np.flatnonzero(np.asarray(mask, dtype=bool) & pd.isna(self.reasons))
        if len(where) == 0:
            return
        self.reasons[where] = list(reason(where)) if callable(reason) else reason

    @property
    def ok(self) -> Mask:
        return np.asarray(pd.isna(self.reasons), dtype=bool)


class Checker:
    """Checks a table part by part (readers.Parts) against a mapping; the report counts the whole table, row numbers
    run on across parts, and an id is a duplicate of its first row in any earlier part. `check` gives back each
    part's accepted rows that are not stored already, in the model's columns (times naive UTC)."""

    def __init__(
        self, mapping: RecordMapping, grids: GridLookup, report: ImportReport, stored: set[str], *, zone: str = ""
    ) -> None:
        self.mapping, self.grids, self.report, self.stored = mapping, grids, report, stored
        self.zone = zone or city_zone()  # the file's times are on the city's clock; found here, before parts fork
        self.seen: dict[str, int] = {}  # identity → the data row (from 0) where the file first has it
        self.first = 0  # the data row the next part begins at
        report.defaults_to = {name: table[UNLISTED] for name, table in mapping.values.items() if UNLISTED in table}

    def check(self, frame: pd.DataFrame) -> pd.DataFrame:
        report, mapping = self.report, self.mapping
        if self.first == 0:  # the header, once
            missing = [f"'{header}' ({name})" for name, header in mapping.columns.items() if header not in frame]
            if missing:
                has = ", ".join(str(column) for column in frame.columns)
                report.problems.append(f"missing columns: {', '.join(missing)}; the file has: {has}")
        if report.problems or frame.empty:
            return pd.DataFrame()
        builder = RowBuilder(frame, mapping, self.grids, first=self.first, seen=self.seen, zone=self.zone)
        accepted = builder.build()
        for name, counts in builder.caught.items():
            report.defaulted.setdefault(name, Counter()).update(counts)
        for position in np.flatnonzero(~builder.checks.ok):
            report.reject(self.first + int(position) + 2, str(builder.checks.reasons[position]))
        report.total += len(frame)
        report.accepted += len(accepted)
        self.first += len(frame)
        new = accepted[~accepted["event_id"].isin(self.stored)] if self.stored else accepted
        report.already_imported += len(accepted) - len(new)
        return new

    def finish(self) -> None:
        if not self.report.problems and self.report.total == 0:
            self.report.problems.append("no rows under the header")


class RowBuilder:
    def __init__(
        self,
        frame: pd.DataFrame,
        mapping: RecordMapping,
        grids: GridLookup,
        *,
        first: int,
        seen: dict[str, int],
        zone: str,
    ) -> None:
        self.frame = frame
        self.first, self.seen = first, seen  # see Checker
        self.mapping = mapping
        self.grids = grids
        self.n = len(frame)
        self.checks = Checks(self.n)
        self.zone = zone
        self._distinct: dict[str, tuple[npt.NDArray[np.intp], npt.NDArray[np.object_]]] = {}
        self._cells: dict[str, pd.Series] = {}
        self.caught: defaultdict[str, Counter[str]] = defaultdict(Counter)  # field → {value: rows}, see coded()

    def distinct(self, name: str) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.object_]]:
        """The mapped column as (codes, values): each row's cell is values[code], stripped; one empty value when
        the field has no column. Each distinct cell is handled once: most columns hold a few values many times."""
        if name not in self._distinct:
            header = self.mapping.columns.get(name)
            if header is None:
                self._distinct[name] = (np.zeros(self.n, dtype=np.intp), np.array([""], dtype=object))
            elif name in FEW_VALUES:
                codes, uniques = pd.factorize(self.frame[header])  # -1 (a missing cell) takes the last value: ""
                stripped = np.array([str(value).strip() for value in uniques.tolist()] + [""], dtype=object)
                self._distinct[name] = (codes, stripped)
            else:  # (nearly) a value per row: finding the distinct ones would cost more than it saves
                cells = np.array([value.strip() for value in self.frame[header].tolist()], dtype=object)
                self._distinct[name] = (np.arange(self.n, dtype=np.intp), cells)
        return self._distinct[name]

    def cells(self, name: str) -> pd.Series:
        """The mapped column, stripped, as Python strings; all empty when the field has no column."""
        if name not in self._cells:
            codes, values = self.distinct(name)
            self._cells[name] = pd.Series(values[codes], dtype=object)
        return self._cells[name]

    def empty(self, name: str) -> Mask:
        codes, values = self.distinct(name)
        return np.asarray(values == "", dtype=bool)[codes]

    def build(self) -> pd.DataFrame:
        out: dict[str, Any] = {"event_id": self.identities()}
        lat, lon = self.coordinates()
        if self.mapping.records == "incidents":
            out.update(self.incident_fields())
        else:
            out.update(self.hazard_fields())
        grid_id = self.locate(lat, lon)
        out["grid_id"] = grid_id
        out["lat"], out["lon"] = np.round(lat, 6), np.round(lon, 6)
        out["summary"] = self.cells("summary").to_numpy()
        self.flag_missing(out)
        ok = self.checks.ok
        rows = pd.DataFrame({name: np.asarray(value)[ok] for name, value in out.items()})
        rows["grid_id"] = rows["grid_id"].astype(np.int64)
        rows["township_code"] = rows["grid_id"].map(self.grids.township)
        rows["county_code"] = rows["grid_id"].map(self.grids.county)
        columns = INCIDENT_COLUMNS if self.mapping.records == "incidents" else HAZARD_COLUMNS
        return rows[list(columns)]

    def flag_missing(self, out: dict[str, Any]) -> None:
        """A row missing a value its table requires is rejected here rather than refused by the database: the
        dry run and the import share these checks, so a dry run finds every row the import would refuse."""
        table = Base.metadata.tables["incident" if self.mapping.records == "incidents" else "hazard"]
        for name, value in out.items():
            if name in table.columns and not table.columns[name].nullable:
                self.checks.flag(pd.isna(np.asarray(value)), f"{name}: no value, and the database requires one")

    # ---------------------------------------------------------------------------------------------- identity

    def identities(self) -> npt.NDArray[np.object_]:
        if "id" in self.mapping.columns:
            ids = self.cells("id")
            self.checks.flag(self.empty("id"), "id: empty")
        else:  # no id column: the row's cells are its identity
            joined = self.frame.astype(str).agg("\x1f".join, axis=1) if self.n else pd.Series([], dtype=str)
            ids = pd.Series([hashlib.sha1(text.encode("utf-8")).hexdigest()[:24] for text in joined])
        prefix = f"import/{self.mapping.source}/"
        event_ids = np.array(
            [
                prefix + value
                if len(prefix) + len(value) <= 64
                else prefix + "#" + hashlib.sha1(value.encode()).hexdigest()[:24]  # fits String(64)
                for value in ids.tolist()
            ],
            dtype=object,
        )
        named = (ids != "").to_numpy()
        within = pd.Series(event_ids).duplicated(keep="first").to_numpy()
        before = np.array([value in self.seen for value in event_ids.tolist()], dtype=bool)
        firsts = named & ~within & ~before
        self.seen.update(zip(event_ids[firsts].tolist(), (self.first + np.flatnonzero(firsts)).tolist(), strict=True))
        duplicate = named & (within | before)
        if duplicate.any():
            seen = self.seen
            self.checks.flag(
                duplicate,
                lambda rows: (f"duplicate id '{ids[r]}' (first at row {seen[event_ids[r]] + 2})" for r in rows),
            )
        return event_ids

    # ---------------------------------------------------------------------------------------------- positions

    def coordinates(self) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        raw_lat, raw_lon = self.cells("lat"), self.cells("lon")
        self.checks.flag(self.empty("lat") | self.empty("lon"), "no coordinates")
        lat = pd.to_numeric(raw_lat, errors="coerce").to_numpy(dtype=np.float64)
        lon = pd.to_numeric(raw_lon, errors="coerce").to_numpy(dtype=np.float64)
        self.checks.flag(np.isnan(lat), lambda rows: (f"lat: not a number '{raw_lat[r]}'" for r in rows))
        self.checks.flag(np.isnan(lon), lambda rows: (f"lon: not a number '{raw_lon[r]}'" for r in rows))
        with np.errstate(invalid="ignore"):
            outside = (np.abs(lat) > 90) | (np.abs(lon) > 180)
        self.checks.flag(outside, lambda rows: (f"coordinates out of range ({lat[r]}, {lon[r]})" for r in rows))
        good = self.checks.ok
        lat, lon = np.where(good, lat, 0.0), np.where(good, lon, 0.0)
        return to_wgs84(lat, lon, self.mapping.coordinates)

    def locate(self, lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
        """The grid of each row: its grid code when it has one, else the grid containing its point (the grid with
        the smallest code when the point is on a shared edge, as dashboard.data.geography.locate_grid)."""
        codes = self.cells("grid_code")
        given = ~self.empty("grid_code")
        grid_id = np.zeros(self.n, dtype=np.int64)
        known = codes.map(self.grids.by_code)
        self.checks.flag(
            given & known.isna().to_numpy(), lambda rows: (f"grid_code: unknown grid '{codes[r]}'" for r in rows)
        )
        found = given & known.notna().to_numpy()
        grid_id[found] = known[found].astype(np.int64).to_numpy()
        wanted = np.flatnonzero(~given & self.checks.ok)
        if len(wanted):
            points = shapely.points(lon[wanted], lat[wanted])
            hits = self.grids.tree.query(points, predicate="intersects")
            if hits.shape[1]:
                first = pd.Series(hits[1]).groupby(hits[0]).min()
                grid_id[wanted[first.index.to_numpy()]] = self.grids.ids[first.to_numpy()]
        outside = np.zeros(self.n, dtype=bool)
        outside[wanted] = grid_id[wanted] == 0
        self.checks.flag(
            outside, lambda rows: (f"point ({lat[r]:.5f}, {lon[r]:.5f}) is outside every grid" for r in rows)
        )
        return grid_id

    # ---------------------------------------------------------------------------------------------- values

    def times(self, name: str, *, required: bool = False) -> pd.Series:
        """A time column on the city clock, as naive UTC (NaT where empty)."""
        raw = self.cells(name)
        parsed = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[us]")
        present = pd.Series(~self.empty(name), index=raw.index)
        for fmt in dict.fromkeys((*self.mapping.date_formats, *ISO_FORMATS)):
            todo = present & parsed.isna()
            if not todo.any():
                break
            parsed[todo] = pd.to_datetime(raw[todo], format=fmt, errors="coerce")
        if required:
            self.checks.flag(~present, f"{name}: empty")
        self.checks.flag(present & parsed.isna(), lambda rows: (f"{name}: unparseable date '{raw[r]}'" for r in rows))
        local = self.on_city_clock(name, parsed, raw)
        utc = local.dt.tz_convert("UTC").dt.tz_localize(None).astype("datetime64[us]")
        now = datetime.now(UTC).replace(tzinfo=None) + timedelta(days=1)
        self.checks.flag((utc > now).fillna(False), lambda rows: (f"{name}: in the future '{raw[r]}'" for r in rows))
        return utc

    def on_city_clock(self, name: str, parsed: pd.Series, raw: pd.Series) -> pd.Series:
        """Naive times on the city's clock placed in its zone by the mapping's `local_times` rule. A time the clock
        skips (spring forward) or repeats (fall back) that the rule does not resolve is rejected here, naming the
        field, its column, the cell and the rule, so a dry run finds it as the import would."""
        rule = self.mapping.local_times
        picks = {"earlier": np.ones(self.n, dtype=bool), "later": np.zeros(self.n, dtype=bool)}
        ambiguous: Any = picks.get(rule.ambiguous, "NaT")  # True: the earlier of the two instants
        nonexistent = "shift_forward" if rule.nonexistent == "shift_forward" else "NaT"
        local = parsed.dt.tz_localize(self.zone, ambiguous=ambiguous, nonexistent=nonexistent)
        lost = (parsed.notna() & local.isna()).to_numpy()
        if not lost.any():
            return local
        # which of the two: a repeated time is still unresolved when a skipped one is shifted
        repeated = np.zeros(self.n, dtype=bool)
        again = parsed[lost].dt.tz_localize(self.zone, ambiguous="NaT", nonexistent="shift_forward")
        repeated[lost] = again.isna().to_numpy()
        header = self.mapping.columns.get(name)

        def cell(r: int) -> str:
            return f"{name}: local time '{raw[r]}' (column {header})"

        self.checks.flag(
            repeated,
            lambda rows: (
                f"{cell(r)} happens twice in {self.zone}, as the clocks go back; rule local_times.ambiguous: "
                f"{rule.ambiguous} (earlier or later picks one of the two)"
                for r in rows
            ),
        )
        self.checks.flag(
            lost & ~repeated,
            lambda rows: (
                f"{cell(r)} does not exist in {self.zone}, as the clocks go forward; rule local_times.nonexistent: "
                f"{rule.nonexistent} (shift_forward moves it to the end of the gap)"
                for r in rows
            ),
        )
        return local

    def coded(self, name: str, allowed: Iterable[str], *, required: bool = True) -> pd.Series:
        """A coded column through its value map (a code name in the file is taken as it is); empty cells and an
        unmapped column take the mapping's default. A value the map does not list (and no code name) takes the
        map's own `default` when it has one: the rows it caught are counted in the report, by value."""
        codes, cells = self.distinct(name)  # each distinct cell mapped once
        table = self.mapping.values.get(name, {})
        default = self.mapping.defaults.get(name, DEFAULT_CODES.get(name, ""))
        allowed = set(allowed)
        unlisted = table.get(UNLISTED)
        caught = np.array(
            [
                unlisted is not None and value != "" and value not in table and value not in allowed
                for value in cells.tolist()
            ],
            dtype=bool,
        )
        mapped = np.array(
            [
                unlisted if hit else (table.get(value, value) or default)
                for value, hit in zip(cells.tolist(), caught.tolist(), strict=True)
            ],
            dtype=object,
        )
        if caught.any():
            rows = np.bincount(codes[codes >= 0], minlength=len(cells))  # -1, a missing cell, is "": never caught
            for position in np.flatnonzero(caught).tolist():
                self.caught[name][str(cells[position])] += int(rows[position])
        unknown = np.array([value not in allowed and value != "" for value in mapped.tolist()], dtype=bool)
        raw = self.cells(name)
        self.checks.flag(
            (unknown & caught)[codes],  # the map's default itself is no code name: say so, not that the cell is
            lambda rows: (f"{name}: unknown value '{raw[r]}', and values.{name}.default '{unlisted}' is no {name}"
                          for r in rows),
        )  # fmt: skip
        self.checks.flag(unknown[codes], lambda rows: (f"{name}: unknown value '{raw[r]}'" for r in rows))
        if required:
            self.checks.flag(np.asarray(mapped == "", dtype=bool)[codes], f"{name}: empty")
        return pd.Series(mapped[codes], dtype=object)

    def flag_order(self, later: pd.Series, earlier: pd.Series, later_name: str, earlier_name: str) -> None:
        self.checks.flag((later < earlier).fillna(False), f"{later_name} before {earlier_name}")

    def incident_fields(self) -> dict[str, Any]:
        kind = self.coded("kind", values(IncidentKind))
        subtype = self.coded("subtype", {s for subtypes in SUBTYPES.values() for s in subtypes})
        pairs = {(str(k), s) for k, subtypes in SUBTYPES.items() for s in subtypes}
        fits = fitting(kind, subtype, pairs)
        self.checks.flag(~fits, lambda rows: (f"subtype: '{subtype[r]}' is not a subtype of {kind[r]}" for r in rows))
        reported = self.times("reported_at", required=True)
        criminal = kind == IncidentKind.CRIMINAL.value
        filed = self.times("filed_at").where(criminal)  # only criminal cases are filed (立案)
        if self.mapping.filed_at_from == "reported_at":
            filed = filed.where(filed.notna() | ~criminal, reported)
        solved, closed = self.times("solved_at"), self.times("closed_at")
        if "solved" in self.mapping.columns:
            yes, no = yes_no(self.coded("solved", {"true", "false"}, required=False))
            raw_flag = self.cells("solved")
            self.checks.flag(~yes & ~no, lambda rows: (f"solved: not a yes/no value '{raw_flag[r]}'" for r in rows))
            fallback = {"reported_at": reported, "filed_at": filed, "closed_at": closed}.get(
                self.mapping.solved_at_from
            )
            if fallback is not None:
                solved = solved.where(solved.notna() | ~yes, fallback)
            self.checks.flag(yes & solved.isna(), "solved: marked solved but no solved_at (see solved_at_from)")
            self.checks.flag(no & solved.notna(), "solved: marked not solved but solved_at is set")
        self.flag_order(solved, reported, "solved_at", "reported_at")
        self.flag_order(closed, reported, "closed_at", "reported_at")
        if "status" in self.mapping.columns or "status" in self.mapping.defaults:
            status = self.coded("status", values(IncidentStatus))
        else:
            done = np.where(criminal, IncidentStatus.SOLVED.value, IncidentStatus.RESOLVED.value)
            status = pd.Series(np.where(closed.notna(), "closed", np.where(solved.notna(), done, "reported")))
        return {
            "kind": kind.to_numpy(),
            "subtype": subtype.to_numpy(),
            "place_type": self.coded("place_type", values(PlaceType)).to_numpy(),
            "source": self.coded("source", values(ReportSource)).to_numpy(),
            "status": status.to_numpy(),
            "reported_at": reported.to_numpy(),
            "filed_at": filed.to_numpy(),
            "solved_at": solved.to_numpy(),
            "closed_at": closed.to_numpy(),
        }

    def hazard_fields(self) -> dict[str, Any]:
        category = self.coded("category", values(HazardCategory))
        subtype = self.coded("subtype", {s for subtypes in HAZARD_SUBTYPES.values() for s in subtypes})
        pairs = {(str(c), s) for c, subtypes in HAZARD_SUBTYPES.items() for s in subtypes}
        fits = fitting(category, subtype, pairs)
        self.checks.flag(
            ~fits, lambda rows: (f"subtype: '{subtype[r]}' is not a subtype of {category[r]}" for r in rows)
        )
        found = self.times("found_at", required=True)
        deadline = self.times("deadline", required=self.mapping.deadline_days is None)
        if self.mapping.deadline_days is not None:
            deadline = deadline.where(deadline.notna(), found + pd.Timedelta(days=self.mapping.deadline_days))
        rectified, closed = self.times("rectified_at"), self.times("closed_at")
        self.flag_order(deadline, found, "deadline", "found_at")
        self.flag_order(rectified, found, "rectified_at", "found_at")
        if "status" in self.mapping.columns or "status" in self.mapping.defaults:
            status = self.coded("status", values(HazardStatus))
        else:
            status = pd.Series(np.where(closed.notna(), "closed", np.where(rectified.notna(), "rectified", "open")))
        return {
            "category": category.to_numpy(),
            "subtype": subtype.to_numpy(),
            "severity": self.coded("severity", values(HazardSeverity)).to_numpy(),
            "status": status.to_numpy(),
            "found_at": found.to_numpy(),
            "deadline": deadline.to_numpy(),
            "rectified_at": rectified.to_numpy(),
            "closed_at": closed.to_numpy(),
        }


def fitting(first: pd.Series, second: pd.Series, pairs: set[tuple[str, str]]) -> pd.Series:
    """Whether each row's (first, second) is one of `pairs`, checked once per distinct pair."""
    first_codes, first_values = pd.factorize(first)
    second_codes, second_values = pd.factorize(second)
    ok = np.array([[(a, b) in pairs for b in second_values.tolist()] for a in first_values.tolist()], dtype=bool)
    return pd.Series(ok[first_codes, second_codes] if len(first_codes) else [], dtype=bool)


def yes_no(flags: pd.Series) -> tuple[Mask, Mask]:
    """(yes, no) per row of a yes/no column, each distinct value read once; a row that is neither is not a yes/no
    value (an empty cell is no)."""
    codes, uniques = pd.factorize(flags)
    answers = [_yes_no(str(value)) for value in uniques.tolist()]
    yes = np.array([answer is True for answer in answers] + [False], dtype=bool)
    no = np.array([answer is False for answer in answers] + [True], dtype=bool)
    return yes[codes], no[codes]


def _yes_no(value: str) -> bool | None:
    lowered = value.strip().lower()
    if lowered in TRUE:
        return True
    if lowered in FALSE or lowered == "":
        return False
    return None
