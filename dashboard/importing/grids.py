"""Importing a city's grids from a GeoJSON of polygons (mapping.GridMapping): every feature is checked (a valid
Polygon or MultiPolygon, a unique code, county and township codes that fit our rules, no overlap with another grid),
then the grids replace the city's (`replace`) or are added to it, with their counties and townships, in one
transaction; then the city's files are written (city_files.py), so the maps, names and point-in-polygon lookups
follow the imported city.

Area codes must fit the app's rules: a county is 6 digits (GB/T 2260), a township 9 digits beginning with its
county's code, a grid `<county>-<township's last 3 digits>-<4 digits>` (dashboard.data.areas.GRID_CODE). With
`codes: generate` a file's own grid codes are mapped onto these rules (numbered per township in the order of the
file's codes) and kept as the grids' source codes, which a record import accepts in its grid_code column.
"""

from __future__ import annotations

import json
import logging
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from sqlalchemy import Connection, Engine, Table, delete, insert, select, text

from dashboard.data.active_city import city_folder
from dashboard.data.areas import GRID_CODE
from dashboard.data.models import Base, County, Grid, PatrolPosition, PendingUpdate, Township, UserAccount
from dashboard.importing.area_codes import derive_areas, property_text
from dashboard.importing.city_files import area_km2, grid_centroids, township_kind, write_city_files
from dashboard.importing.grid_zone import import_zone, store_zone
from dashboard.importing.mapping import GridMapping
from dashboard.importing.projection import to_wgs84
from dashboard.importing.report import ImportReport
from dashboard.importing.schema import schema_present

log = logging.getLogger(__name__)

COUNTY_CODE = re.compile(r"\d{6}")
TOWNSHIP_CODE = re.compile(r"\d{9}")
OVERLAP_SHARE = 0.01  # an overlap above 1 % of the smaller grid rejects the later grid; a smaller one is a warning
CITY_TABLES = frozenset({"county", "township", "grid"})
AREA_COLUMNS = frozenset({"county_code", "township_code", "grid_id", "grid_code"})
NOISE_SHARE = 1e-6  # overlaps below this share of the smaller grid are rounding, not overlaps
UNLINKED = (PendingUpdate, PatrolPosition)  # city data with no foreign key to the city: cleared by a replace too


@dataclass
class GridRow:
    feature: int  # 1-based position in the file
    source_code: str
    code: str
    name: str
    township: str
    county: str
    urban: bool
    geometry: Any  # shapely, WGS-84


@dataclass
class GridPlan:
    grids: list[GridRow] = field(default_factory=list)
    counties: dict[str, tuple[str, str]] = field(default_factory=dict)  # code → (name, name_en)
    townships: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # code → (county, name, name_en)


def read_features(path: Path, report: ImportReport) -> list[dict[str, Any]]:
    try:
        collection = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        report.problems.append(f"{path}: no such file")
        return []
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        report.problems.append(f"not a GeoJSON file (UTF-8 JSON): {error}")
        return []
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        report.problems.append("not a GeoJSON FeatureCollection")
        return []
    features = collection.get("features") or []
    if not features:
        report.problems.append("the FeatureCollection has no features")
    return [feature if isinstance(feature, dict) else {} for feature in features]


