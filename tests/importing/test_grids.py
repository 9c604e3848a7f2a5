"""Importing a grid map: the sample city's grids replace Taizhou's, and the app's geography, maps and names follow;
bad polygons, overlaps, duplicate and ill-formed codes are reported by feature and change nothing."""

from __future__ import annotations

import json
from collections import Counter
from html import escape
from pathlib import Path

import brotli
import pytest
import shapely
from sqlalchemy import select

from dashboard.components.map import city_center_zoom
from dashboard.data import geography
from dashboard.data.active_city import city_files, city_folder, city_name, layer_url
from dashboard.data.areas import GRID_CODE
from dashboard.data.db import session_scope
from dashboard.data.models import County, Grid, Township
from dashboard.importing.mapping import MappingError, load_grid_mapping
from dashboard.pipeline.grid_metrics import web_cell_codes
from tests.importing.conftest import Sample, import_grid_file, import_record_file, table_counts


def test_taizhou_is_the_city_until_one_is_imported() -> None:
    assert not city_files().imported
    assert city_name("zh-CN") == "台州市" and layer_url("grid_cells") == "/assets/grid_cells.geojson"
    assert len(geography.load_counties()) == 9


def test_imported_grids_become_the_city_the_app_shows(sample_grids: Sample) -> None:
    source = json.loads(sample_grids.grids.read_text(encoding="utf-8"))["features"]
    with session_scope() as session:
        codes = session.scalars(select(Grid.code).order_by(Grid.code)).all()
        counties = dict(session.execute(select(County.code, County.name)).all())
        townships = dict(session.execute(select(Township.code, Township.name)).all())
    assert len(codes) == len(source) == 24 and all(GRID_CODE.fullmatch(code) for code in codes)
    assert counties == {f["properties"]["区县代码"]: f["properties"]["区县名称"] for f in source}
    assert townships == {f["properties"]["乡镇街道代码"]: f["properties"]["乡镇街道名称"] for f in source}

    assert city_name("zh-CN") == "样例市" and city_name("en") == "Sample City"
    assert [grid.code for grid in geography.load_grids()] == codes
    assert {county.code for county in geography.load_counties()} == set(counties)
    lats = [p[1] for f in source for p in f["geometry"]["coordinates"][0]]
    lons = [p[0] for f in source for p in f["geometry"]["coordinates"][0]]
    (lat, lon), zoom = city_center_zoom()
    assert min(lats) < lat < max(lats) and min(lons) < lon < max(lons) and zoom >= 10
    assert layer_url("grid_cells").startswith("/city/grid_cells.geojson?v=")
    assert web_cell_codes() == tuple(codes)  # the wall's cell layer, in the order its values are sent
    cells = json.loads((city_folder() / "grid_cells.geojson").read_bytes())
    assert sorted(f["properties"]["code"] for f in cells["features"]) == codes

    # The old system's code is the grid's source code: the feature's own square contains the grid it became.
    sources = json.loads((city_folder() / "grid_source_codes.json").read_text(encoding="utf-8"))
    for feature in source:
        (west, south), _, (east, north), *_ = feature["geometry"]["coordinates"][0]
        code = geography.locate_grid((south + north) / 2, (west + east) / 2)
        assert code == sources[feature["properties"]["网格编号"]]


def test_a_dry_run_reports_and_writes_nothing(sample: Sample) -> None:
    before = table_counts()
    report = import_grid_file(sample.grids, sample.grid_mapping, dry_run=True)
    assert report.ok and report.accepted == 24 and report.written == 0
    assert table_counts() == before and not city_files().imported


def bad_features(path: Path) -> Path:
    collection = json.loads(path.read_text(encoding="utf-8"))
    features = collection["features"]
    bowtie = [[122.0, 29.9], [122.02, 29.92], [122.02, 29.9], [122.0, 29.92], [122.0, 29.9]]
    features[1]["geometry"]["coordinates"] = [bowtie]  # feature 2: self-intersecting
    features[3]["properties"]["网格编号"] = features[2]["properties"]["网格编号"]  # feature 4: 3's code,
    features[3]["properties"]["乡镇街道代码"] = "990101002"  # in another township: not merged
    shifted = [[x + 0.01, y] for x, y in features[4]["geometry"]["coordinates"][0]]
    features[5]["geometry"]["coordinates"] = [shifted]  # feature 6: half over feature 5
    features[6]["properties"]["区县代码"] = "9901"  # feature 7: not a county code
    features[7]["geometry"] = {"type": "Point", "coordinates": [122.0, 29.9]}  # feature 8
    out = path.with_name("bad.geojson")
    out.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    return out


