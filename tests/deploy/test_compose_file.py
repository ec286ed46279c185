"""deploy/compose.yaml carries what a clinic's deployment needs (no container engine runs here:
these read the file; docs/operations.md says how to start it)."""

import re
import shlex

import pytest

from tests.deploy import files

APP_IMAGE_SERVICES = [
    "migrate",
    "app",
    "audit-seal",
    "audit-verify",
    "backup",
    "purge-deleted-accounts",
    "refresh-sources",
]
LONG_RUNNING = ["db", "app", "proxy", *APP_IMAGE_SERVICES[2:]]


@pytest.fixture(scope="module")
def services():
    return files.compose()["services"]


def test_the_stack_is_the_app_postgresql_the_proxy_and_the_jobs(services):
    assert set(services) == {"db", "proxy", *APP_IMAGE_SERVICES}
    major = int(re.match(r"postgres:(\d+)", services["db"]["image"])[1])
    assert major >= 15
    assert services["proxy"]["image"].startswith("caddy:")


def test_the_app_runs_make_serves_server(services):
    makefile = (files.ROOT / "Makefile").read_text()
    serve = re.search(r"exec \$\(BIN\)/(gunicorn .*)", makefile)[1]
    assert services["app"]["command"] == shlex.split(serve)


@pytest.mark.parametrize("name", APP_IMAGE_SERVICES)
def test_every_app_container_is_locked_down(services, name):
    service = services[name]
    assert service["image"] == services["app"]["image"]
    assert service["read_only"] is True
    assert service["tmpfs"] == ["/tmp"]
    assert service["cap_drop"] == ["ALL"]
    assert "no-new-privileges:true" in service["security_opt"]
    assert service["environment"]["DEBUG"] == "0"


@pytest.mark.parametrize("name", LONG_RUNNING)
def test_every_long_running_service_restarts_and_has_a_health_check(services, name):
    assert services[name]["restart"] == "unless-stopped"
    test = services[name]["healthcheck"]["test"]
    assert test[0] in ("CMD", "CMD-SHELL")


def test_migrations_run_once_as_the_owner_before_the_app_and_jobs(services):
    migrate = services["migrate"]
    assert migrate["command"] == ["homegroup", "migrate", "--noinput"]
    assert migrate["restart"] == "no"
    for name in APP_IMAGE_SERVICES[1:]:
        assert services[name]["depends_on"]["migrate"]["condition"] == (
            "service_completed_successfully"
        )
        assert services[name]["depends_on"]["db"]["condition"] == "service_healthy"


def test_the_app_connects_as_the_least_privileged_role(services):
    environment = services["app"]["environment"]
    assert environment["DATABASE_URL"].startswith("postgres://homegroup_app:")
    assert environment["DATABASE_OWNER_URL"].startswith("postgres://homegroup_owner:")
    init = (files.DEPLOY / "postgres-init" / "10-homegroup-roles.sh").read_text()
    assert "CREATE DATABASE homegroup OWNER homegroup_owner" in init
    assert "CREATE ROLE homegroup_app LOGIN" in init


def test_the_app_health_check_asks_readyz_as_the_proxy_would(services):
    probe = " ".join(services["app"]["healthcheck"]["test"])
    assert "http://127.0.0.1:8000/readyz" in probe
    assert "'X-Forwarded-Proto': 'https'" in probe
    assert "127.0.0.1" in services["app"]["environment"]["ALLOWED_HOSTS"].split(",")


def test_only_the_proxy_is_published_and_only_it_shares_the_apps_front_network(services):
    published = {name for name, service in services.items() if "ports" in service}
    assert published == {"proxy"}
    assert services["proxy"]["ports"] == ["80:80", "443:443", "443:443/udp"]
    on_front = {name for name, service in services.items() if "front" in service["networks"]}
    assert on_front == {"app", "proxy"}
    subnet = files.compose()["networks"]["front"]["ipam"]["config"][0]["subnet"]
    for variable in ("HOMEGROUP_TRUSTED_PROXIES", "FORWARDED_ALLOW_IPS"):
        assert subnet in services["app"]["environment"][variable]


EVERY_JOB = {
    "audit-seal": ("every", "60", "homegroup audit-seal"),
    "audit-verify": ("daily", None, "homegroup audit-verify"),
    "backup": ("daily", None, "homegroup backup --output"),
    "purge-deleted-accounts": ("daily", None, "homegroup purge-deleted-accounts"),
    "refresh-sources": ("every", "900", "homegroup refresh-sources"),
}


@pytest.mark.parametrize(("name", "schedule"), EVERY_JOB.items())
def test_every_scheduled_job_runs_on_its_schedule(services, name, schedule):
    kind, seconds, command = schedule
    program, got_kind, when, got_command = services[name]["command"]
    assert program == "homegroup-schedule"
    assert got_kind == kind
    if seconds:
        assert when == seconds
    else:
        assert re.fullmatch(r"[0-2]\d:[0-5]\d", when)
    assert got_command.startswith(command)


def test_the_anchor_is_on_its_own_volume_written_only_by_audit_seal(services):
    anchor = services["app"]["environment"]["HOMEGROUP_AUDIT_ANCHOR"]
    assert anchor.startswith("/var/lib/homegroup-anchor/")
    assert services["audit-seal"]["volumes"] == ["anchor:/var/lib/homegroup-anchor"]
    assert services["audit-verify"]["volumes"] == ["anchor:/var/lib/homegroup-anchor:ro"]
    others = [n for n, s in services.items() if any("anchor" in v for v in s.get("volumes", []))]
    assert sorted(others) == ["audit-seal", "audit-verify"]


def test_data_lives_in_named_volumes(services):
    volumes = set(files.compose()["volumes"])
    assert volumes == {"db", "anchor", "backups", "caddy-data", "caddy-config"}
    assert "db:/var/lib/postgresql/data" in services["db"]["volumes"]
    assert services["backup"]["volumes"] == ["backups:/backups"]


def test_the_backup_job_names_each_file_by_its_date_and_keeps_a_bounded_number(services):
    command = services["backup"]["command"][3]
    # $$ is compose's escape: the shell in the container expands the date.
    assert '--output "/backups/homegroup-$$(date -u +%Y%m%dT%H%M).hgb"' in command
    assert "-mtime +$${HOMEGROUP_BACKUP_KEEP_DAYS:-14} -delete" in command


def test_the_app_stops_after_gunicorns_graceful_timeout(services):
    assert services["app"]["stop_grace_period"] == "35s"
