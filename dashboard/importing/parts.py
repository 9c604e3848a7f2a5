"""A table's parts checked one ahead of the writing: on a second core, in a forked process, while the importing
process writes the part before.

Why a process: checking is Python work, and the writer's `executemany` gives the GIL up at every row and waits a
whole switch interval to get it back whenever another thread is busy (0.6 s for 200,000 rows alone, 103 s beside
a busy thread). A fork costs a few milliseconds and shares the checker's state (the grids' spatial index, the stored
identities) without copying it; each part's accepted rows come back pickled, with what the part added to the
report.

A fork is safe only when the process has one thread (a lock another thread held at the fork would stay locked in
the child), and pays only for a table of several parts: otherwise the parts are checked here, one after another.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections import Counter
from collections.abc import Generator
from multiprocessing.connection import Connection
from typing import Any

import pandas as pd
from tqdm import tqdm

from dashboard.importing.readers import Parts, ReadError
from dashboard.importing.records import Checker
from dashboard.importing.report import ImportReport

AHEAD_FROM_ROWS = 100_000  # a table this big (at most) is checked ahead in a forked process
tqdm.monitor_interval = 0  # the importer's progress bars start no monitor thread: a fork wants one thread


def checked_parts(checker: Checker, parts: Parts) -> Generator[pd.DataFrame, None, None]:
    """Each part's accepted new rows, in order; `checker.report` is brought up to date as each part comes back."""
    forkable = threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods()
    if not forkable or parts.most_rows < AHEAD_FROM_ROWS:
        yield from (checker.check(frame) for frame in parts.parts)
        return
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=check_in_child, args=(checker, parts, send), daemon=True)
    child.start()
    send.close()
    try:
        while True:
            try:
                kind, payload = receive.recv()
            except EOFError:  # the child is gone without a word (killed, out of memory)
                raise RuntimeError("the process checking the file stopped") from None
            if kind == "done":
                return
            if kind == "error":
                raise payload
            rows, counts = payload
            add_counts(checker.report, counts)
            yield rows
    finally:
        receive.close()
        if child.is_alive():
            child.kill()  # the caller stopped early (an error while writing): nothing more to check
        child.join()


def check_in_child(checker: Checker, parts: Parts, send: Connection) -> None:
    report = checker.report
    try:
        for frame in parts.parts:
            before = counts_of(report)
            rows = checker.check(frame)
            send.send(("part", (rows, since(report, before))))
        send.send(("done", None))
    except ReadError as error:
        send.send(("error", error))
    except Exception as error:
        send.send(("error", RuntimeError(f"checking the file failed: {error!r}")))
    finally:
        send.close()


Counts = tuple[int, int, int, int, int, dict[str, Counter[str]]]


def counts_of(report: ImportReport) -> Counts:
    defaulted = {name: Counter(counts) for name, counts in report.defaulted.items()}
    return (report.total, report.accepted, report.already_imported, len(report.rejected), len(report.problems),
            defaulted)  # fmt: skip


def since(report: ImportReport, before: Counts) -> dict[str, Any]:
    """What a part added to the report (sent to the parent, whose report it is)."""
    total, accepted, already, rejected, problems, defaulted = before
    return {
        "total": report.total - total,
        "accepted": report.accepted - accepted,
        "already_imported": report.already_imported - already,
        "rejected": report.rejected[rejected:],
        "problems": report.problems[problems:],
        "defaulted": {name: counts - defaulted.get(name, Counter()) for name, counts in report.defaulted.items()},
    }


def add_counts(report: ImportReport, counts: dict[str, Any]) -> None:
    report.total += counts["total"]
    report.accepted += counts["accepted"]
    report.already_imported += counts["already_imported"]
    report.rejected.extend(counts["rejected"])
    report.problems.extend(counts["problems"])
    for name, caught in counts["defaulted"].items():
        report.defaulted.setdefault(name, Counter()).update(caught)
