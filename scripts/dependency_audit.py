"""A-13: audit the pinned dependencies with pip-audit, and never pass silently.

Offline, pip-audit prints "No known vulnerabilities found" while it skipped every package it
could not look up. This reads its JSON report instead: a known vulnerability fails (exit 1);
packages it could not audit are named on a clear SKIP line (exit 0, so an offline build goes on
but says so); only a full audit with no finding prints OK.

    python scripts/dependency_audit.py [requirements.lock]
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

PIP_AUDIT = Path(sys.executable).with_name("pip-audit")


@dataclass
class Summary:
    audited: int = 0
    skipped: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if self.findings else 0

    def lines(self) -> list[str]:
        out = [f"VULNERABLE: {finding}" for finding in self.findings]
        if self.skipped:
            names = ", ".join(self.skipped[:8]) + (" …" if len(self.skipped) > 8 else "")
            out.append(
                f"SKIP: dependency audit could not look up {len(self.skipped)} of "
                f"{self.audited + len(self.skipped)} packages (offline or not on PyPI): {names}"
            )
        if self.findings:
            out.append(f"FAIL: {len(self.findings)} known vulnerabilities in pinned packages.")
        elif not self.skipped:
            out.append(f"OK: {self.audited} pinned packages audited, no known vulnerabilities.")
        else:
            out.append(
                f"Audited {self.audited} packages with no known vulnerability; the skipped ones "
                "were NOT checked."
            )
        return out


def summarise(report: dict[str, object]) -> Summary:
    """Pure: pip-audit's JSON report → what was audited, skipped and found."""
    summary = Summary()
    dependencies = report.get("dependencies", [])
    assert isinstance(dependencies, list)
    for dependency in dependencies:
        name = f"{dependency.get('name')} {dependency.get('version', '')}".strip()
        if "skip_reason" in dependency:
            summary.skipped.append(name)
            continue
        summary.audited += 1
        for vulnerability in dependency.get("vulns", []):
            fixes = ", ".join(vulnerability.get("fix_versions", [])) or "no fix yet"
            summary.findings.append(f"{name}: {vulnerability.get('id')} (fixed in {fixes})")
    return summary


def main(argv: list[str]) -> int:
    lock = argv[1] if len(argv) > 1 else "requirements.lock"
    command = [
        str(PIP_AUDIT),
        "-r",
        lock,
        "--no-deps",  # the lock file pins the whole tree
        "--disable-pip",
        "--progress-spinner",
        "off",
        "--format",
        "json",
    ]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)  # noqa: S603
    except (OSError, subprocess.TimeoutExpired) as error:
        print(f"SKIP: dependency audit could not run pip-audit ({type(error).__name__}).")
        return 0
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        print(f"SKIP: dependency audit could not reach the vulnerability service: {last[:200]}")
        return 0
    summary = summarise(report)
    for line in summary.lines():
        print(line)
    return summary.exit_code


if __name__ == "__main__":
    sys.exit(main(sys.argv))
