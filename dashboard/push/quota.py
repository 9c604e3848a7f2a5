"""How many push streams an account may hold open at once, counted in Redis across every web worker and machine.

Each open stream holds a place: a member of a sorted set per account, scored by when its lease runs out. A stream
renews its place while it runs and gives it back when it ends; a worker that dies without giving its places back
frees them when their leases run out. A place is taken in one MULTI (prune, add, count), so parallel requests
cannot overshoot the cap: whichever finds itself past it gives its place back and is refused."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from uuid import uuid4

from redis import Redis

from dashboard.config import get_settings
from dashboard.data.vocab import Role

LEASE_S = 60  # a place not renewed for this long is free again (streams renew every BLOCK_MS, 15 s)


@dataclass(frozen=True)
class Place:
    """One open stream's place in its account's quota."""

    key: str
    member: str


class TooManyStreams(Exception):
    """The account holds as many open streams as it may; the message says how many and what to do."""

    def __init__(self, cap: int, wall: bool) -> None:
        holder = "this wall screen" if wall else "this account"
        super().__init__(
            f"push: {holder} already has {cap} open push streams, the most it may have; "
            "close another tab or screen of it (new reports still arrive by polling meanwhile)"
        )
        self.cap = cap


def cap(role: Role) -> int:
    """A wall screen shows one page at a time; a person may have a few tabs and browsers open."""
    settings = get_settings()
    return settings.push_streams_per_wall if role is Role.WALL_SCREEN else settings.push_streams_per_account


def quota_key(account_id: int) -> str:
    return f"{get_settings().event_stream}:push-streams:{account_id}"  # beside the stream it counts streams of


def take_place(client: Redis, account_id: int, role: Role) -> Place:
    """A place for one more stream of the account, or TooManyStreams."""
    place, now = Place(quota_key(account_id), uuid4().hex), time.time()
    pipe = client.pipeline(transaction=True)
    pipe.zremrangebyscore(place.key, "-inf", now)
    pipe.zadd(place.key, {place.member: now + LEASE_S})
    pipe.zcard(place.key)
    pipe.pexpire(place.key, int(LEASE_S * 1000))
    _, _, held, _ = pipe.execute()
    if held > cap(role):
        client.zrem(place.key, place.member)
        raise TooManyStreams(cap(role), role is Role.WALL_SCREEN)
    return place


def renew(client: Redis, places: Iterable[Place]) -> None:
    """Push the leases of streams still open further out (one round trip for all of them)."""
    until = time.time() + LEASE_S
    pipe = client.pipeline(transaction=False)
    for place in places:
        pipe.zadd(place.key, {place.member: until}, xx=True)
        pipe.pexpire(place.key, int(LEASE_S * 1000))
    pipe.execute()


def give_back(client: Redis, place: Place) -> None:
    client.zrem(place.key, place.member)
