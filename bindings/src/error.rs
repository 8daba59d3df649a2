//! The one place where core errors become foreign exceptions (Kotlin `MfaException`,
//! Swift `MfaError`), where panics are caught, and where foreign integers are range-checked.

use std::panic::{catch_unwind, AssertUnwindSafe};

use mfakit_core as mfa;

/// Everything that can go wrong in mfakit, other than a wrong code (which is an answer:
/// verification returns `null`/`nil`). `code()` gives the stable machine-readable code,
/// identical in every mfakit language binding.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum MfaError {
    /// `invalid_secret`: the secret is not valid base32, is empty, or is too short.
    #[error("invalid secret: {reason}")]
    InvalidSecret {
        /// What is wrong, without the secret itself.
        reason: String,
    },
    /// `invalid_parameter`: a parameter (digits, period, algorithm, window, time, ...) is out
    /// of range.
    #[error("invalid parameter `{name}`: {reason}")]
    InvalidParameter {
        /// The parameter's name as the Rust core spells it.
        name: String,
        /// What is wrong with it.
        reason: String,
    },
    /// `incompatible_profile`: valid per RFC 6238, but common authenticator apps would show
    /// wrong codes; use `Profile.ANY` to allow it.
    #[error("not supported by common authenticator apps: {reason}")]
    IncompatibleProfile {
        /// Which setting and why.
        reason: String,
    },
    /// `invalid_uri`: an otpauth:// URI could not be parsed.
    #[error("invalid otpauth URI: {reason}")]
    InvalidUri {
        /// What is wrong with it.
        reason: String,
    },
    /// `invalid_stored_value`: a stored value is malformed, from an unknown version, or
    /// tampered with.
    #[error("invalid stored value: {reason}")]
    InvalidStoredValue {
        /// What is wrong with it.
        reason: String,
    },
    /// `unknown_key`: a sealed secret names a key id the caller did not supply.
    #[error("unknown key id `{key_id}`")]
    UnknownKey {
        /// The key id named by the sealed value.
        key_id: String,
    },
    /// `unseal_failed`: wrong key, wrong associated data, or a tampered sealed secret.
    #[error("sealed secret could not be opened (wrong key, wrong associated data, or tampered)")]
    UnsealFailed,
    /// `rate_limited`: refused by an attempt limiter; retry after `retry_after_secs` seconds.
    #[error("rate limited; retry after {retry_after_secs} s")]
    RateLimited {
        /// Seconds to wait before the next attempt.
        retry_after_secs: u64,
    },
    /// `qr_too_large`: the payload does not fit in a QR code.
    #[error("data too long for a QR code")]
    QrTooLarge,
    /// `not_enrolled`: the user has no such method enrolled (or nothing waiting for
    /// confirmation); offer enrolment or another method.
    #[error("`{method}` is not enrolled for this user")]
    NotEnrolled {
        /// The method: `totp`, `email`, `sms`, `recovery_code`, or `any`.
        method: String,
    },
    /// `step_up_required`: the operation (disabling a method) needs a fresh step-up first.
    #[error("a fresh step-up verification is required")]
    StepUpRequired,
    /// `storage_unavailable`: the store could not be reached or failed; nothing was changed.
    /// Retry later.
    #[error("storage unavailable: {reason}")]
    StorageUnavailable {
        /// What failed, without secrets (no connection passwords).
        reason: String,
    },
    /// `storage_conflict`: too many concurrent writers changed the same user's record; nothing
    /// was changed. Retry.
    #[error("storage conflict: the record changed concurrently too often; retry")]
    StorageConflict,
    /// `internal`: a bug inside mfakit, such as a Rust panic caught at the language boundary.
    #[error("internal error: {reason}")]
    Internal {
        /// A description, without secrets.
        reason: String,
    },
}

#[uniffi::export]
impl MfaError {
    /// The stable machine-readable code (`invalid_secret`, `invalid_parameter`, ...), the same
    /// string as Python's `MfaError.code` and Node's `err.code`.
    pub fn code(&self) -> String {
        match self {
            MfaError::InvalidSecret { .. } => "invalid_secret",
            MfaError::InvalidParameter { .. } => "invalid_parameter",
            MfaError::IncompatibleProfile { .. } => "incompatible_profile",
            MfaError::InvalidUri { .. } => "invalid_uri",
            MfaError::InvalidStoredValue { .. } => "invalid_stored_value",
            MfaError::UnknownKey { .. } => "unknown_key",
            MfaError::UnsealFailed => "unseal_failed",
            MfaError::RateLimited { .. } => "rate_limited",
            MfaError::QrTooLarge => "qr_too_large",
            MfaError::NotEnrolled { .. } => "not_enrolled",
            MfaError::StepUpRequired => "step_up_required",
            MfaError::StorageUnavailable { .. } => "storage_unavailable",
            MfaError::StorageConflict => "storage_conflict",
            MfaError::Internal { .. } => "internal",
        }
        .to_owned()
    }

