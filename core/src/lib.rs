//! # mfakit-core
//!
//! Multi-factor authentication logic shared by every mfakit binding (Python, Node, Kotlin,
//! Swift) and the `mfakit` CLI:
//!
//! - [`Secret`]: CSPRNG secrets, tolerant base32, zeroized and redacted;
//! - [`Hotp`] (RFC 4226) and [`Totp`] (RFC 6238): generation, verification with asymmetric
//!   windows, replay refusal through `after_step`, HOTP look-ahead and resynchronisation;
//! - [`OtpAuthUri`]: the otpauth:// Key URI format, both ways;
//! - [`Profile`]: the authenticator-compatibility profile for new enrolments;
//! - [`qr`]: QR codes as SVG, PNG and terminal text;
//! - [`RecoveryCodeSet`]: recovery codes, one argon2id evaluation per check ([`recovery`]);
//! - [`OtpChallenge`]: email/SMS one-time codes, plus [`mask_email`] and [`mask_phone`];
//! - [`AttemptLimiter`], [`RateLimiter`] and [`attacker_success_probability`] ([`limiter`]);
//! - [`StepUp`]: MFA levels, freshness per operation class, RFC 8176 `amr` ([`stepup`]);
//! - [`Keyring`]: AES-256-GCM sealed secrets with key ids and rotation ([`sealed`]);
//! - [`MfaRecord`]: one user's MFA state and the pure transitions of the stateful service
//!   ([`account`]); the `mfakit-store` crate persists it atomically.
//!
//! A wrong code is an answer (`Ok(None)`), never an error; [`MfaError`] is for malformed
//! configuration and stored values, each variant with a stable [`MfaError::code`].
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod account;
pub mod challenge;
mod error;
pub mod limiter;
mod otp;
pub mod qr;
pub mod recovery;
pub mod sealed;
mod secret;
pub mod stepup;
mod uri;

pub use account::{
    AuditEvent, AuditKind, Claims, CodeToSend, LoginStart, Method, MfaContext, MfaRecord,
    MfaStatus, ServicePolicy, TotpSetup, Transition, Verdict, Verification,
};
pub use challenge::{
    mask_email, mask_phone, mask_phone_showing, ChallengeCode, ChallengeKey, ChallengePolicy,
    ChallengeVerdict, ChallengeVerification, IssuedChallenge, OtpChallenge,
};
pub use error::{MfaError, Result};
pub use limiter::{
    attacker_success_probability, max_attacker_guesses, AttemptLimiter, AttemptOutcome,
    AttemptPolicy, AttemptState, Decision, RateLimit, RateLimiter, RateOutcome, RateState,
};
pub use otp::{
    unix_now, Algorithm, Hotp, OtpMatch, Profile, Totp, TotpParams, Window, MAX_CODE_INPUT_LEN,
    MAX_DIGITS, MIN_DIGITS,
};
pub use recovery::{
    normalize_recovery_code, NewRecoveryCodes, RecoveryCheck, RecoveryCode, RecoveryCodeSet,
    RecoveryParams,
};
pub use sealed::{Keyring, SealingKey};
pub use secret::Secret;
pub use stepup::{
    AuthContext, MfaLevel, OperationClass, RefusalReason, StepUp, StepUpDecision, StepUpPolicy,
    StepUpRefusal,
};
pub use uri::{OtpAuthUri, OtpKind, MAX_URI_LEN};
