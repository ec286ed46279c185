"""System checks: a broken field key ring or backup key fails at start, not at first use."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

from homegroup.encryption.crypto import FieldKeyError, KeyRing


@register()
def field_keys_parse(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    try:
        KeyRing.parse(settings.HOMEGROUP_FIELD_KEYS)
    except FieldKeyError as error:
        return [Error(str(error), id="homegroup.E001")]
    return []


@register()
def backup_key_parses(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    from homegroup.privacy.backup import BackupError, backup_key

    try:
        backup_key()
    except BackupError as error:
        return [Error(str(error), id="homegroup.E002")]
    return []
