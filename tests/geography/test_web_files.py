"""The geobuf layers the browser loads hold exactly the features of the web GeoJSON files."""

import json

import geobuf
import pytest

from tools.geography.geobuf_files import ASSETS, LAYERS, encode


@pytest.mark.parametrize("name", LAYERS)
def test_the_geobuf_layer_is_the_geojson_layer(name):
    shipped = (ASSETS / f"{name}.pbf").read_bytes()
    assert shipped == encode(name), "run tools/geography/geobuf_files.py after changing the GeoJSON"
    decoded = geobuf.decode(shipped)["features"]
    source = json.loads((ASSETS / f"{name}.geojson").read_text(encoding="utf-8"))["features"]
    assert [feature["properties"] for feature in decoded] == [feature["properties"] for feature in source]
