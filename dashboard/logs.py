"""Logging for every process of the app (web, consumer, embedded default, simulator, seeder): one format, and no
personal number in any line. Database errors quote the rows they refused (a report's text among them) and
tracebacks quote values, so the whole formatted line, traceback included, is masked on its way out."""

from __future__ import annotations

import logging
from typing import TextIO

from dashboard.access.masking import mask_text

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class MaskingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return mask_text(super().format(record))


def configure_logging(level: int = logging.INFO, stream: TextIO | None = None) -> None:
    """Log to stderr (or `stream`) at `level`, every line masked."""
    logging.basicConfig(level=level, format=FORMAT, stream=stream)
    for handler in logging.getLogger().handlers:
        handler.setFormatter(MaskingFormatter(FORMAT))
