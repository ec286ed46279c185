"""A-13: the dependency audit fails on a finding and says SKIP (never a silent pass) offline."""

import subprocess
import sys

from scripts import dependency_audit


def report(*dependencies):
    return {"dependencies": list(dependencies), "fixes": []}


def test_A_13_packages_pip_audit_could_not_look_up_are_a_loud_skip_not_a_pass():
    summary = dependency_audit.summarise(
        report(
            {"name": "django", "version": "5.2.19", "vulns": []},
            {"name": "argon2-cffi", "skip_reason": "Dependency not found on PyPI"},
        )
    )
    assert summary.exit_code == 0
    lines = summary.lines()
    assert lines[0].startswith("SKIP: dependency audit could not look up 1 of 2 packages")
    assert "argon2-cffi" in lines[0]
    assert not any(line.startswith("OK") for line in lines)


def test_A_13_a_known_vulnerability_fails():
    summary = dependency_audit.summarise(
        report(
            {
                "name": "django",
                "version": "5.2.0",
                "vulns": [{"id": "PYSEC-2025-1", "fix_versions": ["5.2.1"]}],
            }
        )
    )
    assert summary.exit_code == 1
    assert summary.lines()[0] == "VULNERABLE: django 5.2.0: PYSEC-2025-1 (fixed in 5.2.1)"


def test_A_13_a_complete_clean_audit_says_ok():
    summary = dependency_audit.summarise(
        report({"name": "django", "version": "5.2.19", "vulns": []})
    )
    assert (summary.exit_code, summary.lines()) == (
        0,
        ["OK: 1 pinned packages audited, no known vulnerabilities."],
    )


def test_A_13_the_script_runs_against_the_lock_file_and_prints_a_verdict(tmp_path):
    lock = tmp_path / "requirements.lock"
    lock.write_text("django==5.2.19\n")
    result = subprocess.run(
        [sys.executable, "scripts/dependency_audit.py", str(lock)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    verdicts = ("OK:", "SKIP:", "VULNERABLE:", "FAIL:")
    assert any(line.startswith(verdicts) for line in result.stdout.splitlines()), result.stdout
    assert "No known vulnerabilities found" not in result.stdout
