"""The data model: the city (county → township → grid), its workers and departments, the registries
(the population at the centre, 一心), and the two wings: incidents and hazards; plus patrol logs.

All timestamps are naive UTC (`datetime.now(UTC).replace(tzinfo=None)`); pages convert to the city's clock.
County and township codes are copied onto incidents, hazards and patrols so every drill-down filter is one index.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from dashboard.data.vocab import (
    AuditAction,
    Education,
    HazardCategory,
    HazardSeverity,
    HazardStatus,
    IncidentKind,
    IncidentStatus,
    PersonCategory,
    PlaceType,
    Platform,
    ReportSource,
    Role,
    TownshipKind,
    values,
)

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Big tables get 64-bit keys on PostgreSQL; SQLite needs plain INTEGER for its rowid alias.
BigId = BigInteger().with_variant(Integer(), "sqlite")


def vocabulary(enum: type[StrEnum], name: str) -> Enum:
    """A portable enum column: VARCHAR plus a named CHECK constraint, identical on SQLite and PostgreSQL."""
    length = max(len(value) for value in values(enum))
    return Enum(
        enum,
        name=name,
        native_enum=False,
        create_constraint=True,
        values_callable=values,
        length=length,
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class County(Base):
    __tablename__ = "county"

    code: Mapped[str] = mapped_column(String(6), primary_key=True)  # GB/T 2260, e.g. 331004
    name: Mapped[str] = mapped_column(String(32))
    name_en: Mapped[str] = mapped_column(String(64))
    seat_lat: Mapped[float] = mapped_column(Float)
    seat_lon: Mapped[float] = mapped_column(Float)
    # The city's clock (an IANA zone, the same in every county), stored by the grids import that made the city; None
    # (the seeded Taizhou): DASHBOARD_TIMEZONE. Read through dashboard.data.city_zone.
    timezone: Mapped[str | None] = mapped_column(String(64))


class Township(Base):
    __tablename__ = "township"

    code: Mapped[str] = mapped_column(String(9), primary_key=True)  # county code + 3 digits
    county_code: Mapped[str] = mapped_column(ForeignKey("county.code"), index=True)
    name: Mapped[str] = mapped_column(String(32))
    name_en: Mapped[str] = mapped_column(String(64))
    kind: Mapped[TownshipKind] = mapped_column(vocabulary(TownshipKind, "township_kind"))


class Grid(Base):
    __tablename__ = "grid"
    __table_args__ = (
        CheckConstraint(
            "residents >= 0 AND migrants >= 0 AND key_persons >= 0 AND special_persons >= 0 AND rental_houses >= 0",
            name="counts_not_negative",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)  # e.g. 331004-003-0123
    name: Mapped[str] = mapped_column(String(64))
    township_code: Mapped[str] = mapped_column(ForeignKey("township.code"), index=True)
    county_code: Mapped[str] = mapped_column(ForeignKey("county.code"), index=True)
    urban: Mapped[bool] = mapped_column(Boolean)
    geometry: Mapped[str] = mapped_column(Text)  # GeoJSON geometry, WGS-84
    centroid_lat: Mapped[float] = mapped_column(Float)
    centroid_lon: Mapped[float] = mapped_column(Float)
    area_km2: Mapped[float] = mapped_column(Float)
    residents: Mapped[int] = mapped_column(Integer, default=0)
    migrants: Mapped[int] = mapped_column(Integer, default=0)
    key_persons: Mapped[int] = mapped_column(Integer, default=0)
    special_persons: Mapped[int] = mapped_column(Integer, default=0)
    rental_houses: Mapped[int] = mapped_column(Integer, default=0)


class Department(Base):
    __tablename__ = "department"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)  # e.g. public_security
    name: Mapped[str] = mapped_column(String(32))
    name_en: Mapped[str] = mapped_column(String(64))
    platform: Mapped[Platform | None] = mapped_column(vocabulary(Platform, "platform"))


class GridWorker(Base):
    __tablename__ = "grid_worker"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(24), unique=True)  # the worker's number, also the device's owner
    name: Mapped[str] = mapped_column(String(32))
    phone: Mapped[str] = mapped_column(String(20))
    grid_id: Mapped[int] = mapped_column(ForeignKey("grid.id"), index=True)
    hire_date: Mapped[date] = mapped_column(Date)
    education: Mapped[Education] = mapped_column(vocabulary(Education, "education"))
    party_member: Mapped[bool] = mapped_column(Boolean)


class RentalHouse(Base):
    __tablename__ = "rental_house"
    __table_args__ = (CheckConstraint("registered_tenants >= 0", name="tenants_not_negative"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("grid.id"), index=True)
    address: Mapped[str] = mapped_column(String(128))
    landlord_name: Mapped[str] = mapped_column(String(32))
    landlord_phone: Mapped[str] = mapped_column(String(20))
    registered_tenants: Mapped[int] = mapped_column(Integer, default=0)


class PersonOfConcern(Base):
    __tablename__ = "person_of_concern"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("grid.id"), index=True)
    name: Mapped[str] = mapped_column(String(32))
    id_number: Mapped[str] = mapped_column(String(18), unique=True)  # national 18-character ID
    phone: Mapped[str] = mapped_column(String(20))
    category: Mapped[PersonCategory] = mapped_column(vocabulary(PersonCategory, "person_category"))
    reason: Mapped[str] = mapped_column(String(32))  # why the person is followed, a code name


class FollowUpVisit(Base):
    __tablename__ = "follow_up_visit"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person_of_concern.id"), index=True)
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("grid_worker.id"))
    visited_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    note: Mapped[str] = mapped_column(Text, default="")


class Incident(Base):
    """案事件: one report, followed through reported → dispatched → handling → solved/resolved → closed."""

    __tablename__ = "incident"
    __table_args__ = (
        CheckConstraint(
            "filed_at IS NULL OR kind = 'criminal'",
            name="only_criminal_cases_are_filed",
        ),
        CheckConstraint(
            "lat BETWEEN -90 AND 90 AND lon BETWEEN -180 AND 180",
            name="coordinates_in_range",
        ),
        CheckConstraint(
            "solved_at IS NULL OR solved_at >= reported_at",
            name="solved_after_reported",
        ),
        CheckConstraint(
            "closed_at IS NULL OR closed_at >= reported_at",
            name="closed_after_reported",
        ),
        Index("ix_incident_county_kind_reported", "county_code", "kind", "reported_at"),
        Index("ix_incident_county_reported", "county_code", "reported_at"),  # a county's newest records, every kind
        Index("ix_incident_grid_reported", "grid_id", "reported_at"),  # a grid's records and density, by time
        Index("ix_incident_kind_filed", "kind", "filed_at"),
        Index("ix_incident_place_reported", "place_type", "reported_at"),
        Index(  # the early-warning sweep: open records by deadline, without walking the years of closed ones
            "ix_incident_open_deadline",
            "deadline",
            sqlite_where=text("closed_at IS NULL"),
            postgresql_where=text("closed_at IS NULL"),
        ),
        # The queues' open records (closed_at NULL: a few thousand) and the wall's closed today, without walking a
        # county's years (which SQLite's planner did by the county's index).
        Index("ix_incident_closed", "closed_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    event_id: Mapped[str] = mapped_column(String(64), unique=True)  # the reporting app's id: the idempotency key
    kind: Mapped[IncidentKind] = mapped_column(vocabulary(IncidentKind, "incident_kind"))
    subtype: Mapped[str] = mapped_column(String(32))
    grid_id: Mapped[int] = mapped_column(
        ForeignKey("grid.id")
    )  # indexed with the report time (ix_incident_grid_reported)
    township_code: Mapped[str] = mapped_column(String(9))  # the grid's, copied: its foreign key vouches
    county_code: Mapped[str] = mapped_column(String(6))  # for both (one check per row instead of three)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    place_type: Mapped[PlaceType] = mapped_column(vocabulary(PlaceType, "place_type"))
    rental_house_id: Mapped[int | None] = mapped_column(ForeignKey("rental_house.id"), index=True)
    source: Mapped[ReportSource] = mapped_column(vocabulary(ReportSource, "report_source"))
    status: Mapped[IncidentStatus] = mapped_column(vocabulary(IncidentStatus, "incident_status"), index=True)
    reported_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    filed_at: Mapped[datetime | None] = mapped_column(DateTime)  # criminal cases only: 立案
    dispatched_at: Mapped[datetime | None] = mapped_column(DateTime)
    handling_at: Mapped[datetime | None] = mapped_column(DateTime)
    solved_at: Mapped[datetime | None] = mapped_column(DateTime)  # solved (criminal) or resolved (others)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    deadline: Mapped[datetime | None] = mapped_column(DateTime)  # to close by, from the routing matrix
    summary: Mapped[str] = mapped_column(Text, default="")


class Hazard(Base):
    """隐患点: found on patrol, rectified by a deadline: open → rectifying → rectified → closed."""

    __tablename__ = "hazard"
    __table_args__ = (
        CheckConstraint("deadline >= found_at", name="deadline_after_found"),
        CheckConstraint(
            "lat BETWEEN -90 AND 90 AND lon BETWEEN -180 AND 180",
            name="coordinates_in_range",
        ),
        CheckConstraint(
            "rectified_at IS NULL OR rectified_at >= found_at",
            name="rectified_after_found",
        ),
        Index("ix_hazard_status_deadline", "status", "deadline"),
        Index(
            "ix_hazard_open_deadline",
            "deadline",
            sqlite_where=text("rectified_at IS NULL"),
            postgresql_where=text("rectified_at IS NULL"),
        ),
        Index("ix_hazard_closed", "closed_at"),  # as ix_incident_closed: open ones (rectified too, until closed)
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    event_id: Mapped[str] = mapped_column(String(64), unique=True)
    category: Mapped[HazardCategory] = mapped_column(vocabulary(HazardCategory, "hazard_category"))
    subtype: Mapped[str] = mapped_column(String(32))
    severity: Mapped[HazardSeverity] = mapped_column(vocabulary(HazardSeverity, "hazard_severity"))
    grid_id: Mapped[int] = mapped_column(ForeignKey("grid.id"), index=True)
    township_code: Mapped[str] = mapped_column(String(9))  # the grid's, copied: its foreign key vouches
    county_code: Mapped[str] = mapped_column(String(6))  # for both (one check per row instead of three)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    status: Mapped[HazardStatus] = mapped_column(vocabulary(HazardStatus, "hazard_status"))
    found_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    deadline: Mapped[datetime] = mapped_column(DateTime)
    rectifying_at: Mapped[datetime | None] = mapped_column(DateTime)
    rectified_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    summary: Mapped[str] = mapped_column(Text, default="")


class PatrolLog(Base):
    """网格日志: one patrol of a worker in the grid; `ended_at` is empty while the worker is still out."""

    __tablename__ = "patrol_log"
    __table_args__ = (
        CheckConstraint("ended_at IS NULL OR ended_at >= started_at", name="ends_after_start"),
        CheckConstraint("distance_m >= 0 AND findings >= 0", name="not_negative"),
        # What reads raw patrols: a worker's record over time (compliance), and the patrols since a moment (the live
        # state: joined from the workers, one index range per worker). Counts by area come from rollups, so there is
        # no index by grid, township, county or time alone: each would cost seconds per million rows at every load.
        Index("ix_patrol_log_worker_started", "worker_id", "started_at"),
        # Only live patrols carry an event id: a partial index skips the millions of seeded rows without one.
        Index(
            "ix_patrol_log_event_id",
            "event_id",
            unique=True,
            sqlite_where=text("event_id IS NOT NULL"),
            postgresql_where=text("event_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    event_id: Mapped[str | None] = mapped_column(String(64))  # the patrol.started event, when live
    worker_id: Mapped[int] = mapped_column(ForeignKey("grid_worker.id"))
    grid_id: Mapped[int] = mapped_column(ForeignKey("grid.id"))
    township_code: Mapped[str] = mapped_column(String(9))  # the grid's, copied: its foreign key vouches
    county_code: Mapped[str] = mapped_column(String(6))  # for both (one check per row instead of three)
    started_at: Mapped[datetime] = mapped_column(DateTime)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)
    distance_m: Mapped[float] = mapped_column(Float, default=0.0)
    findings: Mapped[int] = mapped_column(Integer, default=0)  # reports filed during the patrol


class DeviceToken(Base):
    """A phone's bearer token for the ingest API. Only its SHA-256 is stored; revoked tokens are kept for the record."""

    __tablename__ = "device_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    device_id: Mapped[str] = mapped_column(String(64), index=True)
    worker_code: Mapped[str | None] = mapped_column(String(24))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)


