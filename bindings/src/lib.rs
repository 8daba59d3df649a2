//! # mfakit for Kotlin and Swift
//!
//! The uniffi face of `mfakit-core`: one adapter file per core module (`secret`, `otp`, `uri`,
//! `qr`, `error`), each a thin wrapper that converts types, calls the core and maps errors.
//! Every fallible call raises one exception type, `MfaException` in Kotlin and `MfaError` in
//! Swift, whose variants carry the same stable codes as the Python and Node bindings.
//!
//! Times, counters and steps are signed 64-bit integers (Kotlin `Long`, Swift `Int64`) so that
//! Java callers need no unsigned types; negative values are an `invalid_parameter` error.

mod error;
mod otp;
mod qr;
mod secret;
mod uri;

pub use error::{error_codes, MfaError};
pub use otp::{Algorithm, Hotp, OtpMatch, Profile, Totp, TotpParams, Window};
pub use qr::{qr_png, qr_svg, qr_terminal};
pub use secret::Secret;
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
