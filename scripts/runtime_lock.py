"""Print requirements-runtime.lock: the pins of requirements.lock that the application needs at
run time (pyproject's `dependencies` and everything they require), without the test and
development tools. The container image installs this file (deploy/Containerfile); `make install`
installs the whole requirements.lock. Run it in the project's virtual environment:

    .venv/bin/python scripts/runtime_lock.py > requirements-runtime.lock

tests/deploy/test_containerfile.py fails when the file and this script's answer differ.
"""

from __future__ import annotations

import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked() -> dict[str, str]:
    """requirements.lock as {canonical name: its line}."""
    lines = (ROOT / "requirements.lock").read_text().splitlines()
    return {canonical(line.split("==")[0]): line for line in lines if "==" in line}


def runtime_closure() -> set[str]:
    """The canonical names pyproject's dependencies need, transitively, on this platform."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    environment = default_environment()
    wanted = [Requirement(text) for text in project["dependencies"]]
    seen: set[str] = set()
    while wanted:
        requirement = wanted.pop()
        name = canonical(requirement.name)
        extras = set(requirement.extras)
        if name in seen and not extras:
            continue
        seen.add(name)
        for text in metadata.requires(requirement.name) or []:
            needed = Requirement(text)
            marker = needed.marker
            if marker is None or any(
                marker.evaluate({**environment, "extra": extra}) for extra in extras or {""}
            ):
                wanted.append(needed)
    return seen


def render() -> str:
    pins = locked()
    names = runtime_closure()
    missing = sorted(names - pins.keys())
    if missing:
        raise SystemExit(f"requirements.lock does not pin {', '.join(missing)}")
    header = (
        "# The run-time part of requirements.lock (scripts/runtime_lock.py writes it; "
        "the container image installs it).\n"
    )
    return header + "".join(
        pins[name] + "\n" for name in sorted(names, key=lambda n: pins[n].lower())
    )


if __name__ == "__main__":
    sys.stdout.write(render())
