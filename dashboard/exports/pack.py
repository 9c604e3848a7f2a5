"""The month's deck and PDF into a folder, for cron: `python -m dashboard.exports.pack --month 2026-10 --out DIR`.

`--month` defaults to the last full month, `--area` to the whole city (a county, township or grid code otherwise),
`--lang` to the configured language. Writes `<title>-<YYYY-MM>.pptx` and `.pdf` (replacing files of the same name),
prints their paths, and writes an EXPORT entry to the audit log (actor "cron"). Exit status 2, with one line naming
the problem and no file written, for a bad argument or a month with nothing to report; 1 when the database fails.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from dashboard.config import Language, get_settings
from dashboard.data import audit
from dashboard.data.db import session_scope
from dashboard.data.periods import CITY
from dashboard.data.vocab import AuditAction
from dashboard.exports.catalog import ExportRequest
from dashboard.exports.deck import build_deck
from dashboard.exports.month_files import EmptyMonth
from dashboard.exports.monthly_charts import MonthPack, month_pack
from dashboard.exports.report_pdf import build_pdf
from dashboard.i18n import t
from dashboard.monthly_url import month_param

ACTOR = "cron"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m dashboard.exports.pack", description=__doc__.split("\n")[0])
    parser.add_argument("--month", default="", help="YYYY-MM (default: the last full month)")
    parser.add_argument("--out", required=True, type=Path, help="the folder to write into (created if missing)")
    parser.add_argument("--area", default="", help="a county, township or grid code (default: the whole city)")
    parser.add_argument("--lang", choices=["zh-CN", "en"], default=None, help="default: DASHBOARD_LANGUAGE")
    return parser.parse_args(argv)


def write_pack(pack: MonthPack, out: Path) -> list[Path]:
    """Both files of the month (EmptyMonth before anything is written)."""
    deck, pdf = build_deck(pack), build_pdf(pack)
    out.mkdir(parents=True, exist_ok=True)
    stem = f"{t('monthly.deck.title', pack.view.lang, area=pack.view.area_name)}-{month_param(pack.view.month)}"
    written = []
    for suffix, body in ((".pptx", deck), (".pdf", pdf)):
        path = out / f"{stem}{suffix}"
        partial = path.with_suffix(suffix + ".part")
        partial.write_bytes(body)
        partial.replace(path)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    lang: Language = args.lang or get_settings().language
    query = {name: value for name, value in (("month", args.month), ("area", args.area)) if value}
    try:
        pack = month_pack(ExportRequest(query, CITY, lang), issue=True)  # the files give the bulletin its 文号
        written = write_pack(pack, args.out)
    except (EmptyMonth, ValueError, LookupError) as error:
        sys.stderr.write(f"pack: {error}\n")
        return 2
    except SQLAlchemyError as error:
        sys.stderr.write(f"pack: the database is unavailable: {type(error).__name__}\n")
        return 1
    detail = {"export": "monthly.pack", "query": query, "files": [path.name for path in written]}
    with session_scope() as session:
        audit.record(session, ACTOR, AuditAction.EXPORT, detail)
    for path in written:
        sys.stdout.write(f"{path}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
