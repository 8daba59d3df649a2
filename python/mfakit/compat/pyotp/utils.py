"""pyotp.utils: ``build_uri`` (built by the core) and ``strings_equal``."""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Sequence
from hmac import compare_digest
from typing import Any
from urllib.parse import urlencode, urlparse

import mfakit

from .compat import random

_MAX_COMPARISON_LENGTH = 1024

_ALGORITHMS = {"sha1": "SHA1", "sha256": "SHA256", "sha512": "SHA512"}


def _algorithm_of(digest: Any) -> str:
    """The core's algorithm name for a hashlib constructor; the core implements only the three
    hashes RFC 6238 names, so any other digest is refused."""
    name = getattr(digest(), "name", "")
    try:
        return _ALGORITHMS[name]
    except KeyError:
        raise mfakit.InvalidParameterError(
            f"digest {name or digest!r} is not supported by mfakit (use hashlib.sha1, sha256 or sha512)"
        ) from None


def _digest_of(algorithm: str) -> Any:
    return getattr(hashlib, algorithm.lower())


def _random_choice(length: int, chars: Sequence[str]) -> str:
    return "".join(random.choice(chars) for _ in range(length))


def _extra_params(kwargs: dict[str, Any]) -> str:
    """Extra query parameters (``image=...``) appended to the core's URI, checked as pyotp does."""
    for key, value in kwargs.items():
        if not isinstance(value, str):
            raise TypeError("All otpauth uri parameters must be strings")
        if key == "image":
            image = urlparse(value)
            if image.scheme != "https" or not image.netloc or not image.path:
                raise ValueError(f"{image} is not a valid url")
    return "&" + urlencode(kwargs).replace("+", "%20") if kwargs else ""


def build_uri(
    secret: str,
    name: str,
    initial_count: int | None = None,
    issuer: str | None = None,
    algorithm: str | None = None,
    digits: int | None = None,
    period: int | None = None,
    **kwargs: str,
) -> str:
    """The provisioning URI (HOTP when ``initial_count`` is given, else TOTP), built by the core."""
    uri = mfakit.OtpAuthUri(
        kind="hotp" if initial_count is not None else "totp",
        secret=secret,
        account=name,
        issuer=issuer,
        algorithm=(algorithm or "SHA1").upper(),
        digits=digits if digits is not None else 6,
        period=period if period is not None else 30,
        counter=initial_count or 0,
    )
    return uri.to_uri() + _extra_params(kwargs)


def strings_equal(s1: str, s2: str) -> bool:
    """Constant-time comparison after NFKC normalisation; False past 1024 code points."""
    if len(s1) > _MAX_COMPARISON_LENGTH or len(s2) > _MAX_COMPARISON_LENGTH:
        return False
    s1 = unicodedata.normalize("NFKC", s1)
    s2 = unicodedata.normalize("NFKC", s2)
    return compare_digest(s1.encode("utf-8"), s2.encode("utf-8"))
