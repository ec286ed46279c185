"""deploy/.env.example, docs/configuration.md, the code and deploy/compose.yaml name the same
settings (issue 19: "the compose file's settings match docs/configuration.md")."""

import json
import subprocess
import sys

from tests.deploy import files


def test_every_documented_setting_is_in_the_env_example():
    listed = {name for name, *_ in files.env_example()}
    missing = [name for name in files.documented_settings() if name not in listed]
    assert not missing, f"docs/configuration.md names them, deploy/.env.example does not: {missing}"


def test_every_env_example_variable_is_documented():
    documented = set(files.documented_settings())
    operations = (files.DOCS / "operations.md").read_text()
    for name, *_ in files.env_example():
        if name in files.COMPOSE_ONLY:
            assert f"`{name}`" in operations, f"{name}: explain it in docs/operations.md"
        else:
            assert name in documented, f"{name} is in .env.example but not docs/configuration.md"


def test_every_variable_the_code_reads_is_documented():
    undocumented = files.read_in_code() - set(files.documented_settings())
    assert not undocumented, f"read by the code, missing from docs/configuration.md: {undocumented}"


def test_no_variable_is_listed_twice():
    names = [name for name, *_ in files.env_example()]
    assert len(names) == len(set(names))


def _settings_with(extra):
    """Every upper-case setting and gunicorn's configuration, as a production start sees them."""
    base = {
        "PATH": "/usr/bin:/bin",
        "DEBUG": "0",
        "SECRET_KEY": "k" * 20 + "production-secret-key-material",
        "HOMEGROUP_AUDIT_KEY": "a" * 20 + "production-audit-key-material",
        "HOMEGROUP_FIELD_KEYS": "k1:MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
        "HOMEGROUP_BACKUP_KEY": "ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTA=",
        "DATABASE_URL": "postgres://homegroup_app@db.invalid:5432/homegroup",
        "HOMEGROUP_VAR_DIR": "/tmp/homegroup-env-example-test",
        "DJANGO_SETTINGS_MODULE": "homegroup.settings",
    }
    program = (
        "import json, homegroup.settings as s, homegroup.gunicorn_conf as g\n"
        "values = {k: repr(getattr(s, k)) for k in dir(s)"
        " if k.isupper() and not k.startswith('_')}\n"
        "values.update({'gunicorn.' + k: repr(v) for k, v in vars(g).items()"
        " if not k.startswith('_') and isinstance(v, (str, int, bool))})\n"
        "print(json.dumps(values))"
    )
    result = subprocess.run(
        [sys.executable, "-c", program],
        env={**base, **extra},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_the_commented_defaults_are_the_real_defaults():
    """Uncommenting every default of deploy/.env.example changes no setting."""
    defaults = {
        name: value
        for name, value, commented, section in files.env_example()
        if commented and "Set by compose" not in section and "Set me" not in section
    }
    assert len(defaults) > 30
    assert _settings_with(defaults) == _settings_with({})


def test_the_compose_file_sets_only_documented_settings():
    services = files.compose()["services"]
    documented = set(files.documented_settings())
    for name, service in services.items():
        if name in ("db", "proxy"):
            continue
        assert service["env_file"] == ".env"
        unknown = set(service.get("environment", {})) - documented
        assert not unknown, f"{name} sets undocumented variables {unknown}"
    assert set(services["db"]["environment"]) <= files.COMPOSE_ONLY


def test_what_the_compose_file_fills_in_is_in_the_env_example():
    listed = {name for name, *_ in files.env_example()}
    used = files.interpolated((files.DEPLOY / "compose.yaml").read_text())
    assert used <= listed, f"compose.yaml reads {used - listed}, missing from .env.example"
    assert used >= {"HOMEGROUP_DOMAIN", "HOMEGROUP_APP_DB_PASSWORD", "POSTGRES_PASSWORD"}


def test_the_settings_to_fill_in_are_the_ones_without_a_safe_default():
    to_fill = {name for name, value, commented, _ in files.env_example() if not commented}
    assert {"SECRET_KEY", "HOMEGROUP_AUDIT_KEY", "HOMEGROUP_FIELD_KEYS"} <= to_fill
    assert {"HOMEGROUP_BACKUP_KEY", "EMAIL_HOST", "HOMEGROUP_DOMAIN"} <= to_fill
