"""The geography data: 9 real county outlines, 130 townships, 7,369 grids that tile the land, and the loader."""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
import pytest
import shapely

from dashboard.data import geography
from dashboard.data.geography import County, Grid, Township

REPO = Path(__file__).resolve().parents[2]
BUILD = REPO / "tools" / "geography" / "build.py"
SEED = 20170601
WEB_GRIDS = REPO / "assets" / "grid_cells.geojson"
WEB_COUNTIES = REPO / "assets" / "county_outlines.geojson"
GENERATED_FILES = (
    "dashboard/data/geography/townships.geojson",
    "dashboard/data/geography/grids.geojson",
    "assets/grid_cells.geojson",
    "assets/county_outlines.geojson",
)

COUNTY_CODES = ("331002", "331003", "331004", "331022", "331023", "331024", "331081", "331082", "331083")
GRID_CODE = re.compile(r"^(\d{6})-(\d{3})-(\d{4})$")
KM2_PER_SQ_DEG = (math.pi * 6371.0072 / 180) ** 2 * math.cos(math.radians(28.7))  # at Taizhou's latitude

# Tolerances (tools/geography/README.md): coordinates are rounded to 1e-6 degrees (about 0.1 m), which leaves
# slivers a few centimetres wide where two rounded edges meet.
MAX_OVERLAP_KM2 = 0.001  # all pairwise grid overlaps together (1,000 m²)
MAX_GAP_KM2 = 0.01  # county land covered by no grid, all together (10,000 m², about 1e-6 of the land)
MAX_SPILL_KM2 = 0.01  # grid area outside the county outlines, all together
MAX_OUTSIDE_OWN_KM2 = 0.001  # one grid's area outside its own county or township


@pytest.fixture(scope="module")
def counties() -> tuple[County, ...]:
    return geography.load_counties()


@pytest.fixture(scope="module")
def townships() -> tuple[Township, ...]:
    return geography.load_townships()


@pytest.fixture(scope="module")
def grids() -> tuple[Grid, ...]:
    return geography.load_grids()


@pytest.fixture(scope="module")
def grid_union(grids: tuple[Grid, ...]) -> shapely.Geometry:
    return shapely.union_all([grid.geometry for grid in grids])


@pytest.fixture(scope="module")
def land(counties: tuple[County, ...]) -> shapely.Geometry:
    return shapely.union_all([county.geometry for county in counties])


def km2(area_sq_deg: float) -> float:
    return float(area_sq_deg) * KM2_PER_SQ_DEG


def test_there_are_exactly_7369_grids(grids: tuple[Grid, ...]) -> None:
    assert len(grids) == 7369


def test_nine_counties_with_their_gb2260_codes(counties: tuple[County, ...]) -> None:
    assert tuple(county.code for county in counties) == COUNTY_CODES
    assert [county.name for county in counties][:3] == ["椒江区", "黄岩区", "路桥区"]
    for county in counties:
        assert county.geometry.is_valid and county.geometry.geom_type == "MultiPolygon"
        assert county.geometry.contains(shapely.Point(county.seat_lon, county.seat_lat)), county.name_en


def test_islands_are_part_of_the_land(counties: tuple[County, ...]) -> None:
    parts = {county.code: shapely.get_num_geometries(county.geometry) for county in counties}
    for coastal in ("331002", "331022", "331081", "331082", "331083"):  # Dachen, Sanmen bay, Wenling, Linhai, Yuhuan
        assert parts[coastal] > 10, coastal


def test_grids_neither_overlap_nor_leave_gaps(
    grids: tuple[Grid, ...], grid_union: shapely.Geometry, land: shapely.Geometry
) -> None:
    overlap = sum(shapely.area(grid.geometry) for grid in grids) - grid_union.area
    assert km2(overlap) < MAX_OVERLAP_KM2
    assert km2(land.difference(grid_union).area) < MAX_GAP_KM2
    assert km2(grid_union.difference(land).area) < MAX_SPILL_KM2


def test_every_piece_of_land_belongs_to_a_grid(counties: tuple[County, ...], grid_union: shapely.Geometry) -> None:
    for county in counties:
        for part in shapely.get_parts(county.geometry):  # the mainland and every island
            assert part.intersection(grid_union).area / part.area > 0.999, (county.code, part.representative_point())


def test_every_grid_lies_inside_its_county_and_township(
    grids: tuple[Grid, ...], counties: tuple[County, ...], townships: tuple[Township, ...]
) -> None:
    shapes = np.array([grid.geometry for grid in grids], dtype=object)
    county_of = {county.code: county.geometry for county in counties}
    township_of = {township.code: township.geometry for township in townships}
    own_county = np.array([county_of[grid.county_code] for grid in grids], dtype=object)
    own_township = np.array([township_of[grid.township_code] for grid in grids], dtype=object)
    assert km2(shapely.area(shapely.difference(shapes, own_county)).max()) < MAX_OUTSIDE_OWN_KM2
    assert km2(shapely.area(shapely.difference(shapes, own_township)).max()) < MAX_OUTSIDE_OWN_KM2
    assert all(grid.township_code.startswith(grid.county_code) for grid in grids)


def test_every_township_is_the_union_of_its_grids(grids: tuple[Grid, ...], townships: tuple[Township, ...]) -> None:
    members: dict[str, list[shapely.Geometry]] = defaultdict(list)
    for grid in grids:
        members[grid.township_code].append(grid.geometry)
    assert set(members) == {township.code for township in townships}  # no township without grids
    for township in townships:
        union = shapely.union_all(members[township.code])
        assert km2(township.geometry.symmetric_difference(union).area) < MAX_OUTSIDE_OWN_KM2, township.code


