"""Reading the deploy files and the settings pages for the deploy tests."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
DOCS = ROOT / "docs"

# Variables only deploy/compose.yaml reads (not Homegroup's settings): docs/operations.md
# explains each.
COMPOSE_ONLY = {
    "HOMEGROUP_DOMAIN",
    "POSTGRES_PASSWORD",
    "HOMEGROUP_OWNER_DB_PASSWORD",
    "HOMEGROUP_APP_DB_PASSWORD",
    "ACME_EMAIL",
    "HOMEGROUP_FRONT_SUBNET",
    "HOMEGROUP_BACKUP_KEEP_DAYS",
    "HOMEGROUP_IMAGE",
}
_ASSIGNMENT = re.compile(r"^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$")


def documented_settings() -> list[str]:
    """Every variable in the first column of docs/configuration.md's tables, in order."""
    names: list[str] = []
    for line in (DOCS / "configuration.md").read_text().splitlines():
        if line.startswith("| `"):
            names += re.findall(r"`([A-Z][A-Z0-9_]+)`", line.split("|")[1])
    return names


def env_example() -> list[tuple[str, str, bool, str]]:
    """deploy/.env.example's assignments: (name, value, commented, section heading)."""
    found = []
    section = ""
    for line in (DEPLOY / ".env.example").read_text().splitlines():
        if line.startswith("# ---"):
            section = line.strip("# -")
            continue
        match = _ASSIGNMENT.match(line)
        if match:
            found.append((match[2], match[3], bool(match[1]), section))
    return found


def read_in_code() -> set[str]:
    """Every variable the code reads with lib/env.py's helpers."""
    pattern = re.compile(r"env_(?:str|int|bool|list|secret)\(\s*[\"']([A-Z][A-Z0-9_]*)[\"']")
    return {
        name
        for path in (ROOT / "src" / "homegroup").rglob("*.py")
        for name in pattern.findall(path.read_text())
    }


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def interpolated(text: str) -> set[str]:
    """The ${VAR}, ${VAR:-default} and ${VAR:?message} that compose fills in ($$ escapes)."""
    return set(re.findall(r"(?<!\$)\$\{([A-Z][A-Z0-9_]*)", text))
