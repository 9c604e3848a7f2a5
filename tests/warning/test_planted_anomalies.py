"""Planted anomalies in generated report streams are found: precision and recall are printed; recall of planted
spikes must be at least 0.9, and on anomaly-free data the false-alarm rate per evaluation stays near the stated
ALPHA (0.001). Pure: the rules and baselines, no database."""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta

import numpy as np
import pytest

from dashboard.warning.baseline import HOURS_OF_WEEK, HourOfWeekBaseline
from dashboard.warning.rules import ALPHA, RepeatedDisputes, Report, SpikeRule

pytestmark = pytest.mark.db_independent  # never touches the configured database: once, not on both

ZONE = "Asia/Shanghai"
START = datetime(2026, 1, 4, 16)  # Monday 5 January, 00:00 in Taizhou, as naive UTC
HISTORY_WEEKS, LIVE_WEEKS = 8, 4
TOWNSHIPS = [f"331004{n:03d}" for n in range(1, 31)]
# A daily rhythm: quiet at night, busy in the day (per hour of day, relative).
SHAPE = np.array([0.2] * 6 + [0.8, 1.2, 1.5, 1.5, 1.4, 1.2, 1.0, 1.2, 1.4, 1.5, 1.4, 1.2, 1.0, 0.8, 0.6, 0.5, 0.3, 0.2])


def hourly_rates(rng: random.Random) -> dict[str, np.ndarray]:
    """Reports an hour per township and hour of the week (local), from 2 to 40 a day."""
    rates = {}
    for township in TOWNSHIPS:
        daily = rng.uniform(2, 40)
        weekend = rng.uniform(0.7, 1.3)
        week = np.concatenate([SHAPE * (weekend if day >= 5 else 1.0) for day in range(7)])
        rates[township] = week / SHAPE.sum() * daily
    return rates


def generate(rates: dict[str, np.ndarray], start: datetime, weeks: int, rng: np.random.Generator) -> list[Report]:
    reports = []
    for township, week in rates.items():
        for hour in range(weeks * HOURS_OF_WEEK):
            for _ in range(rng.poisson(week[hour % HOURS_OF_WEEK])):
                at = start + timedelta(hours=hour, seconds=float(rng.uniform(0, 3600)))
                reports.append(report(township, at, rng))
    return reports


def report(township: str, at: datetime, rng: np.random.Generator, what: str = "criminal") -> Report:
    grid = f"{township[:6]}-{township[6:]}-{int(rng.integers(1, 60)):04d}"
    return Report("incident", what, "theft", grid, at, f"e{rng.integers(1 << 60)}", 28.0, 121.0)


def plant_spikes(rates: dict[str, np.ndarray], count: int, rng: np.random.Generator) -> list[tuple[str, datetime]]:
    """Spikes: at a random township and hour of the live weeks, four times the usual three hours more (at least
    eight more reports) within one hour."""
    spikes = []
    for _ in range(count):
        township = TOWNSHIPS[int(rng.integers(len(TOWNSHIPS)))]
        hour = int(rng.integers(0, LIVE_WEEKS * HOURS_OF_WEEK - 3))
        spikes.append((township, START + timedelta(weeks=HISTORY_WEEKS, hours=hour)))
    return spikes


