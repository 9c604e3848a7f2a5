"""The brotli copy a browser is sent of each map layer is exactly the layer's GeoJSON file."""

import brotli
import pytest

from dashboard.data.active_city import ASSETS, BROTLI_COPY, LAYERS

pytestmark = pytest.mark.db_independent


@pytest.mark.parametrize("name", LAYERS)
def test_the_shipped_brotli_copy_is_the_geojson_layer(name):
    layer = ASSETS / f"{name}.geojson"
    shipped = layer.with_name(layer.name + BROTLI_COPY).read_bytes()
    assert brotli.decompress(shipped) == layer.read_bytes(), (
        "run python -m tools.geography.web_layers after changing it"
    )
