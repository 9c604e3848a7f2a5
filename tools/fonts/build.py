"""Build assets/fonts/wqy-microhei-subset.woff2: WenQuanYi Micro Hei (Apache-2.0) cut down to the characters the
command center shows, so a wall screen with no Chinese font of its own still renders every label.

Source: Debian's fonts-wqy-microhei (/usr/share/fonts/truetype/wqy/wqy-microhei.ttc, font 0). Kept: ASCII and
Latin-1, CJK punctuation and full-width forms, all 6,763 GB 2312 hanzi, and every character of the UI text and the
geography files. Build-time only: `pip install fonttools brotli`, then `python tools/fonts/build.py`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

ROOT = Path(__file__).resolve().parents[2]
SOURCE = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
TARGET = ROOT / "assets" / "fonts" / "wqy-microhei-subset.woff2"


def gb2312_hanzi() -> set[str]:
    chars = set()
    for high in range(0xB0, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.add(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return chars


def text_in_use() -> set[str]:
    sys.path.insert(0, str(ROOT))
    from dashboard.i18n import TEXT

    chars = {char for entry in TEXT.values() for text in entry.values() for char in text}
    for name in ("counties.geojson", "townships.geojson"):
        features = json.loads((ROOT / "dashboard" / "data" / "geography" / name).read_text())["features"]
        chars |= {char for feature in features for char in feature["properties"].get("name", "")}
    return chars


def main() -> None:
    wanted = {chr(code) for code in range(0x20, 0x100)} | {chr(code) for code in range(0x3000, 0x3040)}
    wanted |= {chr(code) for code in range(0xFF00, 0xFFF0)} | {"—", "–", "…", "·", "“", "”", "‘", "’", "−", "×"}
    wanted |= gb2312_hanzi() | text_in_use()
    font = TTCollection(str(SOURCE)).fonts[0]
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(wanted)))
    subsetter.subset(font)
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    font.flavor = "woff2"
    font.save(str(TARGET))
    print(f"{TARGET.relative_to(ROOT)}: {len(wanted)} characters, {TARGET.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
