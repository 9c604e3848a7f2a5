"""`python -m dashboard`: one entry that reaches every tool, and says what it has when asked for what it has not."""

from __future__ import annotations

import subprocess
import sys

import pytest

from dashboard.__main__ import COMMANDS, main


def test_the_entry_runs_a_tool_with_its_arguments(capsys):
    assert main(["users", "create", "ana", "--role", "analyst", "--password", "a long password 1"]) == 0
    assert main(["users", "list"]) == 0
    out, _ = capsys.readouterr()
    assert "created ana (analyst, city)" in out and "ana" in out.splitlines()[-1]


def test_an_unknown_command_is_named_and_the_commands_listed(capsys):
    assert main(["userz", "list"]) == 2
    _, err = capsys.readouterr()
    assert "unknown command 'userz'" in err
    assert all(name in err for name in COMMANDS)


@pytest.mark.db_independent
def test_each_command_answers_its_help_in_a_process_of_its_own():
    """Every command's module imports and parses its arguments (a moved module would fail here first)."""
    for name in COMMANDS:
        if name == "warning":  # it takes no arguments, so no --help either
            continue
        done = subprocess.run([sys.executable, "-m", "dashboard", name, "--help"], capture_output=True, timeout=60)
        assert done.returncode == 0, (name, done.stderr.decode()[-400:])
        assert b"usage: python -m dashboard" in done.stdout, name