class PendingUpdate(Base):
    """An update that arrived before the report it follows: kept here, applied when the report is stored."""

    __tablename__ = "pending_update"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    event_id: Mapped[str] = mapped_column(String(64), unique=True)
    ref: Mapped[str] = mapped_column(String(64), index=True)
    event: Mapped[str] = mapped_column(Text)  # the event as the stream carried it (JSON)
    received_at: Mapped[datetime] = mapped_column(DateTime)


class PatrolPosition(Base):
    """A GPS fix of a worker on patrol; kept for a configurable number of days (today's tracks feed the wall)."""

    __tablename__ = "patrol_position"
    __table_args__ = (
        CheckConstraint("lat BETWEEN -90 AND 90 AND lon BETWEEN -180 AND 180", name="coordinates_in_range"),
        Index("ix_patrol_position_patrol_recorded", "patrol_event_id", "recorded_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    event_id: Mapped[str] = mapped_column(String(64), unique=True)
    patrol_event_id: Mapped[str] = mapped_column(String(64))
    worker_code: Mapped[str] = mapped_column(String(24))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    recorded_at: Mapped[datetime] = mapped_column(DateTime, index=True)


class IncidentDaily(Base):
    """Rollup: incidents per city-clock day, grid, kind, subtype and place. `reported` counts by report day;
    `filed` and `solved` count criminal cases by filing day (solved: of those, solved by now); `resolved` counts
    other incidents reported that day and resolved by now. Kept in step with `incident` by the stream consumer.
    A township is read through its county's index (a township code begins with its county's code)."""

    __tablename__ = "incident_daily"
    __table_args__ = (
        Index("ix_incident_daily_county_day", "county_code", "day"),
        Index("ix_incident_daily_grid_day", "grid_id", "day"),
    )

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("grid.id"), primary_key=True)
    kind: Mapped[IncidentKind] = mapped_column(vocabulary(IncidentKind, "incident_kind"), primary_key=True)
    subtype: Mapped[str] = mapped_column(String(32), primary_key=True)
    place_type: Mapped[PlaceType] = mapped_column(vocabulary(PlaceType, "place_type"), primary_key=True)
    township_code: Mapped[str] = mapped_column(String(9))
    county_code: Mapped[str] = mapped_column(String(6))
    reported: Mapped[int] = mapped_column(Integer, default=0)
    filed: Mapped[int] = mapped_column(Integer, default=0)
    solved: Mapped[int] = mapped_column(Integer, default=0)
    resolved: Mapped[int] = mapped_column(Integer, default=0)


class HazardDaily(Base):
    """Rollup: hazards per city-clock day found, grid, category and severity; `rectified` and `rectified_on_time`
    count those found that day and rectified by now (on time: no later than the deadline)."""

    __tablename__ = "hazard_daily"
    __table_args__ = (
        Index("ix_hazard_daily_county_day", "county_code", "day"),
        Index("ix_hazard_daily_grid_day", "grid_id", "day"),
    )

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("grid.id"), primary_key=True)
    category: Mapped[HazardCategory] = mapped_column(vocabulary(HazardCategory, "hazard_category"), primary_key=True)
    severity: Mapped[HazardSeverity] = mapped_column(vocabulary(HazardSeverity, "hazard_severity"), primary_key=True)
    township_code: Mapped[str] = mapped_column(String(9))
    county_code: Mapped[str] = mapped_column(String(6))
    found: Mapped[int] = mapped_column(Integer, default=0)
    rectified: Mapped[int] = mapped_column(Integer, default=0)
    rectified_on_time: Mapped[int] = mapped_column(Integer, default=0)


