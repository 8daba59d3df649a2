"""pyotp.hotp.HOTP over the core's HOTP."""

from __future__ import annotations

import hashlib
from typing import Any

from . import utils
from .otp import OTP, _check_digest, _user_code


class HOTP(OTP):
    """Handler for HMAC-based OTP counters."""

    initial_count: int

    def __init__(
        self,
        s: str,
        *,
        digits: int = 6,
        digest: Any = None,
        name: str | None = None,
        issuer: str | None = None,
        initial_count: int = 0,
    ) -> None:
        if digest is None:
            digest = hashlib.sha1
        else:
            _check_digest(digest)
        self.initial_count = initial_count
        super().__init__(s=s, digits=digits, digest=digest, name=name, issuer=issuer)

    def at(self, count: int) -> str:
        """The code for ``initial_count + count``."""
        return self.generate_otp(self.initial_count + count)

    def verify(self, otp: str, counter: int) -> bool:
        """Whether ``otp`` is the code for ``initial_count + counter``."""
        core = self._hotp()  # a bad secret raises, whatever the code
        code = _user_code(otp)
        if code is None:
            return False
        return core.verify(code, self.initial_count + counter, look_ahead=0) is not None

    def provisioning_uri(
        self,
        *,
        name: str | None = None,
        initial_count: int | None = None,
        issuer_name: str | None = None,
        **kwargs: Any,
    ) -> str:
        """The otpauth://hotp/ URI, as pyotp writes it (extra ``kwargs`` become query parameters)."""
        return utils.build_uri(
            self._uri_secret(),
            name=name if name else self.name,
            initial_count=initial_count if initial_count is not None else self.initial_count,
            issuer=issuer_name if issuer_name else self.issuer,
            algorithm=self.digest().name,
            digits=self.digits,
            **kwargs,
        )
