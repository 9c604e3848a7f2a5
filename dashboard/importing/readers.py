"""Reading another system's tables: CSV (UTF-8 or GBK, quoted fields with commas and newlines; also gzipped) or
XLSX (either alone in a ZIP), into a DataFrame of text cells with the header row's names. A file that cannot be
read raises `ReadError`, whose message says what is wrong and what to do."""

from __future__ import annotations

import gzip
import io
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

import pandas as pd

Encoding = Literal["auto", "utf-8", "gbk"]
PART_ROWS = 25_000  # rows per part (dashboard/importing/records.py checks one while it writes the one before)
CSV, XLSX = frozenset({".csv", ".txt"}), frozenset({".xlsx", ".xlsm"})
CODECS = {"utf-8": "utf-8-sig", "gbk": "gb18030"}  # gb18030 is the superset of GBK Windows writes; BOM tolerated


class ReadError(Exception):
    """The file cannot be read as a table."""


@dataclass
class Parts:
    """A table in parts of at most `PART_ROWS` rows, in file order, each indexed from 0 (a part is read when it is
    asked for, so the first can be checked and written while the next is read). `most_rows`: how many rows the
    table can hold at most (a CSV's line count: a quoted line break makes it more than the rows), for progress
    and planning. A malformed part raises ReadError when it is reached."""

    parts: Iterator[pd.DataFrame]
    most_rows: int

    @classmethod
    def of(cls, frame: pd.DataFrame) -> Parts:
        return cls(iter([frame.reset_index(drop=True)]), len(frame))


def read_table(path: Path, *, encoding: Encoding = "auto", sheet: str | None = None) -> pd.DataFrame:
    """Every cell as text (empty cells as ""), columns named by the header row, in file order."""
    parts = read_parts(path, encoding=encoding, sheet=sheet)
    return pd.concat(list(parts.parts), ignore_index=True)


def read_parts(path: Path, *, encoding: Encoding = "auto", sheet: str | None = None, rows: int = PART_ROWS) -> Parts:
    """The table as `Parts`: the file's problems that show before any row (no such file, wrong kind, encoding,
    no header) raise ReadError here. A `.gz` holds one CSV; a `.zip` one CSV or XLSX (folders aside)."""
    if not path.is_file():
        raise ReadError(f"{path}: no such file")
    name, data = unpacked(path)
    suffix = Path(name).suffix.lower()
    if suffix in XLSX:
        frame = read_xlsx(data, sheet, name=name)
        return Parts((frame.iloc[start : start + rows].reset_index(drop=True) for start in
                      range(0, max(len(frame), 1), rows)), len(frame))  # fmt: skip
    if suffix not in CSV:
        raise ReadError(f"{name}: not a CSV or XLSX file (by its name; also read: .csv.gz, and a .zip holding one)")
    return csv_parts(data, encoding, name=name, rows=rows)


def unpacked(path: Path) -> tuple[str, bytes]:
    """The table's name and bytes: the file's own, or the one inside a `.gz` (its name less `.gz`) or a `.zip`."""
    suffix = path.suffix.lower()
    if suffix == ".gz":
        inner = path.name[: -len(path.suffix)]
        if Path(inner).suffix.lower() not in CSV:
            raise ReadError(f"{path.name}: a .gz file must hold a CSV (name.csv.gz)")
        try:
            return inner, gzip.decompress(path.read_bytes())
        except (OSError, EOFError, zlib.error) as error:
            raise ReadError(f"{path.name}: not a readable gzip file ({error})") from None
    if suffix == ".zip":
        try:
            with zipfile.ZipFile(path) as archive:
                members = [
                    info
                    for info in archive.infolist()
                    if not info.is_dir() and not info.filename.startswith("__MACOSX/")
                    and not Path(info.filename).name.startswith(".")
                ]  # fmt: skip
                tables = [info for info in members if Path(info.filename).suffix.lower() in CSV | XLSX]
                if len(tables) != 1:
                    held = ", ".join(info.filename for info in members) or "nothing"
                    raise ReadError(
                        f"{path.name}: a .zip must hold exactly one CSV or XLSX file; it holds {len(tables)} ({held})"
                    )
                return Path(tables[0].filename).name, archive.read(tables[0])
        except (zipfile.BadZipFile, zlib.error, RuntimeError, NotImplementedError) as error:
            raise ReadError(f"{path.name}: not a readable ZIP file ({error})") from None
    return path.name, path.read_bytes() if suffix in CSV | XLSX else b""  # another kind is named by the caller


def decode(data: bytes, encoding: Encoding, *, name: str) -> str:
    """The file's text: UTF-8 first, then GBK when `auto`; a wrong encoding is named with the first bad byte."""
    tried = ["utf-8", "gbk"] if encoding == "auto" else [encoding]
    failures = []
    for candidate in tried:
        try:
            return data.decode(CODECS[candidate])
        except UnicodeDecodeError as error:
            failures.append(f"not {candidate} (byte 0x{data[error.start]:02x} at offset {error.start})")
    hint = (
        ""
        if encoding == "auto"
        else f"; is it {'GBK' if encoding == 'utf-8' else 'UTF-8'}? set encoding in the mapping"
    )
    raise ReadError(f"{name}: cannot decode the text: {', '.join(failures)}{hint}")


def read_csv(data: bytes, encoding: Encoding, *, name: str = "file") -> pd.DataFrame:
    return pd.concat(list(csv_parts(data, encoding, name=name).parts), ignore_index=True)


def csv_parts(data: bytes, encoding: Encoding, *, name: str = "file", rows: int = PART_ROWS) -> Parts:
    text = decode(data, encoding, name=name)
    try:
        reader = pd.read_csv(
            io.BytesIO(text.encode("utf-8")),  # pandas' parser reads UTF-8 bytes fastest (a str it encodes again)
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skipinitialspace=False,
            engine="c",
            chunksize=rows,
        )
    except pd.errors.EmptyDataError:
        raise ReadError(f"{name}: the file is empty (no header row)") from None
    except pd.errors.ParserError as error:
        raise ReadError(f"{name}: not a well-formed CSV: {error}") from None

    def parts() -> Iterator[pd.DataFrame]:
        with reader:
            while True:
                try:
                    frame = next(reader)
                except StopIteration:
                    return
                except pd.errors.ParserError as error:
                    raise ReadError(f"{name}: not a well-formed CSV: {error}") from None
                frame.columns = [str(column).strip() for column in frame.columns]
                yield frame.reset_index(drop=True)

    return Parts(parts(), max(text.count("\n"), 1))


def read_xlsx(data: bytes, sheet: str | None, *, name: str) -> pd.DataFrame:
    try:
        frame = pd.read_excel(io.BytesIO(data), sheet_name=sheet or 0, dtype=object, engine="openpyxl")
    except ValueError as error:  # e.g. no such sheet
        raise ReadError(f"{name}: {error}") from None
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        raise ReadError(f"{name}: not a readable XLSX workbook ({type(error).__name__})") from None
    frame.columns = [str(column).strip() for column in frame.columns]
    return frame.apply(lambda column: column.map(cell_text)).astype(str) if len(frame) else frame.astype(str)


def cell_text(value: Any) -> str:
    """A spreadsheet cell as text: times in ISO form, whole numbers without '.0', empty cells as ''."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)
