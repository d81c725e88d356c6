"""`khronika check --deploy` passes with no warning in a production configuration, and names unsafe ones."""

import os
import secrets
import subprocess
import sys


def run_check(tmp_path, **overrides):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("KHRONIKA_") and key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        KHRONIKA_DATA_DIR=str(tmp_path),
        KHRONIKA_SECRET_KEY=secrets.token_urlsafe(50),
        KHRONIKA_ALLOWED_HOSTS="khronika.example.org",
        **overrides,
    )
    command = [sys.executable, "-m", "khronika.cli", "check", "--deploy", "--fail-level", "WARNING"]
    return subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603


def test_a_production_configuration_passes_with_no_warning(tmp_path):
    result = run_check(tmp_path)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_an_unsafe_configuration_is_named(tmp_path):
    result = run_check(tmp_path, KHRONIKA_REQUIRE_2FA="false", KHRONIKA_SECURE_COOKIES="false")
    assert result.returncode != 0
    assert "khronika.W002" in result.stderr and "khronika.W003" in result.stderr