def test_bad_grids_are_reported_by_feature_and_nothing_changes(sample: Sample) -> None:
    before = table_counts()
    report = import_grid_file(bad_features(sample.grids), sample.grid_mapping)
    reasons = {rejection.row: rejection.reason for rejection in report.rejected}
    assert reasons[2].startswith("geometry: invalid polygon (Self-intersection")
    assert reasons[4] == "code 'WG-0101-03' is also feature 3's, in township 990101001, not 990101002: not merged"
    assert reasons[6] == "overlaps 'WG-0101-05' (feature 5) by 50.0% of the smaller grid"
    assert reasons[7] == "区县代码 (county): '9901' is not a 6-digit county code"
    assert reasons[8] == "geometry: a Point, not a Polygon or MultiPolygon"
    assert len(reasons) == 5 and not report.ok and report.written == 0
    assert "nothing imported: the database was not changed" in report.render()
    assert table_counts() == before and not city_files().imported


def test_codes_that_do_not_fit_are_refused_unless_generated(sample: Sample, tmp_path: Path) -> None:
    keep = tmp_path / "keep.yaml"
    keep.write_text(
        sample.grid_mapping.read_text(encoding="utf-8").replace("codes: generate", "codes: keep"), encoding="utf-8"
    )
    report = import_grid_file(sample.grids, keep)
    assert len(report.rejected) == 24
    assert report.rejected[0].reason == "网格编号 (code): 'WG-0101-01' is not 990101-001-NNNN (or set codes: generate)"


def test_extending_with_codes_already_stored_is_refused(sample_grids: Sample) -> None:
    before = table_counts()
    dry = import_grid_file(sample_grids.grids, sample_grids.grid_mapping, replace=False, dry_run=True)
    report = import_grid_file(sample_grids.grids, sample_grids.grid_mapping, replace=False)
    assert dry.problems == report.problems  # the dry run finds it as the import does
    assert report.problems == [
        "24 grid codes are in the database already (990101-001-0001, 990101-001-0002, 990101-001-0003, "
        "990101-001-0004, 990101-001-0005, 990101-001-0006, 990101-002-0001, 990101-002-0002, 990101-002-0003, "
        "990101-002-0004); use --replace"
    ]
    assert table_counts() == before


def test_replacing_the_city_empties_its_records(sample_city: Sample, tmp_path: Path) -> None:
    from dashboard.data.vocab import Role
    from tests.support.accounts import account

    account("xihu", Role.COUNTY_LEADER, "990102")
    collection = json.loads(sample_city.grids.read_text(encoding="utf-8"))
    collection["features"] = [f for f in collection["features"] if f["properties"]["区县代码"] == "990101"]
    east = tmp_path / "east.geojson"
    east.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    assert table_counts()["incident"] > 0
    report = import_grid_file(east, sample_city.grid_mapping, replace=True)
    assert report.ok and report.written == 12
    assert report.warnings == [
        "1 accounts are scoped to areas the city no longer has: xihu (python -m dashboard users set NAME --area CODE)"
    ]
    assert table_counts()["incident"] == 0
    report = import_grid_file(sample_city.grids, sample_city.grid_mapping, replace=True)
    assert report.ok and report.written == 24 and report.warnings == []
    counts = table_counts()
    assert counts["incident"] == counts["incident_county_month"] == 0 and counts["grid"] == 24
    again = import_record_file(sample_city.incidents, sample_city.incident_mapping)
    assert again.written == again.total  # the records come back in the new grids


@pytest.mark.parametrize("system", ["gcj02", "bd09"])
def test_polygons_in_chinese_systems_are_stored_in_wgs84(sample: Sample, tmp_path: Path, system: str) -> None:
    import numpy as np

    from dashboard.importing.projection import wgs_to_bd, wgs_to_gcj

    collection = json.loads(sample.grids.read_text(encoding="utf-8"))
    shift = wgs_to_gcj if system == "gcj02" else wgs_to_bd
    for feature in collection["features"]:
        ring = np.array(feature["geometry"]["coordinates"][0])
        lat, lon = shift(ring[:, 1], ring[:, 0])
        feature["geometry"]["coordinates"] = [np.column_stack([lon, lat]).tolist()]
    shifted = tmp_path / "shifted.geojson"
    shifted.write_text(json.dumps(collection), encoding="utf-8")
    mapping = tmp_path / "shifted.yaml"
    mapping.write_text(sample.grid_mapping.read_text(encoding="utf-8").replace("wgs84", system), encoding="utf-8")
    report = import_grid_file(shifted, mapping)
    assert report.ok, report.render()
    first = geography.load_grids()[0].geometry.bounds  # 990101-001-0001 is the sample's south-west square
    assert np.allclose(first, (122.0, 29.9, 122.02, 29.92), atol=1e-6)


