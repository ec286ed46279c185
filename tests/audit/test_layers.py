"""DESIGN.md: audit sits at the bottom, above lib; it imports only lib and Django, never an app
above it (privacy registers its ledger with audit, not the other way round)."""

import ast
from pathlib import Path

import homegroup.audit

AUDIT = Path(homegroup.audit.__file__).parent


def test_the_audit_app_imports_only_lib_and_itself():
    found = set()
    for path in AUDIT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            found |= {
                (path.relative_to(AUDIT).as_posix(), name)
                for name in names
                if name.startswith("homegroup")
                and not name.startswith(("homegroup.audit", "homegroup.lib"))
            }
    assert found == set()
