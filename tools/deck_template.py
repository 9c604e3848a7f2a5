"""Writes dashboard/exports/templates/monthly_deck.pptx, the slide master the monthly deck is built on.

    .venv/bin/python tools/deck_template.py [OUT]

python-pptx's own default template made 16:9 (its layouts widened to match), Chinese text set in Microsoft YaHei
(the theme's East Asian fonts, what a meeting-room PC has), and a thin accent strip along the top of every slide. A
city replaces the file with its own (DASHBOARD_DECK_TEMPLATE names it): the deck uses its slide size, its layouts
named "Title Slide" and "Blank" (else the first and the last layout), and leaves its master's design as it is.
"""

from __future__ import annotations

import sys
from pathlib import Path

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.util import Emu, Inches

OUT = Path(__file__).resolve().parent.parent / "dashboard" / "exports" / "templates" / "monthly_deck.pptx"
WIDE = Emu(12192000)  # 13.333 in: 16:9 at 7.5 in high
CJK_FONT = "Microsoft YaHei"
ACCENT = "1F6FC5"


def main(out: Path) -> None:
    deck = Presentation()
    scale = int(WIDE) / int(deck.slide_width)
    deck.slide_width = Emu(int(WIDE))
    master = deck.slide_master
    for shape in [*master.shapes, *(ph for layout in deck.slide_layouts for ph in layout.placeholders)]:
        shape.left, shape.width = Emu(round(shape.left * scale)), Emu(round(shape.width * scale))
    theme_part = next(rel.target_part for rel in master.part.rels.values() if rel.reltype.endswith("/theme"))
    theme = theme_part.blob.decode()
    for font in ("majorFont", "minorFont"):  # the theme's East Asian faces: empty in the default
        head, _, tail = theme.partition(f"<a:{font}>")
        tail = tail.replace('<a:ea typeface=""/>', f'<a:ea typeface="{CJK_FONT}"/>', 1)
        theme = f"{head}<a:{font}>{tail}"
    theme_part._blob = theme.encode()
    scratch = Presentation()  # a master has no add_shape: the strip is drawn on a scratch slide and moved over
    strip = scratch.slides.add_slide(scratch.slide_layouts[6]).shapes.add_shape(
        MSO_SHAPE.RECTANGLE, 0, 0, deck.slide_width, Inches(0.12)
    )
    strip.fill.solid()
    strip.fill.fore_color.rgb = RGBColor.from_string(ACCENT)
    strip.line.fill.background()
    strip.name = "Accent strip"
    master.shapes._spTree.insert(2, strip._element)  # after the group properties, behind the placeholders
    out.parent.mkdir(parents=True, exist_ok=True)
    deck.save(str(out))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
