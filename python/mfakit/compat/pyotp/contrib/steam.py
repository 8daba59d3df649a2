"""pyotp.contrib.steam.Steam: Steam Guard's 5-character codes.

The core has no Steam format; a 10-digit HOTP code from the core *is* the whole 31-bit
truncated value (2**31 < 10**10), which Steam writes in its own 26-letter alphabet.
"""

from __future__ import annotations

import hashlib

from ..totp import TOTP

STEAM_CHARS = "23456789BCDFGHJKMNPQRTVWXY"  # Steam's alphabet
STEAM_DEFAULT_DIGITS = 5  # Steam code length


class Steam(TOTP):
    """Steam's custom TOTP."""

    def __init__(
        self, s: str, *, name: str | None = None, issuer: str | None = None, interval: int = 30, digits: int = 5
    ) -> None:
        # pyotp checks `interval` and then keeps Steam Guard's 30 seconds (its TOTP.__init__
        # sets the default over it); parse_uri's `period` is ignored the same way.
        if not 0 < interval <= 120:
            raise ValueError("interval must be positive and at most 120 seconds")
        super().__init__(s=s, digits=10, digest=hashlib.sha1, name=name, issuer=issuer)

    def generate_otp(self, input: int) -> str:
        """The Steam code for counter ``input``."""
        value = int(super().generate_otp(input))
        out = []
        for _ in range(STEAM_DEFAULT_DIGITS):
            value, index = divmod(value, len(STEAM_CHARS))
            out.append(STEAM_CHARS[index])
        return "".join(out)
