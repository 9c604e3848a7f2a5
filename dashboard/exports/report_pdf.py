"""The month as a PDF ready to print on A4: the 通报 first, in the form a 综治办 sends (the issuing body in red, the
文号, a red rule, the title, the date, then its four sections), then the figures: the headline table, each chart drawn
at print size from the page's own figure (dashboard/exports/chart_data.py; every label 8 pt or more) with its key
figures, and each table under its own numbered heading, its header row repeated on every page it runs onto, codes
never broken across lines. Every page carries the issuing body and the 文号 at the top and 第 x 页 共 y 页 at the
bottom.

Written with reportlab; Chinese in WenQuanYi Micro Hei (a TrueType font that Debian's fonts-wqy-microhei installs:
embedded as a subset, so the text can be searched and copied), or in reportlab's built-in CID font STSong-Light where
that font is missing."""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    HRFlowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from dashboard.bulletin import Bulletin
from dashboard.config import Language
from dashboard.data.active_city import city_title
from dashboard.data.city_zone import city_zone
from dashboard.exports import columns
from dashboard.exports.catalog import ExportContent
from dashboard.exports.chart_data import Panel, largest, panels, round_step
from dashboard.exports.month_files import Progress, contents_in_order, no_progress
from dashboard.exports.monthly_charts import HEADLINE, SUMMARY, MonthPack
from dashboard.i18n import t

TTF_PATHS = (Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),)
MARGIN = 18 * mm
WIDTH = A4[0] - 2 * MARGIN  # the text width between the margins
RED = colors.HexColor("#c62828")
INK = colors.HexColor("#1d2733")
MUTED = colors.HexColor("#5b6b7c")
HEADER_FILL = colors.HexColor("#1f6fc5")
RULES = colors.HexColor("#c9d3de")
LABEL_PT = 8  # the smallest text on a chart, as printed
CHART_ROWS = 40  # categories in one horizontal chart: more continue in the next, each fits a page
ACROSS_ABOVE = 12  # more categories than this read better as horizontal bars (names down the side)
CELL_PAD = 3  # points of padding on each side of a cell


@lru_cache(maxsize=1)
def cjk_font() -> str:
    """The registered name of a font with Chinese glyphs."""
    for path in TTF_PATHS:
        if path.exists():
            pdfmetrics.registerFont(TTFont("WenQuanYi", str(path), subfontIndex=0))
            return "WenQuanYi"
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def _styles() -> dict[str, ParagraphStyle]:
    font = cjk_font()
    return {
        "issuer": ParagraphStyle("issuer", fontName=font, fontSize=24, leading=32, textColor=RED, alignment=TA_CENTER),
        "number": ParagraphStyle("number", fontName=font, fontSize=11, leading=16, alignment=TA_CENTER),
        "title": ParagraphStyle("title", fontName=font, fontSize=18, leading=26, alignment=TA_CENTER, spaceAfter=2),
        "period": ParagraphStyle("period", fontName=font, fontSize=12, leading=18, alignment=TA_CENTER, spaceAfter=8),
        "section": ParagraphStyle(
            "section", fontName=font, fontSize=13, leading=20, spaceBefore=8, spaceAfter=2, textColor=INK
        ),
        "heading": ParagraphStyle(
            "heading", fontName=font, fontSize=12, leading=18, spaceBefore=10, spaceAfter=4, keepWithNext=1
        ),
        "body": ParagraphStyle(
            "body", fontName=font, fontSize=11, leading=19, wordWrap="CJK", firstLineIndent=22, spaceAfter=3
        ),
        "note": ParagraphStyle("note", fontName=font, fontSize=10, leading=15, wordWrap="CJK"),
        "small": ParagraphStyle("small", fontName=font, fontSize=8, leading=11, textColor=MUTED, wordWrap="CJK"),
        "cell": ParagraphStyle("cell", fontName=font, fontSize=8, leading=10, wordWrap="CJK"),
        "head": ParagraphStyle("head", fontName=font, fontSize=8, leading=10, wordWrap="CJK", textColor=colors.white),
        "date": ParagraphStyle("date", fontName=font, fontSize=11, leading=18, alignment=2, spaceBefore=6),
    }


