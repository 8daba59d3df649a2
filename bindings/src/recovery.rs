//! Recovery (backup) codes: one argon2id evaluation per check.

use std::fmt;
use std::sync::Arc;

use mfakit_core as mfa;

use crate::error::{guard, unsigned32, MfaError};

/// argon2id cost parameters for recovery codes (RFC 9106 section 3.1). The defaults are
/// OWASP's: 19456 KiB, 2 passes, 1 lane.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct RecoveryParams {
    /// Memory in KiB, from 8·pCost to 1048576.
    #[uniffi(default = 19456)]
    pub m_cost_kib: i32,
    /// Passes, 1 to 16.
    #[uniffi(default = 2)]
    pub t_cost: i32,
    /// Lanes, 1 to 16.
    #[uniffi(default = 1)]
    pub p_cost: i32,
}

impl RecoveryParams {
    fn to_core(self) -> Result<mfa::RecoveryParams, MfaError> {
        Ok(mfa::RecoveryParams {
            m_cost_kib: unsigned32("m_cost_kib", self.m_cost_kib)?,
            t_cost: unsigned32("t_cost", self.t_cost)?,
            p_cost: unsigned32("p_cost", self.p_cost)?,
        })
    }

    fn from_core(p: mfa::RecoveryParams) -> RecoveryParams {
        // Validated ranges (at most 2^20) fit in an i32.
        let int = |v: u32| i32::try_from(v).unwrap_or(i32::MAX);
        RecoveryParams {
            m_cost_kib: int(p.m_cost_kib),
            t_cost: int(p.t_cost),
            p_cost: int(p.p_cost),
        }
    }
}

/// The core's default recovery-code parameters (what `RecoveryParams()` also gives).
#[uniffi::export]
pub fn default_recovery_params() -> RecoveryParams {
    RecoveryParams::from_core(mfa::RecoveryParams::default())
}

/// Normalises what a user typed into the 12-character compact code, or `null` when it cannot
/// be a code: lower-cases, drops spaces and hyphens, maps `o` to `0` and `i`, `l` to `1`.
#[uniffi::export]
pub fn normalize_recovery_code(input: String) -> Option<String> {
    mfa::normalize_recovery_code(&input).map(|c| c.to_string())
}

/// A stored set of recovery codes: argon2id parameters and one salted hash per unused code.
/// Holds no code; `toStored()` is the one-line form to persist.
#[derive(uniffi::Object)]
#[uniffi::export(Debug)]
pub struct RecoveryCodeSet(mfa::RecoveryCodeSet);

impl fmt::Debug for RecoveryCodeSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The result of `RecoveryCodeSet.check`: whether the code was accepted, how many are left,
/// and the set to persist (without the used code when accepted).
#[derive(uniffi::Record)]
pub struct RecoveryCheck {
    /// Whether the code was one of the set's unused codes.
    pub accepted: bool,
    /// Codes left after this check.
    pub remaining: i32,
    /// The set to persist.
    pub set: Arc<RecoveryCodeSet>,
}

fn count(n: usize) -> i32 {
    // At most 32 codes per set.
    i32::try_from(n).unwrap_or(i32::MAX)
}

#[uniffi::export]
impl RecoveryCodeSet {
    /// Parses a stored set (`mfakit:recovery:v1:argon2id:...`); anything malformed is
    /// `invalid_stored_value`.
    #[uniffi::constructor]
    pub fn from_stored(stored: String) -> Result<Arc<RecoveryCodeSet>, MfaError> {
        guard(|| {
            Ok(Arc::new(RecoveryCodeSet(
                mfa::RecoveryCodeSet::from_stored(&stored)?,
            )))
        })
    }

    /// Checks what a user typed: exactly one argon2id evaluation for anything that could be a
    /// code, whatever the size of the set. A wrong code is `accepted = false`, not an error.
    pub fn check(&self, input: String) -> Result<RecoveryCheck, MfaError> {
        guard(|| {
            let c = self.0.check(&input)?;
            Ok(RecoveryCheck {
                accepted: c.accepted,
                remaining: count(c.remaining),
                set: Arc::new(RecoveryCodeSet(c.set)),
            })
        })
    }

    /// Codes not yet used.
    pub fn remaining(&self) -> i32 {
        count(self.0.remaining())
    }

    /// The argon2id parameters of this set.
    pub fn params(&self) -> RecoveryParams {
        RecoveryParams::from_core(self.0.params())
    }

    /// The one-line stored form.
    pub fn to_stored(&self) -> String {
        self.0.to_stored()
    }
}

/// A freshly generated set: the codes to show the user once (`xxxx-xxxx-xxxx`), and the set to
/// persist. `toString()` redacts the codes.
#[derive(uniffi::Object)]
#[uniffi::export(Debug)]
pub struct NewRecoveryCodes(mfa::NewRecoveryCodes);

impl fmt::Debug for NewRecoveryCodes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[uniffi::export]
impl NewRecoveryCodes {
    /// Generates `count` (1 to 32) codes from the OS CSPRNG, hashed with `params`; costs
    /// `count` argon2id evaluations. Persisting the new set replaces the old one.
    #[uniffi::constructor(default(count = 10), default(params))]
    pub fn generate(count: i32, params: RecoveryParams) -> Result<Arc<NewRecoveryCodes>, MfaError> {
        guard(|| {
            let count = unsigned32("count", count)? as usize;
            Ok(Arc::new(NewRecoveryCodes(mfa::RecoveryCodeSet::generate(
                count,
                params.to_core()?,
            )?)))
        })
    }

    /// The codes, grouped for display. Show them once; never store or log them.
    pub fn codes(&self) -> Vec<String> {
        self.0.codes.iter().map(|c| c.as_str().to_owned()).collect()
    }

    /// The hashed set to persist.
    pub fn set(&self) -> Arc<RecoveryCodeSet> {
        Arc::new(RecoveryCodeSet(self.0.set.clone()))
    }
}