def plan_grids(features: list[dict[str, Any]], mapping: GridMapping, report: ImportReport) -> GridPlan:
    """Check every feature; the accepted ones become the plan. Rejections name the feature (1-based) and why."""
    keys = mapping.properties
    plan = GridPlan()
    report.total = len(features)
    raw_shapes = []
    areas = derive_areas(features, mapping, report) if mapping.area_codes is not None else None
    for number, feature in enumerate(features, start=1):
        properties = feature.get("properties") or {}
        code, name = property_text(properties, keys.code), property_text(properties, keys.name)
        if areas is None:
            county, township = property_text(properties, keys.county), property_text(properties, keys.township)
        else:
            county, township = areas.codes.get(number, ("", ""))
        reason = ""
        if not code:
            reason = f"{keys.code} (code): empty"
        elif not name:
            reason = f"{keys.name} (name): empty"
        elif areas is not None and number in areas.reasons:
            reason = areas.reasons[number]
        elif not COUNTY_CODE.fullmatch(county):
            reason = f"{keys.county} (county): '{county}' is not a 6-digit county code"
        elif not TOWNSHIP_CODE.fullmatch(township) or not township.startswith(county):
            reason = f"{keys.township} (township): '{township}' is not 9 digits beginning with its county {county}"
        elif mapping.codes == "keep" and not (
            GRID_CODE.fullmatch(code) and code.startswith(f"{county}-{township[6:]}-")
        ):
            reason = f"{keys.code} (code): '{code}' is not {county}-{township[6:]}-NNNN (or set codes: generate)"
        try:
            shape = shapely.from_geojson(json.dumps(feature.get("geometry")))
        except Exception:  # shapely raises GEOSException for anything it cannot read
            shape = None
        if not reason:
            if shape is None or shapely.is_empty(shape):
                reason = "geometry: missing or empty"
            elif shape.geom_type not in ("Polygon", "MultiPolygon"):
                reason = f"geometry: a {shape.geom_type}, not a Polygon or MultiPolygon"
            elif not shapely.is_valid(shape):
                reason = f"geometry: invalid polygon ({shapely.is_valid_reason(shape)})"
        if reason:
            report.reject(number, reason)
            continue
        urban = property_text(properties, keys.urban).lower() in ("1", "true", "yes", "是", "城区")
        plan.grids.append(GridRow(number, code, code, name, township, county, urban, None))
        raw_shapes.append(shape)
        made = areas.names if areas is not None else {}  # a made code's area is named by the value it was made from
        county_name = property_text(properties, keys.county_name) or made.get(county, county)
        township_name = property_text(properties, keys.township_name) or made.get(township, township)
        county_en = property_text(properties, keys.county_name_en) or county_name
        township_en = property_text(properties, keys.township_name_en) or township_name
        if plan.counties.setdefault(county, (county_name, county_en))[0] != county_name:
            report.warnings.append(f"feature {number}: county {county} is also named {plan.counties[county][0]}")
        if plan.townships.setdefault(township, (county, township_name, township_en))[1] != township_name:
            report.warnings.append(f"feature {number}: township {township} is also named {plan.townships[township][1]}")
    _to_wgs84(plan, raw_shapes, mapping)
    merged = _same_codes(plan, report, merge=mapping.same_code == "merge")
    if mapping.codes == "generate":
        _generate_codes(plan, report)
    _reject_overlaps(plan, report)
    report.accepted = len(plan.grids) + merged  # features: a merged grid counts each of its features
    return plan


def _to_wgs84(plan: GridPlan, shapes: list[Any], mapping: GridMapping) -> None:
    def convert(points: np.ndarray) -> np.ndarray:
        lat, lon = to_wgs84(points[:, 1], points[:, 0], mapping.coordinates)
        return np.column_stack([lon, lat])

    converted = shapely.transform(np.array(shapes, dtype=object), convert) if shapes else []
    for grid, shape in zip(plan.grids, converted, strict=True):
        grid.geometry = shapely.make_valid(shape) if not shapely.is_valid(shape) else shape


def _same_codes(plan: GridPlan, report: ImportReport, *, merge: bool) -> int:
    """Features that share a code: merged into the first (one grid, a multipolygon of their parts; the report says
    so) when `merge` and they name the same township and county, else rejected. Returns the features merged."""
    first: dict[str, GridRow] = {}
    parts: defaultdict[str, list[GridRow]] = defaultdict(list)
    kept = []
    for grid in plan.grids:
        earlier = first.get(grid.source_code)
        if earlier is None:
            first[grid.source_code] = grid
            kept.append(grid)
        elif not merge:
            report.reject(grid.feature, f"duplicate code '{grid.source_code}' (first at feature {earlier.feature})")
        elif (grid.county, grid.township) != (earlier.county, earlier.township):
            report.reject(
                grid.feature,
                f"code '{grid.source_code}' is also feature {earlier.feature}'s, in township {earlier.township}, "
                f"not {grid.township}: not merged",
            )
        else:
            parts[grid.source_code].append(grid)
    for code, more in parts.items():
        grid = first[code]
        grid.geometry = shapely.union_all([grid.geometry, *(other.geometry for other in more)])
        pieces = shapely.get_num_geometries(grid.geometry)
        numbers = ", ".join(str(g.feature) for g in [grid, *more])
        names = {other.name for other in more} - {grid.name}
        also = f"; also named {', '.join(sorted(names))}, kept '{grid.name}'" if names else ""
        report.warnings.append(
            f"features {numbers} share the code '{code}': merged into one grid, a "
            f"{'multipolygon of ' + str(pieces) + ' parts' if pieces > 1 else 'polygon (the parts touch)'}{also}"
        )
    plan.grids = kept
    return sum(len(more) for more in parts.values())


