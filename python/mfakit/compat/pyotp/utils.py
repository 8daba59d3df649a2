"""pyotp.utils: ``build_uri`` and ``strings_equal``, as pyotp 2.12 has them."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from hmac import compare_digest
from typing import Any
from urllib.parse import quote, urlencode, urlparse

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


def _random_choice(length: int, chars: Sequence[str]) -> str:
    return "".join(random.choice(chars) for _ in range(length))


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
    """The provisioning URI (HOTP when ``initial_count`` is given, else TOTP), as pyotp writes it.

    pyotp's own text, not the core's (``mfakit.OtpAuthUri``): apps and their tests compare the
    exact string, the secret as given, the parameter order, an issuer with ``:`` percent-encoded
    in the label. Parameters at their defaults are left out.
    """
    params: dict[str, Any] = {"secret": secret}
    label = quote(name)
    if issuer is not None:
        label = quote(issuer) + ":" + label
        params["issuer"] = issuer
    if initial_count is not None:
        params["counter"] = initial_count
    if algorithm is not None and algorithm != "sha1":
        params["algorithm"] = algorithm.upper()
    if digits is not None and digits != 6:
        params["digits"] = digits
    if period is not None and period != 30:
        params["period"] = period
    for key, value in kwargs.items():
        if not isinstance(value, str):
            raise TypeError("All otpauth uri parameters must be strings")
        if key == "image":
            image = urlparse(value)
            if image.scheme != "https" or not image.netloc or not image.path:
                raise ValueError(f"{image} is not a valid url")
        params[key] = value
    kind = "hotp" if initial_count is not None else "totp"
    return f"otpauth://{kind}/{label}?" + urlencode(params).replace("+", "%20")


def strings_equal(s1: str, s2: str) -> bool:
    """Constant-time comparison after NFKC normalisation; False past 1024 code points."""
    if len(s1) > _MAX_COMPARISON_LENGTH or len(s2) > _MAX_COMPARISON_LENGTH:
        return False
    s1 = unicodedata.normalize("NFKC", s1)
    s2 = unicodedata.normalize("NFKC", s2)
    return compare_digest(s1.encode("utf-8"), s2.encode("utf-8"))
