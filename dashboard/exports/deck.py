"""The month as a meeting deck (PPTX, 16:9): a title slide, the summary, the headline figures, one slide per chart
(its 1920×1080 image and its key figures beside it; its table when the image could not be drawn) and the area table
(continued over slides when long). Built with python-pptx from the month's registered exports (`MonthPack`)."""

from __future__ import annotations

import io
from datetime import datetime
from typing import cast
from zoneinfo import ZoneInfo

import pandas as pd
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.oxml.ns import qn
from pptx.presentation import Presentation as PresentationType
from pptx.slide import Slide
from pptx.util import Emu, Inches, Pt

from dashboard.config import Language
from dashboard.data.active_city import city_title
from dashboard.data.city_zone import city_zone
from dashboard.exports.catalog import ExportContent
from dashboard.exports.month_files import Progress, cell_text, chart_images, contents_in_order, no_progress
from dashboard.exports.monthly_charts import HEADLINE, SUMMARY, MonthPack
from dashboard.i18n import t

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.5)
CJK_FONT = "Microsoft YaHei"  # what a meeting-room PC has; other viewers fall back to their own CJK font
INK, MUTED, ACCENT, WHITE = (RGBColor.from_string(hex_) for hex_ in ("1D2733", "5B6B7C", "1F6FC5", "FFFFFF"))  # type: ignore[no-untyped-call]
TABLE_ROWS = 12  # rows of a table per slide; longer tables continue on the next


def _font(run: object, size: int, *, bold: bool = False, color: RGBColor = INK) -> None:
    font = run.font  # type: ignore[attr-defined]
    font.size, font.bold, font.color.rgb = Pt(size), bold, color
    font.name = CJK_FONT
    properties = run._r.get_or_add_rPr()  # type: ignore[attr-defined]  # the East Asian face, which .name leaves
    east_asian = properties.find(qn("a:ea"))
    if east_asian is None:
        east_asian = properties.makeelement(qn("a:ea"), {})
        properties.append(east_asian)
    east_asian.set("typeface", CJK_FONT)


def _text(slide: Slide, text: str, left: int, top: int, width: int, height: int, size: int, **style: object) -> None:
    box = slide.shapes.add_textbox(Emu(left), Emu(top), Emu(width), Emu(height))
    frame = box.text_frame
    frame.word_wrap = True
    for number, line in enumerate(text.split("\n")):
        paragraph = frame.paragraphs[0] if number == 0 else frame.add_paragraph()
        run = paragraph.add_run()
        run.text = line
        _font(run, size, **style)  # type: ignore[arg-type]


def _blank(deck: PresentationType) -> Slide:
    return cast(Slide, deck.slides.add_slide(deck.slide_layouts[6]))  # the blank layout of the default template


def _heading(slide: Slide, content: ExportContent, suffix: str = "") -> None:
    _text(slide, content.title + suffix, MARGIN, Inches(0.3), WIDTH - 2 * MARGIN, Inches(0.7), 28, bold=True)
    _text(
        slide,
        " · ".join(p for p in (content.area, content.period) if p),
        MARGIN,
        Inches(0.95),
        WIDTH - 2 * MARGIN,
        Inches(0.4),
        14,
        color=MUTED,
    )


def _footer(slide: Slide, source: str, definition: str = "") -> None:
    """The slide's footer: the 口径 of its figures (comparison rule included), then the source."""
    text = f"{definition}\n{source}" if definition else source
    top = HEIGHT - (Inches(0.75) if definition else Inches(0.5))
    _text(slide, text, MARGIN, top, WIDTH - 2 * MARGIN, HEIGHT - top - Inches(0.15), 9, color=MUTED)


