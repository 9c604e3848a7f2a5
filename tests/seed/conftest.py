"""Shared helpers for the seeder's tests: one generated small city per module (no database), and a way to seed
the test's own database (the suite-wide `isolated` fixture gives each test a fresh one)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from dashboard.seed.columns import Table
from dashboard.seed.history import Window
from dashboard.seed.profiles import get_profile
from dashboard.seed.seeder import DEFAULT_SEED, Seeder

TODAY = date(2026, 11, 25)  # a Wednesday late in the year: the headline period is the year to date
ZONE = "Asia/Shanghai"


class Generated:
    """The small profile's tables, generated in memory."""

    def __init__(self, today: date = TODAY, seed: int = DEFAULT_SEED) -> None:
        self.seeder = Seeder(get_profile("small"), Window.ending(today, ZONE), seed, progress=False)
        self.tables: dict[str, Table] = {
            table.name: table for _, produce in self.seeder.phases() for table in produce()
        }

    def values(self, table: str, column: str) -> np.ndarray:
        return self.tables[table].columns[column].values

    def strings(self, table: str, column: str) -> np.ndarray:
        return np.array(self.tables[table].text(column), dtype=object)


@pytest.fixture(scope="module")
def generated() -> Generated:
    return Generated()
