//! HOTP (RFC 4226) and TOTP (RFC 6238): `Totp`, `Hotp` and their parameter records.

use std::fmt;
use std::sync::Arc;

use mfakit_core as mfa;

use crate::error::{guard, signed, unsigned, unsigned32, MfaError};
use crate::secret::Secret;

/// The HMAC hash function (RFC 6238 section 1.2). Only SHA1 is honoured by every
/// authenticator app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, uniffi::Enum)]
pub enum Algorithm {
    /// HMAC-SHA1, the RFC 4226 default.
    #[default]
    Sha1,
    /// HMAC-SHA256.
    Sha256,
    /// HMAC-SHA512.
    Sha512,
}

impl From<Algorithm> for mfa::Algorithm {
    fn from(a: Algorithm) -> Self {
        match a {
            Algorithm::Sha1 => mfa::Algorithm::Sha1,
            Algorithm::Sha256 => mfa::Algorithm::Sha256,
            Algorithm::Sha512 => mfa::Algorithm::Sha512,
        }
    }
}

impl From<mfa::Algorithm> for Algorithm {
    fn from(a: mfa::Algorithm) -> Self {
        match a {
            mfa::Algorithm::Sha1 => Algorithm::Sha1,
            mfa::Algorithm::Sha256 => Algorithm::Sha256,
            mfa::Algorithm::Sha512 => Algorithm::Sha512,
        }
    }
}

/// Parses `SHA1`, `SHA256` or `SHA512` in any case, with or without a hyphen (`sha-256`);
/// anything else is `invalid_parameter`.
#[uniffi::export]
pub fn parse_algorithm(name: String) -> Result<Algorithm, MfaError> {
    guard(|| Ok(name.parse::<mfa::Algorithm>()?.into()))
}

/// The otpauth URI spelling of `algorithm`: `SHA1`, `SHA256` or `SHA512`.
#[uniffi::export]
pub fn algorithm_name(algorithm: Algorithm) -> String {
    mfa::Algorithm::from(algorithm).as_str().to_owned()
}

/// Parameters of a TOTP (RFC 6238 section 4). The defaults are what every authenticator app
/// supports: SHA1, 6 digits, 30 seconds, T0 = 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct TotpParams {
    /// The HMAC algorithm; `null` means the core's default, SHA1. Never `null` when read back
    /// from `Totp.params()`. (A field rather than an enum default because uniffi cannot give
    /// an enum-typed field a default value.)
    #[uniffi(default = None)]
    pub algorithm: Option<Algorithm>,
    /// Number of digits, 6 to 10.
    #[uniffi(default = 6)]
    pub digits: i32,
    /// Time-step length X in seconds, at least 1.
    #[uniffi(default = 30)]
    pub period: i64,
    /// UNIX time T0 at which counting starts.
    #[uniffi(default = 0)]
    pub t0: i64,
}

impl TotpParams {
    fn to_core(self) -> Result<mfa::TotpParams, MfaError> {
        Ok(mfa::TotpParams {
            algorithm: self.algorithm.map(Into::into).unwrap_or_default(),
            digits: unsigned32("digits", self.digits)?,
            period: unsigned("period", self.period)?,
            t0: unsigned("t0", self.t0)?,
        })
    }

    fn from_core(p: mfa::TotpParams) -> Result<TotpParams, MfaError> {
        Ok(TotpParams {
            algorithm: Some(p.algorithm.into()),
            digits: i32::try_from(p.digits).map_err(|_| MfaError::Internal {
                reason: "digits out of range".to_owned(),
            })?,
            period: signed("period", p.period)?,
            t0: signed("t0", p.t0)?,
        })
    }
}

/// Whether a new enrolment must stick to settings every authenticator app honours.
/// Google Authenticator and others ignore `algorithm`, `digits` and `period` in a QR code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, uniffi::Enum)]
pub enum Profile {
    /// SHA1, 6 digits, 30-second period only. The default for new enrolments.
    #[default]
    Compatible,
    /// Anything RFC 6238 allows.
    Any,
}

impl From<Profile> for mfa::Profile {
    fn from(p: Profile) -> Self {
        match p {
            Profile::Compatible => mfa::Profile::Compatible,
            Profile::Any => mfa::Profile::Any,
        }
    }
}