def _table(slide: Slide, frame: pd.DataFrame, top: int, height: int, width: int | None = None) -> None:
    rows, columns = len(frame) + 1, len(frame.columns)
    shape = slide.shapes.add_table(rows, columns, MARGIN, Emu(top), Emu(width or WIDTH - 2 * MARGIN), Emu(height))
    table = shape.table
    size = 14 if columns <= 5 else 11
    for column, name in enumerate(frame.columns):
        run = table.cell(0, column).text_frame.paragraphs[0].add_run()
        run.text = str(name)
        _font(run, size, bold=True, color=WHITE)
    for row_number, row in enumerate(frame.itertuples(index=False), start=1):
        for column, value in enumerate(row):
            paragraph = table.cell(row_number, column).text_frame.paragraphs[0]
            run = paragraph.add_run()
            run.text = cell_text(value)
            _font(run, size)


def _table_slides(deck: PresentationType, content: ExportContent, source: str, lang: Language) -> None:
    for first in range(0, max(1, len(content.table)), TABLE_ROWS):
        slide = _blank(deck)
        _heading(slide, content, t("monthly.deck.continued", lang) if first else "")
        part = content.table.iloc[first : first + TABLE_ROWS]
        _table(slide, part, Inches(1.5), Emu(int(Inches(0.45)) * (len(part) + 1)))
        _footer(slide, source, content.definition)


def _chart_slide(deck: PresentationType, content: ExportContent, image: bytes | None, source: str) -> None:
    slide = _blank(deck)
    _heading(slide, content)
    picture_width = Inches(9.4)
    if image is not None:
        slide.shapes.add_picture(io.BytesIO(image), MARGIN, Inches(1.45), width=picture_width)
    else:  # no browser to draw it: the numbers behind it
        part = content.table.head(TABLE_ROWS)
        _table(slide, part, Inches(1.5), Emu(int(Inches(0.4)) * (len(part) + 1)), width=picture_width)
    if content.notes:
        left = MARGIN + picture_width + Inches(0.2)
        _text(slide, "\n".join(content.notes), left, Inches(1.6), WIDTH - left - MARGIN, Inches(5), 16)
    _footer(slide, source, content.definition)


def build_deck(pack: MonthPack, progress: Progress = no_progress) -> bytes:
    """The deck as PPTX bytes (EmptyMonth, naming the month and area, when there is nothing to report)."""
    lang = pack.view.lang
    contents = contents_in_order(pack)
    progress(5, t("monthly.job.step.chart", lang, n=0, total=0))
    images = chart_images(pack, lang, progress)
    progress(85, t("monthly.job.step.writing", lang))
    now = datetime.now(ZoneInfo(city_zone())).strftime("%Y-%m-%d %H:%M")
    source = t("monthly.deck.source", lang, app=city_title(lang), time=now)
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT

    title = _blank(deck)
    _text(
        title,
        t("monthly.deck.title", lang, area=pack.view.area_name),
        MARGIN,
        Inches(2.4),
        WIDTH - 2 * MARGIN,
        Inches(1.2),
        40,
        bold=True,
        color=ACCENT,
    )
    _text(
        title,
        t("monthly.deck.subtitle", lang, period=pack.view.period, time=now),
        MARGIN,
        Inches(3.8),
        WIDTH - 2 * MARGIN,
        Inches(0.6),
        20,
        color=MUTED,
    )
    _text(title, city_title(lang), MARGIN, Inches(4.5), WIDTH - 2 * MARGIN, Inches(0.6), 20, color=MUTED)

    summary = _blank(deck)
    _heading(summary, pack.contents[SUMMARY])
    _text(summary, pack.summary, MARGIN, Inches(1.6), WIDTH - 2 * MARGIN, Inches(5), 22)
    _footer(summary, source, pack.contents[SUMMARY].definition)

    for name, content in contents:
        if name == SUMMARY:
            continue
        if name == HEADLINE or content.figure is None:
            _table_slides(deck, content, source, lang)
        else:
            _chart_slide(deck, content, images.get(name), source)
            if name.endswith("county_ranking"):  # the area table itself, after its chart
                _table_slides(deck, content, source, lang)
    out = io.BytesIO()
    deck.save(out)
    progress(95, t("monthly.job.step.writing", lang))
    return out.getvalue()
