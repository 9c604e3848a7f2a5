"""The month as a meeting deck (PPTX), on the city's slide master (DASHBOARD_DECK_TEMPLATE): a title slide with the
issuing body, 文号 and date; the 通报 (continued over slides when long); the headline figures; one slide per chart,
drawn as a native PowerPoint chart from the page's own figure (dashboard/exports/chart_data.py), so staff can restyle
it for the meeting, its key figures beside it; and the area table (continued over slides when long), its changes
with ▲▼ and their units. Built with python-pptx from the month's `MonthPack`."""

from __future__ import annotations

import io
from datetime import datetime
from typing import cast
from zoneinfo import ZoneInfo

import pandas as pd
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.oxml.ns import qn
from pptx.presentation import Presentation as PresentationType
from pptx.slide import Slide, SlideLayout
from pptx.util import Emu, Inches, Pt

from dashboard.bulletin import Bulletin
from dashboard.config import Language, get_settings
from dashboard.data.active_city import city_title
from dashboard.data.city_zone import city_zone
from dashboard.exports import columns
from dashboard.exports.catalog import ExportContent
from dashboard.exports.chart_data import Panel, largest, panels, round_step
from dashboard.exports.month_files import Progress, contents_in_order, no_progress
from dashboard.exports.monthly_charts import HEADLINE, SUMMARY, MonthPack
from dashboard.i18n import t

MARGIN = Inches(0.5)
CJK_FONT = "Microsoft YaHei"  # what a meeting-room PC has; other viewers fall back to their own CJK font
INK, MUTED, ACCENT, WHITE = (RGBColor.from_string(hex_) for hex_ in ("1D2733", "5B6B7C", "1F6FC5", "FFFFFF"))  # type: ignore[no-untyped-call]
GOOD, BAD = (RGBColor.from_string(hex_) for hex_ in ("1E8E4E", "C62828"))  # type: ignore[no-untyped-call]
TABLE_ROWS = 12  # rows of a table per slide; longer tables continue on the next
TEXT_LINES = 11  # lines of the 通报 (at 18 pt) per slide
LINE_CHARACTERS = 62  # Chinese characters in a line of it across the slide
LOWER_IS_BETTER = {columns.CHANGE: True, columns.POINTS: False}  # crime counts should fall, solve rates rise


def _font(run: object, size: float, *, bold: bool = False, color: RGBColor = INK) -> None:
    font = run.font  # type: ignore[attr-defined]
    font.size, font.bold, font.color.rgb = Pt(size), bold, color
    font.name = CJK_FONT
    properties = run._r.get_or_add_rPr()  # type: ignore[attr-defined]  # the East Asian face, which .name leaves
    east_asian = properties.find(qn("a:ea"))
    if east_asian is None:
        east_asian = properties.makeelement(qn("a:ea"), {})
        properties.append(east_asian)
    east_asian.set("typeface", CJK_FONT)


def _text(slide: Slide, text: str, left: int, top: int, width: int, height: int, size: float, **style: object) -> None:
    box = slide.shapes.add_textbox(Emu(left), Emu(top), Emu(width), Emu(height))
    frame = box.text_frame
    frame.word_wrap = True
    for number, line in enumerate(text.split("\n")):
        paragraph = frame.paragraphs[0] if number == 0 else frame.add_paragraph()
        run = paragraph.add_run()
        run.text = line
        _font(run, size, **style)  # type: ignore[arg-type]


class Deck:
    """The deck being written: the template's slide size and layouts, the source line every slide ends with."""

    def __init__(self, source: str) -> None:
        self.pptx: PresentationType = Presentation(str(get_settings().deck_template))
        self.width, self.height = int(self.pptx.slide_width or Inches(13.333)), int(self.pptx.slide_height or 0)
        self.source = source

    def layout(self, name: str, fallback: int) -> SlideLayout:
        """The template's layout of that name (a city's own template may name them otherwise: by position then)."""
        layouts = self.pptx.slide_layouts
        return next((layout for layout in layouts if layout.name == name), layouts[fallback])

    def slide(self) -> Slide:
        slide = cast(Slide, self.pptx.slides.add_slide(self.layout("Blank", -1)))
        for placeholder in list(slide.placeholders):  # a template's blank layout may carry some: the deck draws its own
            placeholder._element.getparent().remove(placeholder._element)
        return slide

    @property
    def inner(self) -> int:
        return self.width - 2 * MARGIN

    def heading(self, slide: Slide, title: str, subtitle: str) -> None:
        _text(slide, title, MARGIN, Inches(0.3), self.inner, Inches(0.7), 28, bold=True)
        _text(slide, subtitle, MARGIN, Inches(0.95), self.inner, Inches(0.4), 14, color=MUTED)

    def footer(self, slide: Slide, definition: str = "") -> None:
        """The slide's footer: the 口径 of its figures (comparison rule included), then the source."""
        text = f"{definition}\n{self.source}" if definition else self.source
        top = self.height - (Inches(0.75) if definition else Inches(0.5))
        _text(slide, text, MARGIN, top, self.inner, self.height - top - Inches(0.15), 9, color=MUTED)


