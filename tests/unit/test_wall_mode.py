"""The rotation a wall screen asks for in its address."""

import pytest

from dashboard.wall_mode import WallModeError, parse_plan


def test_the_default_plan_is_the_wall_page_every_minute():
    assert parse_plan(None, None).paths() == ["/?wall=1&pages=wall&every=60"]
    assert parse_plan("", "").paths() == ["/?wall=1&pages=wall&every=60"]


def test_each_page_of_the_rotation_carries_the_plan():
    plan = parse_plan("wall, monthly ,trends", "30")
    assert plan.paths() == [
        f"{path}?wall=1&pages=wall%2Cmonthly%2Ctrends&every=30" for path in ("/", "/monthly", "/trends")
    ]


@pytest.mark.parametrize(
    ("pages", "every", "message"),
    [
        (",,", None, "pages: unknown page (none)"),
        ("grid", None, "pages: unknown page grid"),
        (None, "4000", "every: 4000 seconds is outside"),
    ],
)
def test_bad_parameters_are_named(pages, every, message):
    with pytest.raises(WallModeError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_plan(pages, every)


def test_the_chime_is_asked_for_in_the_address_and_carried_to_every_page():
    assert parse_plan("wall,trends", None, sound="on").paths() == [
        f"{path}?wall=1&pages=wall%2Ctrends&every=60&sound=on" for path in ("/", "/trends")
    ]
    assert parse_plan(None, None, sound="off").paths() == ["/?wall=1&pages=wall&every=60"]
    with pytest.raises(WallModeError, match="sound: 'loud' is neither on nor off"):
        parse_plan(None, None, sound="loud")