def spike_reports(
    spikes: list[tuple[str, datetime]], rates: dict[str, np.ndarray], rng: np.random.Generator
) -> list[Report]:
    planted = []
    for township, at in spikes:
        slot = int((at - START).total_seconds() // 3600) % HOURS_OF_WEEK
        usual = sum(rates[township][(slot + h) % HOURS_OF_WEEK] for h in range(3))
        for _ in range(max(8, math.ceil(4 * usual))):
            planted.append(report(township, at + timedelta(seconds=float(rng.uniform(0, 3600))), rng))
    return planted


def run(rule: SpikeRule, reports: list[Report]) -> list[tuple[str, datetime]]:
    found = {}
    for item in sorted(reports, key=lambda r: r.at):
        finding = rule.observe(item)
        if finding is not None:
            found.setdefault(finding.key, (finding.detail["area"], finding.at))
    return list(found.values())


def setup(seed: int) -> tuple[dict[str, np.ndarray], HourOfWeekBaseline, np.random.Generator]:
    rng = np.random.default_rng(seed)
    rates = hourly_rates(random.Random(seed))
    history = generate(rates, START, HISTORY_WEEKS, rng)
    baseline = HourOfWeekBaseline.from_reports(((r.township, r.at) for r in history), weeks=HISTORY_WEEKS, zone=ZONE)
    return rates, baseline, rng


def test_planted_township_spikes_are_found():
    rates, baseline, rng = setup(seed=20261126)
    live = generate(rates, START + timedelta(weeks=HISTORY_WEEKS), LIVE_WEEKS, rng)
    spikes = plant_spikes(rates, 40, rng)
    rule = SpikeRule("township_spike", baseline, area_of=lambda r: r.township)
    alerts = run(rule, live + spike_reports(spikes, rates, rng))

    def explains(spike: tuple[str, datetime], alert: tuple[str, datetime]) -> bool:
        return spike[0] == alert[0] and spike[1] <= alert[1] <= spike[1] + timedelta(hours=4)  # 1 h spike + window

    found = [spike for spike in spikes if any(explains(spike, alert) for alert in alerts)]
    true_alerts = [alert for alert in alerts if any(explains(spike, alert) for spike in spikes)]
    recall, precision = len(found) / len(spikes), len(true_alerts) / max(len(alerts), 1)
    print(f"\nplanted township spikes: {len(spikes)}, alerts: {len(alerts)}")
    print(f"recall {recall:.3f}  precision {precision:.3f}  (evaluations {rule.evaluations})")
    assert recall >= 0.9
    false_alerts = len(alerts) - len(true_alerts)  # what the stated rate allows, with the estimated baseline's slack
    assert false_alerts <= 2 * ALPHA * rule.evaluations + 3 * math.sqrt(ALPHA * rule.evaluations)


def test_false_alarm_rate_on_anomaly_free_data_stays_near_alpha():
    rates, baseline, rng = setup(seed=7)
    live = generate(rates, START + timedelta(weeks=HISTORY_WEEKS), LIVE_WEEKS, rng)
    rule = SpikeRule("township_spike", baseline, area_of=lambda r: r.township, min_count=1)
    alarms = 0
    for item in sorted(live, key=lambda r: r.at):
        alarms += rule.observe(item) is not None
    rate = alarms / rule.evaluations
    print(f"\nanomaly-free: {alarms} alarms in {rule.evaluations} evaluations: {rate:.5f} (stated {ALPHA})")
    # The baseline is estimated from eight weeks, not known: allow twice the stated rate plus binomial noise.
    assert rate <= 2 * ALPHA + 3 * math.sqrt(ALPHA / rule.evaluations)


def test_repeated_disputes_at_one_place_are_found_and_scattered_ones_are_not():
    rng = np.random.default_rng(3)
    rule = RepeatedDisputes()
    places = [(28.0 + 0.01 * n, 121.0) for n in range(20)]
    planted = set(range(0, 20, 4))  # five places get three disputes within ten days, 30 m apart
    reports = []
    for n, (lat, lon) in enumerate(places):
        grid = f"331004-001-{n:04d}"
        times = [START + timedelta(days=float(d)) for d in rng.uniform(0, 10, 3 if n in planted else 1)]
        for k, at in enumerate(times):
            reports.append(Report("incident", "dispute", "neighbourhood", grid, at, f"d{n}-{k}", lat + 0.0002 * k, lon))
        # background: disputes far apart in the same grid, and other kinds at the same place
        reports.append(Report("incident", "dispute", "wages", grid, START, f"far{n}", lat + 0.01, lon))
        reports.append(Report("incident", "criminal", "theft", grid, START, f"c{n}", lat, lon))
    findings = {}
    for item in sorted(reports, key=lambda r: r.at):
        finding = rule.observe(item)
        if finding is not None:
            findings[finding.key] = finding
    found = {int(f.grid[-4:]) for f in findings.values() if f.grid}
    recall = len(found & planted) / len(planted)
    precision = len(found & planted) / max(len(found), 1)
    print(f"\nrepeated disputes: recall {recall:.3f}  precision {precision:.3f}")
    assert recall == 1.0 and precision == 1.0 and len(findings) == len(planted)