/// How many time steps around the current one a TOTP verification accepts (RFC 6238
/// section 5.2), each side at most 100. The default is one step either side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct Window {
    /// Steps before the current one that are accepted (a slow user).
    #[uniffi(default = 1)]
    pub behind: i32,
    /// Steps after the current one that are accepted (a clock running ahead).
    #[uniffi(default = 1)]
    pub ahead: i32,
}

impl Window {
    fn to_core(self) -> Result<mfa::Window, MfaError> {
        Ok(mfa::Window {
            behind: unsigned32("window", self.behind)?,
            ahead: unsigned32("window", self.ahead)?,
        })
    }
}

/// A successful verification. Persist `step` and pass it back as `afterStep` (TOTP), or store
/// `step + 1` as the next counter (HOTP), so the same code is never accepted twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct OtpMatch {
    /// The matched TOTP time step, or the matched HOTP counter.
    pub step: i64,
    /// `step` minus the expected step: negative for a code from the past, positive for one
    /// from the future.
    pub drift: i64,
}

impl OtpMatch {
    fn from_core(m: Option<mfa::OtpMatch>) -> Result<Option<OtpMatch>, MfaError> {
        m.map(|m| {
            Ok(OtpMatch {
                step: signed("step", m.step)?,
                drift: m.drift,
            })
        })
        .transpose()
    }
}

/// Seconds since the UNIX epoch, from the system clock.
#[uniffi::export]
pub fn unix_now() -> i64 {
    i64::try_from(mfa::unix_now()).unwrap_or(i64::MAX)
}

/// A TOTP generator and verifier (RFC 6238). `toString()` redacts the secret.
#[derive(uniffi::Object)]
#[uniffi::export(Debug)]
pub struct Totp(pub(crate) mfa::Totp);

impl fmt::Debug for Totp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[uniffi::export]
impl Totp {
    /// A TOTP over an existing (imported) secret of any length. Use `newEnrolment` for a new
    /// enrolment. Bad digits or period raise `invalid_parameter`.
    #[uniffi::constructor(default(params))]
    pub fn new(secret: Arc<Secret>, params: TotpParams) -> Result<Arc<Totp>, MfaError> {
        guard(|| {
            Ok(Arc::new(Totp(mfa::Totp::new(
                secret.0.clone(),
                params.to_core()?,
            )?)))
        })
    }

    /// A TOTP for a new enrolment: the secret needs at least 128 bits (`invalid_secret`) and
    /// the parameters must fit `profile` (`null`: `Profile.COMPATIBLE`, else
    /// `incompatible_profile`).
    #[uniffi::constructor(default(params), default(profile = None))]
    pub fn new_enrolment(
        secret: Arc<Secret>,
        params: TotpParams,
        profile: Option<Profile>,
    ) -> Result<Arc<Totp>, MfaError> {
        guard(|| {
            Ok(Arc::new(Totp(mfa::Totp::new_enrolment(
                secret.0.clone(),
                params.to_core()?,
                profile.map(Into::into).unwrap_or_default(),
            )?)))
        })
    }

    /// The secret.
    pub fn secret(&self) -> Arc<Secret> {
        Arc::new(Secret(self.0.secret().clone()))
    }

    /// The parameters.
    pub fn params(&self) -> Result<TotpParams, MfaError> {
        TotpParams::from_core(self.0.params())
    }

    /// The time step containing UNIX time `unix` (RFC 6238 section 4.2).
    pub fn step_at(&self, unix: i64) -> Result<i64, MfaError> {
        guard(|| signed("step", self.0.step_at(unsigned("time", unix)?)?))
    }

    /// Seconds until the code shown at `unix` changes (1 to period).
    pub fn remaining_at(&self, unix: i64) -> Result<i64, MfaError> {
        guard(|| signed("remaining", self.0.remaining_at(unsigned("time", unix)?)?))
    }

    /// The code for time step `step`.
    pub fn generate_step(&self, step: i64) -> Result<String, MfaError> {
        guard(|| Ok(self.0.generate_step(unsigned("step", step)?)))
    }

    /// The code at UNIX time `unix` (RFC 6238 section 4.2).
    pub fn generate_at(&self, unix: i64) -> Result<String, MfaError> {
        guard(|| Ok(self.0.generate_at(unsigned("time", unix)?)?))
    }