class UserAccount(Base):
    """A person (or a wall screen) who logs in. `area_code` is the scope: empty for the whole city, else a county
    or township code. Passwords are stored as salted scrypt hashes; repeated failures lock the account a while."""

    __tablename__ = "user_account"
    __table_args__ = (CheckConstraint("failed_logins >= 0", name="failures_not_negative"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64), default="")
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[Role] = mapped_column(vocabulary(Role, "user_role"))
    area_code: Mapped[str | None] = mapped_column(String(9))
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    session_version: Mapped[int] = mapped_column(Integer, default=0)  # bumped on a password or role change


class LoginToken(Base):
    """A long-lived token that logs a wall screen in (by URL, once; then a session cookie). Only its SHA-256 is
    stored."""

    __tablename__ = "login_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)


class LoginSession(Base):
    """A logged-in browser, as the server knows it: the session cookie holds a random key, of which only the SHA-256
    is stored. Every request is checked against it, so logging out, a changed role, area or password, a disabled
    account or a revoked token end the session at once (`ended_at`), wherever its cookie was copied to."""

    __tablename__ = "login_session"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)


class AuditEntry(Base):
    """审计日志: append-only and hash-chained. Each entry's `hash` is SHA-256 over the previous entry's hash and this
    entry's content; `previous_hash` is unique, so the chain cannot fork. Editing or deleting a row breaks the chain
    at that row (`dashboard.data.audit.verify_chain`); triggers refuse UPDATE and DELETE as well."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_action_at", "action", "at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    actor: Mapped[str] = mapped_column(String(64), index=True)  # a username, or "system"
    action: Mapped[AuditAction] = mapped_column(vocabulary(AuditAction, "audit_action"))
    detail: Mapped[str] = mapped_column(Text, default="{}")  # JSON, keys sorted
    previous_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)


# The drill-down rollups (案件趋势, 破案率, 出租房): incidents counted per city-clock day or calendar month (`month`
# is the month's first day) for the city, a county, a township or a grid, kept in step with `incident` like
# `incident_daily` (see dashboard/data/rollups.py, DRILL_ROLLUPS). A period is read as its whole months from a
# `*_month` table and its other days from the `*_day` table. On SQLite they are WITHOUT ROWID tables, stored in
# primary-key order, so a range of days or months is one contiguous read. Counts: `reported` and `rental` (reported
# in rental housing) by report day; `filed` and `solved` (of those filed, solved by now) by filing day, for criminal
# cases.


class CaseCounts:
    """The counts the drill-down rollups keep, after each table's keys."""

    reported: Mapped[int] = mapped_column(Integer, default=0, sort_order=1)
    rental: Mapped[int] = mapped_column(Integer, default=0, sort_order=1)
    filed: Mapped[int] = mapped_column(Integer, default=0, sort_order=1)
    solved: Mapped[int] = mapped_column(Integer, default=0, sort_order=1)


