"""Type stubs for the native module. Each docstring is a summary; the full text is the Rust
`///` documentation, available at run time as ``__doc__``."""

import datetime
from collections.abc import Coroutine, Sequence
from typing import Any, Final, final

_Time = int | float | datetime.datetime
"""UNIX seconds, or a timezone-aware datetime (a naive one raises InvalidParameterError)."""

__all__ = [
    "AttemptLimiter",
    "AttemptOutcome",
    "AttemptPolicy",
    "AttemptState",
    "AuditEvent",
    "AuthContext",
    "ChallengeKey",
    "ChallengeVerification",
    "CodeToSend",
    "Decision",
    "Hotp",
    "IncompatibleProfileError",
    "InternalError",
    "InvalidParameterError",
    "InvalidSecretError",
    "InvalidStoredValueError",
    "InvalidUriError",
    "IssuedChallenge",
    "Keyring",
    "LoginStart",
    "MAX_DIGITS",
    "MIN_DIGITS",
    "Mfa",
    "MfaError",
    "MfaStatus",
    "NewRecoveryCodes",
    "NotEnrolledError",
    "OtpAuthUri",
    "OtpChallenge",
    "OtpMatch",
    "QrTooLargeError",
    "RateLimitedError",
    "RateLimiter",
    "RateOutcome",
    "RateState",
    "RecoveryCheck",
    "RecoveryCodeSet",
    "SealingKey",
    "StepUp",
    "StepUpDecision",
    "StepUpPolicy",
    "StepUpRequiredError",
    "StorageConflictError",
    "StorageUnavailableError",
    "Totp",
    "TotpSetup",
    "UnknownKeyError",
    "UnsealFailedError",
    "Verification",
    "_debug_panic",
    "attacker_success_probability",
    "decode_secret",
    "encode_secret",
    "mask_email",
    "mask_phone",
    "max_attacker_guesses",
    "normalize_recovery_code",
    "qr_png",
    "qr_svg",
    "qr_terminal",
    "random_secret",
    "sealed_key_id",
    "verify_totp",
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

class NotEnrolledError(MfaError):
    """The user has no such method enrolled (or nothing waiting for confirmation)."""

class StepUpRequiredError(MfaError):
    """The operation needs a fresh step-up verification first."""

class StorageUnavailableError(MfaError):
    """The store could not be reached or failed; nothing was changed."""

class StorageConflictError(MfaError):
    """Too many concurrent writers changed the same record; nothing was changed."""

class InternalError(MfaError):
    """A bug inside mfakit, such as a caught Rust panic."""

# ---------------------------------------------------------------------------------------------
# Secrets.

def verify_totp(
    secret: str | bytes,
    code: str,
    *,
    digits: int = 6,
    period: int = 30,
    algorithm: str = "SHA1",
    t0: int = 0,
    at: _Time | None = None,
    window: int | tuple[int, int] = 1,
    after_step: int | None = None,
) -> OtpMatch | None:
    """``Totp(secret, ...).verify(code, ...)`` in one call, without the ``Totp`` object."""

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
        """The otpauth://totp/ URI (needs a non-blank ``account``; ``issuer`` non-blank if set)."""

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
        """The otpauth://hotp/ URI (needs a non-blank ``account``; ``issuer`` non-blank if set)."""

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
        """Parses an otpauth:// URI; an empty account is accepted."""

    def to_uri(self) -> str:
        """The URI text, defaults left out; raises for a blank account or blank issuer."""

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

# ---------------------------------------------------------------------------------------------
# Recovery codes (argon2id; GIL released, `a*` variants run in a worker thread).

@final
class RecoveryCodeSet:
    """A stored set of recovery codes: argon2id parameters and one salted hash per unused code."""

    @staticmethod
    def generate(
        count: int = 10, *, m_cost_kib: int | None = None, t_cost: int | None = None, p_cost: int | None = None
    ) -> NewRecoveryCodes:
        """``count`` new codes (1 to 32) and the set to store."""

    @staticmethod
    def agenerate(
        count: int = 10, *, m_cost_kib: int | None = None, t_cost: int | None = None, p_cost: int | None = None
    ) -> Coroutine[Any, Any, NewRecoveryCodes]:
        """``generate`` in a worker thread."""

    @staticmethod
    def from_stored(stored: str) -> RecoveryCodeSet:
        """Parses a stored set."""

    def to_stored(self) -> str:
        """The stored form (hashes only)."""

    def check(self, code: str) -> RecoveryCheck:
        """One argon2id evaluation; a wrong code is ``accepted=False``."""

    def acheck(self, code: str) -> Coroutine[Any, Any, RecoveryCheck]:
        """``check`` in a worker thread."""

    @property
    def remaining(self) -> int: ...
    @property
    def m_cost_kib(self) -> int: ...
    @property
    def t_cost(self) -> int: ...
    @property
    def p_cost(self) -> int: ...

@final
class NewRecoveryCodes:
    """``codes`` to show once and ``set`` to store."""

    @property
    def codes(self) -> list[str]: ...
    @property
    def set(self) -> RecoveryCodeSet: ...

@final
class RecoveryCheck:
    """``accepted``, ``remaining`` and the ``set`` to store; truthy when accepted."""

    @property
    def accepted(self) -> bool: ...
    @property
    def remaining(self) -> int: ...
    @property
    def set(self) -> RecoveryCodeSet: ...
    def __bool__(self) -> bool: ...

def normalize_recovery_code(input: str) -> str | None:
    """The 12-character compact form, or ``None`` when it cannot be a code."""

# ---------------------------------------------------------------------------------------------
# Email/SMS challenges.

@final
class ChallengeKey:
    """The application's HMAC key for challenges (16 to 1024 bytes).

    Keep it in a secret store: ``expose_bytes()`` gives the bytes to put there,
    ``ChallengeKey(stored)`` loads them again. ``repr()`` hides it.
    """

    def __new__(cls, key: bytes) -> ChallengeKey: ...
    @staticmethod
    def generate() -> ChallengeKey:
        """A random 256-bit key; store ``expose_bytes()`` before issuing challenges."""

    def expose_bytes(self) -> bytes:
        """The raw key bytes, to store as a secret; load them again with ``ChallengeKey(stored)``."""

@final
class OtpChallenge:
    """The stored state of an email or SMS challenge (no code inside)."""

    @staticmethod
    def issue(
        key: ChallengeKey,
        *,
        digits: int | None = None,
        ttl_secs: int | None = None,
        max_attempts: int | None = None,
        resend_cooldown_secs: int | None = None,
        now: _Time | None = None,
    ) -> IssuedChallenge:
        """Starts a challenge (defaults: 6 digits, 300 s, 5 attempts, 60 s cooldown)."""

    def verify(self, key: ChallengeKey, code: str, *, now: _Time | None = None) -> ChallengeVerification:
        """Checks a code; the verdict says what happened."""

    def resend(self, key: ChallengeKey, *, now: _Time | None = None) -> IssuedChallenge:
        """A new code for the same challenge (RateLimitedError within the cooldown)."""

    def resend_available_in(self, now: _Time | None = None) -> int:
        """Seconds until a new code may be sent."""

    def to_stored(self) -> str:
        """The stored form."""

    @staticmethod
    def from_stored(stored: str) -> OtpChallenge:
        """Parses a stored challenge."""

    @property
    def id(self) -> str: ...
    @property
    def digits(self) -> int: ...
    @property
    def expires_at(self) -> int: ...
    @property
    def sent_at(self) -> int: ...
    @property
    def attempts_left(self) -> int: ...
    @property
    def used(self) -> bool: ...

@final
class IssuedChallenge:
    """``challenge`` to store and ``code`` to deliver once."""

    @property
    def challenge(self) -> OtpChallenge: ...
    @property
    def code(self) -> str: ...

@final
class ChallengeVerification:
    """``verdict`` (accepted, wrong, expired, exhausted, used), ``attempts_left``, ``challenge``."""

    @property
    def verdict(self) -> str: ...
    @property
    def accepted(self) -> bool: ...
    @property
    def attempts_left(self) -> int: ...
    @property
    def challenge(self) -> OtpChallenge: ...
    def __bool__(self) -> bool: ...

def mask_email(email: str) -> str:
    """``jane.doe@example.com`` -> ``j***@example.com``."""

def mask_phone(phone: str, *, visible: int = 2) -> str:
    """An E.164 number with all but the last ``visible`` digits masked."""

# ---------------------------------------------------------------------------------------------
# Attempt and rate limiting, brute-force bound.

@final
class AttemptPolicy:
    """Backoff after consecutive failures and a lockout; ``None`` takes the core default."""

    def __new__(
        cls,
        *,
        backoff_base_secs: int | None = None,
        backoff_factor: int | None = None,
        backoff_cap_secs: int | None = None,
        lockout_after: int | None = None,
        lockout_secs: int | None = None,
    ) -> AttemptPolicy: ...
    def delay_after(self, failures: int) -> int:
        """Seconds to wait after the ``failures``-th consecutive failure."""

    @property
    def backoff_base_secs(self) -> int: ...
    @property
    def backoff_factor(self) -> int: ...
    @property
    def backoff_cap_secs(self) -> int: ...
    @property
    def lockout_after(self) -> int: ...
    @property
    def lockout_secs(self) -> int: ...

@final
class AttemptState:
    """One subject's attempt state; ``AttemptState()`` is fresh."""

    def __new__(cls, failures: int = 0, last_failure_at: int = 0) -> AttemptState: ...
    def to_stored(self) -> str: ...
    @staticmethod
    def from_stored(stored: str) -> AttemptState: ...
    @property
    def failures(self) -> int: ...
    @property
    def last_failure_at(self) -> int: ...
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: None  # type: ignore[assignment]

@final
class Decision:
    """A limiter's answer; truthy when allowed."""

    def raise_if_refused(self) -> None:
        """Raises RateLimitedError when refused."""

    @property
    def allowed(self) -> bool: ...
    @property
    def retry_after(self) -> int: ...
    @property
    def remaining(self) -> int: ...
    @property
    def locked(self) -> bool: ...
    def __bool__(self) -> bool: ...

@final
class AttemptOutcome:
    """The ``state`` to persist and the ``decision`` for the next attempt."""

    @property
    def state(self) -> AttemptState: ...
    @property
    def decision(self) -> Decision: ...

@final
class AttemptLimiter:
    """Consecutive-failure limiting per subject."""

    def __new__(cls, policy: AttemptPolicy | None = None) -> AttemptLimiter: ...
    def check(self, state: AttemptState | None = None, *, now: _Time | None = None) -> Decision: ...
    def record_failure(self, state: AttemptState | None = None, *, now: _Time | None = None) -> AttemptOutcome: ...
    def record_success(self) -> AttemptState: ...
    @property
    def policy(self) -> AttemptPolicy: ...

@final
class RateState:
    """Sliding-window-log state for one key; ``RateState()`` is fresh."""

    def __new__(cls) -> RateState: ...
    def to_stored(self) -> str: ...
    @staticmethod
    def from_stored(stored: str) -> RateState: ...
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: None  # type: ignore[assignment]

@final
class RateOutcome:
    """The ``decision`` for this event and the ``state`` to persist."""

    @property
    def state(self) -> RateState: ...
    @property
    def decision(self) -> Decision: ...

@final
class RateLimiter:
    """An exact sliding-window rate limiter, e.g. ``RateLimiter("5/15m")``."""

    def __new__(cls, rate: str) -> RateLimiter: ...
    @staticmethod
    def per(limit: int, period_secs: int) -> RateLimiter: ...
    def acquire(self, state: RateState | None = None, *, now: _Time | None = None) -> RateOutcome: ...
    def peek(self, state: RateState | None = None, *, now: _Time | None = None) -> Decision: ...
    @property
    def limit(self) -> int: ...
    @property
    def period_secs(self) -> int: ...

def max_attacker_guesses(policy: AttemptPolicy, horizon_secs: int) -> int | None:
    """Most guesses within ``horizon_secs``; ``None`` when unbounded."""

def attacker_success_probability(digits: int, window_size: int, policy: AttemptPolicy, horizon_secs: int) -> float:
    """Probability of guessing a code within ``horizon_secs``."""

# ---------------------------------------------------------------------------------------------
# Step-up.

@final
class StepUpPolicy:
    """Step-up rules; ``None`` takes the core default."""

    def __new__(
        cls,
        *,
        level: str | None = None,
        admin_roles: Sequence[str] | None = None,
        max_age: dict[str, int] | None = None,
        accepted_amr: Sequence[str] | None = None,
        accepted_acr: Sequence[str] | None = None,
        setup_methods: Sequence[str] | None = None,
        unknown_operation_max_age: int | None = None,
        max_future_skew_secs: int | None = None,
    ) -> StepUpPolicy: ...
    @property
    def level(self) -> str: ...
    @property
    def admin_roles(self) -> list[str]: ...
    @property
    def max_age(self) -> dict[str, int]: ...
    @property
    def unknown_operation_max_age(self) -> int: ...
    @property
    def max_future_skew_secs(self) -> int: ...
    @property
    def accepted_amr(self) -> list[str]: ...
    @property
    def accepted_acr(self) -> list[str]: ...
    @property
    def setup_methods(self) -> list[str]: ...

@final
class AuthContext:
    """What the application knows about the user and the session."""

    def __new__(
        cls,
        *,
        enrolled_methods: Sequence[str] = ...,
        roles: Sequence[str] = ...,
        amr: Sequence[str] = ...,
        acr: str | None = None,
        mfa_verified_at: _Time | None = None,
    ) -> AuthContext: ...
    @property
    def enrolled_methods(self) -> list[str]: ...
    @property
    def roles(self) -> list[str]: ...
    @property
    def amr(self) -> list[str]: ...
    @property
    def acr(self) -> str | None: ...
    @property
    def mfa_verified_at(self) -> int | None: ...

@final
class StepUpDecision:
    """The answer of ``StepUp.decide``; truthy when allowed."""

    @property
    def allowed(self) -> bool: ...
    @property
    def code(self) -> str | None: ...
    @property
    def http_status(self) -> int: ...
    @property
    def methods(self) -> list[str]: ...
    @property
    def max_age(self) -> int | None: ...
    def body(self) -> dict[str, Any] | None:
        """The refusal's JSON body, ``None`` when allowed."""

    def __bool__(self) -> bool: ...

@final
class StepUp:
    """The step-up evaluator."""

    def __new__(cls, policy: StepUpPolicy | None = None) -> StepUp: ...
    def decide(self, context: AuthContext, operation: str = "sign_in", *, now: _Time | None = None) -> StepUpDecision: ...
    def mfa_applies(self, context: AuthContext) -> bool: ...
    def www_authenticate(self, decision: StepUpDecision) -> str | None:
        """RFC 9470 challenge for a refusal on a bearer-token API (None: allowed or setup)."""
    @property
    def policy(self) -> StepUpPolicy: ...

# ---------------------------------------------------------------------------------------------
# Sealed secrets.

@final
class SealingKey:
    """A 256-bit sealing key."""

    def __new__(cls, key: bytes) -> SealingKey: ...
    @staticmethod
    def from_base64(text: str) -> SealingKey: ...
    @staticmethod
    def generate() -> SealingKey: ...
    def to_base64(self) -> str: ...

@final
class Keyring:
    """Sealing keys by id; thread-safe."""

    def __new__(cls, key_id: str, key: SealingKey) -> Keyring: ...
    def add(self, key_id: str, key: SealingKey) -> None: ...
    def set_current(self, key_id: str) -> None: ...
    @property
    def current_key_id(self) -> str: ...
    @property
    def key_ids(self) -> list[str]: ...
    def seal(self, plaintext: bytes | str, associated_data: bytes | str | None = None) -> str: ...
    def open(self, sealed: str, associated_data: bytes | str | None = None) -> bytes: ...
    def needs_reseal(self, sealed: str) -> bool: ...
    def reseal(self, sealed: str, associated_data: bytes | str | None = None) -> str: ...

def sealed_key_id(sealed: str) -> str:
    """The key id a sealed value names."""

# ---------------------------------------------------------------------------------------------
# The stateful service (core/src/account.rs over mfakit-store).

@final
class TotpSetup:
    """A new TOTP enrolment; show the secret or QR code once."""

    @property
    def secret(self) -> str: ...
    @property
    def uri(self) -> str: ...
    @property
    def active(self) -> bool: ...
    @property
    def recovery_codes(self) -> list[str] | None: ...
    def qr_svg(self, *, min_size: int = 256) -> str: ...
    def qr_png(self, *, scale: int = 8) -> bytes: ...

@final
class CodeToSend:
    """A code for the application to deliver by email or SMS; never log it."""

    @property
    def method(self) -> str: ...
    @property
    def contact(self) -> str: ...
    @property
    def masked(self) -> str: ...
    @property
    def code(self) -> str: ...
    @property
    def expires_at(self) -> int: ...
    @property
    def resend_after(self) -> int: ...

@final
class LoginStart:
    """An opened login challenge."""

    @property
    def id(self) -> str: ...
    @property
    def expires_at(self) -> int: ...
    @property
    def methods(self) -> list[str]: ...
    @property
    def masked(self) -> dict[str, str]: ...

@final
class Verification:
    """The result of a verification; truthy when accepted."""

    @property
    def accepted(self) -> bool: ...
    @property
    def verdict(self) -> str: ...
    @property
    def method(self) -> str: ...
    @property
    def user_id(self) -> str: ...
    @property
    def retry_after(self) -> int: ...
    @property
    def attempts_left(self) -> int | None: ...
    @property
    def claims(self) -> dict[str, Any] | None: ...
    @property
    def recovery_codes(self) -> list[str] | None: ...
    @property
    def recovery_codes_left(self) -> int | None: ...
    def __bool__(self) -> bool: ...

@final
class MfaStatus:
    """Methods, recovery codes left, lockout."""

    @property
    def methods(self) -> list[str]: ...
    @property
    def totp_pending(self) -> bool: ...
    @property
    def recovery_codes_left(self) -> int: ...
    @property
    def locked_until(self) -> int | None: ...
    @property
    def failures(self) -> int: ...
    @property
    def masked(self) -> dict[str, str]: ...

@final
class AuditEvent:
    """One audit event; never a secret, code or contact."""

    @property
    def kind(self) -> str: ...
    @property
    def method(self) -> str | None: ...
    @property
    def at(self) -> int: ...
    @property
    def outcome(self) -> str: ...
    @property
    def user_id(self) -> str: ...

@final
class Mfa:
    """The stateful MFA service over a store URL (sqlite://, postgres://, redis://)."""

    def __new__(
        cls,
        store: str = "sqlite://mfakit.db",
        *,
        keyring: Keyring,
        challenge_key: ChallengeKey | bytes,
        issuer: str,
        policy: dict[str, Any] | None = None,
    ) -> Mfa: ...
    @property
    def store_kind(self) -> str: ...
    @property
    def issuer(self) -> str: ...
    def setup_totp(self, user_id: str, account: str, *, require_verification: bool = True) -> TotpSetup: ...
    def confirm_totp(self, user_id: str, code: str) -> Verification: ...
    def setup_email(self, user_id: str, address: str) -> CodeToSend: ...
    def setup_sms(self, user_id: str, phone: str) -> CodeToSend: ...
    def confirm_contact(self, user_id: str, method: str, code: str) -> Verification: ...
    def start_login(self, user_id: str) -> LoginStart: ...
    def send_code(self, challenge_id: str, method: str) -> CodeToSend: ...
    def verify(self, challenge_id: str, method: str, code: str) -> Verification: ...
    def send_step_up_code(self, user_id: str, method: str) -> CodeToSend: ...
    def step_up(self, user_id: str, method: str, code: str) -> Verification: ...
    def status(self, user_id: str) -> MfaStatus: ...
    def disable(self, user_id: str, method: str) -> None: ...
    def regenerate_recovery_codes(self, user_id: str) -> list[str]: ...
    def reveal_totp_uri(self, user_id: str) -> str: ...
    def unlock(self, user_id: str) -> None: ...
    def reset(self, user_id: str) -> None: ...
    def audit(self, user_id: str, limit: int = 50) -> list[AuditEvent]: ...
    def asetup_totp(
        self, user_id: str, account: str, *, require_verification: bool = True
    ) -> Coroutine[Any, Any, TotpSetup]: ...
    def aconfirm_totp(self, user_id: str, code: str) -> Coroutine[Any, Any, Verification]: ...
    def asetup_email(self, user_id: str, address: str) -> Coroutine[Any, Any, CodeToSend]: ...
    def asetup_sms(self, user_id: str, phone: str) -> Coroutine[Any, Any, CodeToSend]: ...
    def aconfirm_contact(self, user_id: str, method: str, code: str) -> Coroutine[Any, Any, Verification]: ...
    def astart_login(self, user_id: str) -> Coroutine[Any, Any, LoginStart]: ...
    def asend_code(self, challenge_id: str, method: str) -> Coroutine[Any, Any, CodeToSend]: ...
    def averify(self, challenge_id: str, method: str, code: str) -> Coroutine[Any, Any, Verification]: ...
    def asend_step_up_code(self, user_id: str, method: str) -> Coroutine[Any, Any, CodeToSend]: ...
    def astep_up(self, user_id: str, method: str, code: str) -> Coroutine[Any, Any, Verification]: ...
    def astatus(self, user_id: str) -> Coroutine[Any, Any, MfaStatus]: ...
    def adisable(self, user_id: str, method: str) -> Coroutine[Any, Any, None]: ...
    def aregenerate_recovery_codes(self, user_id: str) -> Coroutine[Any, Any, list[str]]: ...
    def areveal_totp_uri(self, user_id: str) -> Coroutine[Any, Any, str]: ...
    def aunlock(self, user_id: str) -> Coroutine[Any, Any, None]: ...
    def areset(self, user_id: str) -> Coroutine[Any, Any, None]: ...
    def aaudit(self, user_id: str, limit: int = 50) -> Coroutine[Any, Any, list[AuditEvent]]: ...
