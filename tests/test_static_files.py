"""What a browser loads once comes smaller: the charts' plotly.js is the cartesian bundle of the same plotly.js
version as the `plotly` package (its traces are the ones our figures draw), and the static scripts and map layers
come brotli-compressed, answered 304 when the browser holds them."""

from __future__ import annotations

import brotli
import pytest
from plotly.offline import get_plotlyjs_version

from dashboard.data.active_city import ASSETS
from dashboard.data.vocab import Role
from dashboard.static_files import PLOTLY_BUNDLE, PLOTLY_PATH
from tests.support.accounts import signed_in_client

BROWSER = {"Accept-Encoding": "gzip, deflate, br, zstd"}  # what Chromium sends

pytestmark = pytest.mark.db_independent


def test_the_bundle_is_the_plotly_js_of_the_pinned_plotly_package():
    head = PLOTLY_BUNDLE.read_text(encoding="utf-8")[:200]
    assert f"plotly.js (cartesian - minified) v{get_plotlyjs_version()}" in head


@pytest.mark.parametrize("path", [PLOTLY_PATH, "/assets/grid_cells.geojson", "/assets/13-wall-mode.js"])
def test_static_files_come_compressed_and_revalidate(dash_app, path):
    client = signed_in_client(dash_app, "wall", Role.WALL_SCREEN)
    answer = client.get(path, headers=BROWSER)
    assert answer.status_code == 200 and answer.headers["Content-Encoding"] == "br"
    body = brotli.decompress(answer.data)
    if path == PLOTLY_PATH:
        assert body == PLOTLY_BUNDLE.read_bytes()
    if path.endswith(".geojson"):  # the copy made at brotli's best quality where the layer was written
        assert answer.data == (ASSETS / "grid_cells.geojson.br").read_bytes()
    again = client.get(path, headers={**BROWSER, "If-None-Match": answer.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    plain = client.get(path, headers={"Accept-Encoding": "identity"})
    assert plain.status_code == 200 and "Content-Encoding" not in plain.headers and plain.data == body
