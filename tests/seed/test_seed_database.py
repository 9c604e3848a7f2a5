"""Seeding the test's own database (SQLite, or PostgreSQL when DATABASE_URL says so) with the small profile:
what a user relies on, read back through the database and the query layer."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta

import numpy as np
import pytest
import shapely
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import CheckConstraint, DateTime, ForeignKeyConstraint, bindparam, select, text

from dashboard.data.db import get_engine, session_scope
from dashboard.data.models import Base, Grid, GridWorker, Incident, PersonOfConcern, RentalHouse
from dashboard.data.periods import Area, Period
from dashboard.data.queries import headline_figures
from dashboard.data.rollups import rebuild_rollups
from dashboard.formatting import format_percent_change, format_point_change, headline_period
from dashboard.seed import SeedReport, seed_database
from dashboard.seed.people import is_valid_id_number
from tests.reliability.traffic import rollup_rows
from tests.seed.conftest import TODAY

EARLY = date(2026, 2, 10)  # day 41 of the year: the headline figures cover the last full year


def seed(today: date = TODAY, **options: object) -> SeedReport:
    return seed_database("small", today=today, progress=False, **options)  # type: ignore[arg-type]


def end_of(day: date) -> datetime:
    """The seed's clock for a past `today`: the end of that day in Taizhou, as naive UTC."""
    return datetime(day.year, day.month, day.day, 15, 59, 59)


def figures(period: Period, as_of: datetime, area: Area | None = None):
    with session_scope() as session:
        return headline_figures(session, period, as_of=as_of, **({"area": area} if area else {}))


def test_the_article_figures_come_out_of_the_query_layer_exactly():
    report = seed()
    period, early = headline_period(TODAY)
    assert (period, early) == (Period.year_to_date(TODAY), False)
    yoy = figures(period, end_of(TODAY)).year_over_year
    assert round(yoy.criminal_filed_change, 2) == -37.34
    assert round(yoy.solve_rate_change, 2) == 4.76
    assert round(yoy.rental_cases_change, 1) == -20.8
    assert format_percent_change(yoy.criminal_filed_change, "en", 2) == "−37.34%"
    assert format_point_change(yoy.solve_rate_change, "zh-CN", 2) == "+4.76个百分点"
    assert format_percent_change(yoy.rental_cases_change, "en", 1) == "−20.8%"
    assert report.figures["criminal_filed"] == "−37.34%" and report.figures["rental_cases"] == "−20.8%"
    assert report.figures["solve_rate"] == format_point_change(yoy.solve_rate_change, "en", 2)


def sql_solve_counts(start: datetime, end: datetime, solved_by: datetime) -> tuple[int, int]:
    """Criminal cases filed in [start, end) (naive UTC) and those of them solved by `solved_by`, in plain SQL."""
    query = text(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN solved_at IS NOT NULL AND solved_at <= :by THEN 1 ELSE 0 END), 0)"
        " FROM incident WHERE kind = 'criminal' AND filed_at >= :start AND filed_at < :end"
    ).bindparams(bindparam("start", type_=DateTime), bindparam("end", type_=DateTime), bindparam("by", type_=DateTime))
    with session_scope() as session:
        filed, solved = session.execute(query, {"start": start, "end": end, "by": solved_by}).one()
    return int(filed), int(solved)


