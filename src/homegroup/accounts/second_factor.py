"""Helpers for the TOTP second factor (H-08): secrets shown to people, QR codes, recovery codes.

The writes (enrolment, verification, recovery codes) are in accounts/actions.py; these helpers
hold no state.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import secrets
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django_otp.oath import totp

RECOVERY_CODE_COUNT = 10
# 10 characters of Crockford-like base32 (no 0/O/1/I/L confusion): 50 bits, single use.
_RECOVERY_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def base32_secret(device: Any) -> str:
    """The secret as authenticator apps take it when typed by hand."""
    return base64.b32encode(device.bin_key).decode("ascii").rstrip("=")


def grouped(secret: str, size: int = 4) -> str:
    return " ".join(secret[i : i + size] for i in range(0, len(secret), size))


def qr_data_uri(device: Any) -> str:
    """The otpauth:// URL as an SVG QR code in a data: URI (CSP allows img data:; no style="")."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def current_code(device: Any) -> str:
    """The code an authenticator app shows now: for demo notes and for tests."""
    value = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{value:0{device.digits}d}"


def new_recovery_codes() -> list[str]:
    return [
        "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
        for _ in range(RECOVERY_CODE_COUNT)
    ]


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def recovery_code_digest(code: str) -> str:
    """What is stored for a recovery code: 16 hex characters of an HMAC under SECRET_KEY, so a
    copy of the database alone cannot sign anyone in. Rotating SECRET_KEY voids the codes."""
    mac = hmac.new(
        settings.SECRET_KEY.encode(), b"recovery:" + normalise_code(code).encode(), hashlib.sha256
    )
    return mac.hexdigest()[:16]


def looks_like_totp(code: str) -> bool:
    digits = code.replace(" ", "")
    return digits.isdigit() and len(digits) in (6, 8)


def display_recovery_code(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"