def _generate_codes(plan: GridPlan, report: ImportReport) -> None:
    per_township: dict[str, list[GridRow]] = defaultdict(list)
    for grid in plan.grids:
        per_township[grid.township].append(grid)
    for township, members in per_township.items():
        for number, grid in enumerate(sorted(members, key=lambda g: g.source_code), start=1):
            grid.code = f"{township[:6]}-{township[6:]}-{number:04d}"
        if len(members) > 9999:
            report.problems.append(f"township {township}: {len(members):,} grids, more than 4 digits can number")


def _reject_overlaps(plan: GridPlan, report: ImportReport) -> None:
    if not plan.grids:
        return
    shapes = np.array([grid.geometry for grid in plan.grids], dtype=object)
    tree = shapely.STRtree(shapes)
    pairs = tree.query(shapes, predicate="overlaps")
    areas = shapely.area(shapes)
    rejected: set[int] = set()
    slivers = 0
    for a, b in zip(*pairs.tolist(), strict=True):
        if a >= b or a in rejected or b in rejected:
            continue
        share = float(shapely.area(shapely.intersection(shapes[a], shapes[b]))) / float(min(areas[a], areas[b]))
        if share < NOISE_SHARE:
            continue
        if share > OVERLAP_SHARE:
            later, earlier = plan.grids[b], plan.grids[a]
            report.reject(
                later.feature,
                f"overlaps '{earlier.source_code}' (feature {earlier.feature}) by {share:.1%} of the smaller grid",
            )
            rejected.add(b)
        else:
            slivers += 1
    if slivers:
        report.warnings.append(f"{slivers} pairs of grids overlap by less than {OVERLAP_SHARE:.0%} (slivers): kept")
    plan.grids = [grid for position, grid in enumerate(plan.grids) if position not in rejected]


def city_tables() -> list[Table]:
    """Every table holding the city's data, children first: the tables whose foreign keys lead (directly or not) to
    a county, township or grid, those with an area column (rollups, alerts: no foreign keys), and UNLINKED."""
    linked = set(CITY_TABLES)
    changed = True
    while changed:
        changed = False
        for table in Base.metadata.sorted_tables:
            if table.name not in linked and any(fk.column.table.name in linked for fk in table.foreign_keys):
                linked.add(table.name)
                changed = True
    placed = {table.name for table in Base.metadata.sorted_tables if AREA_COLUMNS & set(table.columns.keys())}
    unlinked = {model.__tablename__ for model in UNLINKED}
    names = linked | placed | unlinked
    return [table for table in reversed(Base.metadata.sorted_tables) if table.name in names]


def clear_city(connection: Connection) -> None:
    """Empty the city: its areas and everything recorded in them (accounts, tokens and the audit log stay)."""
    tables = city_tables()
    if connection.dialect.name == "postgresql":
        connection.execute(text(f"TRUNCATE {', '.join(table.name for table in tables)} RESTART IDENTITY"))
        return
    for table in tables:
        connection.execute(delete(table))


def refuse_taken_codes(connection: Connection, plan: GridPlan, report: ImportReport) -> bool:
    """Whether a code of the plan is stored already (adding to the city, not replacing it): a problem then."""
    taken = set(connection.scalars(select(Grid.code).where(Grid.code.in_([g.code for g in plan.grids]))))
    if taken:
        shown = ", ".join(sorted(taken)[:10])
        report.problems.append(f"{len(taken)} grid codes are in the database already ({shown}); use --replace")
    return bool(taken)


