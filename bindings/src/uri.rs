//! otpauth:// Key URIs, both ways. An object rather than a record so that the secret stays in
//! Rust and `toString()` can redact it.

use std::fmt;
use std::sync::Arc;

use mfakit_core as mfa;

use crate::error::{guard, signed, unsigned, unsigned32, MfaError};
use crate::otp::{Algorithm, Hotp, Totp};
use crate::secret::Secret;

/// Whether a URI describes a time-based or a counter-based code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum OtpKind {
    /// `otpauth://totp/...` (RFC 6238), with its period in seconds.
    Totp {
        /// Time-step length in seconds.
        period: i64,
    },
    /// `otpauth://hotp/...` (RFC 4226), with the counter the authenticator starts from.
    Hotp {
        /// The initial counter.
        counter: i64,
    },
}

/// A parsed or to-be-built otpauth:// URI (the Key URI format authenticator apps read).
/// `toString()` redacts the secret; `toUri()` is the text to put in a QR code.
#[derive(uniffi::Object)]
#[uniffi::export(Debug)]
pub struct OtpAuthUri(mfa::OtpAuthUri);

impl fmt::Debug for OtpAuthUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[uniffi::export]
impl OtpAuthUri {
    /// A URI from its fields (`algorithm` `null`: SHA1). Nothing is checked until `toUri()`
    /// (`invalid_parameter` for an empty or blank account, an empty or blank issuer — pass
    /// `null` for none — or an issuer with `:`) or `totp()` / `hotp()`.
    #[uniffi::constructor(default(issuer = None, digits = 6, algorithm = None))]
    pub fn new(
        kind: OtpKind,
        secret: Arc<Secret>,
        account: String,
        issuer: Option<String>,
        digits: i32,
        algorithm: Option<Algorithm>,
    ) -> Result<Arc<OtpAuthUri>, MfaError> {
        guard(|| {
            let kind = match kind {
                OtpKind::Totp { period } => mfa::OtpKind::Totp {
                    period: unsigned("period", period)?,
                },
                OtpKind::Hotp { counter } => mfa::OtpKind::Hotp {
                    counter: unsigned("counter", counter)?,
                },
            };
            Ok(Arc::new(OtpAuthUri(mfa::OtpAuthUri {
                kind,
                secret: secret.0.clone(),
                issuer,
                account,
                algorithm: algorithm.map(Into::into).unwrap_or_default(),
                digits: unsigned32("digits", digits)?,
            })))
        })
    }

    /// Parses an otpauth:// URI (at most 4096 bytes); anything malformed is `invalid_uri`,
    /// a bad secret `invalid_secret`. An empty account is accepted (see `account()`), so that
    /// importing another generator's URI keeps its working secret.
    #[uniffi::constructor]
    pub fn parse(uri: String) -> Result<Arc<OtpAuthUri>, MfaError> {
        guard(|| Ok(Arc::new(OtpAuthUri(mfa::OtpAuthUri::parse(&uri)?))))
    }

    /// The URI for enrolling `totp`, labelled `issuer:account`; `invalid_parameter` for a
    /// non-zero T0, which the URI format cannot express, for an empty or blank account, and
    /// for an empty or blank issuer (pass `null` for none) or one with `:`.
    #[uniffi::constructor(default(issuer = None))]
    pub fn for_totp(
        totp: Arc<Totp>,
        account: String,
        issuer: Option<String>,
    ) -> Result<Arc<OtpAuthUri>, MfaError> {
        guard(|| {
            Ok(Arc::new(OtpAuthUri(mfa::OtpAuthUri::for_totp(
                &totp.0,
                issuer.as_deref(),
                &account,
            )?)))
        })
    }

    /// The URI for enrolling `hotp`, starting at `counter`, labelled `issuer:account`;
    /// `invalid_parameter` for an empty or blank account, and for an empty or blank issuer
    /// (pass `null` for none) or one with `:`.
    #[uniffi::constructor(default(issuer = None))]
    pub fn for_hotp(
        hotp: Arc<Hotp>,
        counter: i64,
        account: String,
        issuer: Option<String>,
    ) -> Result<Arc<OtpAuthUri>, MfaError> {
        guard(|| {
            Ok(Arc::new(OtpAuthUri(mfa::OtpAuthUri::for_hotp(
                &hotp.0,
                unsigned("counter", counter)?,
                issuer.as_deref(),
                &account,
            )?)))
        })
    }

    /// The URI text; parameters at their defaults are left out, spaces are `%20`.
    pub fn to_uri(&self) -> Result<String, MfaError> {
        guard(|| Ok(self.0.to_uri()?))
    }

    /// TOTP with its period, or HOTP with its counter.
    pub fn kind(&self) -> Result<OtpKind, MfaError> {
        Ok(match self.0.kind {
            mfa::OtpKind::Totp { period } => OtpKind::Totp {
                period: signed("period", period)?,
            },
            mfa::OtpKind::Hotp { counter } => OtpKind::Hotp {
                counter: signed("counter", counter)?,
            },
        })
    }

    /// The shared secret.
    pub fn secret(&self) -> Arc<Secret> {
        Arc::new(Secret(self.0.secret.clone()))
    }

    /// The issuer (service name), if any.
    pub fn issuer(&self) -> Option<String> {
        self.0.issuer.clone()
    }

    /// The account name; empty only for a parsed URI that had none (`toUri()` then refuses it).
    pub fn account(&self) -> String {
        self.0.account.clone()
    }

    /// The HMAC algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.0.algorithm.into()
    }

    /// The number of digits.
    pub fn digits(&self) -> i32 {
        // 6 to 10 for parsed URIs; a built one holds what the caller gave as an Int.
        i32::try_from(self.0.digits).unwrap_or(i32::MAX)
    }

    /// The TOTP this URI describes (`invalid_uri` for an HOTP URI).
    pub fn totp(&self) -> Result<Arc<Totp>, MfaError> {
        guard(|| Ok(Arc::new(Totp(self.0.totp()?))))
    }

    /// The HOTP this URI describes (`invalid_uri` for a TOTP URI); its initial counter is in
    /// `kind()`.
    pub fn hotp(&self) -> Result<Arc<Hotp>, MfaError> {
        guard(|| Ok(Arc::new(Hotp(self.0.hotp()?.0))))
    }
}
