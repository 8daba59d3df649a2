//! JavaScript face of `core/src/limiter.rs`: per-subject backoff and lockout
//! (`AttemptLimiter`), GCRA rate limiting (`RateLimiter`), and the brute-force bound of a
//! policy. Pure state: every call takes the state and `now`, and returns the state to persist.

use mfakit_core::{self as mfa};
use napi::bindgen_prelude::Unknown;
use napi::Env;
use napi_derive::napi;

use crate::challenge::now_option;
use crate::convert::{
    given, instance, integer, opt_u32, opt_uint, opt_uint32, options, string, MAX_SAFE_INTEGER,
};
use crate::error::{guard, map_error};

/// Per-subject policy: exponential backoff after consecutive failures and a lockout after
/// `lockoutAfter` of them (the lockout does not forgive: each later failure locks again).
/// Every field defaults to mfakit's: 1 s doubling to 15 min, 4 h lockout after 10 failures.
#[napi(object)]
pub struct AttemptPolicy {
    /// Wait after the first failure, in seconds (0 for no backoff).
    pub backoff_base_secs: Option<f64>,
    /// Multiplier per further failure (at least 1).
    pub backoff_factor: Option<f64>,
    /// Longest backoff wait, in seconds.
    pub backoff_cap_secs: Option<f64>,
    /// Consecutive failures that lock the subject out; 0 disables the lockout.
    pub lockout_after: Option<f64>,
    /// Length of a lockout in seconds.
    pub lockout_secs: Option<f64>,
}

pub(crate) fn policy(value: Option<Unknown<'_>>) -> mfa::Result<mfa::AttemptPolicy> {
    let d = mfa::AttemptPolicy::default();
    let Some(o) = options::<AttemptPolicy>(value, "policy")? else {
        return Ok(d);
    };
    let p = mfa::AttemptPolicy {
        backoff_base_secs: opt_uint(o.backoff_base_secs, "backoffBaseSecs", MAX_SAFE_INTEGER)?
            .unwrap_or(d.backoff_base_secs),
        backoff_factor: opt_uint32(o.backoff_factor, "backoffFactor")?.unwrap_or(d.backoff_factor),
        backoff_cap_secs: opt_uint(o.backoff_cap_secs, "backoffCapSecs", MAX_SAFE_INTEGER)?
            .unwrap_or(d.backoff_cap_secs),
        lockout_after: opt_uint32(o.lockout_after, "lockoutAfter")?.unwrap_or(d.lockout_after),
        lockout_secs: opt_uint(o.lockout_secs, "lockoutSecs", MAX_SAFE_INTEGER)?
            .unwrap_or(d.lockout_secs),
    };
    p.validate()?;
    Ok(p)
}

fn policy_js(p: &mfa::AttemptPolicy) -> AttemptPolicy {
    AttemptPolicy {
        backoff_base_secs: Some(p.backoff_base_secs as f64),
        backoff_factor: Some(f64::from(p.backoff_factor)),
        backoff_cap_secs: Some(p.backoff_cap_secs as f64),
        lockout_after: Some(f64::from(p.lockout_after)),
        lockout_secs: Some(p.lockout_secs as f64),
    }
}

/// A limiter's answer: whether the attempt may go ahead now, how long to wait if not, and
/// how many attempts are left before the next refusal.
#[napi]
pub struct Decision {
    inner: mfa::Decision,
}

#[napi]
impl Decision {
    /// Whether the attempt may be made now.
    #[napi(getter)]
    pub fn allowed(&self) -> bool {
        self.inner.allowed
    }

    /// Seconds to wait before the next attempt is allowed; 0 when allowed.
    #[napi(getter)]
    pub fn retry_after(&self) -> f64 {
        self.inner.retry_after as f64
    }

    /// Attempt limiter: failures left before a lockout (0 while locked out). Rate limiter:
    /// events left in the current burst.
    #[napi(getter)]
    pub fn remaining(&self) -> u32 {
        self.inner.remaining
    }

    /// Attempt limiter only: the subject is locked out (not merely backing off).
    #[napi(getter)]
    pub fn locked(&self) -> bool {
        self.inner.locked
    }

    /// Throws `MfaError` code `rate_limited` (with `retryAfter`) when refused.
    #[napi]
    pub fn throw_if_refused(&self, env: Env) -> napi::Result<()> {
        self.inner.check().map_err(|e| map_error(&env, e))
    }

