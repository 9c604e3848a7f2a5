"""The controlled vocabulary of the domain (DOMAIN.md): kinds, categories, statuses and places, as code names.

User-facing labels for each value live in `dashboard.i18n` under `<family>.<value>`, e.g. `kind.criminal`.
"""

from enum import StrEnum


class IncidentKind(StrEnum):
    DISPUTE = "dispute"  # 矛盾纠纷
    STABILITY = "stability"  # 涉稳事件
    SAFETY_ACCIDENT = "safety_accident"  # 安全生产事故
    CRIMINAL = "criminal"  # 刑事案件


class IncidentStatus(StrEnum):
    REPORTED = "reported"
    DISPATCHED = "dispatched"
    HANDLING = "handling"
    SOLVED = "solved"  # criminal cases are solved (破案)
    RESOLVED = "resolved"  # other incidents are resolved (化解/处置)
    CLOSED = "closed"


class HazardCategory(StrEnum):
    FIRE = "fire"
    PRODUCTION_SAFETY = "production_safety"
    PUBLIC_ORDER = "public_order"
    ENVIRONMENT = "environment"
    FOOD_SAFETY = "food_safety"


class HazardSeverity(StrEnum):
    GENERAL = "general"  # 一般隐患
    MAJOR = "major"  # 重大隐患


class HazardStatus(StrEnum):
    OPEN = "open"
    RECTIFYING = "rectifying"
    RECTIFIED = "rectified"
    CLOSED = "closed"


class PlaceType(StrEnum):
    RENTAL_HOUSING = "rental_housing"  # 出租房
    RESIDENCE = "residence"
    ENTERPRISE = "enterprise"
    PUBLIC_PLACE = "public_place"
    ROAD = "road"
    SCHOOL = "school"
    SHOP = "shop"
    FISHING_PORT = "fishing_port"
    ONLINE = "online"  # telecom and online fraud has no physical place
    OTHER = "other"


class ReportSource(StrEnum):
    PATROL = "patrol"  # a grid worker on patrol
    HOTLINE = "hotline"
    CITIZEN = "citizen"
    VIDEO = "video"


class Education(StrEnum):
    COLLEGE_OR_ABOVE = "college_or_above"  # 大专及以上
    HIGH_SCHOOL = "high_school"
    MIDDLE_SCHOOL_OR_BELOW = "middle_school_or_below"


class PersonCategory(StrEnum):
    KEY = "key"  # 重点人员
    SPECIAL = "special"  # 特殊人员


class TownshipKind(StrEnum):
    STREET = "street"  # 街道
    TOWN = "town"  # 镇
    TOWNSHIP = "township"  # 乡


class Platform(StrEnum):
    """The four township platforms (四个平台) that handle reports."""

    GOVERNANCE = "governance"  # 综治工作
    MARKET = "market"  # 市场监管
    LAW_ENFORCEMENT = "law_enforcement"  # 综合执法
    SERVICE = "service"  # 便民服务


# The long tail: a report (or an imported record) that fits no named subtype of its kind or category. The same
# code in every kind and category, so one value map (`default: other`) serves a whole file; a subtype alone does
# not name its kind then (dashboard.filter_url.kind_of).
OTHER = "other"  # 其他

SUBTYPES: dict[IncidentKind, tuple[str, ...]] = {
    IncidentKind.DISPUTE: (
        "neighbourhood",
        "marriage_family",
        "wages",
        "land_housing",
        "property_management",
        "consumer",
        "traffic_compensation",
        OTHER,
    ),
    IncidentKind.STABILITY: ("group_petition", "gathering", "online_opinion", OTHER),
    IncidentKind.SAFETY_ACCIDENT: (
        "fire",
        "industrial_injury",
        "gas",
        "road_traffic",
        "fishing_vessel",
        OTHER,
    ),
    IncidentKind.CRIMINAL: (
        "theft",
        "burglary",
        "vehicle_theft",
        "telecom_fraud",
        "assault",
        "robbery",
        "drugs",
        "gambling",
        "fraud",
        OTHER,
    ),
}

HAZARD_SUBTYPES: dict[HazardCategory, tuple[str, ...]] = {
    HazardCategory.FIRE: ("blocked_exit", "illegal_wiring", "ebike_indoor_charging", OTHER),
    HazardCategory.PRODUCTION_SAFETY: (
        "machine_fault",
        "hazardous_chemicals",
        "no_permit",
        OTHER,
    ),
    HazardCategory.PUBLIC_ORDER: ("unregistered_tenants", "entertainment_venue", OTHER),
    HazardCategory.ENVIRONMENT: ("illegal_discharge", "burning_waste", OTHER),
    HazardCategory.FOOD_SAFETY: ("unlicensed_kitchen", "expired_food", OTHER),
}


def values(enum: type[StrEnum]) -> list[str]:
    """The code names of an enum, in declaration order (for CHECK constraints and dropdowns)."""
    return [member.value for member in enum]


class Role(StrEnum):
    """Who a user is; what each may see and do is in `dashboard.access.roles`."""

    ADMIN = "admin"  # 系统管理员
    CITY_OPERATOR = "city_operator"  # 市级值班员: the whole city
    COUNTY_LEADER = "county_leader"  # 县级领导: one county
    TOWNSHIP_STAFF = "township_staff"  # 乡镇(街道)工作人员: one township
    ANALYST = "analyst"  # 分析员: may export
    WALL_SCREEN = "wall_screen"  # 大屏: a long-lived read-only token bound to an area


class AuditAction(StrEnum):
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOCKED_OUT = "locked_out"
    LOGOUT = "logout"
    CROSS_SITE_REFUSED = "cross_site_refused"  # a state-changing request from another site, refused
    EXPORT = "export"
    UNMASK = "unmask"
    UNMASK_REFUSED = "unmask_refused"  # an unmask asked for by a role, or of a record, that may not have it
    USER_CREATED = "user_created"
    USER_CHANGED = "user_changed"
    TOKEN_ISSUED = "token_issued"
    TOKEN_REVOKED = "token_revoked"
    ALERT_ACKNOWLEDGED = "alert_acknowledged"  # an operator acknowledged an early-warning alert
    ALERT_ESCALATED = "alert_escalated"  # an operator (or the SLA clock) escalated one to the county
    BULLETIN_EDITED = "bulletin_edited"  # a leader wrote a month's 下步工作要求 (the text before and after)
    RECORD_STEP = "record_step"  # a step in handling a record (dispatch, sign for, close …), as it was applied
    RECORD_STEP_REFUSED = "record_step_refused"  # a step refused: by the rules, the account's area, or a race lost
