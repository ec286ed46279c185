"""Typed readers for settings from the environment.

A bad value fails loudly at start (ImproperlyConfigured-style ValueError naming the variable),
so a typo in a deployment never silently turns a safeguard off.
"""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Collection, Mapping

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


class SettingError(ValueError):
    """A setting in the environment has a value we cannot use."""


def env_str(name: str, default: str, *, environ: Mapping[str, str] = os.environ) -> str:
    return environ.get(name, default)


def env_bool(name: str, default: bool, *, environ: Mapping[str, str] = os.environ) -> bool:
    raw = environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise SettingError(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}")


def env_int(
    name: str, default: int, *, minimum: int | None = None, environ: Mapping[str, str] = os.environ
) -> int:
    raw = environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingError(f"{name} must be a whole number; got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise SettingError(f"{name} must be at least {minimum}; got {value}")
    return value


def env_list(
    name: str, default: list[str], *, environ: Mapping[str, str] = os.environ
) -> list[str]:
    raw = environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


# --- Keys -----------------------------------------------------------------------------------------
# A key is compared and measured as the bytes it holds, never as the text that spells them: the
# development key re-labelled or re-encoded is still the development key.

MIN_KEY_BYTES = 32


def env_secret(name: str, default: str, *, environ: Mapping[str, str] = os.environ) -> str:
    """A key as typed, refused (not stripped) when spaces or line breaks surround it: a copied
    newline would otherwise become part of the key, or be dropped where the person can't see."""
    value = environ.get(name, default)
    if value != value.strip():
        raise SettingError(
            f"{name} starts or ends with a space or a line break; remove it (nothing is "
            "stripped silently, so the key you set is the key in use)"
        )
    return value


def base64_key(name: str, encoded: str) -> bytes:
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise SettingError(f"{name} is not valid base64") from None


def key_ring_keys(name: str, spec: str) -> list[tuple[str, bytes]]:
    """The (id, key material) entries of a `keyid:base64key,...` ring, in order."""
    keys = []
    for entry in spec.split(","):
        key_id, sep, encoded = entry.partition(":")
        if not sep or not key_id.isalnum():
            raise SettingError(
                f"{name} entries must look like 'keyid:base64key', comma-separated, with a "
                "letters-and-digits key id and no spaces"
            )
        keys.append((key_id, base64_key(f"{name} key {key_id!r}", encoded)))
    return keys


def key_problems(name: str, material: bytes, *, published: Collection[bytes]) -> list[str]:
    """Why this key material must not protect real data: empty, short, or a published key."""
    if not material:
        return [f"{name} is empty"]
    if material in published:
        return [f"{name} is the local development key"]
    if len(material) < MIN_KEY_BYTES:
        return [
            f"{name} holds {len(material)} bytes of key material; at least {MIN_KEY_BYTES} "
            "are needed"
        ]
    return []