def _subtitle(content: ExportContent) -> str:
    return " · ".join(part for part in (content.area, content.period) if part)


def _trend_colour(value: object, kind: str | None) -> RGBColor:
    """Good news green, bad news red, for a change cell (a fall in cases is good, a fall in a solve rate bad)."""
    found = columns.number(value)
    if kind not in LOWER_IS_BETTER or found is None or round(found, columns.DECIMALS) == 0:
        return cast(RGBColor, INK)
    return cast(RGBColor, GOOD if (found < 0) == LOWER_IS_BETTER[kind] else BAD)


def _table(deck: Deck, slide: Slide, content: ExportContent, part: pd.DataFrame, top: int, lang: Language) -> None:
    kinds = columns.kinds(content)
    rows, count = len(part) + 1, len(part.columns)
    height = Emu(int(Inches(0.42)) * rows)
    shape = slide.shapes.add_table(rows, count, MARGIN, Emu(top), Emu(deck.inner), height)
    table = shape.table
    size = 14 if count <= 5 else 11
    for column, (name, kind) in enumerate(zip(part.columns, kinds, strict=True)):
        run = table.cell(0, column).text_frame.paragraphs[0].add_run()
        run.text = columns.plain_header(str(name), kind)
        _font(run, size, bold=True, color=WHITE)
    for row_number, row in enumerate(part.itertuples(index=False), start=1):
        for column, (value, kind) in enumerate(zip(row, kinds, strict=True)):
            run = table.cell(row_number, column).text_frame.paragraphs[0].add_run()
            run.text = columns.cell_text(value, kind, lang)
            _font(run, size, color=_trend_colour(value, kind))


def _table_slides(deck: Deck, content: ExportContent, lang: Language) -> None:
    for first in range(0, max(1, len(content.table)), TABLE_ROWS):
        slide = deck.slide()
        deck.heading(slide, content.title + (t("monthly.deck.continued", lang) if first else ""), _subtitle(content))
        _table(deck, slide, content, content.table.iloc[first : first + TABLE_ROWS], Inches(1.5), lang)
        deck.footer(slide, content.definition)


def _rgb(colour: str) -> RGBColor:
    return cast(RGBColor, RGBColor.from_string(colour.removeprefix("#").upper()))  # type: ignore[no-untyped-call]


def add_chart(slide: Slide, panel: Panel, left: int, top: int, width: int, height: int) -> None:
    """The panel as a native chart: clustered bars (across when the categories are long names), a value on each bar,
    the page's colours, a legend when it has more than one series."""
    data = CategoryChartData(number_format='0.0"%"' if panel.percent else "#,##0")  # type: ignore[no-untyped-call]
    data.categories = list(panel.categories)
    for series in panel.series:
        data.add_series(series.name, list(series.values))  # type: ignore[no-untyped-call]
    kind = XL_CHART_TYPE.BAR_CLUSTERED if panel.horizontal else XL_CHART_TYPE.COLUMN_CLUSTERED
    shape = slide.shapes.add_chart(kind, Emu(left), Emu(top), Emu(width), Emu(height), data)  # type: ignore[arg-type]
    chart = shape.chart  # type: ignore[attr-defined]
    chart.font.size = Pt(12)
    chart.font.name = CJK_FONT
    chart.has_legend = len(panel.series) > 1
    if chart.has_legend:
        chart.legend.position, chart.legend.include_in_layout = XL_LEGEND_POSITION.TOP, False
    plot = chart.plots[0]
    plot.has_data_labels = True
    plot.data_labels.number_format = '0.0"%"' if panel.percent else "#,##0"
    plot.data_labels.number_format_is_linked = False
    plot.data_labels.font.size = Pt(11)
    plot.gap_width = 60
    if panel.percent:
        chart.value_axis.maximum_scale, chart.value_axis.minimum_scale = 100.0, 0.0
        chart.value_axis.major_unit = 20.0
        chart.value_axis.tick_labels.number_format = '0"%"'
        chart.value_axis.tick_labels.number_format_is_linked = False
    else:  # whole, round ticks for counts (PowerPoint would step 0.2 through a chart of ones)
        chart.value_axis.minimum_scale = 0.0
        chart.value_axis.major_unit = round_step(largest(panel) * 1.15)
    chart.value_axis.has_major_gridlines = True
    chart.value_axis.tick_labels.font.size = Pt(11)
    chart.category_axis.tick_labels.font.size = Pt(11 if len(panel.categories) <= 12 else 9)
    if panel.title:
        chart.value_axis.has_title = True
        chart.value_axis.axis_title.text_frame.text = panel.title
    for drawn, series in zip(plot.series, panel.series, strict=True):
        if len(series.colours) == 1:
            drawn.format.fill.solid()
            drawn.format.fill.fore_color.rgb = _rgb(series.colours[0])
        elif series.colours:
            for index, colour in enumerate(series.colours):
                point = drawn.points[index]
                point.format.fill.solid()
                point.format.fill.fore_color.rgb = _rgb(colour)


