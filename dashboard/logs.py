"""Logging for every process of the app (web, consumer, embedded default, simulator, seeder): one format, and no
personal number in any line. Database errors quote the rows they refused (a report's text among them) and
tracebacks quote values, so the whole formatted line, traceback included, is masked on its way out."""

from __future__ import annotations

import logging
import re
from typing import TextIO

from dashboard.access.masking import mask_text

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# A digest (the audit chain's head, a token's hash) is 32 or more hex digits, no personal number: a run of 15 or 18
# digits inside one must stay, or the line that anchors the audit log's head could no longer be checked against it.
DIGEST = re.compile(r"(?<![0-9A-Za-z])[0-9a-f]{32,}(?![0-9A-Za-z])")


def mask_line(line: str) -> str:
    """The line with every personal number masked, digests left whole."""
    parts, start = [], 0
    for digest in DIGEST.finditer(line):
        parts += [mask_text(line[start : digest.start()]), digest.group()]
        start = digest.end()
    return "".join([*parts, mask_text(line[start:])])


class MaskingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return mask_line(super().format(record))


def configure_logging(level: int = logging.INFO, stream: TextIO | None = None) -> None:
    """Log to stderr (or `stream`) at `level`, every line masked."""
    logging.basicConfig(level=level, format=FORMAT, stream=stream)
    for handler in logging.getLogger().handlers:
        handler.setFormatter(MaskingFormatter(FORMAT))