def test_the_imported_layers_are_served_to_signed_in_browsers_only(dash_app, sample_grids: Sample) -> None:
    from tests.support.accounts import signed_in_client

    url = layer_url("grid_cells")
    assert dash_app.server.test_client().get(url).status_code == 302  # to the login page
    client = signed_in_client(dash_app)
    layer = (city_folder() / "grid_cells.geojson").read_bytes()
    response = client.get(url, headers={"Accept-Encoding": "identity"})
    assert response.status_code == 200 and response.data == layer
    compressed = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br, zstd"})  # as Chromium asks
    assert compressed.headers["Content-Encoding"] == "br" and brotli.decompress(compressed.data) == layer
    assert client.get("/city/users.geojson").status_code == 404
    page = client.get("/")
    assert f"<{url}>; rel=preload" in page.headers["Link"]
    assert f'<meta name="grid-cells" content="{escape(url)}" data-crs="wgs84">' in page.text  # the wall's script


def police_beats(sample: Sample, tmp_path: Path, *, rule: str, township: bool = True) -> tuple[Path, Path]:
    """The sample's grids as a police beat map: flat beat ids, districts and sectors named, not coded."""
    collection = json.loads(sample.grids.read_text(encoding="utf-8"))
    for feature in collection["features"]:
        old = feature["properties"]
        county, township_code = old["区县代码"], old["乡镇街道代码"]
        feature["properties"] = {
            "beat": old["网格编号"].replace("WG-", "B"),
            "district": f"District {int(county[-2:]) * 5}",  # District 5, District 10
            "sector": f"Sector {int(township_code[-3:])}{'AB'[int(county[-2:]) - 1]}",  # Sector 1A … Sector 2B
        }
    beats = tmp_path / "beats.geojson"
    beats.write_text(json.dumps(collection), encoding="utf-8")
    mapping = tmp_path / "beats.yaml"
    sector = ", township: sector" if township else ""
    mapping.write_text(
        f"city: {{name: 警区市}}\ncodes: generate\nproperties: {{code: beat, name: beat, county: district{sector}}}\n"
        f"area_codes: {rule}\n",
        encoding="utf-8",
    )
    return beats, mapping


def stored_areas() -> tuple[dict[str, str], dict[str, tuple[str, str]], dict[str, int]]:
    """Counties {code: name}, townships {code: (county, name)}, and the grids per township."""
    with session_scope() as session:
        counties = dict(session.execute(select(County.code, County.name)).all())
        townships = {code: (county, name) for code, county, name in session.execute(
            select(Township.code, Township.county_code, Township.name))}  # fmt: skip
        grids = Counter(session.scalars(select(Grid.township_code)))
    return counties, townships, dict(grids)


def test_area_codes_numbered_from_the_properties_values(sample: Sample, tmp_path: Path) -> None:
    beats, mapping = police_beats(sample, tmp_path, rule="{prefix: '9902'}")
    report = import_grid_file(beats, mapping)
    assert report.ok and report.written == 24, report.render()
    assert "area codes: 2 counties from district ('District 5' 990201, 'District 10' 990202); 4 townships" in (
        report.warnings
    )
    counties, townships, grids = stored_areas()
    assert counties == {"990201": "District 5", "990202": "District 10"}  # natural order: 5 before 10
    assert townships == {
        "990201001": ("990201", "Sector 1A"), "990201002": ("990201", "Sector 2A"),
        "990202001": ("990202", "Sector 1B"), "990202002": ("990202", "Sector 2B"),
    }  # fmt: skip
    assert grids == dict.fromkeys(townships, 6)


def test_area_codes_from_the_digits_in_the_values(sample: Sample, tmp_path: Path) -> None:
    beats, mapping = police_beats(sample, tmp_path, rule="{prefix: '9902', county: digits, township: digits}")
    report = import_grid_file(beats, mapping)
    assert report.ok and report.written == 24, report.render()
    counties, townships, _ = stored_areas()
    assert counties == {"990205": "District 5", "990210": "District 10"}
    assert set(townships) == {"990205001", "990205002", "990210001", "990210002"}


def test_without_a_township_property_each_county_is_one_township(sample: Sample, tmp_path: Path) -> None:
    beats, mapping = police_beats(sample, tmp_path, rule="{prefix: '9902', county: digits}", township=False)
    report = import_grid_file(beats, mapping)
    assert report.ok and report.written == 24, report.render()
    _, townships, grids = stored_areas()
    assert townships == {"990205001": ("990205", "District 5"), "990210001": ("990210", "District 10")}
    assert grids == {"990205001": 12, "990210001": 12}


