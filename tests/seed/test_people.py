"""Synthetic people: valid, distinct ID numbers that agree with birth date and sex; phones that reach no one."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from dashboard.seed import people

pytestmark = pytest.mark.db_independent  # never touches the configured database: once, not on both

TODAY = date(2026, 11, 25)


def test_check_character_of_the_standard_example():
    assert people.check_character("11010519491231002") == "X"
    assert people.is_valid_id_number("11010519491231002X")


def test_invalid_numbers_are_rejected():
    assert not people.is_valid_id_number("110105194912310021")  # wrong check character
    assert not people.is_valid_id_number("11010519491331002X")  # no 13th month
    assert not people.is_valid_id_number("11010519491231002")  # 17 characters
    assert not people.is_valid_id_number("1101051949123100２X")  # a full-width digit


def test_generated_numbers_are_valid_distinct_and_match_birth_and_sex():
    rng = np.random.default_rng(7)
    male = rng.random(20_000) < 0.5
    births = people.birth_dates(rng, 20_000, today=TODAY, ages=(18, 80))
    numbers = people.id_numbers(rng, births, male, migrant=rng.random(20_000) < 0.3)
    assert len(set(numbers)) == len(numbers)
    assert all(people.is_valid_id_number(number) for number in numbers)
    born = [people.birth_date_of(number) for number in numbers]
    assert [(day - people.EPOCH).days for day in born] == births.tolist()
    assert all(18 <= (TODAY - day).days / 365.25 <= 81 for day in born)
    assert [int(number[16]) % 2 == 1 for number in numbers] == male.tolist()


def test_phones_use_a_prefix_assigned_to_no_mobile_line():
    phones = people.phones(np.random.default_rng(1), 5_000)
    assert len(set(phones)) == len(phones)
    assert all(len(phone) == 11 and phone.isdigit() and phone.startswith("10") for phone in phones)
