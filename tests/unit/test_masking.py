"""Masked personal data: an ID number keeps its first 3 and last 4 characters and never shows the birth date; a
phone number keeps 3 + **** + 4; free text has both masked wherever they appear."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from dashboard.access.masking import mask_id_number, mask_phone, mask_text

ID = "33100419850612301X"


def test_an_id_number_shows_its_first_three_and_last_four_characters_only():
    masked = mask_id_number(ID)
    assert masked == "331***********301X"
    assert "19850612" not in masked and len(masked) == 18


def test_a_phone_number_shows_three_then_four_digits():
    assert mask_phone("13812345678") == "138****5678"


def test_numbers_inside_text_are_masked_and_the_rest_stays():
    text = f"当事人{ID}，电话13812345678，门牌号12号"
    assert mask_text(text) == "当事人331***********301X，电话138****5678，门牌号12号"


@given(st.integers(min_value=10**16, max_value=10**17 - 1), st.sampled_from("0123456789X"))
def test_no_birth_date_survives_masking(body, check):
    number = f"{body}{check}"
    assert mask_text(f"身份证:{number}。") == f"身份证:{number[:3]}{'*' * 11}{number[-4:]}。"
