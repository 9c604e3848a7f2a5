"""Which city the app shows: Taizhou (the committed files) by default, or a city imported from files
(`python -m dashboard.importing grids ...`), whose geography and map layers live in `<var_dir>/city/`.

An imported city is marked by `<var_dir>/city/city.json` (its names, map centre, zoom and bounds), written last by
the import. Readers key their caches on that file's modification time, so a new import is picked up by the next
call; deleting the folder brings Taizhou back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

import brotli

from dashboard.config import ROOT, get_settings
from dashboard.i18n import current_language, t

COMMITTED_GEOGRAPHY = Path(__file__).resolve().parent / "geography"
ASSETS = ROOT / "assets"
CITY_FILE = "city.json"
LAYERS = ("grid_cells", "county_outlines")  # the browser's map layers: <name>.geojson, its brotli copy beside it
BROTLI_COPY = ".br"  # <name>.geojson.br: the layer compressed once, where it is written (brotli_copy)
LAYER_QUALITY = 11  # brotli's best: 2.1 MB of cells to 211 KB in about 5 s, once per city instead of per process

TAIZHOU_NAME = {"zh-CN": "台州市", "en": "Taizhou"}
TAIZHOU_CENTER = (28.72, 121.13)  # the middle of the nine counties
TAIZHOU_ZOOM = 9


@dataclass(frozen=True)
class CityFiles:
    """Where the city's files are: `geography` holds counties/townships/grids.geojson, `layers` the map layers."""

    geography: Path
    layers: Path
    stamp: str  # "" for the default city; else changes with every import (cache keys, asset versions)

    @property
    def imported(self) -> bool:
        return bool(self.stamp)


@dataclass(frozen=True)
class CityView:
    """The city's names and where the maps open."""

    name: str
    name_en: str
    center: tuple[float, float]  # WGS-84 lat, lon
    zoom: int


def city_folder() -> Path:
    """Where an import writes the city: `<var_dir>/city/`."""
    return get_settings().var_dir / "city"


def city_files() -> CityFiles:
    folder = city_folder()
    try:
        stamp = str((folder / CITY_FILE).stat().st_mtime_ns)
    except FileNotFoundError:
        return CityFiles(COMMITTED_GEOGRAPHY, ASSETS, "")
    return CityFiles(folder, folder, stamp)


def city_view() -> CityView:
    files = city_files()
    return _read_view(files.layers, files.stamp)


@lru_cache(maxsize=4)
def _read_view(folder: Path, stamp: str) -> CityView:
    if not stamp:
        return CityView(TAIZHOU_NAME["zh-CN"], TAIZHOU_NAME["en"], TAIZHOU_CENTER, TAIZHOU_ZOOM)
    facts = json.loads((folder / CITY_FILE).read_text(encoding="utf-8"))
    lat, lon = facts["center"]
    return CityView(facts["name"], facts["name_en"], (float(lat), float(lon)), int(facts["zoom"]))


def city_name(lang: Literal["zh-CN", "en"]) -> str:
    view = city_view()
    return view.name if lang == "zh-CN" else view.name_en


def city_title(lang: Literal["zh-CN", "en"] | None = None) -> str:
    """The app's title for the city shown ("台州市网格化管理指挥中心" for the default city)."""
    chosen = lang or current_language()
    return t("app.title_of", chosen, city=city_name(chosen))


def layer_url(name: str) -> str:
    """The browser's URL of a map layer (GeoJSON): a static asset for Taizhou, the /city/ route for an imported city
    (versioned, so a new import is never read from a browser's cache)."""
    files = city_files()
    return f"/city/{name}.geojson?v={files.stamp}" if files.imported else f"/assets/{name}.geojson"


def layer_file(name: str) -> Path:
    """A map layer's file on disk: `<name>.geojson`."""
    return city_files().layers / f"{name}.geojson"


def brotli_copy(layer: bytes) -> bytes:
    """A layer's brotli copy (`<name>.geojson.br`, served in its place to a browser that takes brotli). The browser's
    JSON decodes a layer several times faster than dash-leaflet's geobuf decoder did (about 150 ms of a wall screen's
    first paint), and brotli at its best quality makes the JSON as small on the wire as the geobuf was; too slow to
    run per request or per process, so it runs where the layer is written."""
    return bytes(brotli.compress(layer, quality=LAYER_QUALITY))