def test_values_that_make_no_code_or_the_same_code_are_rejected_by_feature(sample: Sample, tmp_path: Path) -> None:
    beats, mapping = police_beats(sample, tmp_path, rule="{prefix: '9902', county: digits, township: digits}")
    collection = json.loads(beats.read_text(encoding="utf-8"))
    collection["features"][0]["properties"]["district"] = "Central"  # no digits
    collection["features"][1]["properties"]["district"] = "District 05"  # the code District 5 gets
    collection["features"][2]["properties"]["district"] = ""
    beats.write_text(json.dumps(collection), encoding="utf-8")
    before = table_counts()
    report = import_grid_file(beats, mapping)
    where = "district (county, area_codes.county: digits)"
    assert {r.row: r.reason for r in report.rejected} == {
        1: f"{where}: 'Central' has no number of 1 to 2 digits to make a code of (digits)",
        2: f"{where}: 'District 05' gives the code 990205, as 'District 5' also does",
        3: "district (county): empty",
        **dict.fromkeys(range(4, 13), f"{where}: 'District 5' gives the code 990205, as 'District 05' also does"),
    }  # features 1 to 12 are District 5's; 13 to 24, District 10's, are accepted
    assert report.written == 0 and table_counts() == before
    with pytest.raises(MappingError, match=r"beats.yaml: properties.township: field required \(or make the codes"):
        mapping.write_text("city: {name: x}\nproperties: {code: beat, name: beat, county: district}\n")
        load_grid_mapping(mapping)


def test_features_that_share_a_code_are_merged_into_one_multipolygon(sample: Sample, tmp_path: Path) -> None:
    """A beat in two pieces (features 1 and 3 of one township, not touching), and one drawn in two halves that
    touch (features 4 and 5): one grid each, and the report says so."""
    collection = json.loads(sample.grids.read_text(encoding="utf-8"))
    features = collection["features"]
    features[2]["properties"]["网格编号"] = features[0]["properties"]["网格编号"]
    features[4]["properties"]["网格编号"] = features[3]["properties"]["网格编号"]
    pieces = tmp_path / "pieces.geojson"
    pieces.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    report = import_grid_file(pieces, sample.grid_mapping)
    assert report.ok and report.accepted == 24 and report.written == 22, report.render()
    assert report.warnings == [
        "features 1, 3 share the code 'WG-0101-01': merged into one grid, a multipolygon of 2 parts; also named "
        "城东街道第3网格, kept '城东街道第1网格'",
        "features 4, 5 share the code 'WG-0101-04': merged into one grid, a polygon (the parts touch); also named "
        "城东街道第5网格, kept '城东街道第4网格'",
    ]
    sources = json.loads((city_folder() / "grid_source_codes.json").read_text(encoding="utf-8"))
    with session_scope() as session:
        stored = dict(session.execute(select(Grid.code, Grid.geometry)).all())
    two = shapely.from_geojson(stored[sources["WG-0101-01"]])
    halves = shapely.from_geojson(stored[sources["WG-0101-04"]])
    expected = [shapely.from_geojson(json.dumps(features[n]["geometry"])) for n in (0, 2, 3, 4)]
    assert two.geom_type == "MultiPolygon" and two.equals(shapely.union_all(expected[:2]))
    assert halves.geom_type == "Polygon" and halves.equals(shapely.union_all(expected[2:]))
    for code, lat, lon in (("WG-0101-01", 29.91, 122.01), ("WG-0101-01", 29.91, 122.05), ("WG-0101-04", 29.93, 122.03)):
        assert geography.locate_grid(lat, lon) == sources[code]  # each piece locates into its grid


def test_shared_codes_can_be_refused_instead(sample: Sample, tmp_path: Path) -> None:
    collection = json.loads(sample.grids.read_text(encoding="utf-8"))
    collection["features"][2]["properties"]["网格编号"] = collection["features"][0]["properties"]["网格编号"]
    pieces = tmp_path / "pieces.geojson"
    pieces.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    strict = tmp_path / "strict.yaml"
    strict.write_text(sample.grid_mapping.read_text(encoding="utf-8") + "same_code: reject\n", encoding="utf-8")
    report = import_grid_file(pieces, strict)
    assert [(r.row, r.reason) for r in report.rejected] == [(3, "duplicate code 'WG-0101-01' (first at feature 1)")]
