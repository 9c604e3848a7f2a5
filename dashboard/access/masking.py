"""Masking personal data for roles not allowed to see it: ID numbers keep their first 3 and last 4 characters
(the birth date, characters 7–14, is always hidden), phone numbers 3 + **** + 4."""

from __future__ import annotations

import re

ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx])(?![0-9A-Za-z])")
PHONE = re.compile(r"(?<!\d)(1[3-9]\d{9})(?!\d)")


def mask_id_number(value: str) -> str:
    if len(value) < 8:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_phone(value: str) -> str:
    digits = value.strip()
    if len(digits) < 8:
        return "*" * len(digits)
    return digits[:3] + "****" + digits[-4:]


def mask_text(text: str) -> str:
    """Free text (a report's summary, a log line) with every ID number and mobile number in it masked."""
    text = ID_NUMBER.sub(lambda match: mask_id_number(match.group(1)), text)
    return PHONE.sub(lambda match: mask_phone(match.group(1)), text)
