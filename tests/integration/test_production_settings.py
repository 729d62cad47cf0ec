import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "p9$Xk2!vQz7#Lm4@Rt8^Wn1&Hb6*Yc3(Jd5)Fs0_Gu-Ea+Ki=Ol~Mp<Nq>Sr?Tv|Uw",
    "ALLOWED_HOSTS": "backcore.example.org",
    "DATABASE_URL": "sqlite:////tmp/backcore-deploy-check.sqlite3",
}


def _manage(*args, env):
    # A clean environment: nothing from the test run (e.g. the browser suite's
    # DJANGO_ALLOW_ASYNC_UNSAFE) may leak into what production would see.
    leaked = {
        "DJANGO_ENV",
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "DATABASE_URL",
        "DEBUG",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
    }
    base = {k: v for k, v in os.environ.items() if k not in leaked}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
    )


def test_production_passes_check_deploy():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_secrets():
    result = _manage("check", env={"DJANGO_ENV": "production"})
    assert result.returncode != 0
    for name in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"):
        assert name in result.stderr


def test_demo_seeding_is_refused_in_production():
    result = _manage("seed_demo", env=PRODUCTION_ENV)
    assert result.returncode != 0
    assert "never seeded in production" in result.stderr
