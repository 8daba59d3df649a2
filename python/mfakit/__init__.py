"""Multi-factor authentication from one Rust core.

TOTP/HOTP (RFC 6238 / RFC 4226) with replay protection, otpauth:// URIs and QR codes,
recovery codes (argon2id), email/SMS challenges, attempt and rate limiting with the
brute-force bound, step-up decisions and sealed secrets.
The classes are the native ones from ``mfakit._native`` (no Python wrapper on the hot path);
their documentation is in ``_native.pyi`` and on each object's ``__doc__``.

    >>> import mfakit
    >>> totp = mfakit.Totp.enroll(issuer="Example", account="alice@example.com")
    >>> match = totp.verify(totp.now())
    >>> match is not None
    True

Errors derive from :class:`MfaError`, whose ``code`` is stable across languages; a wrong code
is never an exception (verification returns ``None``).
"""

from enum import Enum
from importlib.metadata import PackageNotFoundError, version

from ._native import (
    MAX_DIGITS,
    MIN_DIGITS,
    AttemptLimiter,
    AttemptOutcome,
    AttemptPolicy,
    AttemptState,
    AuditEvent,
    AuthContext,
    ChallengeKey,
    ChallengeVerification,
    CodeToSend,
    Decision,
    Hotp,
    IncompatibleProfileError,
    InternalError,
    InvalidParameterError,
    InvalidSecretError,
    InvalidStoredValueError,
    InvalidUriError,
    IssuedChallenge,
    Keyring,
    LoginStart,
    Mfa,
    MfaError,
    MfaStatus,
    NewRecoveryCodes,
    NotEnrolledError,
    OtpAuthUri,
    OtpChallenge,
    OtpMatch,
    QrTooLargeError,
    RateLimitedError,
    RateLimiter,
    RateOutcome,
    RateState,
    RecoveryCheck,
    RecoveryCodeSet,
    SealingKey,
    StepUp,
    StepUpDecision,
    StepUpPolicy,
    StepUpRequiredError,
    StorageConflictError,
    StorageUnavailableError,
    Totp,
    TotpSetup,
    UnknownKeyError,
    UnsealFailedError,
    Verification,
    attacker_success_probability,
    decode_secret,
    encode_secret,
    mask_email,
    mask_phone,
    max_attacker_guesses,
    normalize_recovery_code,
    qr_png,
    qr_svg,
    qr_terminal,
    random_secret,
    sealed_key_id,
)


class Algorithm(str, Enum):
    """HMAC algorithms (RFC 6238 section 1.2). Members are strings, so ``"SHA256"`` and
    ``Algorithm.SHA256`` are interchangeable wherever an algorithm is expected."""

    SHA1 = "SHA1"
    SHA256 = "SHA256"
    SHA512 = "SHA512"


class Profile(str, Enum):
    """Enrolment profiles for :meth:`Totp.enroll`. ``COMPATIBLE`` (the default) allows only
    settings every authenticator app honours: SHA1, 6 digits, 30 seconds."""

    COMPATIBLE = "compatible"
    ANY = "any"


try:
    __version__ = version("mfakit")
except PackageNotFoundError:  # pragma: no cover - only when run from a source tree
    __version__ = "0.0.0"

__all__ = [
    "MAX_DIGITS",
    "MIN_DIGITS",
    "Algorithm",
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
    "Mfa",
    "MfaError",
    "MfaStatus",
    "NewRecoveryCodes",
    "NotEnrolledError",
    "OtpAuthUri",
    "OtpChallenge",
    "OtpMatch",
    "Profile",
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
    "__version__",
]