    /// `Decision(allowed=false, retryAfter=2, remaining=8, locked=false)`.
    #[napi(js_name = "toString")]
    pub fn describe(&self) -> String {
        let d = &self.inner;
        format!(
            "Decision(allowed={}, retryAfter={}, remaining={}, locked={})",
            d.allowed, d.retry_after, d.remaining, d.locked
        )
    }
}

/// One subject's attempt state (per user and factor, say). Persist `toStored()`.
#[napi]
pub struct AttemptState {
    inner: mfa::AttemptState,
}

/// Fields of `new AttemptState(...)`.
#[napi(object)]
pub struct AttemptStateFields {
    /// Consecutive failures since the last success.
    pub failures: Option<f64>,
    /// UNIX time of the last failure.
    pub last_failure_at: Option<f64>,
}

#[napi]
impl AttemptState {
    /// A state (default: fresh, no failures).
    #[napi(constructor, ts_args_type = "fields?: AttemptStateFields")]
    pub fn new(env: Env, fields: Option<Unknown<'_>>) -> napi::Result<Self> {
        guard(&env, || {
            let o = options::<AttemptStateFields>(fields, "fields")?;
            let (failures, last) = o.map_or((None, None), |o| (o.failures, o.last_failure_at));
            Ok(AttemptState {
                inner: mfa::AttemptState {
                    failures: opt_uint32(failures, "failures")?.unwrap_or(0),
                    last_failure_at: opt_uint(last, "lastFailureAt", MAX_SAFE_INTEGER)?
                        .unwrap_or(0),
                },
            })
        })
    }

    /// `mfakit:attempts:v1:<failures>:<lastFailureAt>`.
    #[napi]
    pub fn to_stored(&self) -> String {
        self.inner.to_stored()
    }

    /// Reads a stored state; anything malformed throws `invalid_stored_value`.
    #[napi(factory, ts_args_type = "stored: string")]
    pub fn from_stored(env: Env, stored: Unknown<'_>) -> napi::Result<Self> {
        guard(&env, || {
            Ok(AttemptState {
                inner: mfa::AttemptState::from_stored(&string(stored, "stored")?)?,
            })
        })
    }

    /// Consecutive failures since the last success.
    #[napi(getter)]
    pub fn failures(&self) -> u32 {
        self.inner.failures
    }

    /// UNIX time of the last failure (meaningless when `failures` is 0).
    #[napi(getter)]
    pub fn last_failure_at(&self) -> f64 {
        self.inner.last_failure_at as f64
    }

    /// `AttemptState(failures=1, lastFailureAt=...)`.
    #[napi(js_name = "toString")]
    pub fn describe(&self) -> String {
        format!(
            "AttemptState(failures={}, lastFailureAt={})",
            self.inner.failures, self.inner.last_failure_at
        )
    }
}

fn attempt_state(env: &Env, value: Option<Unknown<'_>>) -> mfa::Result<mfa::AttemptState> {
    match given(value)? {
        Some(v) => Ok(instance::<AttemptState>(env, v, "state", "AttemptState")?.inner),
        None => Ok(mfa::AttemptState::default()),
    }
}

/// The result of recording a failure: the state to persist and the decision for the next
/// attempt.
#[napi(object, object_from_js = false)]
pub struct AttemptOutcome {
    /// The new state; persist it.
    pub state: AttemptState,
    /// Whether and when the next attempt is allowed.
    pub decision: Decision,
}

/// Per-subject consecutive-failure limiting: `check` before verifying a code, then
/// `recordFailure` or `recordSuccess`, and persist the state returned.
#[napi]
pub struct AttemptLimiter {
    inner: mfa::AttemptLimiter,
}

#[napi]
impl AttemptLimiter {
    /// A limiter for `policy` (default: mfakit's).
    #[napi(constructor, ts_args_type = "policy?: AttemptPolicy")]
    pub fn new(env: Env, policy: Option<Unknown<'_>>) -> napi::Result<Self> {
        guard(&env, || {
            Ok(AttemptLimiter {
                inner: mfa::AttemptLimiter::new(self::policy(policy)?)?,
            })
        })
    }

