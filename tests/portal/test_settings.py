"""Production refuses to start without a real SECRET_KEY."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _import_settings(**env):
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import portal.settings"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    "key",
    [
        "",
        "short",
        "django-insecure-" + "x" * 60,
        "a" * 60,
        "samverkan-development-key-not-for-production-use-0123456789",
    ],
)
def test_production_refuses_a_missing_or_weak_secret_key(key):
    result = _import_settings(DEBUG="0", SECRET_KEY=key)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_starts_with_a_real_secret_key():
    result = _import_settings(DEBUG="0", SECRET_KEY="Zq8" + "vX3mP0kR7tB2nW9cL5yH1dF6gJ4sA" * 2)
    assert result.returncode == 0, result.stderr


def test_development_runs_without_a_secret_key():
    assert _import_settings(DEBUG="1").returncode == 0
