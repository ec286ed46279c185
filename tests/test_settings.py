"""A-12, R-06, R-07, H-08: production settings are safe and refuse what is unsafe."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from homegroup import settings as project_settings

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "x" * 40 + "-a-long-random-production-secret-value-0123456789",
    "HOMEGROUP_AUDIT_KEY": "an-audit-key-that-is-long-enough-and-random-0123456789",
    "HOMEGROUP_FIELD_KEYS": "p1:UHJvZHVjdGlvbktleVByb2R1Y3Rpb25LZXlQcm9kMTI=",
    "HOMEGROUP_BACKUP_KEY": "UHJvZHVjdGlvbkJhY2t1cEtleVByb2R1Y3Rpb25CYWM=",
    "ALLOWED_HOSTS": "homegroup.example.org",
    "DATABASE_URL": "postgres://homegroup@db.invalid:5432/homegroup",
    # Migrations run as the owner; the application's role owns no table (issue 8).
    "DATABASE_OWNER_URL": "postgres://homegroup_owner@db.invalid:5432/homegroup",
    "HOMEGROUP_AUDIT_ANCHOR": str(Path(tempfile.gettempdir()) / "homegroup-anchor.jsonl"),
}


# The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; a deployment never has it.
NOT_INHERITED = {*PRODUCTION, "DJANGO_ALLOW_ASYNC_UNSAFE", "HOMEGROUP_DATABASE_AS_OWNER"}


def homegroup(*args, env):
    clean = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    return subprocess.run(
        [sys.executable, "-m", "homegroup", *args],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = homegroup("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stderr
    # The database is unreachable here: who owns the tables is left unchecked, and says so.
    assert "homegroup.I001" in result.stderr
    assert "WARNINGS:" not in result.stderr


@pytest.mark.parametrize(
    ("unset", "warning"),
    [("HOMEGROUP_AUDIT_ANCHOR", "homegroup.W010"), ("DATABASE_OWNER_URL", "homegroup.W012")],
)
def test_check_deploy_warns_without_an_anchor_or_an_owner_role(unset, warning):
    env = {k: v for k, v in PRODUCTION.items() if k != unset}
    result = homegroup("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert warning in result.stderr


def test_the_owner_url_must_name_the_same_database():
    env = {**PRODUCTION, "DATABASE_OWNER_URL": "postgres://owner@db.invalid:5432/another"}
    result = homegroup("check", env=env)
    assert result.returncode != 0
    assert "DATABASE_OWNER_URL must name the same database" in result.stderr


def test_production_refuses_sqlite_unless_explicitly_allowed():
    env = {**PRODUCTION, "DATABASE_URL": "sqlite:////tmp/homegroup-demo.sqlite3"}
    del env["DATABASE_OWNER_URL"]
    refused = homegroup("check", env=env)
    assert refused.returncode != 0
    assert "DATABASE_URL points at SQLite" in refused.stderr
    allowed = homegroup("check", env={**env, "HOMEGROUP_ALLOW_SQLITE": "1"})
    assert allowed.returncode == 0, allowed.stderr


@pytest.mark.parametrize(
    "variable",
    ["SECRET_KEY", "HOMEGROUP_AUDIT_KEY", "HOMEGROUP_FIELD_KEYS", "HOMEGROUP_BACKUP_KEY"],
)
def test_production_refuses_the_local_development_keys(variable):
    env = {k: v for k, v in PRODUCTION.items() if k != variable}
    result = homegroup("check", env=env)
    assert result.returncode != 0
    assert variable in result.stderr
    assert "is the local development key" in result.stderr


DEV_FIELD_KEY = project_settings.DEV_FIELD_KEYS.partition(":")[2]


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        # The development key under another id is still the development key.
        ("HOMEGROUP_FIELD_KEYS", f"prod:{DEV_FIELD_KEY}", "'prod' is the local development key"),
        # ... and so is the field key's material used as the backup key.
        ("HOMEGROUP_BACKUP_KEY", DEV_FIELD_KEY, "BACKUP_KEY is the local development key"),
        ("HOMEGROUP_AUDIT_KEY", "", "HOMEGROUP_AUDIT_KEY is empty"),
        ("HOMEGROUP_AUDIT_KEY", "twenty-byte-audit-ky", "holds 20 bytes of key material"),
        (
            "SECRET_KEY",
            " " + project_settings.DEV_SECRET_KEY,
            "SECRET_KEY starts or ends with a space",
        ),
        ("SECRET_KEY", "x" * 50 + "\n", "SECRET_KEY starts or ends with a space or a line break"),
    ],
)
def test_production_compares_key_material_and_refuses_short_or_padded_keys(
    variable, value, message
):
    result = homegroup("check", env={**PRODUCTION, variable: value})
    assert result.returncode != 0
    assert message in result.stderr


def test_an_empty_key_is_refused_even_on_a_laptop():
    result = homegroup("check", env={"HOMEGROUP_AUDIT_KEY": ""})
    assert result.returncode != 0
    assert "HOMEGROUP_AUDIT_KEY is empty" in result.stderr


def test_a_bad_boolean_fails_loudly_at_start():
    result = homegroup("check", env={"DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DEBUG must be one of" in result.stderr


def test_production_cookies_are_host_prefixed_and_secure():
    code = (
        "from django.conf import settings as s; import django; django.setup();"
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE,"
        " s.SECURE_HSTS_SECONDS)"
    )
    clean = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, **PRODUCTION, "DJANGO_SETTINGS_MODULE": "homegroup.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == [
        "__Host-homegroup-session",
        "__Host-homegroup-csrf",
        "True",
        "31536000",
    ]


def test_passwords_are_hashed_with_argon2():
    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_times_are_stored_in_utc():
    assert project_settings.USE_TZ is True
    assert project_settings.TIME_ZONE == "UTC"


def test_production_serves_hashed_static_files_with_kept_database_connections_checked():
    script = (
        "from django.conf import settings as s; "
        "print(s.STORAGES['staticfiles']['BACKEND'], s.WHITENOISE_USE_FINDERS, "
        "s.DATABASES['default']['CONN_MAX_AGE'], s.DATABASES['default']['CONN_HEALTH_CHECKS'], "
        "s.DATABASES['default']['OPTIONS']['connect_timeout'])"
    )
    result = homegroup("shell", "-c", script, env=PRODUCTION)
    assert result.returncode == 0, result.stderr
    last = result.stdout.strip().splitlines()[-1]
    expected = ["homegroup.storage.HashedStaticStorage", "False", "600", "True", "5"]
    assert last.split() == expected