    /// Whether an attempt may be made now (state default: fresh).
    #[napi(ts_args_type = "state?: AttemptState | null, options?: NowOptions")]
    pub fn check(
        &self,
        env: Env,
        state: Option<Unknown<'_>>,
        options: Option<Unknown<'_>>,
    ) -> napi::Result<Decision> {
        guard(&env, || {
            let state = attempt_state(&env, state)?;
            Ok(Decision {
                inner: self.inner.check(&state, now_option(&env, options)?),
            })
        })
    }

    /// Records a failed attempt and says when the next one is allowed.
    #[napi(ts_args_type = "state?: AttemptState | null, options?: NowOptions")]
    pub fn record_failure(
        &self,
        env: Env,
        state: Option<Unknown<'_>>,
        options: Option<Unknown<'_>>,
    ) -> napi::Result<AttemptOutcome> {
        guard(&env, || {
            let state = attempt_state(&env, state)?;
            let out = self
                .inner
                .record_failure(&state, now_option(&env, options)?);
            Ok(AttemptOutcome {
                state: AttemptState { inner: out.state },
                decision: Decision {
                    inner: out.decision,
                },
            })
        })
    }

    /// A success: the state resets.
    #[napi]
    pub fn record_success(&self) -> AttemptState {
        AttemptState {
            inner: self.inner.record_success(),
        }
    }

    /// Seconds to wait after the `failures`-th consecutive failure.
    #[napi(ts_args_type = "failures: number")]
    pub fn delay_after(&self, env: Env, failures: Unknown<'_>) -> napi::Result<f64> {
        guard(&env, || {
            let failures = opt_u32(&env, Some(failures), "failures")?.unwrap_or(0);
            Ok(self.inner.policy().delay_after(failures) as f64)
        })
    }

    /// The policy, every field filled in.
    #[napi(getter)]
    pub fn policy(&self) -> AttemptPolicy {
        policy_js(&self.inner.policy())
    }
}

/// One key's rate state (a sliding-window log: the times of the allowed events still in the
/// window). `new RateState()` is fresh; persist `toStored()`.
#[napi]
pub struct RateState {
    inner: mfa::RateState,
}

#[napi]
impl RateState {
    /// A fresh state (no events).
    #[napi(constructor)]
    pub fn new() -> Self {
        RateState {
            inner: mfa::RateState::default(),
        }
    }

    /// `mfakit:rate:v1:` then the comma-separated UNIX times still in the window.
    #[napi]
    pub fn to_stored(&self) -> String {
        self.inner.to_stored()
    }

    /// Reads a stored state; anything malformed throws `invalid_stored_value`.
    #[napi(factory, ts_args_type = "stored: string")]
    pub fn from_stored(env: Env, stored: Unknown<'_>) -> napi::Result<Self> {
        guard(&env, || {
            Ok(RateState {
                inner: mfa::RateState::from_stored(&string(stored, "stored")?)?,
            })
        })
    }

    /// `RateState(mfakit:rate:v1:...)`: event times only, nothing secret.
    #[napi(js_name = "toString")]
    pub fn describe(&self) -> String {
        format!("RateState({})", self.inner.to_stored())
    }
}

fn rate_state(env: &Env, value: Option<Unknown<'_>>) -> mfa::Result<mfa::RateState> {
    match given(value)? {
        Some(v) => Ok(instance::<RateState>(env, v, "state", "RateState")?
            .inner
            .clone()),
        None => Ok(mfa::RateState::default()),
    }
}

/// The result of `acquire`: the decision and the state to persist.
#[napi(object, object_from_js = false)]
pub struct RateOutcome {
    /// Whether this event may go ahead.
    pub decision: Decision,
    /// The new state (unchanged when refused); persist it.
    pub state: RateState,
}

/// An exact sliding-window-log rate limiter: within any `periodSecs` seconds at most `limit`
/// events are allowed.
#[napi]
pub struct RateLimiter {
    inner: mfa::RateLimiter,
}

#[napi]
impl RateLimiter {
    /// A limiter for a rate written `<limit>/<period>`: `'5/15m'`, `'2/1h'`, `'10/90s'`.
    #[napi(constructor, ts_args_type = "rate: string")]
    pub fn new(env: Env, rate: Unknown<'_>) -> napi::Result<Self> {
        guard(&env, || {
            let rate: mfa::RateLimit = string(rate, "rate")?.parse()?;
            Ok(RateLimiter {
                inner: mfa::RateLimiter::new(rate)?,
            })
        })
    }

