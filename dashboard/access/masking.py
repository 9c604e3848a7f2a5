"""Masking personal data for roles not allowed to see it: ID numbers keep their first 3 and last 4 characters
(the birth date is always hidden), phone numbers 3 + **** + 4.

In free text people write numbers as they like, so `mask_text` finds them in the forms they take: with spaces or
dashes between the groups people make, with the country code (+86, 0086, (86)), in full-width digits, old 15-digit
ID numbers, and next to letters ("ID33100419850612301Xabc", "tel13812345678"). It errs on the side of masking: any
18 or 15 digits in a row (the last of 18 may be X) are taken for an ID number.
"""

from __future__ import annotations

import re

D = r"\d"  # any decimal digit, full-width ones included
GAP = r"[ \-\u00a0\u3000]?"  # one space, dash, no-break or ideographic space between groups, or none
# Groups where people break them: 6 8 4 (6 4 4 4, 4 4 4 4 2) for an ID, 6 6 3 for an old one, 3 4 4 for a mobile number.
CHECK = r"[\dXx\uff38\uff58]"  # the last character of an ID number: a digit or X (full-width too)
ID_18 = re.compile(
    rf"(?<!\d)({D}{{6}}{GAP}{D}{{4}}{GAP}{D}{{4}}{GAP}{D}{{3}}{CHECK}|(?:{D}{{4}}{GAP}){{4}}{D}{CHECK})(?![\dXx])"
)
ID_15 = re.compile(rf"(?<!\d)({D}{{6}}{GAP}{D}{{6}}{GAP}{D}{{3}})(?!\d)")
PHONE = re.compile(
    rf"(?<!\d)((?:(?:\+|＋|00)\s?(?:86|８６){GAP}|[(（]\s?(?:\+|＋)?(?:86|８６)\s?[)）]\s?)?)"  # a country code, kept
    rf"([1１][3-9３-９]{D}{GAP}{D}{{4}}{GAP}{D}{{4}})(?!\d)"
)
SEPARATORS = re.compile(r"[ \-\u00a0\u3000]")


def plain(value: str) -> str:
    """The characters of a number without its separators, full-width digits and letters made ASCII."""
    return SEPARATORS.sub("", value).translate({code: code - 0xFEE0 for code in range(0xFF10, 0xFF5B)})


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
    text = ID_18.sub(lambda match: mask_id_number(plain(match.group(1))), text)
    text = PHONE.sub(lambda match: match.group(1) + mask_phone(plain(match.group(2))), text)  # before "0086…"
    return ID_15.sub(lambda match: mask_id_number(plain(match.group(1))), text)  # reads as 15 digits
