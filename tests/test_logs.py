"""No personal number reaches a log line: not in a message, not in a traceback (a refused row quotes its values)."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.db_independent

ID_NUMBER, PHONE = "33100419850612301X", "13812345678"
PROGRAM = f"""
import logging
from dashboard.logs import configure_logging
configure_logging()
log = logging.getLogger("dashboard.consumer")
log.error("entry %s refused: %s", "1-0", "INSERT ... [parameters: ('电动车被盗 {ID_NUMBER} {PHONE}',)]")
try:
    raise ValueError("summary: 报警人 {PHONE}，身份证 {ID_NUMBER}")
except ValueError:
    log.exception("could not store")
"""


def test_log_lines_and_tracebacks_are_masked():
    done = subprocess.run([sys.executable, "-c", PROGRAM], capture_output=True, text=True, check=True)
    lines = done.stderr
    assert "entry 1-0 refused" in lines and "ValueError: summary" in lines and "could not store" in lines
    assert ID_NUMBER not in lines and PHONE not in lines and "19850612" not in lines
    assert lines.count("331***********301X") == 2 and lines.count("138****5678") == 2


def test_a_digest_stays_whole_while_a_number_beside_it_is_masked():
    """The audit head's line is checked against its digest: 15 digits in a row inside the hex must stay."""
    from dashboard.logs import mask_line

    digest = "68ce8cf992a5177877a8ce2817b9985d64c8e4af8f726552171209527e94685f"  # holds 726552171209527
    line = mask_line(f"audit head 6 {digest} by {PHONE}")
    assert digest in line and PHONE not in line and "138****5678" in line
