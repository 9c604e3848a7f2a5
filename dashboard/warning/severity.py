"""Alert levels (预警等级): 红 red, 橙 orange, 黄 yellow, the colours Chinese emergency warnings use, most urgent
first. A rule with a threshold sets its level by how far past the threshold the episode has gone; the rest set it by
what they are (an overdue record is yellow until it is escalated to the county a day late, then orange)."""

from __future__ import annotations

from enum import StrEnum


class Level(StrEnum):
    RED = "red"
    ORANGE = "orange"
    YELLOW = "yellow"

    @property
    def rank(self) -> int:
        """Higher is more urgent: an episode's level only ever goes up."""
        return {Level.YELLOW: 1, Level.ORANGE: 2, Level.RED: 3}[self]


ORANGE_AT = 1.5  # observed at 1.5 times the threshold count
RED_AT = 3.0  # three times the threshold count


def spike_level(observed: int, threshold: int) -> Level:
    """The level of an episode with `observed` reports against a `threshold` count (the smallest that alarms)."""
    ratio = observed / max(threshold, 1)
    if ratio >= RED_AT:
        return Level.RED
    if ratio >= ORANGE_AT:
        return Level.ORANGE
    return Level.YELLOW


def higher(first: str | Level, second: str | Level) -> Level:
    a, b = Level(first), Level(second)
    return a if a.rank >= b.rank else b