def test_the_solve_rate_calibration_holds_like_for_like_in_plain_sql():
    """+4.76 points with last year's cases counted solved by the same moment last year; counted by now instead,
    the late solves of the year since would make this year look worse."""
    seed()
    now, then = end_of(TODAY), end_of(TODAY.replace(year=TODAY.year - 1))
    eight_hours = timedelta(hours=8)  # midnight in Taizhou, as naive UTC
    this_year = sql_solve_counts(datetime(TODAY.year, 1, 1) - eight_hours, now + timedelta(seconds=1), now)
    last_year_bounds = (datetime(TODAY.year - 1, 1, 1) - eight_hours, then + timedelta(seconds=1))
    last_year = sql_solve_counts(*last_year_bounds, then)
    change = 100.0 * this_year[1] / this_year[0] - 100.0 * last_year[1] / last_year[0]
    assert round(change, 2) == 4.76
    assert round(figures(Period.year_to_date(TODAY), now).year_over_year.solve_rate_change, 2) == round(change, 2)
    solved_by_now = sql_solve_counts(*last_year_bounds, now)[1]
    assert solved_by_now > last_year[1]  # cases of last year solved in the year since: the lag the rule removes
    naive = 100.0 * this_year[1] / this_year[0] - 100.0 * solved_by_now / last_year[0]
    assert naive < change - 1.0


def test_each_county_has_changes_of_its_own():
    seed()
    period = Period.year_to_date(TODAY)
    with session_scope() as session:
        codes = session.scalars(select(Grid.county_code).distinct()).all()
    changes = [figures(period, end_of(TODAY), Area.county(code)).year_over_year for code in codes]
    assert len(codes) == 9
    for name, decimals in (("criminal_filed_change", 2), ("solve_rate_change", 2), ("rental_cases_change", 1)):
        printed = {round(getattr(change, name), decimals) for change in changes}
        assert len(printed) == 9, name


def test_early_in_the_year_the_last_full_year_is_calibrated():
    seed(EARLY)
    period, early = headline_period(EARLY)
    assert early and period == Period.year(2025)
    yoy = figures(period, end_of(EARLY)).year_over_year
    assert (
        round(yoy.criminal_filed_change, 2),
        round(yoy.solve_rate_change, 2),
        round(yoy.rental_cases_change, 1),
    ) == (-37.34, 4.76, -20.8)
    with session_scope() as session:
        latest = session.scalar(select(Incident.reported_at).order_by(Incident.reported_at.desc()).limit(1))
    assert latest <= end_of(EARLY)


def test_registries_agree_with_the_grid_counts_and_id_numbers_are_valid():
    seed()
    with session_scope() as session:
        grids = session.execute(select(Grid.id, Grid.rental_houses, Grid.key_persons, Grid.special_persons)).all()
        houses = dict(session.execute(text("SELECT grid_id, count(*) FROM rental_house GROUP BY grid_id")).all())
        persons = session.execute(
            text("SELECT grid_id, category, count(*) FROM person_of_concern GROUP BY grid_id, category")
        ).all()
        numbers = session.scalars(select(PersonOfConcern.id_number)).all()
        workers = session.execute(select(GridWorker.education, GridWorker.party_member)).all()
        mismatched_rental = session.scalar(
            text(
                "SELECT count(*) FROM incident i LEFT JOIN rental_house r ON r.id = i.rental_house_id "
                "WHERE (i.place_type = 'rental_housing') <> (i.rental_house_id IS NOT NULL) "
                "OR (i.rental_house_id IS NOT NULL AND (r.id IS NULL OR r.grid_id <> i.grid_id))"
            )
        )
        tenants = session.scalar(select(RentalHouse.registered_tenants).order_by(RentalHouse.registered_tenants))
    by_category = {(grid, category): count for grid, category, count in persons}
    assert all(houses.get(grid, 0) == count for grid, count, _, _ in grids)
    assert all(by_category.get((grid, "key"), 0) == key for grid, _, key, _ in grids)
    assert all(by_category.get((grid, "special"), 0) == special for grid, _, _, special in grids)
    assert sum(count for _, count, _, _ in grids) > 5_000
    assert numbers and all(is_valid_id_number(number) for number in numbers)
    assert len(set(numbers)) == len(numbers)
    assert mismatched_rental == 0
    assert tenants >= 1
    assert len(workers) == 7_369
    college = sum(education == "college_or_above" for education, _ in workers)
    party = sum(bool(member) for _, member in workers)
    assert (round(100 * college / 7_369, 2), round(100 * party / 7_369, 2)) == (37.56, 34.22)


