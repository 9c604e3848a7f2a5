"""An area a client asks for, intersected with the account's area: what is inside stays, what is outside is refused."""

from __future__ import annotations

import pytest

from dashboard.access.scope import OutOfScope, area_of_code, contains, within
from dashboard.data.periods import CITY, Area

LUQIAO, WENLING = Area.county("331004"), Area.county("331081")
TOWN = Area.township("331004001")
GRID = Area.grid("331004-001-0002")


@pytest.mark.parametrize(
    ("code", "area"),
    [(None, CITY), ("", CITY), ("331004", LUQIAO), ("331004001", TOWN), ("331004-001-0002", GRID)],
)
def test_codes_name_their_areas(code, area):
    assert area_of_code(code) == area


@pytest.mark.parametrize("code", ["33100", "3310041", "331004-1-2", "<script>", "331004001 OR 1=1"])
def test_a_bad_area_code_is_refused_naming_the_field(code):
    with pytest.raises(ValueError, match=r"^area: "):
        area_of_code(code)


def test_areas_nest_by_their_codes():
    assert contains(CITY, GRID) and contains(LUQIAO, TOWN) and contains(TOWN, GRID) and contains(LUQIAO, GRID)
    assert not contains(TOWN, LUQIAO) and not contains(WENLING, GRID)
    assert not contains(Area.township("331004002"), GRID)


def test_what_is_asked_inside_the_scope_is_shown_and_the_rest_is_refused():
    assert within(LUQIAO, GRID) == GRID  # a grid of my county
    assert within(LUQIAO, None) == LUQIAO  # nothing asked: my area
    assert within(LUQIAO, CITY) == LUQIAO  # the whole city asked: only my part of it
    assert within(CITY, WENLING) == WENLING
    with pytest.raises(OutOfScope, match=r"^area: 331081 is outside"):
        within(LUQIAO, WENLING)
    with pytest.raises(OutOfScope):
        within(TOWN, Area.grid("331004-002-0001"))