def write_grids(
    connection: Connection, plan: GridPlan, mapping: GridMapping, *, replace: bool, report: ImportReport
) -> int:
    """Insert the plan's areas (after emptying the city when `replace`) on the city's clock; returns the grids
    inserted, or 0 with a problem in the report when a code is taken already or the mapping's zone is not the
    city's."""
    if replace:
        clear_city(connection)
    elif refuse_taken_codes(connection, plan, report):
        return 0
    zone = import_zone(connection, mapping, replace=replace, report=report)
    if report.problems:
        return 0
    counties = set(connection.scalars(select(County.code)))
    townships = set(connection.scalars(select(Township.code)))
    shapes = np.array([grid.geometry for grid in plan.grids], dtype=object)
    lat, lon = grid_centroids(shapes)
    county_rows = []
    for code, (name, name_en) in sorted(plan.counties.items()):
        if code in counties:
            continue
        members = [position for position, grid in enumerate(plan.grids) if grid.county == code]
        if not members:
            continue
        seat = shapely.point_on_surface(shapely.union_all(shapes[members]))
        county_rows.append({"code": code, "name": name, "name_en": name_en, "seat_lat": seat.y, "seat_lon": seat.x})
    township_rows = [
        {"code": code, "county_code": county, "name": name, "name_en": name_en, "kind": township_kind(name)}
        for code, (county, name, name_en) in sorted(plan.townships.items())
        if code not in townships and any(grid.township == code for grid in plan.grids)
    ]
    grid_rows = [
        {
            "code": grid.code,
            "name": grid.name,
            "township_code": grid.township,
            "county_code": grid.county,
            "urban": grid.urban,
            "geometry": shapely.to_geojson(shapely.set_precision(grid.geometry, 1e-6)),
            "centroid_lat": round(lat[position], 6),
            "centroid_lon": round(lon[position], 6),
            "area_km2": round(area_km2(grid.geometry), 4),
            "residents": 0,
            "migrants": 0,
            "key_persons": 0,
            "special_persons": 0,
            "rental_houses": 0,
        }
        for position, grid in enumerate(plan.grids)
    ]
    for model, rows in ((County, county_rows), (Township, township_rows), (Grid, grid_rows)):
        if rows:
            connection.execute(insert(model), rows)
    store_zone(connection, zone)
    return len(grid_rows)


class Refused(Exception):
    """Raised inside the import's transaction to roll it back; the report says why."""


def import_grids(
    engine: Engine,
    features: list[dict[str, Any]],
    mapping: GridMapping,
    report: ImportReport,
    *,
    dry_run: bool,
    replace: bool,
) -> ImportReport:
    """Check the features; unless a dry run or anything was rejected, write the grids (one transaction), then the
    city's files."""
    report.dry_run = dry_run
    plan = plan_grids(features, mapping, report)
    if dry_run and report.ok and schema_present(engine):  # what the import would find, read only
        with engine.connect() as connection:
            if not replace:
                refuse_taken_codes(connection, plan, report)
            import_zone(connection, mapping, replace=replace, report=report)
    elif dry_run and report.ok:
        import_zone(None, mapping, replace=replace, report=report)
    if dry_run or not report.ok:
        return report
    try:
        with engine.begin() as connection:
            report.written = write_grids(connection, plan, mapping, replace=replace, report=report)
            if report.problems:
                raise Refused
            report.warnings += stranded_accounts(connection)
    except Refused:
        report.written = 0
        return report
    sources = {grid.source_code: grid.code for grid in plan.grids if grid.source_code != grid.code}
    if not replace:  # extending: the codes of an earlier import stay valid
        sources = {**_earlier_sources(), **sources}
    with engine.connect() as connection:
        facts = write_city_files(connection, city_folder(), mapping.city, sources)
    log.info("city written to %s: %s", city_folder(), facts)
    return report


def stranded_accounts(connection: Connection) -> list[str]:
    """A warning naming the accounts scoped to an area the city no longer has (they would see nothing)."""
    areas = set(connection.scalars(select(County.code))) | set(connection.scalars(select(Township.code)))
    accounts = connection.execute(select(UserAccount.username, UserAccount.area_code)).all()
    stranded = sorted(name for name, area in accounts if area is not None and area not in areas)
    if not stranded:
        return []
    return [f"{len(stranded)} accounts are scoped to areas the city no longer has: {', '.join(stranded[:10])} "
            "(python -m dashboard users set NAME --area CODE)"]  # fmt: skip


def _earlier_sources() -> dict[str, str]:
    path = city_folder() / "grid_source_codes.json"
    return dict(json.loads(path.read_text(encoding="utf-8"))) if path.exists() else {}