    /// The human-readable message, as the Rust core words it.
    pub fn describe(&self) -> String {
        self.to_string()
    }
}

impl From<mfa::MfaError> for MfaError {
    fn from(e: mfa::MfaError) -> Self {
        match e {
            mfa::MfaError::InvalidSecret { reason } => MfaError::InvalidSecret { reason },
            mfa::MfaError::InvalidParameter { name, reason } => MfaError::InvalidParameter {
                name: name.to_owned(),
                reason,
            },
            mfa::MfaError::IncompatibleProfile { reason } => {
                MfaError::IncompatibleProfile { reason }
            }
            mfa::MfaError::InvalidUri { reason } => MfaError::InvalidUri { reason },
            mfa::MfaError::InvalidStoredValue { reason } => MfaError::InvalidStoredValue { reason },
            mfa::MfaError::UnknownKey { key_id } => MfaError::UnknownKey { key_id },
            mfa::MfaError::UnsealFailed => MfaError::UnsealFailed,
            mfa::MfaError::RateLimited { retry_after } => MfaError::RateLimited {
                retry_after_secs: retry_after.as_secs(),
            },
            mfa::MfaError::QrTooLarge => MfaError::QrTooLarge,
            mfa::MfaError::NotEnrolled { method } => MfaError::NotEnrolled { method },
            mfa::MfaError::StepUpRequired => MfaError::StepUpRequired,
            mfa::MfaError::Storage { reason } => MfaError::StorageUnavailable { reason },
            mfa::MfaError::Conflict => MfaError::StorageConflict,
            mfa::MfaError::Internal { reason } => MfaError::Internal { reason },
            // The core enum is #[non_exhaustive]; a variant added there without a binding
            // update still surfaces, with its code in the reason.
            other => MfaError::Internal {
                reason: format!("unmapped core error `{}`: {other}", other.code()),
            },
        }
    }
}

/// Every code `MfaException.code()` can return, in the core's order.
#[uniffi::export]
pub fn error_codes() -> Vec<String> {
    mfa::MfaError::ALL_CODES
        .iter()
        .map(|c| (*c).to_owned())
        .collect()
}

/// Runs `f`, turning a Rust panic into [`MfaError::Internal`] so that the caller gets the
/// `internal` code rather than uniffi's untyped `InternalException`.
pub(crate) fn guard<T>(f: impl FnOnce() -> Result<T, MfaError>) -> Result<T, MfaError> {
    // AssertUnwindSafe: the wrapped objects are immutable, or (the keyring, the service's
    // stripe locks) recover from poisoning by design, so a panic cannot leave one of them
    // half-updated for a later call to observe; the service's state lives in the store.
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|payload| {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "non-string payload".to_owned());
        Err(MfaError::Internal {
            reason: format!("Rust panic caught at the language boundary: {what}"),
        })
    })
}

fn out_of_range(name: &str, reason: &str) -> MfaError {
    MfaError::InvalidParameter {
        name: name.to_owned(),
        reason: reason.to_owned(),
    }
}

/// A foreign `Long` that must not be negative (times, counters, steps, periods).
pub(crate) fn unsigned(name: &str, value: i64) -> Result<u64, MfaError> {
    u64::try_from(value).map_err(|_| out_of_range(name, "must not be negative"))
}

/// A foreign `Int` that must not be negative (digits, windows, sizes).
pub(crate) fn unsigned32(name: &str, value: i32) -> Result<u32, MfaError> {
    u32::try_from(value).map_err(|_| out_of_range(name, "must not be negative"))
}

/// A core `u64` (step, counter) handed back as a foreign `Long`.
pub(crate) fn signed(name: &str, value: u64) -> Result<i64, MfaError> {
    i64::try_from(value).map_err(|_| out_of_range(name, "does not fit in a signed 64-bit integer"))
}
