"""Type stubs for the native module. Each docstring is a summary; the full text is the Rust
`///` documentation, available at run time as ``__doc__``."""

import datetime
from typing import Final, final

_Time = int | float | datetime.datetime
"""UNIX seconds, or a timezone-aware datetime (a naive one raises InvalidParameterError)."""

__all__ = [
    "MAX_DIGITS",
    "MIN_DIGITS",
    "Hotp",
    "IncompatibleProfileError",
    "InternalError",
    "InvalidParameterError",
    "InvalidSecretError",
    "InvalidStoredValueError",
    "InvalidUriError",
    "MfaError",
    "OtpAuthUri",
    "OtpMatch",
    "QrTooLargeError",
    "RateLimitedError",
    "Totp",
    "UnknownKeyError",
    "UnsealFailedError",
    "_debug_panic",
    "decode_secret",
    "encode_secret",
    "qr_png",
    "qr_svg",
    "qr_terminal",
    "random_secret",
]

MIN_DIGITS: Final[int]
MAX_DIGITS: Final[int]

# ---------------------------------------------------------------------------------------------
# Errors (built at import from the core's list of codes).

class MfaError(Exception):
    """Root of every mfakit error; ``code`` is the stable machine code."""

    code: str

class InvalidSecretError(MfaError, ValueError):
    """The secret is not valid base32, is empty, or is too short."""

class InvalidParameterError(MfaError, ValueError):
    """A parameter is out of range."""

class IncompatibleProfileError(MfaError, ValueError):
    """The settings would show wrong codes in common authenticator apps."""

class InvalidUriError(MfaError, ValueError):
    """An otpauth:// URI could not be parsed."""

class InvalidStoredValueError(MfaError, ValueError):
    """A stored value is malformed, from an unknown version, or was tampered with."""

class UnknownKeyError(MfaError):
    """A sealed secret names a key id that was not supplied."""

class UnsealFailedError(MfaError):
    """A sealed secret failed authentication."""

class RateLimitedError(MfaError):
    """Refused by an attempt limiter."""

    retry_after: float

class QrTooLargeError(MfaError, ValueError):
    """The payload is too large for a QR code."""

class InternalError(MfaError):
    """A bug inside mfakit, such as a caught Rust panic."""

# ---------------------------------------------------------------------------------------------
# Secrets.

def random_secret(bits: int = 160) -> str:
    """A new random secret (OS CSPRNG) as unpadded base32; bits: multiple of 8, 128..8192."""

def decode_secret(text: str) -> bytes:
    """Tolerant base32 decoding (case, spaces, hyphens, padding); InvalidSecretError otherwise."""

def encode_secret(data: bytes) -> str:
    """Raw secret bytes as unpadded upper-case base32."""

# ---------------------------------------------------------------------------------------------
# OTP.

@final
class OtpMatch:
    """A successful verification: matched ``step`` (TOTP step or HOTP counter) and ``drift``."""

    def __new__(cls, step: int, drift: int) -> OtpMatch: ...
    @property
    def step(self) -> int: ...
    @property
    def drift(self) -> int: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Totp:
    """Time-based one-time passwords (RFC 6238) over an existing secret."""

    def __new__(
        cls,
        secret: str | bytes,
        *,
        digits: int = 6,
        period: int = 30,
        algorithm: str = "SHA1",
        issuer: str | None = None,
        account: str | None = None,
        t0: int = 0,
    ) -> Totp: ...
    @staticmethod
    def enroll(
        *,
        account: str,
        issuer: str | None = None,
        secret: str | bytes | None = None,
        digits: int = 6,
        period: int = 30,
        algorithm: str = "SHA1",
        profile: str = "compatible",
        bits: int = 160,
    ) -> Totp:
        """A new enrolment: fresh secret, settings checked against ``profile``."""

    @staticmethod
    def from_uri(uri: str) -> Totp:
        """The TOTP an otpauth://totp/ URI describes."""

    def now(self) -> str:
        """The code now."""

    def at(self, time: _Time) -> str:
        """The code at ``time``."""

    def at_step(self, step: int) -> str:
        """The code for time step ``step``."""

    def step(self, time: _Time) -> int:
        """The time step containing ``time``."""

    def remaining(self, time: _Time | None = None) -> int:
        """Seconds until the code shown at ``time`` (default now) changes."""

    def verify(
        self,
        code: str,
        *,
        at: _Time | None = None,
        window: int | tuple[int, int] = 1,
        after_step: int | None = None,
    ) -> OtpMatch | None:
        """Verifies ``code``; ``None`` for a wrong, malformed or replayed code."""

    def provisioning_uri(self) -> str:
        """The otpauth://totp/ URI (needs ``account``)."""

    def qr_svg(self, *, min_size: int = 256) -> str:
        """The provisioning URI as an SVG QR code."""

    def qr_png(self, *, scale: int = 8) -> bytes:
        """The provisioning URI as a PNG QR code."""

    def qr_terminal(self) -> str:
        """The provisioning URI as a terminal QR code."""

    def secret(self) -> str:
        """The secret as unpadded base32."""

    @property
    def digits(self) -> int: ...
    @property
    def period(self) -> int: ...
    @property
    def algorithm(self) -> str: ...
    @property
    def t0(self) -> int: ...
    @property
    def issuer(self) -> str | None: ...
    @property
    def account(self) -> str | None: ...

