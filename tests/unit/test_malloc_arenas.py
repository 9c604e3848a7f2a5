"""The web worker's malloc arenas: limited on glibc, unless the environment says otherwise (glibc's own setting)."""

from __future__ import annotations

import platform

import pytest

from dashboard.malloc_arenas import limit_malloc_arenas


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="only glibc keeps an arena per thread")
def test_the_arenas_are_limited_on_glibc(monkeypatch):
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    assert limit_malloc_arenas() is True


def test_an_arena_limit_in_the_environment_is_left_to_glibc(monkeypatch):
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert limit_malloc_arenas() is False
