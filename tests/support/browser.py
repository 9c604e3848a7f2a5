"""How Debian's chromium runs here (as root, no outside network): the flags the browser tests and the wall benchmark
share. `--headless` is added by `pytest --headless` for the tests and by the benchmark itself."""

import os

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",  # without these, the closed network refuses its many connections
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1600,1000",
)
