//! Attempt limiting as pure state: per-subject backoff and lockout (`AttemptLimiter`), an exact
//! sliding-window rate limiter (`RateLimiter`), and the brute-force bound of a policy.
//! Nothing here reads the clock: every call takes `now` in UNIX seconds.

use std::fmt;
use std::sync::Arc;

use mfakit_core as mfa;

use crate::error::{guard, signed, unsigned, unsigned32, MfaError};

fn int(v: u32) -> i32 {
    // Counts and limits from the core (at most 1000 events, u32 failure counts) shown as Int;
    // saturate rather than fail on an absurd stored failure count.
    i32::try_from(v).unwrap_or(i32::MAX)
}

/// The answer of a limiter: whether the attempt may go ahead now, how long to wait if not,
/// and how many attempts are left before the next refusal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct Decision {
    /// Whether the attempt may be made now.
    pub allowed: bool,
    /// Seconds to wait before the next attempt is allowed; 0 when `allowed`.
    pub retry_after: i64,
    /// `AttemptLimiter`: failures left before a lockout (0 while locked out). `RateLimiter`:
    /// events still allowed in the current window after this one (0 when refused).
    pub remaining: i32,
    /// `AttemptLimiter` only: the subject is locked out (not merely backing off).
    pub locked: bool,
}

impl Decision {
    fn from_core(d: mfa::Decision) -> Result<Decision, MfaError> {
        Ok(Decision {
            allowed: d.allowed,
            retry_after: signed("retry_after", d.retry_after)?,
            remaining: int(d.remaining),
            locked: d.locked,
        })
    }
}

/// Per-subject policy: exponential backoff after consecutive failures and a lockout after
/// `lockoutAfter` of them; a success resets everything. After the k-th failure the next attempt
/// waits `lockoutSecs` once k ≥ lockoutAfter (> 0), else min(cap, base · factor^(k−1)).
/// Defaults: 1 s doubling to 15 min, a 4 h lockout after 10 failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct AttemptPolicy {
    /// Wait after the first failure, in seconds (0 for no backoff).
    #[uniffi(default = 1)]
    pub backoff_base_secs: i64,
    /// Multiplier per further failure (at least 1).
    #[uniffi(default = 2)]
    pub backoff_factor: i32,
    /// Longest backoff wait, in seconds.
    #[uniffi(default = 900)]
    pub backoff_cap_secs: i64,
    /// Consecutive failures that lock the subject out; 0 disables the lockout.
    #[uniffi(default = 10)]
    pub lockout_after: i32,
    /// Length of a lockout in seconds.
    #[uniffi(default = 14400)]
    pub lockout_secs: i64,
}

impl AttemptPolicy {
    fn to_core(self) -> Result<mfa::AttemptPolicy, MfaError> {
        Ok(mfa::AttemptPolicy {
            backoff_base_secs: unsigned("backoff_base_secs", self.backoff_base_secs)?,
            backoff_factor: unsigned32("backoff_factor", self.backoff_factor)?,
            backoff_cap_secs: unsigned("backoff_cap_secs", self.backoff_cap_secs)?,
            lockout_after: unsigned32("lockout_after", self.lockout_after)?,
            lockout_secs: unsigned("lockout_secs", self.lockout_secs)?,
        })
    }

    fn from_core(p: mfa::AttemptPolicy) -> Result<AttemptPolicy, MfaError> {
        Ok(AttemptPolicy {
            backoff_base_secs: signed("backoff_base_secs", p.backoff_base_secs)?,
            backoff_factor: int(p.backoff_factor),
            backoff_cap_secs: signed("backoff_cap_secs", p.backoff_cap_secs)?,
            lockout_after: int(p.lockout_after),
            lockout_secs: signed("lockout_secs", p.lockout_secs)?,
        })
    }
}

/// The core's default attempt policy (what `AttemptPolicy()` also gives).
#[uniffi::export]
pub fn default_attempt_policy() -> Result<AttemptPolicy, MfaError> {
    AttemptPolicy::from_core(mfa::AttemptPolicy::default())
}

/// One subject's limiter state (for example per user and factor). Persist it (`toStored()`)
/// and hand it back; a fresh subject is `AttemptState()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct AttemptState {
    /// Consecutive failures since the last success.
    #[uniffi(default = 0)]
    pub failures: i32,
    /// UNIX time of the last failure (meaningless when `failures` is 0).
    #[uniffi(default = 0)]
    pub last_failure_at: i64,
}