    /// A limiter for `limit` events per `periodSecs` seconds.
    #[napi(factory, ts_args_type = "limit: number, periodSecs: number")]
    pub fn per(env: Env, limit: Unknown<'_>, period_secs: Unknown<'_>) -> napi::Result<Self> {
        guard(&env, || {
            let limit = opt_u32(&env, Some(limit), "limit")?.unwrap_or(0);
            let period = integer(&env, period_secs, "periodSecs", MAX_SAFE_INTEGER)?;
            Ok(RateLimiter {
                inner: mfa::RateLimiter::new(mfa::RateLimit::per(limit, period))?,
            })
        })
    }

    /// Takes one event now if the budget allows it (state default: fresh).
    #[napi(ts_args_type = "state?: RateState | null, options?: NowOptions")]
    pub fn acquire(
        &self,
        env: Env,
        state: Option<Unknown<'_>>,
        options: Option<Unknown<'_>>,
    ) -> napi::Result<RateOutcome> {
        guard(&env, || {
            let state = rate_state(&env, state)?;
            let out = self.inner.acquire(&state, now_option(&env, options)?);
            Ok(RateOutcome {
                decision: Decision {
                    inner: out.decision,
                },
                state: RateState { inner: out.state },
            })
        })
    }

    /// Whether an event now would be allowed, without taking it.
    #[napi(ts_args_type = "state?: RateState | null, options?: NowOptions")]
    pub fn peek(
        &self,
        env: Env,
        state: Option<Unknown<'_>>,
        options: Option<Unknown<'_>>,
    ) -> napi::Result<Decision> {
        guard(&env, || {
            let state = rate_state(&env, state)?;
            Ok(Decision {
                inner: self.inner.peek(&state, now_option(&env, options)?),
            })
        })
    }

    /// Events allowed per period (and the burst size).
    #[napi(getter)]
    pub fn limit(&self) -> u32 {
        self.inner.rate().limit
    }

    /// The period in seconds.
    #[napi(getter)]
    pub fn period_secs(&self) -> f64 {
        self.inner.rate().period_secs as f64
    }

    /// `RateLimiter(5/15m)`.
    #[napi(js_name = "toString")]
    pub fn describe(&self) -> String {
        format!("RateLimiter({})", self.inner.rate())
    }
}

/// The most guesses an attacker can make within `horizonSecs` against one subject under
/// `policy`, guessing as soon as each is allowed; `null` when the policy does not bound them.
#[napi(ts_args_type = "policy: AttemptPolicy | null | undefined, horizonSecs: number")]
pub fn max_attacker_guesses(
    env: Env,
    policy: Option<Unknown<'_>>,
    horizon_secs: Unknown<'_>,
) -> napi::Result<Option<f64>> {
    guard(&env, || {
        let horizon = integer(&env, horizon_secs, "horizonSecs", MAX_SAFE_INTEGER)?;
        Ok(mfa::max_attacker_guesses(&self::policy(policy)?, horizon)?.map(|n| n as f64))
    })
}

/// Probability that an attacker guesses a `digits`-digit code within `horizonSecs`, when
/// each guess meets `windowSize` valid codes (3 for TOTP with a ±1 window) and `policy`
/// limits one subject: `1 − (1 − windowSize/10^digits)^maxAttackerGuesses`.
#[napi(
    ts_args_type = "digits: number, windowSize: number, policy: AttemptPolicy | null | undefined, horizonSecs: number"
)]
pub fn attacker_success_probability(
    env: Env,
    digits: Unknown<'_>,
    window_size: Unknown<'_>,
    policy: Option<Unknown<'_>>,
    horizon_secs: Unknown<'_>,
) -> napi::Result<f64> {
    guard(&env, || {
        let digits = opt_u32(&env, Some(digits), "digits")?.unwrap_or(0);
        let window = integer(&env, window_size, "windowSize", MAX_SAFE_INTEGER)?;
        let horizon = integer(&env, horizon_secs, "horizonSecs", MAX_SAFE_INTEGER)?;
        mfa::attacker_success_probability(digits, window, &self::policy(policy)?, horizon)
    })
}
