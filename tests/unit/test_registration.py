"""The app registers its callbacks from one list: a module of callbacks left off it would leave its page dead."""

from __future__ import annotations

from pathlib import Path

from dashboard.callbacks import MODULES

CALLBACKS = Path(__file__).resolve().parents[2] / "dashboard" / "callbacks"


def test_every_module_with_a_callback_is_registered():
    with_callbacks = {path.stem for path in CALLBACKS.glob("*.py") if "@callback(" in path.read_text(encoding="utf-8")}
    assert with_callbacks and with_callbacks == set(MODULES)
