//! # mfakit for Kotlin and Swift
//!
//! The uniffi face of `mfakit-core`: one adapter file per core module (`secret`, `otp`, `uri`,
//! `qr`, `recovery`, `challenge`, `limiter`, `stepup`, `sealed`, `account`, `error`), each a
//! thin wrapper that converts types, calls the core and maps errors. `account` also wraps
//! `mfakit-store`'s service, which runs the core's account transitions against a store.
//! Every fallible call raises one exception type, `MfaException` in Kotlin and `MfaError` in
//! Swift, whose variants carry the same stable codes as the Python and Node bindings.
//!
//! Times, counters and steps are signed 64-bit integers (Kotlin `Long`, Swift `Int64`) so that
//! Java callers need no unsigned types; negative values are an `invalid_parameter` error.

mod account;
mod challenge;
mod error;
mod jni;
mod limiter;
mod otp;
mod qr;
mod recovery;
mod sealed;
mod secret;
mod stepup;
mod uri;

pub use account::{
    parse_method, AuditEvent, AuditKind, Claims, CodeToSend, LoginStart, Method, Mfa, MfaStatus,
    RecoveryCodes, StoreOptions, TotpSetup, Verdict, Verification,
};
pub use challenge::{
    ChallengeKey, ChallengePolicy, ChallengeVerdict, ChallengeVerification, IssuedChallenge,
    OtpChallenge,
};
pub use error::{error_codes, MfaError};
pub use limiter::{
    AttemptLimiter, AttemptOutcome, AttemptPolicy, AttemptState, Decision, RateLimit, RateLimiter,
    RateOutcome, RateState,
};
pub use otp::{Algorithm, Hotp, OtpMatch, Profile, Totp, TotpParams, Window};
pub use qr::{qr_png, qr_svg, qr_terminal};
pub use recovery::{NewRecoveryCodes, RecoveryCheck, RecoveryCodeSet, RecoveryParams};
pub use sealed::{Keyring, SealingKey};
pub use secret::Secret;
pub use stepup::{
    AuthContext, MfaLevel, OperationClass, RefusalReason, StepUp, StepUpDecision, StepUpPolicy,
    StepUpRefusal,
};
pub use uri::{OtpAuthUri, OtpKind};

uniffi::setup_scaffolding!();

/// The mfakit version this library was built from.
#[uniffi::export]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

/// Test hook, not part of the API: panics inside Rust so that tests can check that the panic
/// reaches the caller as an `internal` error instead of aborting the process.
#[uniffi::export]
pub fn debug_panic_for_tests() -> Result<(), MfaError> {
    error::guard(|| panic!("deliberate panic from debug_panic_for_tests"))
}
