"""The command line: `python -m dashboard.importing grids|records --mapping M.yaml FILE [--dry-run] [--replace]
[--report REJECTED.csv]`, and `python -m dashboard.importing sample OUT_DIR`. Every run prints the validation
report; --report writes every rejected row with its number and reason.

Exit status: 0 when the file was imported (or, on a dry run, would be) in full; 1 when rows were rejected or the
file has a problem (nothing is written then, unless --skip-rejected); 2 for a bad argument or mapping file.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from dashboard.config import get_settings
from dashboard.data.db import get_engine
from dashboard.importing.grids import import_grids, read_features
from dashboard.importing.mapping import MappingError, load_grid_mapping, load_record_mapping
from dashboard.importing.readers import ReadError, read_parts
from dashboard.importing.record_import import import_records
from dashboard.importing.report import ImportReport
from dashboard.importing.sample import write_sample
from dashboard.logs import configure_logging
from dashboard.seed.seeder import ensure_schema

log = logging.getLogger("dashboard.importing")


def parser() -> argparse.ArgumentParser:
    command = argparse.ArgumentParser(
        prog="python -m dashboard.importing",
        description="Import another city's grid map and historical records (see docs/importing.md).",
    )
    actions = command.add_subparsers(dest="action", required=True)
    grids = actions.add_parser("grids", help="grid polygons from a GeoJSON file")
    grids.add_argument("--replace", action="store_true", help="replace the city (and every record in it)")
    records = actions.add_parser(
        "records", help="incidents or hazards from a CSV or XLSX file (or a .csv.gz, or a .zip holding one)"
    )
    records.add_argument(
        "--skip-rejected", action="store_true", help="import the accepted rows even when some are rejected"
    )
    for action in (grids, records):
        action.add_argument("--mapping", type=Path, required=True, help="the mapping file (YAML)")
        action.add_argument("--dry-run", action="store_true", help="check and report; change nothing")
        action.add_argument("--quiet", action="store_true", help="no progress bars")
        action.add_argument(
            "--report", type=Path, metavar="FILE", help="write every rejected row with its number and reason (CSV)"
        )
        action.add_argument("file", type=Path)
    sample = actions.add_parser("sample", help="write a small second city to import")
    sample.add_argument("out_dir", type=Path)
    sample.add_argument("--rows", type=int, default=3000, help="incidents in the sample (default 3000)")
    return command


def run_grids(args: argparse.Namespace) -> ImportReport:
    mapping = load_grid_mapping(args.mapping)
    report = ImportReport(file=args.file.name, what="grids")
    features = read_features(args.file, report)
    if report.problems:
        return report
    if not args.dry_run:  # a new database is migrated first; a dry run leaves even the schema alone
        ensure_schema(get_engine(), get_settings().database_url)
    return import_grids(get_engine(), features, mapping, report, dry_run=args.dry_run, replace=args.replace)


def run_records(args: argparse.Namespace) -> ImportReport:
    mapping = load_record_mapping(args.mapping)
    report = ImportReport(file=args.file.name, what=mapping.records, dry_run=args.dry_run)
    try:
        parts = read_parts(args.file, encoding=mapping.encoding, sheet=mapping.sheet)
    except ReadError as error:
        report.problems.append(str(error))
        return report
    if not args.dry_run:  # a new database is migrated first; a dry run leaves even the schema alone
        ensure_schema(get_engine(), get_settings().database_url)
    return import_records(
        get_engine(),
        parts,
        mapping,
        report,
        dry_run=args.dry_run,
        skip_rejected=args.skip_rejected,
        show_progress=not args.quiet,
    )


def main(argv: Sequence[str] | None = None) -> int:
    configure_logging()
    args = parser().parse_args(argv)
    if args.action == "sample":
        for path in write_sample(args.out_dir, rows=args.rows):
            sys.stdout.write(f"wrote {path}\n")
        return 0
    try:
        report = run_grids(args) if args.action == "grids" else run_records(args)
    except MappingError as error:
        sys.stderr.write(f"{error}\n")
        return 2
    if args.report is not None:
        try:
            report.write_rejections(args.report)
        except OSError as error:
            sys.stderr.write(f"--report: cannot write {args.report}: {error.strerror}\n")
            return 2
    sys.stdout.write(report.render() + "\n")
    return 0 if report.ok or report.written else 1
