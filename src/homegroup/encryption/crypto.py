"""AES-GCM for a person's free text, with a key ring read from the environment (H-04).

A stored value looks like `hgenc2:<key id>:<base64 of nonce + ciphertext>`. The key id travels
with each value so keys can rotate (`homegroup rotate-field-keys`) without a flag day. The
associated data binds a value to where it belongs (`fields.EncryptedTextField` gives the table,
the column, the row's owner and natural key), so ciphertext copied anywhere else fails.
`hgenc1` values were bound to their column only: the migrations that bound every value to its
row read them once; nothing else accepts them.
"""

from __future__ import annotations

import base64
import binascii
import os
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "hgenc2"
LEGACY_PREFIX = "hgenc1"


class FieldKeyError(ValueError):
    """The key ring is malformed, or a value was sealed with a key that is not in it."""


class IntegrityFailure(FieldKeyError):
    """A stored value failed authentication: altered, moved from another row or column, or not
    in the current format. The reason names no content."""


@dataclass(frozen=True)
class KeyRing:
    current_id: str
    keys: dict[str, bytes]

    @classmethod
    def parse(cls, spec: str) -> KeyRing:
        keys: dict[str, bytes] = {}
        order: list[str] = []
        for entry in (part.strip() for part in spec.split(",")):
            if not entry:
                continue
            key_id, sep, encoded = entry.partition(":")
            if not sep or not key_id.isalnum():
                raise FieldKeyError(
                    "HOMEGROUP_FIELD_KEYS entries must look like 'keyid:base64key' "
                    "with a letters-and-digits key id"
                )
            try:
                key = base64.b64decode(encoded, validate=True)
            except binascii.Error:
                raise FieldKeyError(f"HOMEGROUP_FIELD_KEYS key {key_id!r} is not base64") from None
            if len(key) != 32:
                raise FieldKeyError(
                    f"HOMEGROUP_FIELD_KEYS key {key_id!r} must be 32 bytes, got {len(key)}"
                )
            if key_id in keys:
                raise FieldKeyError(f"HOMEGROUP_FIELD_KEYS names key {key_id!r} twice")
            keys[key_id] = key
            order.append(key_id)
        if not order:
            raise FieldKeyError("HOMEGROUP_FIELD_KEYS holds no key")
        return cls(current_id=order[0], keys=keys)

    def encrypt(self, plaintext: str, *, associated_data: bytes, prefix: str = PREFIX) -> str:
        nonce = os.urandom(12)
        sealed = _cipher(self.keys[self.current_id]).encrypt(
            nonce, plaintext.encode("utf-8"), associated_data
        )
        return f"{prefix}:{self.current_id}:{base64.b64encode(nonce + sealed).decode('ascii')}"

    def decrypt(self, stored: str, *, associated_data: bytes, prefix: str = PREFIX) -> str:
        """The words, or IntegrityFailure; FieldKeyError when the key ring lacks the value's key
        (a deployment mistake, which must stop everything rather than hide data)."""
        found, key_id, encoded = _split(stored)
        if found != prefix:
            raise IntegrityFailure(f"is in the {found!r} format, not {prefix!r}")
        if key_id not in self.keys:
            raise FieldKeyError(
                f"a value was encrypted with key {key_id!r}, which HOMEGROUP_FIELD_KEYS lacks"
            )
        try:
            blob = base64.b64decode(encoded, validate=True)
            plain = _cipher(self.keys[key_id]).decrypt(blob[:12], blob[12:], associated_data)
            return plain.decode("utf-8")
        except (InvalidTag, binascii.Error, ValueError):
            raise IntegrityFailure("failed authentication (altered or moved)") from None

    def key_id_of(self, stored: str) -> str | None:
        try:
            return _split(stored)[1]
        except IntegrityFailure:
            return None


def _split(stored: str) -> tuple[str, str, str]:
    parts = stored.split(":", 2)
    if len(parts) != 3 or parts[0] not in (PREFIX, LEGACY_PREFIX):
        raise IntegrityFailure("is not in the encrypted-field format")
    return parts[0], parts[1], parts[2]


@lru_cache(maxsize=8)
def _cipher(key: bytes) -> AESGCM:
    # Its key schedule is a tenth of sealing an empty value; the keys are the ring's own.
    return AESGCM(key)


@lru_cache(maxsize=4)
def key_ring(spec: str) -> KeyRing:
    return KeyRing.parse(spec)


def new_key() -> str:
    """A fresh base64 key, for `homegroup rotate-field-keys --new-key` and deployment docs."""
    return base64.b64encode(os.urandom(32)).decode("ascii")