def test_townships_are_real_streets_towns_and_townships(townships: tuple[Township, ...]) -> None:
    assert 120 <= len(townships) <= 140  # Taizhou has about 130
    assert len({township.code for township in townships}) == len(townships)
    assert {township.county_code for township in townships} == set(COUNTY_CODES)
    suffix = {"street": "街道", "town": "镇", "township": "乡"}
    for township in townships:
        assert re.fullmatch(r"\d{9}", township.code) and township.code.startswith(township.county_code)
        assert township.name.endswith(suffix[township.kind]), township.name
        assert township.name_en and not township.generated
    streets = Counter(township.county_code for township in townships if township.kind == "street")
    assert streets["331002"] > streets["331022"]  # urban districts have more streets


def test_grid_codes_are_unique_well_formed_and_in_order(grids: tuple[Grid, ...]) -> None:
    codes = [grid.code for grid in grids]
    assert len(set(codes)) == len(codes)
    assert codes == sorted(codes)
    for grid in grids:
        match = GRID_CODE.match(grid.code)
        assert match, grid.code
        assert match[1] == grid.county_code and grid.township_code == match[1] + match[2]
        assert grid.name and int(match[3]) >= 1


def test_grid_attributes_agree_with_geometry(grids: tuple[Grid, ...]) -> None:
    for grid in grids[::50]:
        assert grid.area_km2 == pytest.approx(km2(grid.geometry.area), rel=0.02)
        assert grid.centroid_lat == pytest.approx(grid.geometry.centroid.y, abs=1e-6)
        assert grid.centroid_lon == pytest.approx(grid.geometry.centroid.x, abs=1e-6)


def test_urban_grids_are_smaller_than_rural_ones(grids: tuple[Grid, ...]) -> None:
    urban = [grid.area_km2 for grid in grids if grid.urban]
    rural = [grid.area_km2 for grid in grids if not grid.urban]
    assert urban and rural
    assert sum(urban) / len(urban) * 4 < sum(rural) / len(rural)


def test_grid_counts_follow_people_not_area(grids: tuple[Grid, ...], counties: tuple[County, ...]) -> None:
    per_county = Counter(grid.county_code for grid in grids)
    assert per_county["331081"] > per_county["331024"] * 2  # Wenling (populous plain) vs Xianju (mountains)
    mean_area = {c.code: km2(c.geometry.area) / per_county[c.code] for c in counties}
    assert mean_area["331004"] < mean_area["331023"] / 4  # Luqiao's grids are much smaller than Tiantai's


def test_locate_grid_finds_each_grid_from_inside_it(grids: tuple[Grid, ...]) -> None:
    points = shapely.point_on_surface([grid.geometry for grid in grids])
    found = [geography.locate_grid(point.y, point.x) for point in points]
    assert found == [grid.code for grid in grids]


def test_locate_grid_is_none_at_sea_and_outside_taizhou() -> None:
    assert geography.locate_grid(28.3, 122.6) is None  # East China Sea, east of the Dachen islands
    assert geography.locate_grid(30.27, 120.15) is None  # Hangzhou


def test_seats_fall_in_the_first_street_of_their_county(counties: tuple[County, ...]) -> None:
    for county in counties:
        code = geography.locate_grid(county.seat_lat, county.seat_lon)
        assert code is not None and code.startswith(f"{county.code}-001-")
        assert geography.grids_by_code()[code].urban


def test_web_grid_file_matches_the_full_file(grids: tuple[Grid, ...]) -> None:
    raw = WEB_GRIDS.read_bytes()
    assert len(raw) < 2_500_000  # a few hundred kB once gzipped
    features = json.loads(raw)["features"]
    assert [feature["properties"] for feature in features] == [
        {"code": grid.code, "id": index} for index, grid in enumerate(grids, start=1)
    ]
    assert re.search(rb"\.\d{6,}", raw) is None  # at most 5 decimals
    simplified = shapely.from_geojson([json.dumps(feature["geometry"]) for feature in features])
    centroids = shapely.get_coordinates(shapely.centroid(simplified))
    original = np.array([[grid.centroid_lon, grid.centroid_lat] for grid in grids])
    assert np.abs(centroids - original).max() < 0.01  # simplified shapes stay where they were


def test_web_county_outlines_have_the_nine_counties(counties: tuple[County, ...]) -> None:
    features = json.loads(WEB_COUNTIES.read_text(encoding="utf-8"))["features"]
    assert [feature["properties"]["code"] for feature in features] == [county.code for county in counties]
    for feature, county in zip(features, counties, strict=True):
        outline = shapely.geometry.shape(feature["geometry"])
        assert outline.symmetric_difference(county.geometry).area < 0.02 * county.geometry.area


@pytest.mark.slow
def test_rebuild_with_the_same_seed_gives_identical_files(tmp_path: Path) -> None:
    """The grid stage reads the committed counties and roster, so it runs without the build-time packages."""
    command = [sys.executable, str(BUILD), "--seed", str(SEED), "--skip-export", "--out", str(tmp_path)]
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    for name in GENERATED_FILES:
        assert (tmp_path / name).read_bytes() == (REPO / name).read_bytes(), name