def _chart_slide(deck: Deck, content: ExportContent) -> None:
    slide = deck.slide()
    deck.heading(slide, content.title, _subtitle(content))
    found = panels(content.figure) if content.figure is not None else []
    chart_width = Inches(9.4) if content.notes else deck.inner
    top, height = Inches(1.45), deck.height - Inches(1.45) - Inches(0.9)
    for number, panel in enumerate(found):
        width = chart_width // len(found)
        add_chart(slide, panel, MARGIN + number * width, top, width - Inches(0.1), height)
    if content.notes:
        left = MARGIN + chart_width + Inches(0.2)
        _text(slide, "\n".join(content.notes), left, Inches(1.6), deck.width - left - MARGIN, Inches(5), 16)
    deck.footer(slide, content.definition)


def _title_slide(deck: Deck, document: Bulletin, lang: Language) -> None:
    slide = deck.slide()
    _text(slide, document.issuer, MARGIN, Inches(1.3), deck.inner, Inches(0.8), 24, bold=True, color=BAD)
    _text(slide, document.title, MARGIN, Inches(2.4), deck.inner, Inches(1.2), 40, bold=True, color=ACCENT)
    _text(slide, document.period, MARGIN, Inches(3.6), deck.inner, Inches(0.6), 22, color=INK)
    _text(slide, document.number_line(lang), MARGIN, Inches(4.5), deck.inner, Inches(0.5), 20, color=MUTED)
    _text(slide, document.date, MARGIN, Inches(5.1), deck.inner, Inches(0.5), 20, color=MUTED)
    deck.footer(slide)


def lines_of(document: Bulletin, lang: Language) -> list[tuple[str, bool]]:
    """The 通报 as lines for slides: (text, is a heading), each paragraph's lines kept whole."""
    lines: list[tuple[str, bool]] = []
    for heading, paragraphs in document.sections(lang):
        lines.append((heading, True))
        lines += [(paragraph, False) for paragraph in paragraphs]
    return lines


def _bulletin_slides(deck: Deck, document: Bulletin, content: ExportContent, lang: Language) -> None:
    """The 通报's four sections, as many slides as they take (a paragraph never split between slides)."""
    pages: list[list[tuple[str, bool]]] = [[]]
    used = 0
    for text, heading in lines_of(document, lang):
        size = 1 if heading else -(-len(text) // LINE_CHARACTERS)
        if used + size > TEXT_LINES and pages[-1]:
            pages.append([])
            used = 0
        pages[-1].append((text, heading))
        used += size
    for number, page in enumerate(pages):
        slide = deck.slide()
        suffix = t("monthly.deck.continued", lang) if number else ""
        deck.heading(slide, document.title + suffix, f"{document.period} · {document.number_line(lang)}")
        box = slide.shapes.add_textbox(MARGIN, Inches(1.5), Emu(deck.inner), Emu(deck.height - Inches(2.4)))
        frame = box.text_frame
        frame.word_wrap = True
        for index, (text, heading) in enumerate(page):
            paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
            paragraph.space_before = Pt(8 if heading and index else 2)
            run = paragraph.add_run()
            run.text = text
            _font(run, 20 if heading else 18, bold=heading, color=ACCENT if heading else INK)
        deck.footer(slide, content.definition)


def build_deck(pack: MonthPack, progress: Progress = no_progress) -> bytes:
    """The deck as PPTX bytes (EmptyMonth, naming the month and area, when there is nothing to report)."""
    lang = pack.view.lang
    contents = contents_in_order(pack)
    progress(10, t("monthly.job.step.writing", lang))
    now = datetime.now(ZoneInfo(city_zone())).strftime("%Y-%m-%d %H:%M")
    deck = Deck(t("monthly.deck.source", lang, app=city_title(lang), time=now))
    _title_slide(deck, pack.bulletin, lang)
    _bulletin_slides(deck, pack.bulletin, pack.contents[SUMMARY], lang)
    for number, (name, content) in enumerate(contents, start=1):
        progress(10 + 80 * number // len(contents), t("monthly.job.step.chart", lang, n=number, total=len(contents)))
        if name == SUMMARY:
            continue
        if name == HEADLINE or content.figure is None:
            _table_slides(deck, content, lang)
        else:
            _chart_slide(deck, content)
            if name.endswith("county_ranking"):  # the area table itself, after its chart
                _table_slides(deck, content, lang)
    out = io.BytesIO()
    deck.pptx.save(out)
    progress(95, t("monthly.job.step.writing", lang))
    return out.getvalue()
