"""Settings come from the environment; production refuses the development defaults."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import ROOT

LOAD_SETTINGS = (
    "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
)


def load(**env: str) -> subprocess.CompletedProcess[str]:
    child = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "CRM_ENV", "DEBUG"}}
    child.update(env, DJANGO_SETTINGS_MODULE="crm.settings")
    return subprocess.run(
        [sys.executable, "-c", LOAD_SETTINGS], cwd=ROOT, env=child, capture_output=True, text=True
    )


def test_production_refuses_the_development_secret() -> None:
    result = load(CRM_ENV="production")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_a_short_secret() -> None:
    assert load(CRM_ENV="production", SECRET_KEY="short").returncode != 0


def test_production_starts_with_a_real_secret_and_no_debug() -> None:
    result = load(CRM_ENV="production", SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_development_defaults_to_debug() -> None:
    result = load()
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_a_malformed_boolean_is_a_clear_error() -> None:
    result = load(DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr
