"""pyotp.otp.OTP: the shared base of TOTP and HOTP, over the core's HOTP."""

from __future__ import annotations

import hashlib
import unicodedata
from typing import Any

import mfakit

from .utils import _MAX_COMPARISON_LENGTH, _algorithm_of

# Attributes whose change invalidates the cached core object (pyotp objects are mutable).
_CORE_FIELDS = frozenset({"secret", "digits", "digest", "interval"})

# pyotp 2.12 refuses secrets shorter than 112 bits (NIST SP 800-63B-4); the core accepts them
# for imports, so the drop-in keeps pyotp's rule.
_MIN_SECRET_BYTES = 14


def _user_code(otp: Any) -> str | None:
    """What pyotp compares: ``str(otp)``, NFKC-normalised; ``None`` past 1024 code points."""
    text = str(otp)
    if len(text) > _MAX_COMPARISON_LENGTH:
        return None
    return unicodedata.normalize("NFKC", text)


class OTP:
    """Base class for OTP handlers; the Base32 secret and digits are validated at construction."""

    secret: str
    digits: int
    digest: Any
    name: str
    issuer: str | None

    def __init__(
        self,
        s: str,
        *,
        digits: int = 6,
        digest: Any = hashlib.sha1,
        name: str | None = None,
        issuer: str | None = None,
    ) -> None:
        self.digits = digits
        self.digest = digest
        self.secret = s
        self.name = name or "Secret"
        self.issuer = issuer
        self._hotp()  # validates secret, digits and digest now, as pyotp does

    def __setattr__(self, key: str, value: Any) -> None:
        object.__setattr__(self, key, value)
        if key in _CORE_FIELDS:
            self.__dict__.pop("_core_hotp", None)
            self.__dict__.pop("_core_totp", None)

    def _hotp(self) -> mfakit.Hotp:
        core: mfakit.Hotp | None = self.__dict__.get("_core_hotp")
        if core is None:
            core = mfakit.Hotp(self.byte_secret(), digits=self.digits, algorithm=_algorithm_of(self.digest))
            self.__dict__["_core_hotp"] = core
        return core

    def generate_otp(self, input: int) -> str:
        """The code for HMAC counter ``input`` (ValueError if negative)."""
        return self._hotp().at(input)

    def byte_secret(self) -> bytes:
        """The decoded secret; ValueError if not base32 or shorter than 112 bits."""
        decoded = mfakit.decode_secret(self.secret)
        if len(decoded) < _MIN_SECRET_BYTES:
            raise mfakit.InvalidSecretError("Secrets must be at least 112 bits after decoding")
        return decoded

    @staticmethod
    def int_to_bytestring(i: int, *, padding: int = 8) -> bytes:
        """``i`` as big-endian bytes, left-padded with zeros to ``padding`` bytes."""
        return i.to_bytes(max(padding, (i.bit_length() + 7) // 8), "big")
