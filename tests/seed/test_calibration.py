"""The counts behind the article's figures, checked with the query layer's own arithmetic."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from dashboard.data.periods import Period
from dashboard.data.queries import CaseCounts, percent_change, point_change
from dashboard.seed import calibration as cal
from dashboard.seed.history import top_k

pytestmark = pytest.mark.db_independent  # never touches the configured database: once, not on both

PERIOD = Period(date(2026, 1, 1), date(2026, 11, 26))


@pytest.mark.parametrize("near", [5_000, 4_321, 25_000, 123_456])
def test_count_pair_prints_minus_37_34_percent(near):
    baseline, current = cal.count_pair(near, cal.CRIMINAL_FILED)
    assert baseline >= near - 50
    assert round(percent_change(current, baseline), 2) == -37.34


def test_the_issue_example_pair():
    assert cal.count_pair(5_000, cal.CRIMINAL_FILED) == (5_000, 3_133)


@pytest.mark.parametrize("filed", [(5_000, 3_133), (25_005, 15_668), (1_200, 752)])
def test_solved_pair_prints_plus_4_76_points(filed):
    solved_base, solved_now = cal.solved_pair(filed, 0.52, cal.SOLVE_RATE, PERIOD)
    base = CaseCounts(PERIOD, filed[0], solved_base, 0).solve_rate
    now = CaseCounts(PERIOD, filed[1], solved_now, 0).solve_rate
    assert round(point_change(now, base), 2) == 4.76


def test_worker_shares_of_7369_workers():
    assert cal.share_count(7_369, cal.COLLEGE_SHARE) == 2_768  # 37.5628 %
    assert cal.share_count(7_369, cal.PARTY_SHARE) == 2_522  # 34.2245 %


def test_split_counts_adds_up_with_a_change_per_county():
    rng = np.random.default_rng(3)
    base, now = cal.split_counts(rng, (25_005, 15_668), np.arange(1.0, 10.0), spread=0.12, decimals=2)
    assert (base.sum(), now.sum()) == (25_005, 15_668)
    changes = {round(percent_change(int(n), int(b)), 2) for b, n in zip(base, now, strict=True)}
    assert len(changes) == 9


def test_apportion_respects_caps():
    result = cal.apportion(10, np.array([1.0, 1.0, 5.0]), np.array([5, 5, 2]))
    assert result.tolist() == [4, 4, 2]
    with pytest.raises(ValueError, match="cannot place"):
        cal.apportion(20, np.ones(3), np.array([5, 5, 5]))


def test_top_k_takes_exactly_k_per_group_and_never_a_zero_weight_when_it_can_avoid_it():
    rng = np.random.default_rng(5)
    group = np.repeat(np.arange(3), 1_000)
    weights = np.tile(np.r_[np.zeros(500), np.ones(500)], 3)
    chosen = top_k(rng, weights, group, np.array([10, 400, 0]))
    assert np.bincount(group[chosen], minlength=3).tolist() == [10, 400, 0]
    assert (weights[chosen] > 0).all()
