"""Reading exported files as a person's spreadsheet would: the table, then (after a blank line) the footer."""

from __future__ import annotations

import csv
import io


def csv_parts(body: bytes) -> tuple[list[dict[str, str]], list[str]]:
    """The rows of an exported CSV (header first, as dicts) and the lines of its footer (口径, source)."""
    lines = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    blank = next(index for index in range(len(lines) - 1, -1, -1) if not lines[index])  # the footer follows it
    header, *rows = lines[:blank]
    return [dict(zip(header, row, strict=True)) for row in rows], [line[0] for line in lines[blank + 1 :]]


def csv_rows(body: bytes) -> list[dict[str, str]]:
    assert body.startswith("\ufeff".encode())  # Excel reads the Chinese only with the byte-order mark
    return csv_parts(body)[0]
