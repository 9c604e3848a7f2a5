"""Reading the files another system hands over, before any database: the mapping (errors name the field), CSV in
UTF-8 or GBK with quoted commas and line breaks, XLSX, and the coordinate conversions over whole columns."""

from __future__ import annotations

import gzip
import zipfile
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dashboard.data.coordinates import to_wgs84 as point_to_wgs84
from dashboard.importing.mapping import MappingError, load_grid_mapping, load_record_mapping
from dashboard.importing.projection import to_wgs84
from dashboard.importing.readers import ReadError, read_csv, read_table

pytestmark = pytest.mark.db_independent
TABLE = '编号,案情,纬度\r\nA1,"盗窃，电动车, 二楼\r\n续报：已处置",29.9\r\nA2,"他说""快来""",29.8\r\n'


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_a_wrong_record_mapping_names_each_wrong_field(tmp_path: Path) -> None:
    mapping = write(
        tmp_path / "m.yaml",
        "records: incidents\nsource: Old System\ncolumns: {lon: 经度, reported_at: 时间, colour: 颜色}\n"
        "date_formats: ['%Y']\nvalues: {summary: {a: b}}\n",
    )
    with pytest.raises(MappingError) as error:
        load_record_mapping(mapping)
    message = str(error.value)
    assert "m.yaml: source: 1 to 24 characters" in message
    with pytest.raises(MappingError) as error:
        load_record_mapping(
            write(tmp_path / "n.yaml", "records: incidents\nsource: old\ncolumns: {lon: 经度, colour: 颜色}\n")
        )
    lines = str(error.value).splitlines()
    assert "n.yaml: columns.colour: not a field of incidents" in lines
    assert "n.yaml: columns.lat: field required for incidents" in lines
    assert "n.yaml: columns.reported_at: field required for incidents" in lines
    assert "n.yaml: columns.kind: field required for incidents (or give defaults.kind)" in lines


def test_a_wrong_grid_mapping_names_the_field_and_a_missing_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(MappingError, match=r"g.yaml: properties.county: Field required"):
        load_grid_mapping(
            write(tmp_path / "g.yaml", "city: {name: 样例市}\nproperties: {code: a, name: b, township: c}\n")
        )
    with pytest.raises(MappingError, match=r"g.yaml: coordinates: Input should be 'wgs84', 'gcj02' or 'bd09'"):
        load_grid_mapping(
            write(
                tmp_path / "g.yaml",
                "city: {name: x}\ncoordinates: mars\nproperties: {code: a, name: b, township: c, county: d}\n",
            )
        )
    with pytest.raises(MappingError, match="no such file"):
        load_grid_mapping(tmp_path / "missing.yaml")
    with pytest.raises(MappingError, match="not valid YAML"):
        load_grid_mapping(write(tmp_path / "bad.yaml", "city: [unclosed\n"))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_in_utf8_or_gbk_keeps_quoted_commas_and_line_breaks(encoding: str) -> None:
    frame = read_csv(TABLE.encode(encoding), "auto")
    assert list(frame.columns) == ["编号", "案情", "纬度"]
    assert frame["案情"].tolist() == ["盗窃，电动车, 二楼\r\n续报：已处置", '他说"快来"']
    assert frame["纬度"].tolist() == ["29.9", "29.8"]  # text: the import parses numbers itself


def test_a_file_in_the_wrong_encoding_is_named_with_its_first_bad_byte() -> None:
    gbk = TABLE.encode("gbk")
    with pytest.raises(ReadError, match=r"cannot decode the text: not utf-8 \(byte 0x.. at offset 0\); is it GBK\?"):
        read_csv(gbk, "utf-8", name="old.csv")
    with pytest.raises(ReadError, match=r"not utf-8 .*, not gbk"):
        read_csv(b"a,b\r\n\xff\xff\xff\xff,1\r\n", "auto")
    with pytest.raises(ReadError, match="the file is empty"):
        read_csv(b"", "auto")