class PageFurniture:
    """What every page carries: the issuing body and 文号 at the top, 第 x 页 共 y 页 at the bottom (the count is known
    only at the end: each page is kept and drawn on when the document is done)."""

    def __init__(self, header: str, lang: Language) -> None:
        self.header, self.lang = header, lang

    def canvas(self, *args: Any, **kwargs: Any) -> Canvas:
        furniture = self

        class Numbered(Canvas):  # type: ignore[misc]  # reportlab is untyped
            def __init__(self, *inner: Any, **named: Any) -> None:
                super().__init__(*inner, **named)
                self.pages: list[dict[str, Any]] = []

            def showPage(self) -> None:
                self.pages.append(dict(self.__dict__))
                self._startPage()

            def save(self) -> None:
                for page in self.pages:
                    self.__dict__.update(page)
                    furniture.draw(self, self._pageNumber, len(self.pages))
                    Canvas.showPage(self)
                Canvas.save(self)

        return Numbered(*args, **kwargs)

    def draw(self, canvas: Canvas, page: int, pages: int) -> None:
        font = cjk_font()
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.setFillColor(MUTED)
        top = A4[1] - 10 * mm
        canvas.drawString(MARGIN, top, self.header)
        canvas.setStrokeColor(RULES)
        canvas.line(MARGIN, top - 2 * mm, A4[0] - MARGIN, top - 2 * mm)
        canvas.setFont(font, 9)
        canvas.drawCentredString(A4[0] / 2, 9 * mm, t("bulletin.page_of", self.lang, page=page, pages=pages))
        canvas.restoreState()


def _bulletin_story(document: Bulletin, styles: dict[str, ParagraphStyle], lang: Language) -> list[Any]:
    story: list[Any] = [
        Spacer(1, 6 * mm),
        Paragraph(escape(document.issuer), styles["issuer"]),
        Spacer(1, 3 * mm),
        Paragraph(escape(document.number_line(lang)), styles["number"]),
        HRFlowable(width="100%", thickness=1.5, color=RED, spaceBefore=2 * mm, spaceAfter=5 * mm),
        Paragraph(escape(document.title), styles["title"]),
        Paragraph(escape(t("bulletin.period_line", lang, period=document.period)), styles["period"]),
    ]
    for heading, paragraphs in document.sections(lang):
        story.append(Paragraph(escape(heading), styles["section"]))
        story += [Paragraph(escape(text), styles["body"]) for text in paragraphs]
    story += [Paragraph(escape(document.issuer), styles["date"]), Paragraph(escape(document.date), styles["date"])]
    return story


def _label_width(texts: Sequence[str], size: float = LABEL_PT) -> float:
    return max((pdfmetrics.stringWidth(text, cjk_font(), size) for text in texts), default=0.0)


def _value_format(panel: Panel) -> str:
    return "%.1f%%" if panel.percent else "%.0f"


def _style_bars(chart: Any, panel: Panel) -> None:
    font = cjk_font()
    chart.data = [list(series.values) for series in panel.series]
    chart.categoryAxis.categoryNames = list(panel.categories)
    chart.categoryAxis.labels.fontName, chart.categoryAxis.labels.fontSize = font, LABEL_PT
    chart.valueAxis.labels.fontName, chart.valueAxis.labels.fontSize = font, LABEL_PT
    chart.valueAxis.valueMin = 0
    if panel.percent:
        chart.valueAxis.valueMax, chart.valueAxis.valueStep = 100, 20
        chart.valueAxis.labelTextFormat = "%d%%"
    else:  # round ticks, and room above the longest bar for its value
        top = largest(panel) * 1.15
        step = round_step(top)
        chart.valueAxis.valueStep = step
        chart.valueAxis.valueMax = step * math.ceil(top / step) if top else step
        chart.valueAxis.labelTextFormat = "%d"
    chart.barLabels.nudge = 6
    chart.valueAxis.visibleGrid, chart.valueAxis.gridStrokeColor = True, RULES
    chart.barLabelFormat = _value_format(panel)
    chart.barLabels.fontName, chart.barLabels.fontSize = font, LABEL_PT
    chart.barSpacing, chart.groupSpacing = 1, 6
    for index, series in enumerate(panel.series):
        chart.bars[index].strokeColor = None
        chart.bars[index].fillColor = colors.HexColor(series.colours[0]) if series.colours else HEADER_FILL
        if len(series.colours) > 1:
            for point, colour in enumerate(series.colours):
                chart.bars[(index, point)].fillColor = colors.HexColor(colour)


