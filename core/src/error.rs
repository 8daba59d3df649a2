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
        "internal",
    ];

    pub(crate) fn param(name: &'static str, reason: impl Into<String>) -> Self {
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

    pub(crate) fn stored(reason: impl Into<String>) -> Self {
        MfaError::InvalidStoredValue {
            reason: reason.into(),
        }
    }
}

/// Result alias used across mfakit.
pub type Result<T, E = MfaError> = std::result::Result<T, E>;
