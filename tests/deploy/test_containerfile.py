"""deploy/Containerfile: make install's steps with the run-time dependencies only, a non-root
user, static files collected and `check --deploy` passed at build time (no container engine
runs here: the build-time step is run against this checkout's environment instead)."""

import re
import subprocess
import sys
from pathlib import Path

from tests.deploy import files

sys.path.insert(0, str(files.ROOT / "scripts"))
import runtime_lock

CONTAINERFILE = (files.DEPLOY / "Containerfile").read_text()
DEV_TOOLS = {"pytest", "ruff", "mypy", "playwright", "hypothesis", "schemathesis", "pip-audit"}


def instructions():
    """(instruction, argument) pairs, continuation lines joined."""
    joined = re.sub(r"\\\n", " ", CONTAINERFILE)
    pairs = []
    for line in joined.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            instruction, _, argument = line.strip().partition(" ")
            pairs.append((instruction, " ".join(argument.split())))
    return pairs


def test_the_runtime_lock_is_in_step_with_requirements_lock_and_pyproject():
    assert (files.ROOT / "requirements-runtime.lock").read_text() == runtime_lock.render()


def test_the_runtime_lock_pins_what_requirements_lock_pins_and_no_test_tool():
    full = set((files.ROOT / "requirements.lock").read_text().split())
    runtime = [
        line
        for line in (files.ROOT / "requirements-runtime.lock").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    assert set(runtime) <= full
    names = {runtime_lock.canonical(line.split("==")[0]) for line in runtime}
    assert not names & DEV_TOOLS
    assert {"django", "gunicorn", "psycopg", "psycopg-binary", "numpy"} <= names


def test_it_installs_as_make_install_does_with_the_runtime_lock():
    makefile = (files.ROOT / "Makefile").read_text()
    make_steps = re.findall(r"\$\(BIN\)/python -m pip install --quiet (.*)", makefile)
    assert make_steps == ["--upgrade pip", "-r requirements.lock", "--no-deps -e ."]
    runs = " ".join(argument for instruction, argument in instructions() if instruction == "RUN")
    image_steps = re.findall(r"/opt/homegroup/bin/python -m pip install --quiet ([^&]*)", runs)
    assert [step.strip() for step in image_steps] == [
        "--upgrade pip",
        "-r requirements-runtime.lock",
        "--no-deps .",  # the same, not editable: the source is not kept in the image
    ]
    assert "python -m venv /opt/homegroup" in runs


def test_it_starts_from_a_slim_python_311_and_runs_as_a_non_root_user():
    bases = [argument for instruction, argument in instructions() if instruction == "FROM"]
    assert all(re.match(r"python:3\.11-slim", base) for base in bases)
    users = [argument for instruction, argument in instructions() if instruction == "USER"]
    assert users == ["homegroup"]
    assert "--uid 10001" in CONTAINERFILE
    # USER comes after the last RUN: nothing at run time has root.
    order = [instruction for instruction, _ in instructions()]
    assert order.index("USER") > max(i for i, name in enumerate(order) if name == "RUN")


def test_its_command_is_make_serves_server_and_it_has_a_health_check():
    makefile = (files.ROOT / "Makefile").read_text()
    serve = re.search(r"exec \$\(BIN\)/(gunicorn .*)", makefile)[1]
    (command,) = [argument for instruction, argument in instructions() if instruction == "CMD"]
    assert command == '["' + '", "'.join(serve.split()) + '"]'
    assert any(instruction == "HEALTHCHECK" for instruction, _ in instructions())


def test_the_schedule_script_and_the_writable_mounts_are_in_the_image():
    copied = [argument for instruction, argument in instructions() if instruction == "COPY"]
    assert "deploy/schedule.sh /usr/local/bin/homegroup-schedule" in copied
    # COPY keeps the mode git gave it: the compose jobs run it by name.
    mode = subprocess.run(
        ["git", "ls-files", "-s", "deploy/schedule.sh"],
        cwd=files.ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()[0]
    assert mode == "100755"
    assert "chown homegroup:homegroup /var/lib/homegroup-anchor /backups" in CONTAINERFILE


def _build_step() -> str:
    runs = [argument for instruction, argument in instructions() if instruction == "RUN"]
    (step,) = [run for run in runs if "check --deploy" in run]
    return step


def test_the_build_collects_static_files_and_fails_on_a_deploy_warning():
    step = _build_step()
    assert "homegroup collectstatic --noinput" in step
    assert step.endswith("homegroup check --deploy --fail-level WARNING")


def test_the_build_step_runs_here(tmp_path):
    """The image's collectstatic and `check --deploy` step, as written, with this checkout's
    environment in place of the image's (and the anchor's directory under tmp_path)."""
    anchor = tmp_path / "anchor"
    anchor.mkdir()
    step = _build_step().replace("/var/lib/homegroup-anchor", str(anchor))
    venv_bin = Path(sys.executable).parent
    result = subprocess.run(
        ["sh", "-c", step],
        env={
            "PATH": f"{venv_bin}:/usr/bin:/bin",
            "DEBUG": "0",
            "HOMEGROUP_VAR_DIR": str(tmp_path / "var"),
            "PYTHONDONTWRITEBYTECODE": "1",
        },
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "var" / "static" / "staticfiles.json").exists()
    assert "WARNING" not in result.stdout + result.stderr
