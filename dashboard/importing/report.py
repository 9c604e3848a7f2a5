"""The validation report of an import: how many rows (or grids) were accepted, which were rejected and why (with
their row number in the file), and problems with the file as a whole. Printed by the command line, dry run or not."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

SHOWN = 50  # rejected rows listed one by one; past that, each reason (whole) with its rows, most common first
RANGES = 20  # runs of row numbers shown per reason; every row is in the --report file


@dataclass
class Rejection:
    row: int  # as a spreadsheet numbers it (the header is row 1, the first record row 2), or a feature from 1
    reason: str


@dataclass
class ImportReport:
    """What an import found. `ok` when nothing stops it: no file problem and no rejected row."""

    file: str
    what: str  # "incidents", "hazards" or "grids"
    total: int = 0
    accepted: int = 0
    already_imported: int = 0  # accepted rows whose identity is stored already: a re-import inserts nothing
    rejected: list[Rejection] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # the file as a whole (encoding, missing columns, ...)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the import decided for the file as a whole (the city's zone)
    written: int = 0  # rows inserted (0 on a dry run)
    dry_run: bool = True
    # rows whose value a value map does not list, caught by the map's `default`: field → {value: rows}
    defaulted: dict[str, Counter[str]] = field(default_factory=dict)
    defaults_to: dict[str, str] = field(default_factory=dict)  # field → the code name its `default` gives
    report_file: Path | None = None  # where every rejected row was written (--report)

    @property
    def ok(self) -> bool:
        return not self.problems and not self.rejected

    def reject(self, row: int, reason: str) -> None:
        self.rejected.append(Rejection(row, reason))

    @property
    def unit(self) -> str:
        return "feature" if self.what == "grids" else "row"  # a grid is a GeoJSON feature, a record a table row

    def by_reason(self) -> list[tuple[str, list[int]]]:
        """Each whole reason with its rows, most rows first (then by first row)."""
        rows: defaultdict[str, list[int]] = defaultdict(list)
        for rejection in sorted(self.rejected, key=lambda r: r.row):
            rows[rejection.reason].append(rejection.row)
        return sorted(rows.items(), key=lambda item: (-len(item[1]), item[1][0]))

    def render(self, shown: int = SHOWN) -> str:
        lines = [f"{self.file}: {self.what}"]
        lines += [f"  problem: {problem}" for problem in self.problems]
        if self.total or not self.problems:
            lines.append(
                f"  rows: {self.total:,}; accepted: {self.accepted:,} (already imported: {self.already_imported:,}); "
                f"rejected: {len(self.rejected):,}"
            )
        unit = self.unit
        if len(self.rejected) <= shown:
            lines += [f"  {unit} {r.row}: {r.reason}" for r in sorted(self.rejected, key=lambda r: r.row)]
        else:
            groups = self.by_reason()
            lines.append(f"  rejected {unit}s by reason ({len(groups):,} reasons):")
            for reason, rows in groups[:shown]:
                if len(rows) == 1:
                    lines.append(f"    {unit} {rows[0]}: {reason}")
                else:
                    lines += [f"    {len(rows):,} {unit}s: {reason}", f"      {unit}s {runs(rows)}"]
            if len(groups) > shown:
                rest = sum(len(rows) for _, rows in groups[shown:])
                lines.append(f"    ... {len(groups) - shown:,} more reasons, over {rest:,} {unit}s")
        if self.report_file is not None:
            lines.append(f"  every rejected {unit} with its reason: {self.report_file}")
        elif len(self.rejected) > shown:
            lines.append(f"  every rejected {unit} with its reason: run again with --report FILE")
        for name, counts in sorted(self.defaulted.items()):
            values = ", ".join(f"'{value}' {rows:,}" for value, rows in counts.most_common())
            lines.append(
                f"  values.{name}.default: {counts.total():,} rows with a value the map does not list became "
                f"'{self.defaults_to.get(name, '')}': {values}"
            )
        lines += [f"  {note}" for note in self.notes]
        lines += [f"  warning: {warning}" for warning in self.warnings]
        if self.dry_run:
            lines.append("  dry run: the database was not changed")
        elif self.ok or self.written:
            lines.append(f"  imported: {self.written:,} new {self.what}")
        else:
            lines.append("  nothing imported: the database was not changed")
        return "\n".join(lines)

    def write_rejections(self, path: Path) -> None:
        """Every rejected row (or feature) with its number and whole reason, and the file's problems (no number),
        as CSV in UTF-8 with a BOM (Excel opens the Chinese); a header alone when nothing was rejected."""
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow([self.unit, "reason"])
            writer.writerows(["", f"problem: {problem}"] for problem in self.problems)
            writer.writerows([r.row, r.reason] for r in sorted(self.rejected, key=lambda r: r.row))
        self.report_file = path


def runs(numbers: Iterable[int], most: int = RANGES) -> str:
    """Ascending numbers as runs, '2-5, 9, 12-40', the first `most` runs and a count of the rest."""
    spans: list[list[int]] = []
    for number in numbers:
        if spans and number == spans[-1][1] + 1:
            spans[-1][1] = number
        else:
            spans.append([number, number])
    text = ", ".join(f"{a:,}" if a == b else f"{a:,}-{b:,}" for a, b in spans[:most])
    if len(spans) > most:
        text += f", ... and {sum(b - a + 1 for a, b in spans[most:]):,} more"
    return text
