//! The one error type of mfakit.
//!
//! Every variant is something a caller can act on, and carries a stable machine code
//! ([`MfaError::code`]) that the Python, Node and Kotlin bindings expose unchanged.
//! Messages never contain a secret, a code or a hash.

use std::time::Duration;

/// Everything that can go wrong in mfakit, other than a wrong code (which is an answer, not an
/// error: verification returns `None` or a verdict).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MfaError {
    /// The secret is not valid base32, is empty, or is too short for the operation.
    #[error("invalid secret: {reason}")]
    InvalidSecret {
        /// What is wrong, without the secret itself.
        reason: String,
    },
    /// A configuration parameter (digits, period, algorithm, window, policy, ...) is out of range.
    #[error("invalid parameter `{name}`: {reason}")]
    InvalidParameter {
        /// The parameter's name as the caller spells it.
        name: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// The settings work per RFC 6238 but popular authenticator apps would show wrong codes.
    /// Opt out of the compatibility profile explicitly to allow them.
    #[error("not supported by common authenticator apps: {reason}")]
    IncompatibleProfile {
        /// Which setting and why.
        reason: String,
    },
    /// An otpauth:// URI could not be parsed.
    #[error("invalid otpauth URI: {reason}")]
    InvalidUri {
        /// What is wrong with it.
        reason: String,
    },
    /// A stored value (recovery-code set, challenge, limiter state, sealed secret) is malformed,
    /// from an unknown version, or was tampered with in a detectable way.
    #[error("invalid stored value: {reason}")]
    InvalidStoredValue {
        /// What is wrong with it.
        reason: String,
    },
    /// A sealed secret names a key id the caller did not supply.
    #[error("unknown key id `{key_id}`")]
    UnknownKey {
        /// The key id named by the sealed value.
        key_id: String,
    },
    /// A sealed secret failed authentication: wrong key, wrong associated data, or tampered.
    #[error("sealed secret could not be opened (wrong key, wrong associated data, or tampered)")]
    UnsealFailed,
    /// The operation is refused by an attempt limiter; try again after `retry_after`.
    #[error("rate limited; retry after {} s", retry_after.as_secs())]
    RateLimited {
        /// How long the caller must wait.
        retry_after: Duration,
    },
    /// The payload is too large to fit in a QR code.
    #[error("data too long for a QR code")]
    QrTooLarge,
    /// The user has no such method enrolled (or no enrolment waiting for confirmation), so the
    /// operation has nothing to act on. Offer enrolment, or another method.
    #[error("`{method}` is not enrolled for this user")]
    NotEnrolled {
        /// The method: `totp`, `email`, `sms` or `recovery_code`.
        method: String,
    },
    /// The operation needs a fresh step-up verification first (for example disabling a
    /// method). Ask for a code with the service's step-up, then retry.
    #[error("a fresh step-up verification is required")]
    StepUpRequired,
    /// The store could not be reached or answered with an error; nothing was changed by this
    /// call. Retry later.
    #[error("storage unavailable: {reason}")]
    Storage {
        /// What failed, without secrets (no connection passwords).
        reason: String,
    },
    /// Too many concurrent writers changed the same user's record; this call gave up after a
    /// bounded number of retries and changed nothing. Retry.
    #[error("storage conflict: the record changed concurrently too often; retry")]
    Conflict,
    /// A bug inside mfakit (for example a panic caught at a language boundary).
    #[error("internal error: {reason}")]
    Internal {
        /// A description, without secrets.
        reason: String,
    },
}

impl MfaError {
    /// The stable machine-readable code, identical in every language binding.
    pub fn code(&self) -> &'static str {
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
            MfaError::Storage { .. } => "storage_unavailable",
            MfaError::Conflict => "storage_conflict",
            MfaError::Internal { .. } => "internal",
        }
    }

    /// Every code [`MfaError::code`] can return, for bindings that build one class per code.
    pub const ALL_CODES: &'static [&'static str] = &[
        "invalid_secret",
        "invalid_parameter",
        "incompatible_profile",
        "invalid_uri",
        "invalid_stored_value",
        "unknown_key",
        "unseal_failed",
        "rate_limited",
        "qr_too_large",
        "not_enrolled",
        "step_up_required",
        "storage_unavailable",
        "storage_conflict",
        "internal",
    ];

    /// An [`MfaError::InvalidParameter`] named `name`.
    pub fn param(name: &'static str, reason: impl Into<String>) -> Self {
        MfaError::InvalidParameter {
            name,
            reason: reason.into(),
        }
    }

    pub(crate) fn uri(reason: impl Into<String>) -> Self {
        MfaError::InvalidUri {
            reason: reason.into(),
        }
    }

    pub(crate) fn secret(reason: impl Into<String>) -> Self {
        MfaError::InvalidSecret {
            reason: reason.into(),
        }
    }

    /// A storage failure; `reason` must not contain secrets.
    pub fn storage(reason: impl Into<String>) -> Self {
        MfaError::Storage {
            reason: reason.into(),
        }
    }

    /// An [`MfaError::InvalidStoredValue`].
    pub fn stored(reason: impl Into<String>) -> Self {
        MfaError::InvalidStoredValue {
            reason: reason.into(),
        }
    }
}

/// Result alias used across mfakit.
pub type Result<T, E = MfaError> = std::result::Result<T, E>;