impl AttemptState {
    fn to_core(self) -> Result<mfa::AttemptState, MfaError> {
        Ok(mfa::AttemptState {
            failures: unsigned32("failures", self.failures)?,
            last_failure_at: unsigned("last_failure_at", self.last_failure_at)?,
        })
    }

    fn from_core(s: mfa::AttemptState) -> Result<AttemptState, MfaError> {
        Ok(AttemptState {
            failures: int(s.failures),
            last_failure_at: signed("last_failure_at", s.last_failure_at)?,
        })
    }
}

#[uniffi::export]
impl AttemptState {
    /// The versioned text form `mfakit:attempts:v1:<failures>:<lastFailureAt>`.
    pub fn to_stored(&self) -> Result<String, MfaError> {
        guard(|| Ok(self.to_core()?.to_stored()))
    }
}

/// Parses `AttemptState.toStored()`'s output; anything else is `invalid_stored_value`.
#[uniffi::export]
pub fn attempt_state_from_stored(stored: String) -> Result<AttemptState, MfaError> {
    guard(|| AttemptState::from_core(mfa::AttemptState::from_stored(&stored)?))
}

/// The result of recording an attempt: the state to persist and the decision for the next one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct AttemptOutcome {
    /// The new state; persist it.
    pub state: AttemptState,
    /// Whether and when the next attempt is allowed.
    pub decision: Decision,
}

/// Per-subject consecutive-failure limiting: `check` before verifying a code, then
/// `recordFailure` or `recordSuccess`, and persist the returned state.
#[derive(uniffi::Object)]
#[uniffi::export(Debug)]
pub struct AttemptLimiter(mfa::AttemptLimiter);

impl fmt::Debug for AttemptLimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[uniffi::export]
impl AttemptLimiter {
    /// A limiter with a validated policy (`invalid_parameter` otherwise).
    #[uniffi::constructor(default(policy))]
    pub fn new(policy: AttemptPolicy) -> Result<Arc<AttemptLimiter>, MfaError> {
        guard(|| {
            Ok(Arc::new(AttemptLimiter(mfa::AttemptLimiter::new(
                policy.to_core()?,
            )?)))
        })
    }

    /// The policy.
    pub fn policy(&self) -> Result<AttemptPolicy, MfaError> {
        AttemptPolicy::from_core(self.0.policy())
    }

    /// Whether an attempt may be made at `now`.
    pub fn check(&self, state: AttemptState, now: i64) -> Result<Decision, MfaError> {
        guard(|| Decision::from_core(self.0.check(&state.to_core()?, unsigned("now", now)?)))
    }

    /// Records a failed attempt at `now` and says when the next one is allowed.
    pub fn record_failure(
        &self,
        state: AttemptState,
        now: i64,
    ) -> Result<AttemptOutcome, MfaError> {
        guard(|| {
            let o = self
                .0
                .record_failure(&state.to_core()?, unsigned("now", now)?);
            Ok(AttemptOutcome {
                state: AttemptState::from_core(o.state)?,
                decision: Decision::from_core(o.decision)?,
            })
        })
    }

    /// A success: the state resets.
    pub fn record_success(&self) -> Result<AttemptState, MfaError> {
        AttemptState::from_core(self.0.record_success())
    }
}

/// A rate: `limit` events per `periodSecs`, as in "5 verifications per 15 minutes".
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct RateLimit {
    /// Events allowed within any window of `periodSecs` (1 to 1000).
    pub limit: i32,
    /// The period in seconds.
    pub period_secs: i64,
}

impl RateLimit {
    fn to_core(self) -> Result<mfa::RateLimit, MfaError> {
        Ok(mfa::RateLimit::per(
            unsigned32("limit", self.limit)?,
            unsigned("period_secs", self.period_secs)?,
        ))
    }

    fn from_core(r: mfa::RateLimit) -> Result<RateLimit, MfaError> {
        Ok(RateLimit {
            limit: int(r.limit),
            period_secs: signed("period_secs", r.period_secs)?,
        })
    }
}

#[uniffi::export]
impl RateLimit {
    /// The text form `5/15m`, `2/1h`, `10/90s` that `parseRateLimit` reads.
    pub fn text(&self) -> Result<String, MfaError> {
        guard(|| Ok(self.to_core()?.to_string()))
    }
}

/// Reads `<limit>/<n><unit>` with unit `s`, `m`, `h` or `d` (`5/15m`, `2/1h`, `2/h`);
/// anything else is `invalid_parameter`.
#[uniffi::export]
pub fn parse_rate_limit(text: String) -> Result<RateLimit, MfaError> {
    guard(|| RateLimit::from_core(text.parse::<mfa::RateLimit>()?))
}

