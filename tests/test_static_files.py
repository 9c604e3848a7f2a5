"""What a browser loads once comes smaller: the charts' plotly.js is the cartesian bundle of the same plotly.js
version as the `plotly` package (its traces are the ones our figures draw), and the static scripts and map layers
come brotli-compressed, answered 304 when the browser holds them; the app's own scripts and stylesheets come as one
joined copy each, which the browser keeps until a file changes."""

from __future__ import annotations

import re

import brotli
import pytest
from plotly.offline import get_plotlyjs_version

from dashboard.asset_bundle import joined
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


def own_files(document: str, kind: str) -> list[str]:
    """The addresses under /assets/ the document names for scripts (`js`) or stylesheets (`css`)."""
    pattern = r'<script src="(/assets/[^"]+)"' if kind == "js" else r'<link rel="stylesheet" href="(/assets/[^"]+)"'
    return re.findall(pattern, document)


@pytest.mark.parametrize("kind", ["js", "css"])
def test_a_page_loads_the_apps_own_files_as_one_joined_copy_kept_until_they_change(dash_app, kind):
    client = signed_in_client(dash_app, "wall", Role.WALL_SCREEN)
    document = client.get("/").get_data(as_text=True)
    named = own_files(document, kind)
    assert len(named) == 1 and named[0].endswith(f".{kind}")
    answer = client.get(named[0], headers=BROWSER)
    assert answer.status_code == 200 and answer.headers["Content-Encoding"] == "br"
    assert "immutable" in answer.headers["Cache-Control"] and "max-age=31536000" in answer.headers["Cache-Control"]
    body = brotli.decompress(answer.data).decode("utf-8")
    files = sorted(ASSETS.glob(f"*.{kind}"))
    assert len(files) > 5
    places = [body.index(path.read_text(encoding="utf-8")) for path in files]  # each file whole, in name order
    assert places == sorted(places)
    assert client.get(f"/assets/{files[0].name}").status_code == 200  # still there one by one (the login page's)


def test_the_joined_address_changes_with_any_file(tmp_path):
    for name, text in (("01-a.js", "window.a = 1;"), ("02-b.js", "window.b = 2;")):
        (tmp_path / name).write_text(text, encoding="utf-8")
    before = joined("js", tmp_path).url
    (tmp_path / "02-b.js").write_text("window.b = 3;", encoding="utf-8")
    assert joined("js", tmp_path).url != before
