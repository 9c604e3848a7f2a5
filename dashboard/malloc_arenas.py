"""Two malloc arenas for a web worker's threads, instead of glibc's default of up to eight per core.

glibc gives a thread that finds the arenas in use one of its own, and keeps what a thread frees in that thread's
arena for its next allocation there. A web worker runs 32 threads (`DASHBOARD_WEB_THREADS`) through callbacks that
each build and drop a few MB of rows and figures: left alone, every arena slowly reaches the largest such peak any
of its threads had, and a worker that is never restarted grows for hours with memory it does not use. Measured with
a wall screen's rotation at 50 reports/s (bench_wall --soak): the memory malloc held free grew from 59 to 98 MB in
20 minutes beside 60 MB in use; with two arenas it stayed near 20 MB. `MALLOC_ARENA_MAX` in the environment, glibc's
own setting, is left to decide when it is set."""

from __future__ import annotations

import ctypes
import os
import sys

ARENAS = 2
M_ARENA_MAX = -8  # glibc's <malloc.h>


def limit_malloc_arenas(arenas: int = ARENAS) -> bool:
    """At most `arenas` arenas for threads that allocate from now on (so: call it before the worker's threads
    start). Returns whether the limit was set: not when `MALLOC_ARENA_MAX` is, nor outside glibc."""
    if "MALLOC_ARENA_MAX" in os.environ or not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # musl and others: no mallopt, and no arena per thread either
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return bool(mallopt(M_ARENA_MAX, arenas))
