"""deploy/Caddyfile passes what the app needs and nothing a client could forge; deploy/schedule.sh
runs a job on its schedule and marks failures."""

import os
import re
import subprocess

import pytest

from tests.deploy import files

CADDYFILE = (files.DEPLOY / "Caddyfile").read_text()
SCHEDULE = files.DEPLOY / "schedule.sh"


def test_the_proxy_serves_the_domain_over_https_to_the_app():
    assert re.search(r"^\{\$HOMEGROUP_DOMAIN\} \{", CADDYFILE, re.MULTILINE)
    assert "reverse_proxy {$HOMEGROUP_UPSTREAM:127.0.0.1:8000}" in CADDYFILE
    compose = files.compose()["services"]["proxy"]
    assert compose["environment"]["HOMEGROUP_UPSTREAM"] == "app:8000"
    assert "./Caddyfile:/etc/caddy/Caddyfile:ro" in compose["volumes"]


@pytest.mark.parametrize(
    "header",
    [
        "header_up X-Forwarded-For {remote_host}",  # replaced, not appended to a client's own
        "header_up X-Forwarded-Proto {scheme}",
        "header_up X-Request-ID {http.request.uuid}",
    ],
)
def test_the_proxy_sets_the_forwarded_headers_itself(header):
    assert header in CADDYFILE


def test_the_proxy_keeps_no_access_log_of_its_own():
    # Homegroup's access log leaves out the address, path and query string; Caddy's would not.
    lines = [line.strip() for line in CADDYFILE.splitlines()]
    directives = [line for line in lines if not line.startswith("#")]
    assert not any(line.startswith("log") for line in directives)


def test_the_request_id_caddy_sends_is_one_the_app_keeps():
    from homegroup.privacy.middleware import _INCOMING_ID

    assert _INCOMING_ID.match("0b2c1f4e-8a51-4d0e-9b7f-3c2d1e0f9a8b")


def _run_schedule(tmp_path, kind, when, command):
    ok = tmp_path / "ok"
    result = subprocess.run(
        ["sh", str(SCHEDULE), kind, when, command],
        env={"PATH": os.environ["PATH"], "HOMEGROUP_JOB_OK": str(ok)},
        capture_output=True,
        text=True,
        timeout=30,
    )
    return result, ok


def _second_run_stops(tmp_path, first):
    """A command whose first run does ``first`` and whose second stops the schedule."""
    ran = tmp_path / "ran"
    return f"if [ -e {ran} ]; then kill $PPID; else touch {ran}; {first}; fi"


def test_a_job_that_succeeds_marks_the_container_healthy(tmp_path):
    result, ok = _run_schedule(tmp_path, "every", "1", _second_run_stops(tmp_path, "true"))
    assert ok.exists()
    assert "failed" not in result.stderr


def test_a_job_that_fails_says_so_and_leaves_the_health_mark_alone(tmp_path):
    result, ok = _run_schedule(tmp_path, "every", "1", _second_run_stops(tmp_path, "exit 3"))
    assert not ok.exists()
    assert re.search(r"homegroup-schedule: '.*' failed with exit 3 at \d{4}-", result.stderr)


@pytest.mark.parametrize(("kind", "when"), [("every", "soon"), ("daily", "3am"), ("hourly", "1")])
def test_a_schedule_it_cannot_read_is_refused(tmp_path, kind, when):
    result, _ = _run_schedule(tmp_path, kind, when, "true")
    assert result.returncode == 2
    assert result.stderr.startswith("usage: homegroup-schedule")
