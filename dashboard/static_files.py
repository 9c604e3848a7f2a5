"""The scripts and files every browser loads once, smaller on the wire: the charts' plotly.js as the cartesian bundle
(the traces our figures draw: bar, scatter, heatmap; a third of the full bundle), and the static scripts and map
layers compressed harder than a live answer can afford, once per process (brotli at quality 9; a live answer gets
Flask-Compress's quick default); the map layers, the largest, ship their own brotli copy made at the best quality
where the layer is written (dashboard.data.active_city.brotli_copy).

The full plotly.min.js (4.8 MB, 1.4 MB compressed) was most of a wall screen's first load. dcc.Graph loads plotly.js
from one fixed address when a page first shows a chart; this module answers that address with the bundle in
dashboard/vendor/ (plotly.js-cartesian-dist-min from npm, the same plotly.js version as the `plotly` package pinned
in requirements.txt: tests/unit/test_static_files.py holds them together). Exports draw with kaleido, which brings its
own plotly.js."""

from __future__ import annotations

import threading
from pathlib import Path

import brotli
from flask import Flask, Response, request

from dashboard.data.active_city import ASSETS, BROTLI_COPY, LAYERS, city_files

VENDOR = Path(__file__).resolve().parent / "vendor"
PLOTLY_BUNDLE = VENDOR / "plotly-cartesian.min.js"
PLOTLY_PATH = "/_dash-component-suites/plotly/package_data/plotly.min.js"  # where dcc.Graph asks for it
ONCE_PREFIXES = ("/_dash-component-suites/", "/assets/", "/city/")  # the same bytes for every browser
COMPRESSIBLE = {"text/javascript", "application/javascript", "text/css", "application/geo+json", "image/svg+xml"}
QUALITY = 9  # 0.1-0.7 s once for the largest script on this machine; 11 saves 8 % more for ten times the time
CACHED_BYTES = 16_000_000  # compressed copies held per process: all the scripts and layers take about 2.5 MB


class Compressed:
    """Brotli copies of the static responses, by path and validator, computed once per process."""

    def __init__(self) -> None:
        self.copies: dict[tuple[str, str, int], bytes] = {}
        self.lock = threading.Lock()

    def get(self, key: tuple[str, str, int], data: bytes) -> bytes:
        with self.lock:
            copy = self.copies.get(key)
        if copy is None:
            copy = brotli.compress(data, quality=QUALITY)
            with self.lock:
                if sum(map(len, self.copies.values())) + len(copy) <= CACHED_BYTES:
                    self.copies[key] = copy
        return copy


COMPRESSED = Compressed()


def shipped_copy(path: str) -> Path | None:
    """The brotli copy a map layer ships with, for its URL (dashboard.data.active_city.layer_url): Taizhou's under
    /assets/, an imported city's under /city/; None for any other path, or a layer written without one."""
    folder, _, name = path.rpartition("/")
    if name.removesuffix(".geojson") not in LAYERS or not name.endswith(".geojson"):
        return None
    files = city_files()
    layers = ASSETS if folder == "/assets" else files.layers if folder == "/city" and files.imported else None
    copy = layers / (name + BROTLI_COPY) if layers else None
    return copy if copy and copy.is_file() else None


def register_static_files(server: Flask) -> None:
    """Register after Flask-Compress: Flask runs after-request hooks last-registered first, so these responses are
    compressed here and Flask-Compress (seeing Content-Encoding) leaves them alone."""

    @server.get(PLOTLY_PATH)  # a rule without variables: Werkzeug tries it before Dash's component-suite rule
    def plotly_bundle() -> Response:
        response = Response(PLOTLY_BUNDLE.read_bytes(), mimetype="text/javascript")
        response.add_etag()  # answered 304 by compress_once when the browser holds it
        response.cache_control.no_cache = True  # revalidated on each visit: the address carries no version
        return response

    @server.after_request
    def compress_once(response: Response) -> Response:
        accepted = request.headers.get("Accept-Encoding", "")
        if (
            request.method != "GET"
            or response.status_code != 200
            or not request.path.startswith(ONCE_PREFIXES)
            or response.mimetype not in COMPRESSIBLE
            or "Content-Encoding" in response.headers
            or "br" not in {part.split(";")[0].strip() for part in accepted.split(",")}
        ):
            return response
        response.direct_passthrough = False  # a file sent by send_file: read it here
        etag, weak = response.get_etag()
        shipped = shipped_copy(request.path)
        if shipped:
            response.set_data(shipped.read_bytes())
        else:
            data = response.get_data()
            response.set_data(COMPRESSED.get((request.path, etag or "", len(data)), data))
        response.headers["Content-Encoding"] = "br"
        response.vary.add("Accept-Encoding")
        if etag and not weak:
            response.set_etag(f"{etag}:br")
            response.make_conditional(request)  # a 304 when the browser's If-None-Match names this copy
        return response
