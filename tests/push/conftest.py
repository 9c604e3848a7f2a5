"""Push tests run the app as production does (`gunicorn app:asgi --worker-class asgi`), on the suite's real Redis and
database (the test's own key prefix and database); the processes they start are stopped when they end."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.servers import Launcher


@pytest.fixture
def launcher(tmp_path: Path) -> Iterator[Launcher]:
    started = Launcher(tmp_path)
    yield started
    started.stop_all()
