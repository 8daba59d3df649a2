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
//! - [`qr`]: QR codes as SVG, PNG and terminal text.
//!
//! A wrong code is an answer (`Ok(None)`), never an error; [`MfaError`] is for malformed
//! configuration and stored values, each variant with a stable [`MfaError::code`].
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod challenge;
mod error;
pub mod limiter;
mod otp;
pub mod qr;
pub mod recovery;
pub mod sealed;
mod secret;
mod uri;

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
    unix_now, Algorithm, Hotp, OtpMatch, Profile, Totp, TotpParams, Window, MAX_DIGITS, MIN_DIGITS,
};
pub use recovery::{
    normalize_recovery_code, NewRecoveryCodes, RecoveryCheck, RecoveryCode, RecoveryCodeSet,
    RecoveryParams,
};
pub use sealed::{Keyring, SealingKey};
pub use secret::Secret;
pub use uri::{OtpAuthUri, OtpKind, MAX_URI_LEN};
