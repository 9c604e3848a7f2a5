"""The cap of open push streams per account, on the real Redis: places up to the cap, a clear refusal past it, a place
given back or left to expire (a worker that died) is free again, and parallel requests never overshoot."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from dashboard.data.redis_client import get_redis
from dashboard.data.vocab import Role
from dashboard.push import quota
from dashboard.push.quota import TooManyStreams, give_back, renew, take_place

pytestmark = pytest.mark.db_independent


def test_a_wall_screen_gets_three_places_and_a_reason_for_the_fourth():
    places = [take_place(get_redis(), 7, Role.WALL_SCREEN) for _ in range(3)]
    with pytest.raises(TooManyStreams, match="this wall screen already has 3 open push streams"):
        take_place(get_redis(), 7, Role.WALL_SCREEN)
    give_back(get_redis(), places.pop())
    places.append(take_place(get_redis(), 7, Role.WALL_SCREEN))
    assert get_redis().zcard(quota.quota_key(7)) == 3
    assert take_place(get_redis(), 8, Role.WALL_SCREEN)  # another screen counts its own


def test_a_person_gets_the_per_account_cap(monkeypatch):
    monkeypatch.setenv("DASHBOARD_PUSH_STREAMS_PER_ACCOUNT", "5")
    from dashboard.config import get_settings

    get_settings.cache_clear()
    for _ in range(5):
        take_place(get_redis(), 9, Role.CITY_OPERATOR)
    with pytest.raises(TooManyStreams, match="this account already has 5 open push streams") as refused:
        take_place(get_redis(), 9, Role.CITY_OPERATOR)
    assert refused.value.cap == 5


def test_places_that_are_not_renewed_expire_and_renewed_ones_stay(monkeypatch):
    monkeypatch.setattr(quota, "LEASE_S", 0.3)
    kept, lost, _ = (take_place(get_redis(), 7, Role.WALL_SCREEN) for _ in range(3))
    time.sleep(0.2)
    renew(get_redis(), [kept])
    time.sleep(0.2)  # the other two ran out (their worker died without giving them back); the renewed one has not
    assert take_place(get_redis(), 7, Role.WALL_SCREEN) and take_place(get_redis(), 7, Role.WALL_SCREEN)
    members = set(get_redis().zrange(quota.quota_key(7), 0, -1))
    assert kept.member in members and lost.member not in members


def test_parallel_requests_never_hold_more_than_the_cap():
    def try_once(_: int) -> bool:
        try:
            take_place(get_redis(), 7, Role.WALL_SCREEN)
        except TooManyStreams:
            return False
        return True

    with ThreadPoolExecutor(16) as pool:
        admitted = sum(pool.map(try_once, range(64)))
    assert 1 <= admitted <= 3 and get_redis().zcard(quota.quota_key(7)) == admitted
