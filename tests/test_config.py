"""A wrong setting stops start-up with one line that names the setting and the problem."""

import os
import subprocess
import sys

import pytest

from dashboard.config import ROOT, ConfigError, get_settings

pytestmark = pytest.mark.db_independent

BAD_SETTINGS = [
    ("DASHBOARD_PORT", "eighty", "DASHBOARD_PORT"),
    ("DASHBOARD_PORT", "70000", "DASHBOARD_PORT"),
    ("DATABASE_URL", "mysql://root@localhost/test", "unsupported database 'mysql'"),
    ("DATABASE_URL", "not a url", "DATABASE_URL: not a database URL"),
    ("REDIS_URL", "http://127.0.0.1:6379", "REDIS_URL: must start with"),
    ("DASHBOARD_LANGUAGE", "fr", "DASHBOARD_LANGUAGE"),
    ("DASHBOARD_TILE_URL", "http://tiles/{z}/{x}.png", "DASHBOARD_TILE_URL: must contain {z}, {x} and {y}"),
    ("DASHBOARD_SECRET_KEY", "short", "DASHBOARD_SECRET_KEY: must be at least 16 characters"),
    ("DASHBOARD_TIMEZONE", "Mars/Olympus", "DASHBOARD_TIMEZONE: unknown time zone"),
]


@pytest.mark.parametrize(("name", "value", "expected"), BAD_SETTINGS)
def test_a_bad_setting_is_named_in_one_line(monkeypatch, name, value, expected):
    monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    with pytest.raises(ConfigError) as raised:
        get_settings()
    assert expected in raised.value.message
    assert "\n" not in str(raised.value.code)


def test_app_start_up_stops_with_one_line_on_stderr(tmp_path):
    env = {**os.environ, "DASHBOARD_PORT": "eighty"}
    result = subprocess.run([sys.executable, "app.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "configuration error: DASHBOARD_PORT: Input should be a valid integer, unable to parse string as an integer "
        "(got 'eighty')"
    ]


def test_the_defaults_work_offline_on_the_embedded_database(monkeypatch, tmp_path):
    for name in ("DATABASE_URL", "REDIS_URL", "DASHBOARD_TILE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DASHBOARD_VAR_DIR", str(tmp_path))
    get_settings.cache_clear()
    settings = get_settings()
    assert settings.database_url == f"sqlite:///{tmp_path / 'dashboard.db'}"
    assert settings.effective_redis_url == f"unix://{tmp_path / 'redis.sock'}"
    assert settings.tile_url == "" and settings.language == "zh-CN"


def test_a_relative_var_dir_is_made_absolute_and_plain(monkeypatch, tmp_path):
    """Commands run from the project's directory; a var dir given relative to it, with '..' in it, is the same
    directory written plainly: the embedded Redis's socket path has a length limit."""
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("DASHBOARD_VAR_DIR", os.path.relpath(tmp_path / "var", ROOT))
    get_settings.cache_clear()
    settings = get_settings()
    assert settings.var_dir == tmp_path / "var"
    assert settings.effective_redis_url == f"unix://{tmp_path / 'var' / 'redis.sock'}"


def test_a_var_dir_too_deep_for_a_socket_is_refused_by_name(monkeypatch, tmp_path):
    from dashboard.embedded import EmbeddedError, start_redis

    deep = tmp_path / ("d" * 100)
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("DASHBOARD_VAR_DIR", str(deep))
    get_settings.cache_clear()
    with pytest.raises(EmbeddedError, match="DASHBOARD_VAR_DIR is too deep"):
        start_redis(get_settings())