def test_every_event_point_lies_inside_its_grid():
    seed()
    with session_scope() as session:
        geometries = session.scalars(select(Grid.geometry).order_by(Grid.id)).all()
        shapes = shapely.from_geojson(np.array(geometries, dtype=object))
        shapely.prepare(shapes)
        for table in ("incident", "hazard"):
            rows = np.array(session.execute(text(f"SELECT grid_id, lon, lat FROM {table}")).all())
            inside = shapely.contains_xy(shapes[rows[:, 0].astype(int) - 1], rows[:, 1], rows[:, 2])
            assert inside.all(), table


def test_rows_keep_every_constraint_and_the_schema_is_as_the_models_define():
    seed()
    engine = get_engine()
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
        for table in Base.metadata.sorted_tables:
            for constraint in table.constraints:
                if isinstance(constraint, CheckConstraint):
                    condition = str(constraint.sqltext.compile(engine, compile_kwargs={"literal_binds": True}))
                    broken = connection.scalar(text(f"SELECT count(*) FROM {table.name} WHERE NOT ({condition})"))
                    assert broken == 0, (table.name, constraint.name)
                if isinstance(constraint, ForeignKeyConstraint):
                    (column,), (target,) = constraint.column_keys, [e.column for e in constraint.elements]
                    orphans = connection.scalar(
                        text(
                            f"SELECT count(*) FROM {table.name} c LEFT JOIN {target.table.name} p "
                            f"ON p.{target.name} = c.{column} WHERE c.{column} IS NOT NULL AND p.{target.name} IS NULL"
                        )
                    )
                    assert orphans == 0, (table.name, constraint.name)
        # The ids continue after the seeded ones (PostgreSQL sequences moved on).
        connection.execute(text("INSERT INTO department (code, name, name_en) VALUES ('test', '测试', 'Test')"))
        new_id = connection.scalar(text("SELECT id FROM department WHERE code = 'test'"))
        assert new_id == 8


def digest() -> str:
    """A fingerprint of every seeded row, in id order."""
    fingerprint = hashlib.sha256()
    with get_engine().connect() as connection:
        for table in (
            "grid_worker",
            "rental_house",
            "person_of_concern",
            "follow_up_visit",
            "incident",
            "hazard",
            "patrol_log",
        ):
            rows = connection.execute(text(f"SELECT * FROM {table} ORDER BY id")).all()
            fingerprint.update(repr(rows).encode())
    return fingerprint.hexdigest()


def test_the_daily_rollups_count_what_the_stored_rows_say():
    seed()
    seeded = rollup_rows()
    assert len(seeded) > 1000
    with session_scope() as session:
        rebuild_rollups(session.connection())
    assert rollup_rows() == seeded


def test_the_same_seed_gives_the_same_rows():
    seed()
    first = digest()
    again = seed(reset=True)
    assert again.seeded and digest() == first


def test_running_again_without_reset_does_nothing():
    first = seed()
    with session_scope() as session:
        before = session.scalar(text("SELECT count(*) FROM incident"))
    second = seed(seed=99)
    assert first.seeded and not second.seeded
    assert "nothing done" in second.message and second.rows == {}
    with session_scope() as session:
        assert session.scalar(text("SELECT count(*) FROM incident")) == before


def test_the_report_says_what_was_written():
    report = seed()
    assert report.rows["grid"] == 7_369 and report.rows["county"] == 9
    with session_scope() as session:
        assert session.scalar(text("SELECT count(*) FROM patrol_log")) == report.rows["patrol_log"]
    assert report.total_rows == sum(report.rows.values()) and report.total_seconds > 0


def test_an_unknown_profile_is_refused():
    with pytest.raises(ValueError, match="unknown profile 'huge'; choose one of small, default, large"):
        seed_database("huge", progress=False)
