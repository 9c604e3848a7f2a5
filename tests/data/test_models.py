"""Constraints the data relies on, enforced by the database itself (so imports and raw SQL obey them too)."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, StatementError

from dashboard.data.db import get_engine, session_scope
from tests.support.factories import add_city, hazard, incident

NOON = datetime(2026, 5, 1, 4)


@pytest.fixture(autouse=True)
def city():
    with session_scope() as session:
        add_city(session)


def test_the_event_id_is_unique():
    first = incident(NOON)
    with session_scope() as session:
        session.add(first)
    with pytest.raises(IntegrityError), session_scope() as session:
        session.add(incident(NOON, event_id=first.event_id))


def test_the_same_event_id_may_not_name_two_hazards():
    with session_scope() as session:
        session.add(hazard(NOON, event_id="h-1"))
    with pytest.raises(IntegrityError), session_scope() as session:
        session.add(hazard(NOON, event_id="h-1"))


def test_a_hazard_deadline_follows_its_discovery():
    with pytest.raises(IntegrityError, match="deadline_after_found"), session_scope() as session:
        session.add(hazard(NOON, deadline=NOON - timedelta(hours=1)))


def test_only_criminal_cases_are_filed():
    with pytest.raises(IntegrityError, match="only_criminal_cases_are_filed"), session_scope() as session:
        session.add(incident(NOON, kind="dispute", filed_at=NOON))


def test_a_case_is_not_solved_before_it_is_reported():
    with pytest.raises(IntegrityError, match="solved_after_reported"), session_scope() as session:
        session.add(incident(NOON, solved_at=NOON - timedelta(days=1)))


def test_coordinates_are_in_range():
    with pytest.raises(IntegrityError, match="coordinates_in_range"), session_scope() as session:
        session.add(incident(NOON, lat=128.0))


def test_an_unknown_kind_is_refused_by_the_orm_and_by_the_database():
    with pytest.raises(StatementError), session_scope() as session:
        session.add(incident(NOON, kind="jaywalking"))
    with pytest.raises(IntegrityError), get_engine().begin() as connection:
        connection.execute(
            text(
                "INSERT INTO incident (event_id, kind, subtype, grid_id, township_code, county_code, lat, lon, "
                "place_type, source, status, reported_at, summary) VALUES ('raw-1', 'jaywalking', 'x', 1, "
                "'331004001', '331004', 28.0, 121.0, 'road', 'patrol', 'reported', :at, '')"
            ),
            {"at": NOON},
        )


def test_an_incident_must_be_in_a_known_grid():
    with pytest.raises(IntegrityError), session_scope() as session:
        session.add(incident(NOON, grid_id=999))
