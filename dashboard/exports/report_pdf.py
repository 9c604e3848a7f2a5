"""The month as a PDF report (A4): title, summary, the headline figures, then each chart (its meeting-size image,
its key figures) followed by its table. Written with reportlab; Chinese in WenQuanYi Micro Hei (a TrueType font
that Debian's fonts-wqy-microhei installs: embedded as a subset, so the text can be searched and copied), or in
reportlab's built-in CID font STSong-Light where that font is missing."""

from __future__ import annotations

import io
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Image, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from dashboard.data.active_city import city_title
from dashboard.data.city_zone import city_zone
from dashboard.exports.catalog import ExportContent
from dashboard.exports.month_files import Progress, cell_text, chart_images, contents_in_order, no_progress
from dashboard.exports.monthly_charts import SUMMARY, MonthPack
from dashboard.i18n import t

TTF_PATHS = (Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),)
WIDTH = A4[0] - 30 * mm  # the text width between the margins


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
        "title": ParagraphStyle("title", fontName=font, fontSize=20, leading=28, spaceAfter=6),
        "subtitle": ParagraphStyle(
            "subtitle", fontName=font, fontSize=11, leading=16, textColor=colors.grey, wordWrap="CJK"
        ),
        "heading": ParagraphStyle("heading", fontName=font, fontSize=14, leading=20, spaceBefore=10, spaceAfter=4),
        "body": ParagraphStyle("body", fontName=font, fontSize=11, leading=18, wordWrap="CJK"),
        "cell": ParagraphStyle("cell", fontName=font, fontSize=8, leading=10, wordWrap="CJK"),
    }


def _table(content: ExportContent, styles: dict[str, ParagraphStyle]) -> Table:
    cell = styles["cell"]
    header = [Paragraph(escape(str(name)), cell) for name in content.table.columns]
    rows = [
        [Paragraph(escape(cell_text(value)), cell) for value in row] for row in content.table.itertuples(index=False)
    ]
    table = Table([header, *rows], repeatRows=1, colWidths=[WIDTH / max(1, len(header))] * len(header))
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#1f6fc5")),
                ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#d9e0e8")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table


def build_pdf(pack: MonthPack, progress: Progress = no_progress) -> bytes:
    """The report as PDF bytes (EmptyMonth, naming the month and area, when there is nothing to report)."""
    lang = pack.view.lang
    contents = contents_in_order(pack)
    images = chart_images(pack, lang, progress)
    progress(85, t("monthly.job.step.writing", lang))
    styles = _styles()
    now = datetime.now(ZoneInfo(city_zone())).strftime("%Y-%m-%d %H:%M")
    title = t("monthly.deck.title", lang, area=pack.view.area_name)
    story: list[object] = [
        Paragraph(escape(title), styles["title"]),
        Paragraph(escape(t("monthly.deck.subtitle", lang, period=pack.view.period, time=now)), styles["subtitle"]),
        Paragraph(escape(t("monthly.summary_title", lang)), styles["heading"]),
        Paragraph(escape(pack.summary), styles["body"]),
        Paragraph(escape(pack.contents[SUMMARY].definition), styles["subtitle"]),
    ]
    for name, content in contents:
        if name == SUMMARY:
            continue
        block: list[object] = [Paragraph(escape(content.title), styles["heading"])]
        image = images.get(name)
        if image is not None:
            block.append(Image(io.BytesIO(image), width=WIDTH, height=WIDTH * 1080 / 1920))
        block += [Paragraph(escape(note), styles["body"]) for note in content.notes]
        footer = Paragraph(escape(content.definition), styles["subtitle"])  # its 口径, comparison rule included
        story += [KeepTogether(block), Spacer(1, 3 * mm), _table(content, styles), footer]
    source = t("monthly.deck.source", lang, app=city_title(lang), time=now)
    story += [Spacer(1, 6 * mm), Paragraph(escape(source), styles["subtitle"])]
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=title,
        author=city_title(lang),
    )
    document.build(story)
    progress(95, t("monthly.job.step.writing", lang))
    return out.getvalue()
