//! Email/SMS one-time-code challenges (HMAC-stored, expiry, attempts, resend cooldown) and
//! contact masking.

use std::fmt;
use std::sync::Arc;

use mfakit_core as mfa;

use crate::error::{guard, signed, unsigned, unsigned32, MfaError};

/// Settings of a challenge. Defaults: 6 digits, valid 300 s, 5 wrong attempts, 60 s between
/// sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct ChallengePolicy {
    /// Number of digits, 4 to 10.
    #[uniffi(default = 6)]
    pub digits: i32,
    /// Seconds a code stays valid.
    #[uniffi(default = 300)]
    pub ttl_secs: i64,
    /// Wrong attempts allowed per challenge.
    #[uniffi(default = 5)]
    pub max_attempts: i32,
    /// Seconds before a new code may be sent.
    #[uniffi(default = 60)]
    pub resend_cooldown_secs: i64,
}

impl ChallengePolicy {
    fn to_core(self) -> Result<mfa::ChallengePolicy, MfaError> {
        Ok(mfa::ChallengePolicy {
            digits: unsigned32("digits", self.digits)?,
            ttl_secs: unsigned("ttl_secs", self.ttl_secs)?,
            max_attempts: unsigned32("max_attempts", self.max_attempts)?,
            resend_cooldown_secs: unsigned("resend_cooldown_secs", self.resend_cooldown_secs)?,
        })
    }
}

/// The core's default challenge policy (what `ChallengePolicy()` also gives).
#[uniffi::export]
pub fn default_challenge_policy() -> Result<ChallengePolicy, MfaError> {
    let p = mfa::ChallengePolicy::default();
    Ok(ChallengePolicy {
        digits: int(p.digits),
        ttl_secs: signed("ttl_secs", p.ttl_secs)?,
        max_attempts: int(p.max_attempts),
        resend_cooldown_secs: signed("resend_cooldown_secs", p.resend_cooldown_secs)?,
    })
}

fn int(v: u32) -> i32 {
    // Digits and attempt counts are small; saturate rather than fail on absurd stored values.
    i32::try_from(v).unwrap_or(i32::MAX)
}

/// The application's HMAC key for challenges (16 to 1024 bytes; 32 recommended). Wiped when
/// freed; `toString()` prints `ChallengeKey(<redacted>)`. Keep it in a secret store:
/// `exposeBytes()` gives the bytes to put there, `fromBytes(stored)` loads them again.
#[derive(uniffi::Object)]
#[uniffi::export(Debug)]
pub struct ChallengeKey(pub(crate) mfa::ChallengeKey);

impl fmt::Debug for ChallengeKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[uniffi::export]
impl ChallengeKey {
    /// A key from raw bytes (16 to 1024).
    #[uniffi::constructor]
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Arc<ChallengeKey>, MfaError> {
        guard(|| {
            Ok(Arc::new(ChallengeKey(mfa::ChallengeKey::from_bytes(
                &bytes,
            )?)))
        })
    }

    /// A new random 256-bit key from the OS CSPRNG (`internal` only if the OS has no
    /// randomness). Store `exposeBytes()` before issuing challenges: a key that only lives in
    /// memory cannot verify them after a restart.
    #[uniffi::constructor]
    pub fn generate() -> Result<Arc<ChallengeKey>, MfaError> {
        guard(|| Ok(Arc::new(ChallengeKey(mfa::ChallengeKey::generate()))))
    }

    /// The raw key bytes, to put in the application's secret store and load again with
    /// `fromBytes(stored)`. Store this as a secret: with it, anyone holding a stored challenge
    /// can test every code offline. The key inside mfakit is wiped when freed; the returned
    /// array is a copy, so `fill(0)` it once stored.
    pub fn expose_bytes(&self) -> Vec<u8> {
        self.0.expose_bytes().to_vec()
    }
}

/// What a challenge verification found; `code()` is the stable machine code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ChallengeVerdict {
    /// The code is right; the challenge is now used.
    Accepted,
    /// The code is wrong; `attemptsLeft` more tries remain (0: the next one is refused).
    Wrong {
        /// Tries left on this challenge.
        attempts_left: i32,
    },
    /// The challenge is past its expiry; nothing was compared.
    Expired,
    /// No attempts are left; nothing was compared.
    Exhausted,
    /// The challenge was already accepted once; nothing was compared.
    Used,
}

impl From<mfa::ChallengeVerdict> for ChallengeVerdict {
    fn from(v: mfa::ChallengeVerdict) -> Self {
        match v {
            mfa::ChallengeVerdict::Accepted => ChallengeVerdict::Accepted,
            mfa::ChallengeVerdict::Wrong { attempts_left } => ChallengeVerdict::Wrong {
                attempts_left: int(attempts_left),
            },
            mfa::ChallengeVerdict::Expired => ChallengeVerdict::Expired,
            mfa::ChallengeVerdict::Exhausted => ChallengeVerdict::Exhausted,
            mfa::ChallengeVerdict::Used => ChallengeVerdict::Used,
        }
    }
}

impl ChallengeVerdict {
    fn to_core(self) -> mfa::ChallengeVerdict {
        match self {
            ChallengeVerdict::Accepted => mfa::ChallengeVerdict::Accepted,
            ChallengeVerdict::Wrong { attempts_left } => mfa::ChallengeVerdict::Wrong {
                attempts_left: u32::try_from(attempts_left).unwrap_or(0),
            },
            ChallengeVerdict::Expired => mfa::ChallengeVerdict::Expired,
            ChallengeVerdict::Exhausted => mfa::ChallengeVerdict::Exhausted,
            ChallengeVerdict::Used => mfa::ChallengeVerdict::Used,
        }
    }
}

