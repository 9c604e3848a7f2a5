"""A small second city to import (`python -m dashboard.importing sample OUT_DIR`), as another system would hand
it over: 样例市 (Sample City), 2 counties, 4 townships, 24 grids in a GeoJSON whose grid codes are the old
system's own (so the mapping maps them onto ours), and a year of incidents in a CSV in GBK with GCJ-02 positions,
Chinese headers and labels, a 是/否 solved flag, and case summaries with commas and line breaks. Deterministic:
the same seed and day give the same files. The county codes (9901xx) are made up: no real division has them."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import yaml  # type: ignore[import-untyped]

from dashboard.data.city_zone import city_zone
from dashboard.data.vocab import SUBTYPES, IncidentKind, PlaceType
from dashboard.i18n import TEXT
from dashboard.importing.projection import wgs_to_gcj

CITY = {"name": "样例市", "name_en": "Sample City"}
COUNTIES = {"990101": ("东城区", "Dongcheng District"), "990102": ("西湖县", "Xihu County")}
TOWNSHIPS = {
    "990101001": ("城东街道", "990101"),
    "990101002": ("海滨镇", "990101"),
    "990102001": ("湖西街道", "990102"),
    "990102002": ("青山乡", "990102"),
}
ORIGIN = (29.90, 122.00)  # south-west corner (WGS-84 lat, lon): at sea off Zhoushan, far from Taizhou
CELL = 0.02  # degrees: each grid a square about 2 km across
COLUMNS_PER_TOWNSHIP, ROWS_PER_TOWNSHIP = 3, 2
KIND_LABELS = {
    "criminal": "刑事案件",
    "dispute": "矛盾纠纷",
    "stability": "涉稳事件",
    "safety_accident": "安全生产事故",
}
KIND_SHARE = {"criminal": 0.35, "dispute": 0.45, "stability": 0.05, "safety_accident": 0.15}
HEADERS = {
    "id": "案件编号",
    "kind": "案件类别",
    "subtype": "案件小类",
    "reported_at": "报警时间",
    "filed_at": "立案时间",
    "solved": "是否破案",
    "solved_at": "破案时间",
    "lon": "经度",
    "lat": "纬度",
    "place_type": "场所类型",
    "grid_code": "网格编号",
    "summary": "简要案情",
}
DATE_FORMAT = "%Y/%m/%d %H:%M"


@dataclass(frozen=True)
class SampleGrid:
    source_code: str  # the old system's code, e.g. WG-0101-03
    name: str
    township: str
    county: str
    south: float
    west: float


def sample_grids() -> list[SampleGrid]:
    """Townships side by side in a row, each a block of 3 × 2 grids."""
    grids = []
    for block, (township, (township_name, county)) in enumerate(TOWNSHIPS.items()):
        for number in range(COLUMNS_PER_TOWNSHIP * ROWS_PER_TOWNSHIP):
            column, row = number % COLUMNS_PER_TOWNSHIP, number // COLUMNS_PER_TOWNSHIP
            south = round(ORIGIN[0] + row * CELL, 6)
            west = round(ORIGIN[1] + (block * COLUMNS_PER_TOWNSHIP + column) * CELL, 6)
            code = f"WG-{township[4:6]}{township[-2:]}-{number + 1:02d}"
            grids.append(SampleGrid(code, f"{township_name}第{number + 1}网格", township, county, south, west))
    return grids


def grids_geojson(grids: list[SampleGrid]) -> dict[str, object]:
    features = []
    for grid in grids:
        s, w, n, e = grid.south, grid.west, round(grid.south + CELL, 6), round(grid.west + CELL, 6)
        ring = [[w, s], [e, s], [e, n], [w, n], [w, s]]
        properties = {
            "网格编号": grid.source_code,
            "网格名称": grid.name,
            "乡镇街道代码": grid.township,
            "乡镇街道名称": TOWNSHIPS[grid.township][0],
            "区县代码": grid.county,
            "区县名称": COUNTIES[grid.county][0],
            "区县英文名": COUNTIES[grid.county][1],
        }
        features.append(
            {"type": "Feature", "properties": properties, "geometry": {"type": "Polygon", "coordinates": [ring]}}
        )
    return {"type": "FeatureCollection", "features": features}


def grid_mapping() -> dict[str, object]:
    return {
        "city": CITY,
        "coordinates": "wgs84",
        "codes": "generate",
        "properties": {
            "code": "网格编号",
            "name": "网格名称",
            "township": "乡镇街道代码",
            "township_name": "乡镇街道名称",
            "county": "区县代码",
            "county_name": "区县名称",
            "county_name_en": "区县英文名",
        },
    }


def incident_mapping() -> dict[str, object]:
    subtype_labels = {TEXT[f"subtype.{s}"]["zh-CN"]: s for subtypes in SUBTYPES.values() for s in subtypes}
    place_labels = {TEXT[f"place.{p.value}"]["zh-CN"]: p.value for p in PlaceType}
    return {
        "records": "incidents",
        "source": "sample-ps",
        "encoding": "gbk",
        "coordinates": "gcj02",
        "date_formats": [DATE_FORMAT, "%Y/%m/%d"],
        "columns": HEADERS,
        "values": {
            "kind": {label: kind for kind, label in KIND_LABELS.items()},
            "subtype": subtype_labels,
            "place_type": place_labels,
            "solved": {"是": "true", "否": "false"},
        },
        "defaults": {"source": "hotline"},
    }


def incident_rows(grids: list[SampleGrid], *, rows: int, today: date, seed: int) -> list[dict[str, str]]:
    """`rows` incidents over the 400 days before `today` (city clock), in grids chosen at random."""
    rng = np.random.default_rng(seed)
    kinds = rng.choice(list(KIND_SHARE), size=rows, p=list(KIND_SHARE.values()))
    cells = rng.integers(0, len(grids), size=rows)
    start = datetime.combine(today - timedelta(days=400), datetime.min.time())
    minutes = np.sort(rng.integers(0, 400 * 24 * 60, size=rows))
    margin = CELL * 0.1  # points well inside their grid: the GCJ-02 round trip moves them by millimetres
    lat = np.array([grids[c].south for c in cells]) + margin + rng.random(rows) * (CELL - 2 * margin)
    lon = np.array([grids[c].west for c in cells]) + margin + rng.random(rows) * (CELL - 2 * margin)
    gcj_lat, gcj_lon = wgs_to_gcj(lat, lon)
    now = datetime.combine(today, datetime.min.time())
    places = [p.value for p in PlaceType if p is not PlaceType.ONLINE]
    out = []
    for i in range(rows):
        kind = str(kinds[i])
        subtype = str(rng.choice(SUBTYPES[IncidentKind(kind)]))
        reported = start + timedelta(minutes=int(minutes[i]))
        filed = solved = None
        if kind == "criminal":
            filed = reported + timedelta(hours=int(rng.integers(1, 48)))
            if rng.random() < 0.6:
                solved = filed + timedelta(days=int(rng.integers(1, 40)), hours=int(rng.integers(0, 24)))
            filed = filed if filed < now else None
            solved = solved if solved is not None and filed is not None and solved < now else None
        place = "rental_housing" if rng.random() < 0.2 else str(rng.choice(places))
        summary = f"{TEXT[f'subtype.{subtype}']['zh-CN']}，地点：{TOWNSHIPS[grids[cells[i]].township][0]}, 已登记"
        if i % 7 == 0:
            summary += "\n续报：现场已处置"  # a line break inside a quoted field
        out.append(
            {
                HEADERS["id"]: f"SC{reported:%Y}{i + 1:06d}",
                HEADERS["kind"]: KIND_LABELS[kind],
                HEADERS["subtype"]: TEXT[f"subtype.{subtype}"]["zh-CN"],
                HEADERS["reported_at"]: f"{reported:{DATE_FORMAT}}",
                HEADERS["filed_at"]: "" if filed is None else f"{filed:{DATE_FORMAT}}",
                HEADERS["solved"]: ("是" if solved else "否") if kind == "criminal" else "",
                HEADERS["solved_at"]: "" if solved is None else f"{solved:{DATE_FORMAT}}",
                HEADERS["lon"]: f"{gcj_lon[i]:.6f}",
                HEADERS["lat"]: f"{gcj_lat[i]:.6f}",
                HEADERS["place_type"]: TEXT[f"place.{place}"]["zh-CN"],
                HEADERS["grid_code"]: grids[cells[i]].source_code if i % 10 == 0 else "",  # some rows name it
                HEADERS["summary"]: summary,
            }
        )
    return out


def csv_bytes(rows: list[dict[str, str]], encoding: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]) if rows else list(HEADERS.values()), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def write_sample(folder: Path, *, rows: int = 3000, today: date | None = None, seed: int = 7) -> list[Path]:
    """Write the sample city's four files into `folder`; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    today = today or datetime.now(ZoneInfo(city_zone())).date()
    grids = sample_grids()
    files = {
        "grids.geojson": json.dumps(grids_geojson(grids), ensure_ascii=False, indent=1).encode("utf-8"),
        "grids.yaml": yaml.safe_dump(grid_mapping(), allow_unicode=True, sort_keys=False).encode("utf-8"),
        "incidents.csv": csv_bytes(incident_rows(grids, rows=rows, today=today, seed=seed), "gbk"),
        "incidents.yaml": yaml.safe_dump(incident_mapping(), allow_unicode=True, sort_keys=False).encode("utf-8"),
    }
    paths = []
    for name, data in files.items():
        path = folder / name
        path.write_bytes(data)
        paths.append(path)
    return paths
