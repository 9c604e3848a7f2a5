"""The rows behind a chart or table as files: CSV (UTF-8 with a byte-order mark, so Excel reads the Chinese) and
XLSX (a title block with the area, period, data source and time of export; a bold header; numbers as numbers). Both
end with a footer under the rows, after a blank one: the 口径 of the figures and the source.

Both are inert: text from the phones ends up in these cells, and a spreadsheet would run `=HYPERLINK(…)` typed into
a report. Following OWASP's CSV-injection advice, a text cell that begins with `=`, `+`, `-`, `@`, a tab or a
carriage return is written to CSV with a leading `'`, which spreadsheets read as "this is text"; in XLSX every text cell
is stored as a string, never as a formula, with Excel's quote prefix (a style: the text itself is unchanged).
Numbers are not text: a negative number stays a number."""

from __future__ import annotations

import csv
import io
import math
import re
from datetime import date, datetime
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from dashboard.config import Language
from dashboard.data.active_city import city_title
from dashboard.exports import columns as kinds
from dashboard.exports.catalog import ExportContent
from dashboard.exports.images import display_width, export_stamp, subtitle
from dashboard.i18n import t

BOM = "\ufeff"
HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
MAX_WIDTH = 60  # characters; longer text wraps
SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")  # characters Excel refuses in a sheet name
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def inert(value: Any) -> Any:
    """A text value a spreadsheet will not evaluate; any other value as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def cell_value(value: Any) -> Any:
    """A value as a spreadsheet cell holds it: numbers stay numbers, missing values are blank."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item") and not isinstance(value, str | bytes):  # numpy scalars
        return cell_value(value.item())
    return value


def rows_of(table: pd.DataFrame) -> list[list[Any]]:
    return [[cell_value(value) for value in row] for row in table.itertuples(index=False, name=None)]


def footer_lines(content: ExportContent, lang: Language) -> list[str]:
    """What a file prints under its table: the 口径 (comparison rule included), then the source and time."""
    return [*([content.definition] if content.definition else []), source_line(lang)]


def source_line(lang: Language) -> str:
    return f"{t('export.source', lang, app=city_title(lang))}　{export_stamp(lang)}"


def table_csv(content: ExportContent, lang: Language) -> bytes:
    """The table as CSV: a header row, one line per row, then after a blank line the footer (口径, source)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([inert(str(name)) for name in content.table.columns])
    for row in rows_of(content.table):
        writer.writerow(["" if value is None else inert(value) for value in row])
    writer.writerow([])
    for line in footer_lines(content, lang):
        writer.writerow([inert(line)])
    return (BOM + buffer.getvalue()).encode("utf-8")


def sheet_name(title: str) -> str:
    return SHEET_NAME_BAD.sub(" ", title)[:31] or "Sheet1"


# Excel number formats by column kind (dashboard/exports/columns.py): percentages stored as fractions, so a formula
# over them is right and the sheet shows the % sign; a change with ▲▼ instead of a sign; points as plain numbers,
# their unit in the heading.
PERCENT_FORMATS = {
    kinds.PERCENT: "0.0%",
    kinds.CHANGE: '"▲"0.0%;"▼"0.0%;0.0%',
    kinds.POINTS: '"▲"0.0;"▼"0.0;0.0',
}


def table_xlsx(content: ExportContent, lang: Language) -> bytes:
    """The table as an XLSX workbook of one sheet (openpyxl's streaming mode: 10,000 record rows in about 2 s)."""
    found = kinds.kinds(content)
    columns = [kinds.plain_header(str(name), kind) for name, kind in zip(content.table.columns, found, strict=True)]
    data = [[fraction(value, kind) for value, kind in zip(row, found, strict=True)] for row in rows_of(content.table)]
    widths = [display_width(name) for name in columns]
    for row in data:
        for index, value in enumerate(row):
            widths[index] = max(widths[index], display_width(shown(value, found[index])))
    floats = [pd.api.types.is_float_dtype(content.table[column].dtype) for column in content.table.columns]
    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_name(content.title))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(width + 2, MAX_WIDTH)
    titles = [content.title, subtitle(content), source_line(lang), *content.notes]
    header_row = len(titles) + 2
    sheet.freeze_panes = f"A{header_row + 1}"
    for number, line in enumerate(titles):
        sheet.append([styled(sheet, line, font=Font(bold=True, size=14) if number == 0 else None)])
    sheet.append([])
    sheet.append([styled(sheet, name, font=Font(bold=True), fill=HEADER_FILL) for name in columns])
    for row in data:
        sheet.append(
            [
                typed(sheet, value, is_float, PERCENT_FORMATS.get(kind or ""))
                for value, is_float, kind in zip(row, floats, found, strict=True)
            ]
        )
    sheet.append([])
    for line in footer_lines(content, lang):
        sheet.append([styled(sheet, line)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def text_cell(sheet: Any, value: Any) -> WriteOnlyCell:
    """A cell whose text is stored as a string (openpyxl makes any text starting with `=` a formula otherwise); one
    that looks like a formula also gets Excel's quote prefix, the `'` kept as a style rather than in the text."""
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
        if value.startswith(FORMULA_START):
            cell.quotePrefix = True
    return cell


def styled(sheet: Any, value: Any, *, font: Font | None = None, fill: PatternFill | None = None) -> WriteOnlyCell:
    cell = text_cell(sheet, value)
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    return cell


def fraction(value: Any, kind: str | None) -> Any:
    """A percentage (78.2) as the fraction a percent format shows (0.782); any other value as it is."""
    if (
        kind in PERCENT_FORMATS
        and kind != kinds.POINTS
        and isinstance(value, int | float)
        and not isinstance(value, bool)
    ):
        return value / 100.0
    return value


def typed(sheet: Any, value: Any, is_float: bool, percent_format: str | None = None) -> Any:
    """A data cell: dates and times formatted as such, percentages and points by their kind, other decimals to one
    place, long text wrapped; others as they are."""
    if percent_format is not None and isinstance(value, int | float) and not isinstance(value, bool):
        number_format = percent_format
    elif isinstance(value, datetime):
        number_format = "yyyy-mm-dd hh:mm"
    elif isinstance(value, date):
        number_format = "yyyy-mm-dd"
    elif is_float and isinstance(value, float):
        number_format = "0.0"
    elif isinstance(value, str):
        cell = text_cell(sheet, value)
        if display_width(value) > MAX_WIDTH:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        return cell
    else:
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = number_format
    return cell


def shown(value: Any, kind: str | None = None) -> str:
    """A cell as the sheet shows it (for the column's width)."""
    if value is None:
        return ""
    if kind in PERCENT_FORMATS and isinstance(value, int | float):
        return f"▲{abs(value) * (1 if kind == kinds.POINTS else 100):.1f}%"
    if isinstance(value, float):
        return f"{value:.1f}"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value)