/// Sliding-window-log state for one key (an IP, an endpoint, a user): the times of the allowed
/// events still in the window. A fresh key is `RateState()`; persist `toStored()`.
#[derive(uniffi::Object)]
#[uniffi::export(Debug)]
pub struct RateState(mfa::RateState);

impl fmt::Debug for RateState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[uniffi::export]
impl RateState {
    /// The state of a fresh key: no events.
    #[uniffi::constructor]
    pub fn new() -> Arc<RateState> {
        Arc::new(RateState(mfa::RateState::default()))
    }

    /// Parses `toStored()`'s output (`mfakit:rate:v1:<t1>,<t2>,...`); anything else is
    /// `invalid_stored_value`.
    #[uniffi::constructor]
    pub fn from_stored(stored: String) -> Result<Arc<RateState>, MfaError> {
        guard(|| Ok(Arc::new(RateState(mfa::RateState::from_stored(&stored)?))))
    }

    /// The versioned text form.
    pub fn to_stored(&self) -> String {
        self.0.to_stored()
    }
}

/// The result of `RateLimiter.acquire`: the decision and the state to persist.
#[derive(uniffi::Record)]
pub struct RateOutcome {
    /// Whether this event may go ahead.
    pub decision: Decision,
    /// The new state; persist it.
    pub state: Arc<RateState>,
}

/// An exact sliding-window-log limiter: within any `periodSecs` seconds at most `limit`
/// events are allowed, never more (unlike a token bucket, which can pass 2·limit − 1).
#[derive(uniffi::Object)]
#[uniffi::export(Debug)]
pub struct RateLimiter(mfa::RateLimiter);

impl fmt::Debug for RateLimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[uniffi::export]
impl RateLimiter {
    /// A limiter for `rate`: limit 1 to 1000, period 1 s to 366 days (`invalid_parameter`).
    #[uniffi::constructor]
    pub fn new(rate: RateLimit) -> Result<Arc<RateLimiter>, MfaError> {
        guard(|| {
            Ok(Arc::new(RateLimiter(mfa::RateLimiter::new(
                rate.to_core()?,
            )?)))
        })
    }

    /// The rate.
    pub fn rate(&self) -> Result<RateLimit, MfaError> {
        RateLimit::from_core(self.0.rate())
    }

    /// Takes one event at `now` if the window has room for it.
    pub fn acquire(&self, state: Arc<RateState>, now: i64) -> Result<RateOutcome, MfaError> {
        guard(|| {
            let o = self.0.acquire(&state.0, unsigned("now", now)?);
            Ok(RateOutcome {
                decision: Decision::from_core(o.decision)?,
                state: Arc::new(RateState(o.state)),
            })
        })
    }

    /// The decision `acquire` would make at `now`, without recording anything.
    pub fn peek(&self, state: Arc<RateState>, now: i64) -> Result<Decision, MfaError> {
        guard(|| Decision::from_core(self.0.peek(&state.0, unsigned("now", now)?)))
    }
}

/// The most guesses an attacker can make within `horizonSecs` against one subject under
/// `policy`, guessing as soon as allowed and never succeeding; `null` when the policy does not
/// bound them (no backoff and no lockout).
#[uniffi::export]
pub fn max_attacker_guesses(
    policy: AttemptPolicy,
    horizon_secs: i64,
) -> Result<Option<i64>, MfaError> {
    guard(|| {
        mfa::max_attacker_guesses(&policy.to_core()?, unsigned("horizon_secs", horizon_secs)?)?
            .map(|g| signed("guesses", g))
            .transpose()
    })
}

/// The probability that an attacker guessing as fast as `policy` allows hits a valid
/// `digits`-digit code within `horizonSecs`, when each guess is compared with `windowSize`
/// codes: 1 − (1 − q)^N with q = windowSize / 10^digits. 1.0 for an unbounded policy.
#[uniffi::export]
pub fn attacker_success_probability(
    digits: i32,
    window_size: i64,
    policy: AttemptPolicy,
    horizon_secs: i64,
) -> Result<f64, MfaError> {
    guard(|| {
        Ok(mfa::attacker_success_probability(
            unsigned32("digits", digits)?,
            unsigned("window_size", window_size)?,
            &policy.to_core()?,
            unsigned("horizon_secs", horizon_secs)?,
        )?)
    })
}
