"""Generated rows as columns of numpy arrays, the form the generators produce and the bulk writers consume.

Text is stored as integer codes into a tuple of strings (cheap for the few distinct values of a status or a
township code, and no worse for names); times are UTC seconds since 1970, dates days since 1970.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.generic]
BoolArray = npt.NDArray[np.bool_]


class Kind(StrEnum):
    INT = "int"
    FLOAT = "float"
    BOOL = "bool"
    TEXT = "text"  # values: codes into `categories`
    NUMBERED = "numbered"  # values: numbers, written as f"{prefix}{number:0{width}d}"
    TIME = "time"  # values: UTC seconds since 1970
    DATE = "date"  # values: days since 1970-01-01


@dataclass(frozen=True)
class Column:
    kind: Kind
    values: Array
    null: BoolArray | None = None  # True where the value is NULL
    categories: tuple[str, ...] = ()
    prefix: str = ""
    width: int = 0

    def __len__(self) -> int:
        return len(self.values)

    def take(self, index: npt.NDArray[np.int64] | slice) -> Column:
        """The rows at `index`, same kind."""
        null = None if self.null is None else self.null[index]
        return Column(self.kind, self.values[index], null, self.categories, self.prefix, self.width)

    @property
    def has_nulls(self) -> bool:
        return self.null is not None and bool(self.null.any())


def ints(values: npt.ArrayLike, null: BoolArray | None = None) -> Column:
    return Column(Kind.INT, np.asarray(values, dtype=np.int64), null)


def floats(values: npt.ArrayLike) -> Column:
    return Column(Kind.FLOAT, np.asarray(values, dtype=np.float64))


def bools(values: npt.ArrayLike) -> Column:
    return Column(Kind.BOOL, np.asarray(values, dtype=bool))


def texts(values: Sequence[str]) -> Column:
    """One string per row (names, addresses)."""
    return Column(Kind.TEXT, np.arange(len(values), dtype=np.int64), None, tuple(values))


def coded(categories: Sequence[str], codes: npt.ArrayLike, null: BoolArray | None = None) -> Column:
    """Rows that take one of a few values: `codes` index into `categories`."""
    return Column(Kind.TEXT, np.asarray(codes, dtype=np.int64), null, tuple(categories))


def numbered(prefix: str, numbers: npt.ArrayLike, width: int) -> Column:
    return Column(Kind.NUMBERED, np.asarray(numbers, dtype=np.int64), None, (), prefix, width)


def times(seconds: npt.ArrayLike, null: BoolArray | None = None) -> Column:
    return Column(Kind.TIME, np.asarray(seconds, dtype=np.int64), null)


def dates(days: npt.ArrayLike) -> Column:
    return Column(Kind.DATE, np.asarray(days, dtype=np.int64))


@dataclass
class Table:
    """Rows for one table of the model, column by column (names as in `dashboard.data.models`)."""

    name: str
    columns: dict[str, Column] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(next(iter(self.columns.values()))) if self.columns else 0

    def take(self, index: npt.NDArray[np.int64] | slice) -> Table:
        return Table(self.name, {name: column.take(index) for name, column in self.columns.items()})

    def text(self, name: str) -> list[str | None]:
        """A text column as strings (for tests and reports; not for the bulk path)."""
        column = self.columns[name]
        if column.kind is Kind.NUMBERED:
            return [f"{column.prefix}{n:0{column.width}d}" for n in column.values.tolist()]
        strings = [column.categories[code] for code in column.values.tolist()]
        if column.null is None:
            return list(strings)
        return [None if missing else value for value, missing in zip(strings, column.null.tolist(), strict=True)]