    /// The code now.
    pub fn generate_now(&self) -> Result<String, MfaError> {
        guard(|| Ok(self.0.generate_now()?))
    }

    /// Verifies `code` at UNIX time `unix` within `window` (RFC 6238 section 5.2).
    ///
    /// Steps at or before `after_step` are refused: pass the step of the last accepted code so
    /// that it cannot be replayed. Returns the matched step and drift, or `null` for a wrong,
    /// reused or malformed code (a wrong code is an answer, not an error).
    #[uniffi::method(default(after_step = None, window))]
    pub fn verify_at(
        &self,
        code: String,
        unix: i64,
        window: Window,
        after_step: Option<i64>,
    ) -> Result<Option<OtpMatch>, MfaError> {
        guard(|| {
            let after = after_step.map(|s| unsigned("after_step", s)).transpose()?;
            let unix = unsigned("time", unix)?;
            OtpMatch::from_core(self.0.verify_at(&code, unix, window.to_core()?, after)?)
        })
    }

    /// Verifies `code` now; see `verifyAt`.
    #[uniffi::method(default(after_step = None, window))]
    pub fn verify_now(
        &self,
        code: String,
        window: Window,
        after_step: Option<i64>,
    ) -> Result<Option<OtpMatch>, MfaError> {
        guard(|| {
            let after = after_step.map(|s| unsigned("after_step", s)).transpose()?;
            OtpMatch::from_core(self.0.verify_now(&code, window.to_core()?, after)?)
        })
    }
}

/// An HOTP generator and verifier (RFC 4226). `toString()` redacts the secret.
#[derive(uniffi::Object)]
#[uniffi::export(Debug)]
pub struct Hotp(pub(crate) mfa::Hotp);

impl fmt::Debug for Hotp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[uniffi::export]
impl Hotp {
    /// An HOTP with the given number of digits (6 to 10) and algorithm (`null`: SHA1).
    #[uniffi::constructor(default(digits = 6, algorithm = None))]
    pub fn new(
        secret: Arc<Secret>,
        digits: i32,
        algorithm: Option<Algorithm>,
    ) -> Result<Arc<Hotp>, MfaError> {
        guard(|| {
            Ok(Arc::new(Hotp(mfa::Hotp::new(
                secret.0.clone(),
                algorithm.map(Into::into).unwrap_or_default(),
                unsigned32("digits", digits)?,
            )?)))
        })
    }

    /// The secret.
    pub fn secret(&self) -> Arc<Secret> {
        Arc::new(Secret(self.0.secret().clone()))
    }

    /// The HMAC algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.0.algorithm().into()
    }

    /// The number of digits.
    pub fn digits(&self) -> i32 {
        // 6 to 10, checked at construction.
        i32::try_from(self.0.digits()).unwrap_or(i32::MAX)
    }

    /// The code for `counter` (RFC 4226 section 5.3).
    pub fn generate(&self, counter: i64) -> Result<String, MfaError> {
        guard(|| Ok(self.0.generate(unsigned("counter", counter)?)))
    }

    /// Verifies `code` against counters `counter ..= counter + lookAhead` (RFC 4226 section
    /// 7.2; look-ahead at most 1000). On a match, store `step + 1` as the next counter.
    #[uniffi::method(default(look_ahead = 10))]
    pub fn verify(
        &self,
        code: String,
        counter: i64,
        look_ahead: i32,
    ) -> Result<Option<OtpMatch>, MfaError> {
        guard(|| {
            let counter = unsigned("counter", counter)?;
            let look_ahead = unsigned32("look_ahead", look_ahead)?;
            OtpMatch::from_core(self.0.verify(&code, counter, look_ahead)?)
        })
    }

    /// Resynchronises a far-drifted counter (RFC 4226 section 7.4): finds the consecutive codes
    /// `first`, `second` within `counter ..= counter + lookAhead + 1` and returns the counter
    /// to store next, or `null`.
    pub fn resync(
        &self,
        first: String,
        second: String,
        counter: i64,
        look_ahead: i32,
    ) -> Result<Option<i64>, MfaError> {
        guard(|| {
            let counter = unsigned("counter", counter)?;
            let look_ahead = unsigned32("look_ahead", look_ahead)?;
            self.0
                .resync(&first, &second, counter, look_ahead)?
                .map(|next| signed("counter", next))
                .transpose()
        })
    }
}
