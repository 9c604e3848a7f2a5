"""County and township codes made from a grid map's properties when they hold other values than our codes (a police
beat map names its districts and sectors): `mapping.AreaCodes` says how. A county code is the mapping's 4-digit
prefix and 2 digits, a township code its county's code and 3 digits (dashboard/data/areas.py), either numbered over
the distinct values in their natural order or taken from the digits in each value. A value that makes no code, or
one that gives a code another value gives too, rejects each feature that has it (grids.plan_grids)."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from dashboard.importing.mapping import GridMapping
from dashboard.importing.report import ImportReport


def property_text(properties: dict[str, Any], key: str | None) -> str:
    if key is None:
        return ""
    value = properties.get(key)
    return "" if value is None else str(value).strip()


@dataclass
class Areas:
    """County and township codes made from properties (mapping.AreaCodes): each feature's, or why it has none."""

    codes: dict[int, tuple[str, str]] = field(default_factory=dict)  # feature → (county, township)
    reasons: dict[int, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # code → the value it was made from: the area's name


def natural(value: str) -> list[Any]:
    """'District 9' before 'District 10'."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", value)]


def number_values(
    values: list[str], how: str, prefix: str, width: int, where: str
) -> tuple[dict[str, str], dict[str, str]]:
    """Codes `prefix` + `width` digits for distinct values, by their digits or numbered in natural order; and the
    reason a value gets none (no digits that fit, too many values, or a code other values give too: all of them)."""
    codes: dict[str, str] = {}
    reasons: dict[str, str] = {}
    for position, value in enumerate(sorted(set(values), key=lambda v: (natural(v), v)), start=1):
        if how == "number":
            number = position
            if number >= 10**width:
                reasons[value] = f"{where}: more than {10**width - 1} distinct values to number with {width} digits"
                continue
        else:
            digits = "".join(re.findall(r"[0-9]", value))
            if not digits or not 0 < int(digits) < 10**width:
                reasons[value] = f"{where}: '{value}' has no number of 1 to {width} digits to make a code of (digits)"
                continue
            number = int(digits)
        codes[value] = f"{prefix}{number:0{width}d}"
    givers: defaultdict[str, list[str]] = defaultdict(list)
    for value, code in codes.items():
        givers[code].append(value)
    for code, shared in givers.items():
        if len(shared) > 1:
            for value in shared:
                others = ", ".join(f"'{other}'" for other in shared if other != value)
                reasons[value] = f"{where}: '{value}' gives the code {code}, as {others} also does"
                del codes[value]
    return codes, reasons


def derive_areas(features: list[dict[str, Any]], mapping: GridMapping, report: ImportReport) -> Areas:
    """Each feature's county and township codes from its properties' values, as the mapping's area_codes says; the
    report says which code each county got."""
    rule, keys = mapping.area_codes, mapping.properties
    assert rule is not None
    areas = Areas()
    values = {
        number: (
            property_text(feature.get("properties") or {}, keys.county),
            property_text(feature.get("properties") or {}, keys.township),
        )
        for number, feature in enumerate(features, start=1)
    }
    county_where = f"{keys.county} (county, area_codes.county: {rule.county})"
    counties, county_reasons = number_values(
        [county for county, _ in values.values() if county], rule.county, rule.prefix, 2, county_where
    )
    townships: dict[tuple[str, str], str] = {}  # (county code, value) → township code
    township_reasons: dict[tuple[str, str], str] = {}
    if keys.township is not None:
        township_where = f"{keys.township} (township, area_codes.township: {rule.township})"
        per_county: defaultdict[str, list[str]] = defaultdict(list)
        for county, township in values.values():
            if county in counties and township:
                per_county[counties[county]].append(township)
        for county_code, names in per_county.items():
            codes, reasons = number_values(names, rule.township, county_code, 3, township_where)
            townships.update({(county_code, value): code for value, code in codes.items()})
            township_reasons.update({(county_code, value): reason for value, reason in reasons.items()})
    areas.names.update({code: value for value, code in counties.items()})
    areas.names.update({code: value for (_, value), code in townships.items()})
    for number, (county, township) in values.items():
        if not county:
            areas.reasons[number] = f"{keys.county} (county): empty"
        elif county not in counties:
            areas.reasons[number] = county_reasons[county]
        elif keys.township is None:  # one township per county, named as the county
            areas.codes[number] = (counties[county], f"{counties[county]}001")
            areas.names[f"{counties[county]}001"] = county
        elif not township:
            areas.reasons[number] = f"{keys.township} (township): empty"
        elif (counties[county], township) not in townships:
            areas.reasons[number] = township_reasons[(counties[county], township)]
        else:
            areas.codes[number] = (counties[county], townships[(counties[county], township)])
    made = ", ".join(f"'{value}' {code}" for value, code in sorted(counties.items(), key=lambda item: item[1]))
    count = len({codes[1] for codes in areas.codes.values()})
    report.warnings.append(f"area codes: {len(counties)} counties from {keys.county} ({made}); {count} townships")
    return areas
