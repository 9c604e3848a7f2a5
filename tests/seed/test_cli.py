"""`python -m dashboard.seed`: what a person types, and what a mistyped argument says."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta

import pytest

from dashboard.config import ROOT
from dashboard.seed.__main__ import main


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--profile", "huge"], "argument --profile: invalid choice: 'huge'"),
        (["--today", "2026-13-01"], "argument --today: not a date in the form YYYY-MM-DD: '2026-13-01'"),
        (["--today", "25.11.2026"], "argument --today: not a date in the form YYYY-MM-DD"),
        (["--today", (date.today() + timedelta(days=3)).isoformat()], "argument --today: "),
        (["--today", "1999-12-31"], "argument --today: 1999-12-31 is before 2000-01-01"),
        (["--seed", "-1"], "argument --seed: must be 0 or more, got -1"),
        (["--seed", "abc"], "argument --seed: not a whole number: 'abc'"),
        (["--profiles", "small"], "unrecognized arguments: --profiles"),
    ],
)
def test_bad_arguments_are_refused_with_the_argument_named(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_future_today_says_it_is_in_the_future(capsys):
    with pytest.raises(SystemExit):
        main(["--today", (date.today() + timedelta(days=3)).isoformat()])
    assert "is in the future" in capsys.readouterr().err


def test_the_command_seeds_and_prints_the_figures():
    command = [sys.executable, "-m", "dashboard.seed", "--profile", "small", "--today", "2026-11-25"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "criminal_filed     −37.34%" in result.stdout
    assert "solve_rate         +4.76 pts" in result.stdout
    assert "rental_cases       −20.8%" in result.stdout
    assert "incident: " in result.stderr  # the progress bars, per phase and table
    again = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0 and "nothing done" in again.stdout
