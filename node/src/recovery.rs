//! JavaScript face of `core/src/recovery.rs`: recovery codes. Every argon2id evaluation has
//! a promise form (`...Async`) that runs on the libuv thread pool, so the event loop never
//! waits for it.

use mfakit_core::{self as mfa, RecoveryParams};
use napi::bindgen_prelude::{AsyncTask, Unknown};
use napi::Env;
use napi_derive::napi;

use crate::convert::{opt_uint32, options, string};
use crate::error::{guard, Work};

/// argon2id cost parameters (RFC 9106 section 3.1); each defaults to mfakit's
/// (m = 19456 KiB, t = 2, p = 1, OWASP's recommendation).
#[napi(object)]
pub struct RecoveryParamsOptions {
    /// Memory in KiB.
    pub m_cost_kib: Option<f64>,
    /// Passes.
    pub t_cost: Option<f64>,
    /// Lanes.
    pub p_cost: Option<f64>,
}

fn params(value: Option<Unknown<'_>>) -> mfa::Result<RecoveryParams> {
    let d = RecoveryParams::default();
    let Some(o) = options::<RecoveryParamsOptions>(value, "params")? else {
        return Ok(d);
    };
    Ok(RecoveryParams {
        m_cost_kib: opt_uint32(o.m_cost_kib, "mCostKib")?.unwrap_or(d.m_cost_kib),
        t_cost: opt_uint32(o.t_cost, "tCost")?.unwrap_or(d.t_cost),
        p_cost: opt_uint32(o.p_cost, "pCost")?.unwrap_or(d.p_cost),
    })
}

fn count(env: &Env, value: Option<Unknown<'_>>) -> mfa::Result<usize> {
    Ok(crate::convert::opt_u32(env, value, "count")?
        .map_or(mfa::RecoveryCodeSet::DEFAULT_COUNT, |c| c as usize))
}

/// A stored set of recovery codes: argon2id parameters and one salted hash per unused code.
/// Persist `toStored()`; check what a user typed with `checkAsync` (or `check`).
#[napi]
pub struct RecoveryCodeSet {
    inner: mfa::RecoveryCodeSet,
}

/// A freshly generated set: the codes to show the user once, and the set to persist.
/// `toString()` and `util.inspect` hide the codes.
#[napi]
pub struct NewRecoveryCodes {
    codes: Vec<mfa::RecoveryCode>,
    set: mfa::RecoveryCodeSet,
}

/// The result of a check.
#[napi(object, object_from_js = false)]
pub struct RecoveryCheck {
    /// Whether the code was one of the set's unused codes.
    pub accepted: bool,
    /// Codes left after this check.
    pub remaining: u32,
    /// The set to persist: without the used code when `accepted`, unchanged otherwise.
    pub set: RecoveryCodeSet,
}

fn made(new: mfa::NewRecoveryCodes) -> NewRecoveryCodes {
    NewRecoveryCodes {
        codes: new.codes,
        set: new.set,
    }
}

fn checked(check: mfa::RecoveryCheck) -> RecoveryCheck {
    RecoveryCheck {
        accepted: check.accepted,
        // At most 32 codes per set.
        remaining: check.remaining as u32,
        set: RecoveryCodeSet { inner: check.set },
    }
}

#[napi]
impl RecoveryCodeSet {
    /// Generates `count` (1 to 32, default 10) new codes. Costs `count` argon2id evaluations
    /// on the calling thread: prefer `generateAsync`. The old set, if any, is simply replaced.
    #[napi(ts_args_type = "count?: number, params?: RecoveryParamsOptions")]
    pub fn generate(
        env: Env,
        count: Option<Unknown<'_>>,
        params: Option<Unknown<'_>>,
    ) -> napi::Result<NewRecoveryCodes> {
        guard(&env, || {
            let (count, params) = (self::count(&env, count)?, self::params(params)?);
            Ok(made(mfa::RecoveryCodeSet::generate(count, params)?))
        })
    }

