"""Write the brotli copies of the browser's map layers (assets/<layer>.geojson.br) from the web GeoJSON files beside
them: a browser that takes brotli is sent the copy (dashboard/static_files.py), 211 KB for the 2.1 MB of grid cells.
Run after build.py: `.venv/bin/python -m tools.geography.web_layers`. tests/geography/test_web_files.py checks that
each copy is its layer."""

from __future__ import annotations

from dashboard.data.active_city import ASSETS, BROTLI_COPY, LAYERS, brotli_copy


def main() -> None:
    for name in LAYERS:
        layer = ASSETS / f"{name}.geojson"
        target = layer.with_name(layer.name + BROTLI_COPY)
        target.write_bytes(brotli_copy(layer.read_bytes()))
        print(f"{target.name}: {target.stat().st_size:,} bytes for {layer.stat().st_size:,}")


if __name__ == "__main__":
    main()
