"""System checks: a weak audit key, no anchor, or an application role that owns its tables is a
deploy warning (A-12: `homegroup check --deploy --fail-level WARNING` must stay clean)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Info, Tags, Warning, register
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections


@register(Tags.security, deploy=True)
def audit_key_strength(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    if len(settings.HOMEGROUP_AUDIT_KEY) < 32:
        return [
            Warning(
                "HOMEGROUP_AUDIT_KEY is shorter than 32 characters",
                hint="Use a long random value, kept outside the database.",
                id="homegroup.W001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def audit_anchor_configured(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    path = settings.HOMEGROUP_AUDIT_ANCHOR
    if not path:
        return [
            Warning(
                "HOMEGROUP_AUDIT_ANCHOR is not set: the audit log's seals have no anchor outside "
                "the database",
                hint="Point it at an append-only file on another volume or a syslog FIFO; see "
                "docs/configuration.md.",
                id="homegroup.W010",
            )
        ]
    if not Path(path).parent.is_dir():
        return [
            Warning(
                f"HOMEGROUP_AUDIT_ANCHOR names {path}, whose directory does not exist",
                hint="Mount the anchor's volume, or create its directory.",
                id="homegroup.W011",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def application_role_owns_no_table(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        return []
    hint = (
        "Set DATABASE_OWNER_URL to the owner's role and DATABASE_URL to a role that owns no "
        "table, then run `homegroup grant-app-role`; see docs/configuration.md."
    )
    if not settings.DATABASE_OWNER_URL:
        return [
            Warning(
                "DATABASE_OWNER_URL is not set: the application connects as the owner of its "
                "tables, which may UPDATE, DELETE or TRUNCATE the audit log",
                hint=hint,
                id="homegroup.W012",
            )
        ]
    from homegroup.audit import roles

    try:
        owned = roles.owned_tables()
    except DatabaseError as error:
        return [
            Info(
                f"Could not check which tables the application's role owns: "
                f"{str(error).strip()[:200]}",
                id="homegroup.I001",
            )
        ]
    if owned:
        shown = ", ".join(owned[:5]) + (" …" if len(owned) > 5 else "")
        return [
            Warning(
                f"The application's database role owns {len(owned)} tables ({shown}), so it "
                f"may UPDATE, DELETE or TRUNCATE the audit log",
                hint=hint,
                id="homegroup.W013",
            )
        ]
    return []
