"""pyotp.totp.TOTP over the core's TOTP."""

from __future__ import annotations

import calendar
import datetime
import hashlib
import time
from hmac import compare_digest
from typing import Any

import mfakit

from . import utils
from .exceptions import OTPVerificationError
from .otp import OTP, _check_digest, _user_code

_TIMESTAMP_LIMIT = 253402300800  # 10000-01-01 00:00:00 UTC, exclusive, as in pyotp.
_TIME_ERROR = "for_time must be at or after the Unix epoch and before year 10000 UTC"
# The core's bound on a verification window (each step multiplies an attacker's odds), applied
# too to the codes only Python can write (contrib.Steam).
_MAX_WINDOW = 100


def _timestamp(for_time: int | float | datetime.datetime) -> int:
    """Whole UNIX seconds as pyotp reads them: aware datetimes in UTC, naive ones as local
    time, numbers floored; ValueError outside [1970, 10000)."""
    stamp: int | float
    if isinstance(for_time, datetime.datetime):
        try:
            if for_time.tzinfo:
                stamp = calendar.timegm(for_time.utctimetuple())
            else:
                stamp = for_time.replace(microsecond=0).timestamp()
        except (OverflowError, OSError, ValueError) as error:
            raise ValueError(_TIME_ERROR) from error
    else:
        stamp = for_time
    if not 0 <= stamp < _TIMESTAMP_LIMIT:
        raise ValueError(_TIME_ERROR)
    return int(stamp)


class TOTP(OTP):
    """Handler for time-based OTP counters."""

    interval: int

    def __init__(
        self,
        s: str,
        *,
        digits: int = 6,
        digest: Any = None,
        name: str | None = None,
        issuer: str | None = None,
        interval: int = 30,
    ) -> None:
        if digest is None:
            digest = hashlib.sha1
        else:
            _check_digest(digest)
        # pyotp 2.12 keeps to NIST SP 800-63B-4 (a new code at least every two minutes).
        if not 0 < interval <= 120:
            raise ValueError("interval must be positive and at most 120 seconds")
        self.interval = interval
        super().__init__(s=s, digits=digits, digest=digest, name=name, issuer=issuer)

    def _totp(self) -> mfakit.Totp:
        core: mfakit.Totp | None = self.__dict__.get("_core_totp")
        if core is None:
            algorithm = self._hotp().algorithm
            core = mfakit.Totp(self.byte_secret(), digits=self.digits, period=self.interval, algorithm=algorithm)
            self.__dict__["_core_totp"] = core
        return core

    def _overrides_generate(self) -> bool:
        # A subclass with its own code format (contrib.Steam) is verified through its
        # generate_otp; plain TOTPs go straight to the core.
        return type(self).generate_otp is not OTP.generate_otp

    def at(self, for_time: int | float | datetime.datetime, *, counter_offset: int = 0) -> str:
        """The code at ``for_time`` (UNIX seconds or datetime), ``counter_offset`` steps later."""
        return self.generate_otp(self.timecode(for_time) + counter_offset)

    def now(self) -> str:
        """The current code."""
        return self.generate_otp(self.timecode(time.time()))

    def verify(
        self, otp: str, *, for_time: int | float | datetime.datetime | None = None, valid_window: int = 0
    ) -> bool:
        """Whether ``otp`` is the code at ``for_time`` (default now), ``valid_window`` steps either side."""
        if for_time is None:
            for_time = time.time()
        timecode = self.timecode(for_time)
        if valid_window < 0:
            return False  # pyotp's window loop is then empty
        return self._match(otp, timecode, valid_window) is not None

    def verify_and_get_timecode(
        self, otp: str, *, for_time: int | float | datetime.datetime | None = None, valid_window: int = 0
    ) -> int:
        """The matching timecode; raises OTPVerificationError when nothing in the window matches."""
        if for_time is None:
            for_time = time.time()
        if valid_window < 0:
            raise ValueError("valid_window cannot be negative")
        step = self._match(otp, self.timecode(for_time), valid_window)
        if step is None:
            raise OTPVerificationError("OTP verification failed")
        return step

    def _match(self, otp: Any, timecode: int, valid_window: int) -> int | None:
        """The step within ``valid_window`` of ``timecode`` whose code ``otp`` is, if any. The
        caller has turned the time into ``timecode`` once (pyotp's tests count the calls)."""
        generates = self._overrides_generate()
        core = self._totp()  # a bad secret raises, whatever the code
        code = _user_code(otp)
        if code is None:
            return None
        if generates:
            if valid_window > _MAX_WINDOW:
                raise mfakit.InvalidParameterError(f"valid_window must be at most {_MAX_WINDOW}")
            for step in range(timecode - valid_window, timecode + valid_window + 1):
                if step >= 0 and compare_digest(code.encode(), self.generate_otp(step).encode()):
                    return step
            return None
        # The core verifies around the time at the start of `timecode` (its period is `interval`).
        match = core.verify(code, at=timecode * self.interval, window=valid_window)
        return None if match is None else match.step

    def provisioning_uri(self, *, name: str | None = None, issuer_name: str | None = None, **kwargs: Any) -> str:
        """The otpauth://totp/ URI, as pyotp writes it (extra ``kwargs`` become query parameters)."""
        return utils.build_uri(
            self._uri_secret(),
            name if name else self.name,
            issuer=issuer_name if issuer_name else self.issuer,
            algorithm=self.digest().name,
            digits=self.digits,
            period=self.interval,
            **kwargs,
        )

    def timecode(self, for_time: int | float | datetime.datetime) -> int:
        """The time step containing ``for_time``."""
        return int(_timestamp(for_time) // self.interval)