def _legend(drawing: Drawing, panel: Panel, top: float) -> None:
    if len(panel.series) < 2:
        return
    legend = Legend()
    legend.fontName, legend.fontSize = cjk_font(), LABEL_PT
    legend.x, legend.y, legend.alignment = 0, top, "right"
    legend.columnMaximum, legend.dx, legend.dy, legend.deltax = 1, 8, 8, 90
    legend.colorNamePairs = [
        (colors.HexColor(series.colours[0]) if series.colours else HEADER_FILL, series.name) for series in panel.series
    ]
    drawing.add(legend)


def chart_drawings(panel: Panel, width: float) -> list[Drawing]:
    """The panel at print size: columns for a few categories, horizontal bars (names down the side, in parts of at
    most CHART_ROWS) for many or long ones; every label LABEL_PT or more."""
    if not panel.horizontal and len(panel.categories) <= ACROSS_ABOVE:
        height = 62 * mm
        drawing = Drawing(width, height)
        chart = VerticalBarChart()
        chart.x, chart.y, chart.width, chart.height = 30, 26, width - 40, height - 46
        _style_bars(chart, panel)
        longest = _label_width(panel.categories)
        if longest > chart.width / max(1, len(panel.categories)) - 4:  # names too long to sit level: slanted
            chart.categoryAxis.labels.angle, chart.categoryAxis.labels.boxAnchor = 30, "ne"
            chart.y += longest * 0.5
            chart.height -= longest * 0.5
        drawing.add(chart)
        _legend(drawing, panel, height - 4)
        if panel.title:
            drawing.add(String(0, height - 10, panel.title, fontName=cjk_font(), fontSize=LABEL_PT, fillColor=MUTED))
        return [drawing]
    drawings = []
    reverse = not panel.horizontal  # columns read first-to-last left to right; bars from the top down
    for first in range(0, len(panel.categories), CHART_ROWS):
        part = Panel(
            panel.categories[first : first + CHART_ROWS],
            tuple(
                type(series)(
                    series.name,
                    series.values[first : first + CHART_ROWS],
                    series.colours if len(series.colours) <= 1 else series.colours[first : first + CHART_ROWS],
                )
                for series in panel.series
            ),
            True,
            panel.percent,
            panel.title,
        )
        if reverse:  # the chart draws the first category at the bottom
            part = Panel(
                part.categories[::-1],
                tuple(type(series)(series.name, series.values[::-1], series.colours[::-1]) for series in part.series),
                True,
                part.percent,
                part.title,
            )
        row = (LABEL_PT + 5) * max(1, len(part.series))
        height = row * len(part.categories) + 30
        drawing = Drawing(width, height)
        chart = HorizontalBarChart()
        left = min(_label_width(part.categories) + 8, width * 0.45)
        chart.x, chart.y, chart.width, chart.height = left, 16, width - left - 40, height - 26
        _style_bars(chart, part)
        drawing.add(chart)
        _legend(drawing, part, height)
        drawings.append(drawing)
    return drawings


def _widths(cells: list[list[str]], header: list[str], kinds: list[str | None], wraps: list[bool]) -> list[float]:
    """Column widths for the table: every unwrapped column (codes, numbers) as wide as its widest cell; the wrapping
    text columns share what is left; the whole as wide as the page."""
    font = cjk_font()
    natural = []
    for index, name in enumerate(header):
        body = max((pdfmetrics.stringWidth(row[index], font, 8) for row in cells), default=0.0)
        head = min(pdfmetrics.stringWidth(name, font, 8), pdfmetrics.stringWidth("四个汉字", font, 8))
        natural.append(max(body, head) + 2 * CELL_PAD + 1)
    fixed = sum(width for width, wrap in zip(natural, wraps, strict=True) if not wrap)
    flexible = sum(width for width, wrap in zip(natural, wraps, strict=True) if wrap)
    room = WIDTH - fixed
    if flexible and room > 0 and flexible > room:  # squeeze the text columns (they wrap), never a code or number
        natural = [width * room / flexible if wrap else width for width, wrap in zip(natural, wraps, strict=True)]
    total = sum(natural)
    return [width * WIDTH / total for width in natural] if total < WIDTH else natural