#[uniffi::export]
impl ChallengeVerdict {
    /// `accepted`, `wrong`, `expired`, `exhausted` or `used`.
    pub fn code(&self) -> String {
        self.to_core().code().to_owned()
    }

    /// Whether the code was accepted.
    pub fn is_accepted(&self) -> bool {
        self.to_core().is_accepted()
    }
}

/// The stored state of an email or SMS challenge. Holds a keyed hash of the code, never the
/// code itself; persist `toStored()`.
#[derive(uniffi::Object)]
#[uniffi::export(Debug)]
pub struct OtpChallenge(mfa::OtpChallenge);

impl fmt::Debug for OtpChallenge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The verdict and the challenge to persist (always persist it: attempts are counted).
#[derive(uniffi::Record)]
pub struct ChallengeVerification {
    /// What the verification found.
    pub verdict: ChallengeVerdict,
    /// The updated challenge.
    pub challenge: Arc<OtpChallenge>,
}

/// A new (or re-sent) challenge: the state to persist and the code to deliver.
/// `toString()` redacts the code.
#[derive(uniffi::Object)]
#[uniffi::export(Debug)]
pub struct IssuedChallenge(mfa::IssuedChallenge);

impl fmt::Debug for IssuedChallenge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[uniffi::export]
impl IssuedChallenge {
    /// Starts a challenge at `now`, drawing a code uniformly from the OS CSPRNG.
    #[uniffi::constructor(default(policy))]
    pub fn issue(
        key: Arc<ChallengeKey>,
        now: i64,
        policy: ChallengePolicy,
    ) -> Result<Arc<IssuedChallenge>, MfaError> {
        guard(|| {
            let now = unsigned("now", now)?;
            Ok(Arc::new(IssuedChallenge(mfa::OtpChallenge::issue(
                &key.0,
                &policy.to_core()?,
                now,
            )?)))
        })
    }

    /// The state to persist; it holds no code.
    pub fn challenge(&self) -> Arc<OtpChallenge> {
        Arc::new(OtpChallenge(self.0.challenge.clone()))
    }

    /// The code to send by email or SMS. Never store or log it.
    pub fn code(&self) -> String {
        self.0.code.as_str().to_owned()
    }
}

#[uniffi::export]
impl OtpChallenge {
    /// Parses `toStored()`'s output; anything else is `invalid_stored_value`.
    #[uniffi::constructor]
    pub fn from_stored(stored: String) -> Result<Arc<OtpChallenge>, MfaError> {
        guard(|| {
            Ok(Arc::new(OtpChallenge(mfa::OtpChallenge::from_stored(
                &stored,
            )?)))
        })
    }

    /// Checks `input` at `now`. Spaces and hyphens are ignored; anything that is not the right
    /// number of digits is a wrong attempt. A wrong code is a verdict, not an error.
    pub fn verify(
        &self,
        key: Arc<ChallengeKey>,
        input: String,
        now: i64,
    ) -> Result<ChallengeVerification, MfaError> {
        guard(|| {
            let v = self.0.verify(&key.0, &input, unsigned("now", now)?);
            Ok(ChallengeVerification {
                verdict: v.verdict.into(),
                challenge: Arc::new(OtpChallenge(v.challenge)),
            })
        })
    }

    /// Seconds until a new code may be sent (0: now).
    pub fn resend_available_in(&self, now: i64) -> Result<i64, MfaError> {
        guard(|| signed("seconds", self.0.resend_available_in(unsigned("now", now)?)))
    }

    /// Draws a new code for the same challenge at `now` and restarts the expiry; attempts carry
    /// over. `rate_limited` within the cooldown; `invalid_parameter` when the challenge is used
    /// or exhausted (start a new one).
    pub fn resend(
        &self,
        key: Arc<ChallengeKey>,
        now: i64,
    ) -> Result<Arc<IssuedChallenge>, MfaError> {
        guard(|| {
            Ok(Arc::new(IssuedChallenge(
                self.0.resend(&key.0, unsigned("now", now)?)?,
            )))
        })
    }

    /// The versioned text form `mfakit:challenge:v2:...`, to persist.
    pub fn to_stored(&self) -> String {
        self.0.to_stored()
    }

    /// The challenge's random public id.
    pub fn id(&self) -> String {
        self.0.id.clone()
    }

    /// UNIX time from which the code no longer works.
    pub fn expires_at(&self) -> Result<i64, MfaError> {
        signed("expires_at", self.0.expires_at)
    }

    /// Wrong attempts still allowed.
    pub fn attempts_left(&self) -> i32 {
        int(self.0.attempts_left)
    }

    /// Whether the code was accepted already.
    pub fn used(&self) -> bool {
        self.0.used
    }
}

/// Masks an email address for display: `jane.doe@example.com` → `j***@example.com`.
/// A malformed address is `invalid_parameter`.
#[uniffi::export]
pub fn mask_email(email: String) -> Result<String, MfaError> {
    guard(|| Ok(mfa::mask_email(&email)?))
}

/// Masks an E.164 phone number showing the last `visible` digits (2 to 4):
/// `+447911123467` → `+**********67`. A malformed number is `invalid_parameter`.
#[uniffi::export(default(visible = 2))]
pub fn mask_phone(phone: String, visible: i32) -> Result<String, MfaError> {
    guard(|| {
        Ok(mfa::mask_phone_showing(
            &phone,
            unsigned32("visible", visible)?,
        )?)
    })
}