def test_xlsx_cells_become_text_with_times_in_iso_form(tmp_path: Path) -> None:
    path = tmp_path / "old.xlsx"
    pd.DataFrame({"编号": [1001, 1002], "时间": [datetime(2025, 3, 4, 13, 22), None], "纬度": [29.91, 29.92]}).to_excel(
        path, index=False
    )
    frame = read_table(path)
    assert frame.to_dict("records") == [
        {"编号": "1001", "时间": "2025-03-04 13:22:00", "纬度": "29.91"},
        {"编号": "1002", "时间": "", "纬度": "29.92"},
    ]
    with pytest.raises(ReadError, match="not a CSV or XLSX"):
        read_table(write(tmp_path / "old.json", "{}"))


@pytest.mark.parametrize("system", ["gcj02", "bd09", "wgs84"])
def test_column_conversion_matches_prcoords_point_by_point(system: str) -> None:
    rng = np.random.default_rng(3)
    lat, lon = rng.uniform(18, 50, 500), rng.uniform(75, 134, 500)
    got_lat, got_lon = to_wgs84(lat, lon, system)  # type: ignore[arg-type]
    expected = np.array([point_to_wgs84(a, b, system) for a, b in zip(lat, lon, strict=True)])  # type: ignore[arg-type]
    assert np.allclose(got_lat, expected[:, 0], atol=1e-9) and np.allclose(got_lon, expected[:, 1], atol=1e-9)


def test_a_gzipped_csv_and_a_zip_holding_one_table_read_as_the_table(tmp_path: Path) -> None:
    expected = read_csv(TABLE.encode("gbk"), "auto")
    (tmp_path / "old.csv.gz").write_bytes(gzip.compress(TABLE.encode("gbk")))
    pd.DataFrame(expected).to_excel(tmp_path / "old.xlsx", index=False)
    with zipfile.ZipFile(tmp_path / "csv.zip", "w") as archive:
        archive.writestr("导出/", "")  # a folder, and what macOS adds: not tables
        archive.writestr("__MACOSX/导出/._案件.csv", b"\x00\x05")
        archive.writestr("导出/案件.csv", TABLE.encode("gbk"))
    with zipfile.ZipFile(tmp_path / "xlsx.zip", "w") as archive:
        archive.write(tmp_path / "old.xlsx", "案件.xlsx")
    for name in ("old.csv.gz", "csv.zip"):
        assert read_table(tmp_path / name).to_dict("records") == expected.to_dict("records"), name
    assert read_table(tmp_path / "xlsx.zip").to_dict("records") == read_table(tmp_path / "old.xlsx").to_dict("records")
    assert read_table(tmp_path / "xlsx.zip")["编号"].tolist() == ["A1", "A2"]


def test_an_archive_that_holds_no_single_table_is_named(tmp_path: Path) -> None:
    with zipfile.ZipFile(tmp_path / "two.zip", "w") as archive:
        archive.writestr("a.csv", "x\n1\n")
        archive.writestr("b.xlsx", b"")
        archive.writestr("readme.txt.bak", "")
    with pytest.raises(ReadError, match=r"two.zip: a .zip must hold exactly one CSV or XLSX file; it holds 2 "
                                        r"\(a.csv, b.xlsx, readme.txt.bak\)"):  # fmt: skip
        read_table(tmp_path / "two.zip")
    (tmp_path / "broken.csv.gz").write_bytes(b"not gzip at all")
    with pytest.raises(ReadError, match=r"broken.csv.gz: not a readable gzip file"):
        read_table(tmp_path / "broken.csv.gz")
    (tmp_path / "broken.zip").write_bytes(b"PK not a zip")
    with pytest.raises(ReadError, match=r"broken.zip: not a readable ZIP file"):
        read_table(tmp_path / "broken.zip")
    (tmp_path / "grids.json.gz").write_bytes(gzip.compress(b"{}"))
    with pytest.raises(ReadError, match=r"grids.json.gz: a .gz file must hold a CSV \(name.csv.gz\)"):
        read_table(tmp_path / "grids.json.gz")
