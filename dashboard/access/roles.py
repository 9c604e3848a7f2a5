"""What each role may do, and which kind of area it is bound to. Pure rules: the server enforces them."""

from __future__ import annotations

from dashboard.data.periods import AreaLevel
from dashboard.data.vocab import Role

# The kind of area a user of each role is bound to (the scope of everything they see).
SCOPE_LEVELS: dict[Role, frozenset[AreaLevel]] = {
    Role.ADMIN: frozenset({AreaLevel.CITY}),
    Role.CITY_OPERATOR: frozenset({AreaLevel.CITY}),
    Role.COUNTY_LEADER: frozenset({AreaLevel.COUNTY}),
    Role.TOWNSHIP_STAFF: frozenset({AreaLevel.TOWNSHIP}),
    Role.ANALYST: frozenset({AreaLevel.CITY, AreaLevel.COUNTY, AreaLevel.TOWNSHIP}),
    Role.WALL_SCREEN: frozenset({AreaLevel.CITY, AreaLevel.COUNTY, AreaLevel.TOWNSHIP}),
}
EXPORTERS = frozenset({Role.ADMIN, Role.ANALYST, Role.CITY_OPERATOR, Role.COUNTY_LEADER})
UNMASKERS = frozenset({Role.ADMIN, Role.COUNTY_LEADER, Role.CITY_OPERATOR})  # an explicit, audited action


def may_export(role: Role) -> bool:
    return role in EXPORTERS


def may_unmask(role: Role) -> bool:
    return role in UNMASKERS


def may_manage_users(role: Role) -> bool:
    return role is Role.ADMIN
