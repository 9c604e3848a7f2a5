"""The validation report of an import: how many rows (or grids) were accepted, which were rejected and why (with
their row number in the file), and problems with the file as a whole. Printed by the command line, dry run or not."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

SHOWN = 50  # rejected rows listed one by one; the rest are counted by reason


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
    written: int = 0  # rows inserted (0 on a dry run)
    dry_run: bool = True

    @property
    def ok(self) -> bool:
        return not self.problems and not self.rejected

    def reject(self, row: int, reason: str) -> None:
        self.rejected.append(Rejection(row, reason))

    def reasons(self) -> Counter[str]:
        """Rejections counted by the kind of reason (the text before the first quote or colon-detail)."""
        return Counter(rejection.reason.split(" '", 1)[0].split(" (", 1)[0] for rejection in self.rejected)

    def render(self, shown: int = SHOWN) -> str:
        lines = [f"{self.file}: {self.what}"]
        lines += [f"  problem: {problem}" for problem in self.problems]
        if self.total or not self.problems:
            lines.append(
                f"  rows: {self.total:,}; accepted: {self.accepted:,} (already imported: {self.already_imported:,}); "
                f"rejected: {len(self.rejected):,}"
            )
        unit = "feature" if self.what == "grids" else "row"  # a grid is a GeoJSON feature, a record a table row
        for rejection in sorted(self.rejected, key=lambda r: r.row)[:shown]:
            lines.append(f"  {unit} {rejection.row}: {rejection.reason}")
        if len(self.rejected) > shown:
            lines.append(f"  ... {len(self.rejected) - shown:,} more rejected rows; by reason:")
            lines += [f"    {count:>8,}  {reason}" for reason, count in self.reasons().most_common()]
        lines += [f"  warning: {warning}" for warning in self.warnings]
        if self.dry_run:
            lines.append("  dry run: the database was not changed")
        elif self.ok or self.written:
            lines.append(f"  imported: {self.written:,} new {self.what}")
        else:
            lines.append("  nothing imported: the database was not changed")
        return "\n".join(lines)