    /// `generate` on the libuv thread pool.
    #[napi(
        ts_args_type = "count?: number, params?: RecoveryParamsOptions",
        ts_return_type = "Promise<NewRecoveryCodes>"
    )]
    pub fn generate_async(
        env: Env,
        count: Option<Unknown<'_>>,
        params: Option<Unknown<'_>>,
    ) -> napi::Result<AsyncTask<Work<mfa::NewRecoveryCodes, NewRecoveryCodes>>> {
        let (count, params) = guard(&env, || {
            Ok((self::count(&env, count)?, self::params(params)?))
        })?;
        Ok(AsyncTask::new(Work::new(
            move || mfa::RecoveryCodeSet::generate(count, params),
            made,
        )))
    }

    /// Reads a stored set; anything malformed throws `invalid_stored_value`.
    #[napi(factory, ts_args_type = "stored: string")]
    pub fn from_stored(env: Env, stored: Unknown<'_>) -> napi::Result<Self> {
        guard(&env, || {
            Ok(RecoveryCodeSet {
                inner: mfa::RecoveryCodeSet::from_stored(&string(stored, "stored")?)?,
            })
        })
    }

    /// The stored form: `mfakit:recovery:v1:argon2id:m=...,t=...,p=...:<slot>.<salt>.<hash>;...`.
    #[napi]
    pub fn to_stored(&self) -> String {
        self.inner.to_stored()
    }

    /// Checks what a user typed: exactly one argon2id evaluation, on the calling thread
    /// (prefer `checkAsync`). A wrong code is `accepted: false`, never an exception.
    #[napi(ts_args_type = "code: string")]
    pub fn check(&self, env: Env, code: Unknown<'_>) -> napi::Result<RecoveryCheck> {
        guard(&env, || {
            Ok(checked(self.inner.check(&string(code, "code")?)?))
        })
    }

    /// `check` on the libuv thread pool.
    #[napi(
        ts_args_type = "code: string",
        ts_return_type = "Promise<RecoveryCheck>"
    )]
    pub fn check_async(
        &self,
        env: Env,
        code: Unknown<'_>,
    ) -> napi::Result<AsyncTask<Work<mfa::RecoveryCheck, RecoveryCheck>>> {
        let code = guard(&env, || Ok(zeroize::Zeroizing::new(string(code, "code")?)))?;
        let set = self.inner.clone();
        Ok(AsyncTask::new(Work::new(move || set.check(&code), checked)))
    }

    /// Codes not yet used.
    #[napi(getter)]
    pub fn remaining(&self) -> u32 {
        // At most 32 codes per set.
        self.inner.remaining() as u32
    }

    /// argon2id memory cost in KiB.
    #[napi(getter)]
    pub fn m_cost_kib(&self) -> u32 {
        self.inner.params().m_cost_kib
    }

    /// argon2id passes.
    #[napi(getter)]
    pub fn t_cost(&self) -> u32 {
        self.inner.params().t_cost
    }

    /// argon2id lanes.
    #[napi(getter)]
    pub fn p_cost(&self) -> u32 {
        self.inner.params().p_cost
    }

    /// `RecoveryCodeSet(remaining=N, m=..., t=..., p=...)`; also what `util.inspect` shows.
    #[napi(js_name = "toString")]
    pub fn describe(&self) -> String {
        let p = self.inner.params();
        format!(
            "RecoveryCodeSet(remaining={}, m={}, t={}, p={})",
            self.inner.remaining(),
            p.m_cost_kib,
            p.t_cost,
            p.p_cost
        )
    }
}

#[napi]
impl NewRecoveryCodes {
    /// The codes in display form (`k7m2-px9q-4rtv`): show them to the user once, never store.
    #[napi(getter)]
    pub fn codes(&self) -> Vec<String> {
        self.codes.iter().map(|c| c.as_str().to_owned()).collect()
    }

    /// The hashed set to persist.
    #[napi(getter)]
    pub fn set(&self) -> RecoveryCodeSet {
        RecoveryCodeSet {
            inner: self.set.clone(),
        }
    }

    /// `NewRecoveryCodes(count=N, codes=<redacted>)`; also what `util.inspect` shows.
    #[napi(js_name = "toString")]
    pub fn describe(&self) -> String {
        format!(
            "NewRecoveryCodes(count={}, codes=<redacted>)",
            self.codes.len()
        )
    }
}

/// What a user typed, normalised the way checks read it (`K7M2 PX9Q 4RTV` →
/// `k7m2px9q4rtv`; `o` → `0`, `i`/`l` → `1`), or `null` when it cannot be a code.
#[napi(ts_args_type = "input: string")]
pub fn normalize_recovery_code(env: Env, input: Unknown<'_>) -> napi::Result<Option<String>> {
    guard(&env, || {
        Ok(mfa::normalize_recovery_code(&string(input, "input")?).map(|c| c.to_string()))
    })
}