def _table(content: ExportContent, styles: dict[str, ParagraphStyle], lang: Language) -> Table:
    kinds = columns.kinds(content)
    header = [columns.plain_header(str(name), kind) for name, kind in zip(content.table.columns, kinds, strict=True)]
    cells = [
        [columns.cell_text(value, kind, lang) for value, kind in zip(row, kinds, strict=True)]
        for row in content.table.itertuples(index=False)
    ]
    text_columns = [
        kind != columns.CODE and any(isinstance(value, str) for value in content.table.iloc[:, index])
        for index, kind in enumerate(kinds)
    ]
    widths = _widths(cells, header, kinds, text_columns)
    rows: list[list[Any]] = [[Paragraph(escape(name), styles["head"]) for name in header]]
    for row in cells:  # codes and numbers as plain strings: a plain string never breaks
        rows.append(
            [
                Paragraph(escape(text), styles["cell"]) if wrap else text
                for text, wrap in zip(row, text_columns, strict=True)
            ]
        )
    table = Table(rows, repeatRows=1, colWidths=widths)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
                ("FONT", (0, 1), (-1, -1), cjk_font(), 8),
                ("GRID", (0, 0), (-1, -1), 0.25, RULES),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD),
                ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
                *[
                    ("ALIGN", (index, 1), (index, -1), "RIGHT")
                    for index, (kind, wrap) in enumerate(zip(kinds, text_columns, strict=True))
                    if not wrap and kind != columns.CODE
                ],
            ]
        )
    )
    return table


def build_pdf(pack: MonthPack, progress: Progress = no_progress) -> bytes:
    """The report as PDF bytes (EmptyMonth, naming the month and area, when there is nothing to report)."""
    lang = pack.view.lang
    contents = contents_in_order(pack)
    progress(10, t("monthly.job.step.writing", lang))
    styles = _styles()
    document = pack.bulletin
    now = datetime.now(ZoneInfo(city_zone())).strftime("%Y-%m-%d %H:%M")
    story = _bulletin_story(document, styles, lang)
    story += [Spacer(1, 4 * mm), Paragraph(escape(pack.contents[SUMMARY].definition), styles["small"])]
    story += [PageBreak(), Paragraph(escape(t("bulletin.appendix", lang)), styles["section"])]
    tables = charts = 0
    for number, (name, content) in enumerate(contents, start=1):
        progress(10 + 80 * number // len(contents), t("monthly.job.step.chart", lang, n=number, total=len(contents)))
        if name == SUMMARY:
            continue
        if content.figure is not None and name != HEADLINE:
            charts += 1
            heading = Paragraph(
                escape(t("bulletin.figure_heading", lang, n=charts, title=content.title)), styles["heading"]
            )
            drawings = [drawing for panel in panels(content.figure) for drawing in chart_drawings(panel, WIDTH)]
            notes = [Paragraph(escape(note), styles["note"]) for note in content.notes]
            story += [CondPageBreak(80 * mm), KeepTogether([heading, *drawings[:1]]), *drawings[1:], *notes]
        if content.table.empty:
            continue
        tables += 1
        title = t("bulletin.table_heading", lang, n=tables, title=content.title)
        subtitle = " · ".join(part for part in (content.area, content.period) if part)
        story += [
            CondPageBreak(40 * mm),  # a heading never sits alone at the foot of a page
            Paragraph(escape(title), styles["heading"]),
            Paragraph(escape(subtitle), styles["small"]),
            Spacer(1, 1.5 * mm),
            _table(content, styles, lang),
            Spacer(1, 1.5 * mm),
            Paragraph(escape(content.definition), styles["small"]),  # its 口径, comparison rule included
        ]
    source = t("monthly.deck.source", lang, app=city_title(lang), time=now)
    story += [Spacer(1, 6 * mm), Paragraph(escape(source), styles["small"])]
    out = io.BytesIO()
    header = "　".join(part for part in (document.issuer, document.number_line(lang), document.period) if part)
    furniture = PageFurniture(header, lang)
    pdf = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=18 * mm,
        bottomMargin=16 * mm,
        title=f"{document.title}（{document.period}）",
        author=document.issuer,
        subject=document.number,
    )
    pdf.build(story, canvasmaker=furniture.canvas)
    progress(95, t("monthly.job.step.writing", lang))
    return out.getvalue()
