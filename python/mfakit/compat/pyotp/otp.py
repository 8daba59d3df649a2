"""pyotp.otp.OTP: the shared base of TOTP and HOTP, over the core's HOTP."""

from __future__ import annotations

import base64
import binascii
import hashlib
import unicodedata
from typing import Any

import mfakit

from .utils import _MAX_COMPARISON_LENGTH, _algorithm_of

# Attributes whose change invalidates the cached core object (pyotp objects are mutable).
_CORE_FIELDS = frozenset({"secret", "digits", "digest", "interval"})

# pyotp 2.12 refuses secrets shorter than 112 bits (NIST SP 800-63B-4); the core accepts them
# for imports, so the drop-in keeps pyotp's rule, and its message, which apps match on.
_MIN_SECRET_BYTES = 14
_SHORT_SECRET = "Secrets must be at least 112 bits after decoding"

# pyotp refuses these two by name, before anything else, with this message.
_WEAK_DIGESTS = (hashlib.md5, hashlib.shake_128)
_WEAK_DIGEST = "selected digest function must generate digest size greater than or equals to 18 bytes"


def _short_base32(text: str) -> bool:
    """Whether ``text`` is well-formed base32 (as the core reads it) of under 112 bits."""
    chars = [c for c in text.upper() if c not in " \t-="]
    return all(c in _BASE32 for c in chars) and len(chars) * 5 // 8 < _MIN_SECRET_BYTES


_BASE32 = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")


def _check_digest(digest: Any) -> None:
    if digest in _WEAK_DIGESTS:
        raise ValueError(_WEAK_DIGEST)


def _secret_text(secret: str | bytes) -> str:
    """pyotp takes the base32 text as ``str`` or as ASCII ``bytes`` (``base64.b32encode(...)``)."""
    if isinstance(secret, (bytes, bytearray)):
        return bytes(secret).decode("ascii")  # UnicodeDecodeError is a ValueError, as in pyotp
    return secret


def _user_code(otp: Any) -> str | None:
    """What pyotp compares: ``str(otp)``, NFKC-normalised; ``None`` past 1024 code points,
    checked before normalising, which bounds the work a hostile input causes (CVE-2026-3276)."""
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
        # pyotp's checks, in pyotp's order and with its messages.
        self.digits = digits
        if not 6 <= digits <= 10:
            raise ValueError("digits must be between 6 and 10")
        self.digest = digest
        _check_digest(digest)
        self.secret = s
        self.name = name or "Secret"
        self.issuer = issuer
        self._hotp()  # validates the secret now, as pyotp does, then the digest the core supports

    def __setattr__(self, key: str, value: Any) -> None:
        object.__setattr__(self, key, value)
        if key in _CORE_FIELDS:
            self.__dict__.pop("_core_hotp", None)
            self.__dict__.pop("_core_totp", None)

    def _hotp(self) -> mfakit.Hotp:
        core: mfakit.Hotp | None = self.__dict__.get("_core_hotp")
        if core is None:
            secret = self.byte_secret()
            core = mfakit.Hotp(secret, digits=self.digits, algorithm=_algorithm_of(self.digest))
            self.__dict__["_core_hotp"] = core
        return core

    def generate_otp(self, input: int) -> str:
        """The code for HMAC counter ``input`` (ValueError if negative)."""
        if input < 0:
            raise ValueError("input must be positive integer")
        return self._hotp().at(input)

    def byte_secret(self) -> bytes:
        """The decoded secret; ValueError if not base32 or shorter than 112 bits."""
        text = _secret_text(self.secret)
        # The core's decoding refuses an empty secret; pyotp decodes it to b"" and calls it short.
        try:
            decoded = mfakit.decode_secret(text) if text.rstrip("=") else b""
        except mfakit.InvalidSecretError:
            # The core refuses secrets under 80 bits outright; a well-formed one that short is
            # pyotp's "too short", with pyotp's message.
            if _short_base32(text):
                raise mfakit.InvalidSecretError(_SHORT_SECRET) from None
            raise
        if len(decoded) < _MIN_SECRET_BYTES:
            raise mfakit.InvalidSecretError(_SHORT_SECRET)
        return decoded

    def _uri_secret(self) -> str:
        """The secret as a provisioning URI carries it: as given, as pyotp writes it, unless only
        the drop-in's tolerant decoding reads it (spaces, hyphens, ...); that one is written in
        the core's canonical form, which every authenticator app reads."""
        text = _secret_text(self.secret)
        try:
            base64.b32decode(text + "=" * (-len(text) % 8), casefold=True)
        except (binascii.Error, ValueError):
            return mfakit.encode_secret(self.byte_secret())
        return text

    @staticmethod
    def int_to_bytestring(i: int, *, padding: int = 8) -> bytes:
        """``i`` as big-endian bytes, left-padded with zeros to ``padding`` bytes."""
        return i.to_bytes(max(padding, (i.bit_length() + 7) // 8), "big")
