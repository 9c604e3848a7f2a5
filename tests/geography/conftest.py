"""Geography tests read committed files only: no database, no Redis."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def isolated() -> Iterator[None]:
    """Overrides the suite-wide `isolated` fixture (a database and Redis per test), which these tests never use."""
    yield