@final
class Hotp:
    """Counter-based one-time passwords (RFC 4226); stateless."""

    def __new__(
        cls,
        secret: str | bytes,
        *,
        digits: int = 6,
        algorithm: str = "SHA1",
        counter: int = 0,
        issuer: str | None = None,
        account: str | None = None,
    ) -> Hotp: ...
    @staticmethod
    def from_uri(uri: str) -> Hotp:
        """The HOTP an otpauth://hotp/ URI describes."""

    def at(self, counter: int) -> str:
        """The code for ``counter``."""

    def verify(self, code: str, counter: int, *, look_ahead: int = 10) -> OtpMatch | None:
        """Verifies ``code`` against ``counter .. counter + look_ahead``."""

    def resync(self, first: str, second: str, counter: int, *, look_ahead: int = 1000) -> int | None:
        """The next counter after two consecutive codes, or ``None``."""

    def provisioning_uri(self) -> str:
        """The otpauth://hotp/ URI (needs ``account``)."""

    def qr_svg(self, *, min_size: int = 256) -> str:
        """The provisioning URI as an SVG QR code."""

    def qr_png(self, *, scale: int = 8) -> bytes:
        """The provisioning URI as a PNG QR code."""

    def qr_terminal(self) -> str:
        """The provisioning URI as a terminal QR code."""

    def secret(self) -> str:
        """The secret as unpadded base32."""

    @property
    def digits(self) -> int: ...
    @property
    def algorithm(self) -> str: ...
    @property
    def counter(self) -> int: ...
    @property
    def issuer(self) -> str | None: ...
    @property
    def account(self) -> str | None: ...

# ---------------------------------------------------------------------------------------------
# otpauth:// URIs.

@final
class OtpAuthUri:
    """A parsed or to-be-built otpauth:// URI."""

    def __new__(
        cls,
        *,
        kind: str,
        secret: str | bytes,
        account: str,
        issuer: str | None = None,
        algorithm: str = "SHA1",
        digits: int = 6,
        period: int = 30,
        counter: int = 0,
    ) -> OtpAuthUri: ...
    @staticmethod
    def parse(uri: str) -> OtpAuthUri:
        """Parses an otpauth:// URI."""

    def to_uri(self) -> str:
        """The URI text, defaults left out."""

    def totp(self) -> Totp:
        """The Totp this URI describes."""

    def hotp(self) -> Hotp:
        """The Hotp this URI describes."""

    def secret(self) -> str:
        """The secret as unpadded base32."""

    @property
    def kind(self) -> str: ...
    @property
    def issuer(self) -> str | None: ...
    @property
    def account(self) -> str: ...
    @property
    def algorithm(self) -> str: ...
    @property
    def digits(self) -> int: ...
    @property
    def period(self) -> int | None: ...
    @property
    def counter(self) -> int | None: ...

# ---------------------------------------------------------------------------------------------
# QR codes.

def qr_svg(data: str, *, min_size: int = 256) -> str:
    """An SVG QR code of ``data``."""

def qr_png(data: str, *, scale: int = 8) -> bytes:
    """A PNG QR code of ``data``."""

def qr_terminal(data: str) -> str:
    """A terminal QR code of ``data``."""

def _debug_panic() -> None:
    """Panics in Rust on purpose (tests); raises InternalError."""
