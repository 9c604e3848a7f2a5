"""Write the browser's map layers as geobuf (assets/*.pbf) from the web GeoJSON files beside them: about a quarter
of the bytes, decoded in the browser by dash-leaflet. Run after build.py:
`.venv/bin/python tools/geography/geobuf_files.py`. tests/geography/test_web_files.py checks the two stay identical."""

from __future__ import annotations

import json
from pathlib import Path

import geobuf

ASSETS = Path(__file__).resolve().parents[2] / "assets"
LAYERS = ("grid_cells", "county_outlines")
PRECISION = 5  # decimals, as the web GeoJSON files


def encode(name: str) -> bytes:
    collection = json.loads((ASSETS / f"{name}.geojson").read_text(encoding="utf-8"))
    collection.pop("metadata", None)  # the licence notes stay in the GeoJSON files and the README
    return bytes(geobuf.encode(collection, PRECISION))


def main() -> None:
    for name in LAYERS:
        target = ASSETS / f"{name}.pbf"
        target.write_bytes(encode(name))
        print(f"{target.name}: {target.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