class IncidentCityDay(CaseCounts, Base):
    """The whole city per day (the city's daily series without reading nine counties' rows)."""

    __tablename__ = "incident_city_day"
    __table_args__ = ({"sqlite_with_rowid": False},)

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[IncidentKind] = mapped_column(vocabulary(IncidentKind, "incident_kind"), primary_key=True)
    subtype: Mapped[str] = mapped_column(String(32), primary_key=True)


class IncidentCountyDay(CaseCounts, Base):
    __tablename__ = "incident_county_day"
    __table_args__ = ({"sqlite_with_rowid": False},)

    county_code: Mapped[str] = mapped_column(String(6), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[IncidentKind] = mapped_column(vocabulary(IncidentKind, "incident_kind"), primary_key=True)
    subtype: Mapped[str] = mapped_column(String(32), primary_key=True)


class IncidentCountyMonth(CaseCounts, Base):
    __tablename__ = "incident_county_month"
    __table_args__ = ({"sqlite_with_rowid": False},)

    month: Mapped[date] = mapped_column(Date, primary_key=True)
    county_code: Mapped[str] = mapped_column(String(6), primary_key=True)
    kind: Mapped[IncidentKind] = mapped_column(vocabulary(IncidentKind, "incident_kind"), primary_key=True)
    subtype: Mapped[str] = mapped_column(String(32), primary_key=True)


class IncidentTownshipDay(CaseCounts, Base):
    __tablename__ = "incident_township_day"
    __table_args__ = (
        Index("ix_incident_township_day_county_day", "county_code", "day"),
        {"sqlite_with_rowid": False},
    )

    township_code: Mapped[str] = mapped_column(String(9), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[IncidentKind] = mapped_column(vocabulary(IncidentKind, "incident_kind"), primary_key=True)
    subtype: Mapped[str] = mapped_column(String(32), primary_key=True)
    county_code: Mapped[str] = mapped_column(String(6))


class IncidentTownshipMonth(CaseCounts, Base):
    __tablename__ = "incident_township_month"
    __table_args__ = (
        Index("ix_incident_township_month_county_month", "county_code", "month"),
        {"sqlite_with_rowid": False},
    )

    township_code: Mapped[str] = mapped_column(String(9), primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[IncidentKind] = mapped_column(vocabulary(IncidentKind, "incident_kind"), primary_key=True)
    subtype: Mapped[str] = mapped_column(String(32), primary_key=True)
    county_code: Mapped[str] = mapped_column(String(6))


class IncidentGridMonth(CaseCounts, Base):
    """Per grid and month, by kind only (a grid's subtypes and days come from its few raw rows)."""

    __tablename__ = "incident_grid_month"
    __table_args__ = (
        Index("ix_incident_grid_month_county_month", "county_code", "month"),
        Index("ix_incident_grid_month_township_month", "township_code", "month"),
        # The grids with the most rental-housing cases: about a third of the rows, read from the index alone.
        Index(
            "ix_incident_grid_month_rental",
            "month",
            "grid_id",
            "kind",
            "rental",
            sqlite_where=text("rental > 0"),
            postgresql_where=text("rental > 0"),
        ),
        {"sqlite_with_rowid": False},
    )

    month: Mapped[date] = mapped_column(Date, primary_key=True)
    grid_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[IncidentKind] = mapped_column(vocabulary(IncidentKind, "incident_kind"), primary_key=True)
    township_code: Mapped[str] = mapped_column(String(9))
    county_code: Mapped[str] = mapped_column(String(6))


class IncidentHourDay(Base):
    """Reports per county, day, kind and city-clock hour (the heatmap's days outside whole months)."""

    __tablename__ = "incident_hour_day"
    __table_args__ = ({"sqlite_with_rowid": False},)

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    county_code: Mapped[str] = mapped_column(String(6), primary_key=True)
    kind: Mapped[IncidentKind] = mapped_column(vocabulary(IncidentKind, "incident_kind"), primary_key=True)
    hour: Mapped[int] = mapped_column(Integer, primary_key=True)
    reports: Mapped[int] = mapped_column(Integer, default=0)


class IncidentHourMonth(Base):
    """Reports per county, month, kind, city-clock weekday (0 Monday) and hour."""

    __tablename__ = "incident_hour_month"
    __table_args__ = ({"sqlite_with_rowid": False},)

    month: Mapped[date] = mapped_column(Date, primary_key=True)
    county_code: Mapped[str] = mapped_column(String(6), primary_key=True)
    kind: Mapped[IncidentKind] = mapped_column(vocabulary(IncidentKind, "incident_kind"), primary_key=True)
    weekday: Mapped[int] = mapped_column(Integer, primary_key=True)
    hour: Mapped[int] = mapped_column(Integer, primary_key=True)
    reports: Mapped[int] = mapped_column(Integer, default=0)


class CriminalSolveDay(Base):
    """Criminal cases solved (by now), per county, filing day, subtype and whole days from filing to solving."""

    __tablename__ = "criminal_solve_day"
    __table_args__ = ({"sqlite_with_rowid": False},)

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    county_code: Mapped[str] = mapped_column(String(6), primary_key=True)
    subtype: Mapped[str] = mapped_column(String(32), primary_key=True)
    days: Mapped[int] = mapped_column(Integer, primary_key=True)
    cases: Mapped[int] = mapped_column(Integer, default=0)


class CriminalSolveMonth(Base):
    __tablename__ = "criminal_solve_month"
    __table_args__ = ({"sqlite_with_rowid": False},)

    month: Mapped[date] = mapped_column(Date, primary_key=True)
    county_code: Mapped[str] = mapped_column(String(6), primary_key=True)
    subtype: Mapped[str] = mapped_column(String(32), primary_key=True)
    days: Mapped[int] = mapped_column(Integer, primary_key=True)
    cases: Mapped[int] = mapped_column(Integer, default=0)


class CriminalSolveTownshipDay(Base):
    """The solve-time histogram per township (its filing days outside whole months)."""

    __tablename__ = "criminal_solve_township_day"
    __table_args__ = ({"sqlite_with_rowid": False},)

    township_code: Mapped[str] = mapped_column(String(9), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    subtype: Mapped[str] = mapped_column(String(32), primary_key=True)
    days: Mapped[int] = mapped_column(Integer, primary_key=True)
    cases: Mapped[int] = mapped_column(Integer, default=0)


class CriminalSolveTownshipMonth(Base):
    __tablename__ = "criminal_solve_township_month"
    __table_args__ = ({"sqlite_with_rowid": False},)

    township_code: Mapped[str] = mapped_column(String(9), primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    subtype: Mapped[str] = mapped_column(String(32), primary_key=True)
    days: Mapped[int] = mapped_column(Integer, primary_key=True)
    cases: Mapped[int] = mapped_column(Integer, default=0)


class RentalGridDay(Base):
    """Rental-housing cases per grid, report day and kind (only grids and days with any): the grids' days outside
    whole months, for the grids with the most cases."""

    __tablename__ = "rental_grid_day"
    __table_args__ = (
        Index("ix_rental_grid_day_county_day", "county_code", "day"),
        Index("ix_rental_grid_day_township_day", "township_code", "day"),
        {"sqlite_with_rowid": False},
    )

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    grid_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[IncidentKind] = mapped_column(vocabulary(IncidentKind, "incident_kind"), primary_key=True)
    township_code: Mapped[str] = mapped_column(String(9))
    county_code: Mapped[str] = mapped_column(String(6))
    rental: Mapped[int] = mapped_column(Integer, default=0)


class IncidentCityHourMonth(Base):
    """Reports of the whole city per month, kind, city-clock weekday and hour (the city's heatmap in few rows)."""

    __tablename__ = "incident_city_hour_month"
    __table_args__ = ({"sqlite_with_rowid": False},)

    month: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[IncidentKind] = mapped_column(vocabulary(IncidentKind, "incident_kind"), primary_key=True)
    weekday: Mapped[int] = mapped_column(Integer, primary_key=True)
    hour: Mapped[int] = mapped_column(Integer, primary_key=True)
    reports: Mapped[int] = mapped_column(Integer, default=0)


class CriminalSolveCityMonth(Base):
    """The whole city's solve-time histogram per filing month (the city's time to solve in few rows)."""

    __tablename__ = "criminal_solve_city_month"
    __table_args__ = ({"sqlite_with_rowid": False},)

    month: Mapped[date] = mapped_column(Date, primary_key=True)
    subtype: Mapped[str] = mapped_column(String(32), primary_key=True)
    days: Mapped[int] = mapped_column(Integer, primary_key=True)
    cases: Mapped[int] = mapped_column(Integer, default=0)


# Early warning, SLA, patrol compliance ------------------------------------------------------------------


class Alert(Base):
    """预警: raised by the early-warning worker (dashboard/warning), one per rule, place and episode: a growing
    episode updates its alert (count, peak ratio, level, last seen) instead of raising another. Acknowledged and
    escalated by operators on the wall (who and when); an overdue record's alert escalates from the township to the
    county by itself; an acknowledged alert re-opens when its episode grows past a clear step."""

    __tablename__ = "alert"
    __table_args__ = (
        Index("ix_alert_county_updated", "county_code", "updated_at"),
        Index("ix_alert_rule_place_seen", "rule", "place", "last_seen_at"),  # the episode of a place
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    key: Mapped[str] = mapped_column(String(160), unique=True)  # the idempotency key of the episode's first finding
    rule: Mapped[str] = mapped_column(String(32))  # grid_spike | township_spike | hazard_cluster | repeated_disputes …
    place: Mapped[str] = mapped_column(String(160))  # the episode's place: an area, a township and category, a record
    level: Mapped[str] = mapped_column(String(8), default="yellow")  # red | orange | yellow (severity.py)
    count: Mapped[int] = mapped_column(Integer, default=1)  # reports in the episode so far
    peak_ratio: Mapped[float | None] = mapped_column(Float)  # the highest observed / expected of the episode
    county_code: Mapped[str] = mapped_column(String(6))
    township_code: Mapped[str | None] = mapped_column(String(9))
    grid_code: Mapped[str | None] = mapped_column(String(20))
    subject: Mapped[str | None] = mapped_column(String(64))  # the event id of the record it is about, if one
    raised_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime)  # when the episode last grew (raised_at until it does)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime)  # the episode's latest finding: it ends after a quiet time
    detail: Mapped[str] = mapped_column(Text, default="{}")  # JSON: the figures behind it (observed, expected, ...)
    escalation: Mapped[str] = mapped_column(String(16), default="township")  # who handles it now: township | county
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime)
    acknowledged_by: Mapped[str | None] = mapped_column(String(64))
    acknowledged_count: Mapped[int | None] = mapped_column(Integer)  # the count when acknowledged
    reopened_at: Mapped[datetime | None] = mapped_column(DateTime)  # the episode outgrew its acknowledgement
    escalated_at: Mapped[datetime | None] = mapped_column(DateTime)
    escalated_by: Mapped[str | None] = mapped_column(String(64))  # a username, or "system" (overdue)


class PatrolWorkerDay(Base):
    """Rollup: each worker's patrols per city-clock day they started on (`long_patrols`: of at least two hours;
    `seconds`: finished patrols' total). Area codes are the worker's grid's. See dashboard/data/patrol_compliance.py.
    """

    __tablename__ = "patrol_worker_day"
    __table_args__ = (
        Index("ix_patrol_worker_day_day_county", "day", "county_code", "township_code", "long_patrols"),
        {"sqlite_with_rowid": False},
    )

    worker_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    township_code: Mapped[str] = mapped_column(String(9))
    county_code: Mapped[str] = mapped_column(String(6))
    patrols: Mapped[int] = mapped_column(Integer, default=0)
    long_patrols: Mapped[int] = mapped_column(Integer, default=0)
    seconds: Mapped[int] = mapped_column(Integer, default=0)


class PatrolWorkerMonth(Base):
    """Rollup: each worker's compliant days per calendar month (`month`: its first day), from `patrol_worker_day`;
    long periods (a year to date) read their whole months here."""

    __tablename__ = "patrol_worker_month"
    __table_args__ = (
        Index("ix_patrol_worker_month_month_county", "month", "county_code", "township_code", "compliant_days"),
        {"sqlite_with_rowid": False},
    )

    worker_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    township_code: Mapped[str] = mapped_column(String(9))
    county_code: Mapped[str] = mapped_column(String(6))
    compliant_days: Mapped[int] = mapped_column(Integer, default=0)


# The 月度通报 as issued --------------------------------------------------------------------------------------------


class MonthlyBulletin(Base):
    """A month's 通报 for an area (`area_code` "" for the whole city; `month` its first day): its running number
    within the area's year (the 文号, assigned when the bulletin is first issued as a file, with `issued_at`), and
    the 下步工作要求 its leader wrote on the page (None: the text generated from the month's problems). Edits are
    audited."""

    __tablename__ = "monthly_bulletin"
    __table_args__ = (
        UniqueConstraint("area_code", "month"),
        UniqueConstraint("area_code", "year", "number"),  # two bulletins of one year never share a number
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    area_code: Mapped[str] = mapped_column(String(20))
    month: Mapped[date] = mapped_column(Date)
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int | None] = mapped_column(Integer)
    issued_at: Mapped[datetime | None] = mapped_column(DateTime)
    requirements: Mapped[str | None] = mapped_column(Text)
    edited_at: Mapped[datetime | None] = mapped_column(DateTime)
    edited_by: Mapped[str | None] = mapped_column(String(64))


# Handling: the loop from report to 办结 (dashboard/data/handling.py, dashboard/data/casework.py) ----------------


class RecordHandling(Base):
    """Where an incident or hazard stands in its handling, once anyone acted on it (a record no one acted on yet is
    `reported`, at version 0). `version` counts the steps applied: a step says which version its actor saw, and one
    that saw an older version lost a race and is refused. Area codes and the deadline are the record's, copied, so
    a queue is one index range."""

    __tablename__ = "record_handling"
    __table_args__ = (
        Index("ix_record_handling_record", "record", "record_id", unique=True),
        Index("ix_record_handling_township_state", "township_code", "state"),
        Index("ix_record_handling_county_state", "county_code", "state"),
        CheckConstraint("version >= 0", name="version_not_negative"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    record: Mapped[str] = mapped_column(String(8))  # incident | hazard
    record_id: Mapped[int] = mapped_column(BigInteger)  # the row's id in its table
    township_code: Mapped[str] = mapped_column(String(9))
    county_code: Mapped[str] = mapped_column(String(6))
    state: Mapped[str] = mapped_column(String(16))  # handling.State
    level: Mapped[str] = mapped_column(String(8), default="township")  # handling.Level
    version: Mapped[int] = mapped_column(Integer, default=0)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))  # dispatched to
    deadline: Mapped[datetime | None] = mapped_column(DateTime)
    urged: Mapped[int] = mapped_column(Integer, default=0)  # 督办 so far
    updated_at: Mapped[datetime] = mapped_column(DateTime)  # the last step applied


class RecordStep(Base):
    """One step asked for on a record, keyed by its action id (a double click sends the same id: one step), with
    its outcome: applied (the record's timeline) or refused, and why (`reason`: JSON, {"key": …, values})."""

    __tablename__ = "record_step"
    __table_args__ = (
        Index("ix_record_step_record", "record", "record_id", "at"),
        Index("ix_record_step_step_at", "step", "at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    action_id: Mapped[str] = mapped_column(String(64), unique=True)
    record: Mapped[str] = mapped_column(String(8))
    record_id: Mapped[int] = mapped_column(BigInteger)
    step: Mapped[str] = mapped_column(String(16))  # handling.Step
    outcome: Mapped[str] = mapped_column(String(8))  # applied | refused
    reason: Mapped[str | None] = mapped_column(Text)  # a refusal's, as JSON
    actor: Mapped[str] = mapped_column(String(64))
    actor_role: Mapped[str] = mapped_column(String(16))
    from_state: Mapped[str] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))  # dispatched to
    note: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer)  # the record's version after the step (refused: as it stood)
    at: Mapped[datetime] = mapped_column(DateTime)  # when the actor asked
    stored_at: Mapped[datetime] = mapped_column(DateTime)  # when the consumer applied or refused it
