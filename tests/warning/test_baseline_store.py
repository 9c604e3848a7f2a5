"""The baselines kept in Redis for a standby taking over: read back as they were computed, refused when they are of
another time zone or unreadable, and used by a worker that starts after another computed them."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pytest

from dashboard.config import get_settings
from dashboard.data.redis_client import get_redis
from dashboard.warning import baseline_store
from dashboard.warning.baseline import HOURS_OF_WEEK, HourOfWeekBaseline
from dashboard.warning.worker import WarningWorker
from tests.warning.test_worker import setup_city


def baselines() -> dict[str, HourOfWeekBaseline]:
    rng = np.random.default_rng(5)
    zone = get_settings().timezone
    return {
        "incidents": HourOfWeekBaseline(
            {"331004001": rng.uniform(0, 2, HOURS_OF_WEEK), "331004-001-0001": rng.uniform(0, 0.1, HOURS_OF_WEEK)},
            zone=zone,
        ),
        "hazards": HourOfWeekBaseline({"331004001:fire": rng.uniform(0, 1, HOURS_OF_WEEK)}, zone=zone),
    }


def test_kept_baselines_read_back_as_computed():
    kept = baselines()
    baseline_store.save(get_redis(), kept, computed_at=1_700_000_000.5)
    found = baseline_store.load(get_redis())
    assert found is not None
    loaded, computed_at = found
    assert computed_at == 1_700_000_000.5
    start, end = datetime(2026, 12, 6, 1, 30), datetime(2026, 12, 6, 4, 45)
    for name, baseline in kept.items():
        assert set(loaded[name].rates) == set(baseline.rates)
        for area in baseline.rates:
            assert loaded[name].expected(area, start, end) == pytest.approx(baseline.expected(area, start, end))


def test_kept_baselines_of_another_zone_or_cut_short_are_not_used(monkeypatch: pytest.MonkeyPatch):
    baseline_store.save(get_redis(), baselines())
    monkeypatch.setenv("DASHBOARD_TIMEZONE", "Europe/Berlin")
    get_settings.cache_clear()
    assert baseline_store.load(get_redis()) is None
    monkeypatch.setenv("DASHBOARD_TIMEZONE", "Asia/Shanghai")
    get_settings.cache_clear()
    get_redis().hset(baseline_store.store_key(), "incidents:rates", "not base64 of 168 floats a row")
    assert baseline_store.load(get_redis()) is None


def test_a_worker_taking_over_starts_from_the_baselines_the_last_one_kept():
    setup_city()
    first = WarningWorker(get_redis(), block_ms=10)
    first.rebuild()
    second = WarningWorker(get_redis(), block_ms=10)
    second.rebuild()
    assert second.baselines_at == first.baselines_at > 0  # not computed again
    get_redis().delete(baseline_store.store_key())
    third = WarningWorker(get_redis(), block_ms=10)
    third.rebuild()
    assert third.baselines_at > first.baselines_at  # none kept: computed from the history
