"""Settings parse strictly and production mode passes Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "LINGONG_ENV", "ADMIN_TOTP_REQUIRED"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_passes_check_deploy():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        LINGONG_ENV="production",
        SECRET_KEY="x" * 30 + "-production-secret-key-for-the-test-0123456789",
        ALLOWED_HOSTS="lingong.zs.gov.cn",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_requires_a_secret_key():
    result = manage("check", LINGONG_ENV="production", ALLOWED_HOSTS="lingong.zs.gov.cn")
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


def test_booleans_are_parsed_strictly():
    result = manage("check", DEBUG="maybe")
    assert result.returncode != 0 and "DEBUG must be a boolean" in result.stderr


def test_production_refuses_admins_without_a_second_factor():
    result = manage(
        "check",
        LINGONG_ENV="production",
        SECRET_KEY="x" * 30 + "-production-secret-key-for-the-test-0123456789",
        ALLOWED_HOSTS="lingong.zs.gov.cn",
        ADMIN_TOTP_REQUIRED="0",
    )
    assert result.returncode != 0 and "ADMIN_TOTP_REQUIRED cannot be turned off" in result.stderr
