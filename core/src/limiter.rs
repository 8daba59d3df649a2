//! Attempt limiting as pure state: per-subject backoff and lockout ([`AttemptLimiter`]), a
//! sliding-window-log rate limiter for per-IP or per-endpoint budgets ([`RateLimiter`]), and the
//! brute-force bound that follows from a policy ([`attacker_success_probability`]).
//!
//! Nothing here reads the clock or touches storage: every function takes `now` (UNIX seconds)
//! and the state to persist comes back as a plain value with a versioned text form.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{MfaError, Result};

/// The answer of a limiter: whether the attempt may go ahead now, how long to wait if not,
/// and how many attempts are left before the next refusal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Decision {
    /// Whether the attempt may be made now.
    pub allowed: bool,
    /// Seconds to wait before the next attempt is allowed; 0 when `allowed`.
    pub retry_after: u64,
    /// For [`AttemptLimiter`]: failures left before a lockout (0 while locked out). For
    /// [`RateLimiter`]: events still allowed in the current window after this one (0 when
    /// refused).
    pub remaining: u32,
    /// [`AttemptLimiter`] only: the subject is locked out (not merely backing off).
    pub locked: bool,
}

impl Decision {
    /// `Err(MfaError::RateLimited)` when refused, for callers that prefer `?`.
    pub fn check(&self) -> Result<()> {
        if self.allowed {
            Ok(())
        } else {
            Err(MfaError::RateLimited {
                retry_after: std::time::Duration::from_secs(self.retry_after),
            })
        }
    }
}

/// Per-subject policy: exponential backoff after consecutive failures, and a lockout after
/// `lockout_after` of them. A success resets everything.
///
/// After the `k`-th consecutive failure (k ≥ 1) the next attempt waits
///
/// ```text
/// delay(k) = lockout_secs                                     if lockout_after > 0 and k ≥ lockout_after
///          = min(backoff_cap_secs, backoff_base_secs · backoff_factor^(k−1))   otherwise
/// ```
///
/// (the larger of the two once locked). The lockout does not forgive: when it ends the subject
/// gets one attempt, and another failure locks it again. That keeps an attacker who ignores
/// the lockout at one guess per `lockout_secs` for good, which is what bounds
/// [`attacker_success_probability`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct AttemptPolicy {
    /// Wait after the first failure, in seconds (0 for no backoff).
    pub backoff_base_secs: u64,
    /// Multiplier per further failure (at least 1).
    pub backoff_factor: u32,
    /// Longest backoff wait, in seconds.
    pub backoff_cap_secs: u64,
    /// Consecutive failures that lock the subject out; 0 disables the lockout.
    pub lockout_after: u32,
    /// Length of a lockout in seconds.
    pub lockout_secs: u64,
}

impl Default for AttemptPolicy {
    /// 1 s doubling to at most 15 min; lockout for 4 h after 10 consecutive failures. For a
    /// 6-digit TOTP with a ±1 window this gives an attacker at most 2199 guesses a year, a
    /// success probability of about 0.66 % (see [`attacker_success_probability`]).
    fn default() -> Self {
        AttemptPolicy {
            backoff_base_secs: 1,
            backoff_factor: 2,
            backoff_cap_secs: 15 * 60,
            lockout_after: 10,
            lockout_secs: 4 * 3600,
        }
    }
}

impl AttemptPolicy {
    /// Checks the parameters: `backoff_factor ≥ 1`, `backoff_cap_secs ≥ backoff_base_secs`,
    /// and a non-zero `lockout_secs` when the lockout is enabled.
    pub fn validate(&self) -> Result<()> {
        if self.backoff_factor == 0 {
            return Err(MfaError::param("backoff_factor", "must be at least 1"));
        }
        if self.backoff_cap_secs < self.backoff_base_secs {
            return Err(MfaError::param(
                "backoff_cap_secs",
                "must be at least backoff_base_secs",
            ));
        }
        if self.lockout_after > 0 && self.lockout_secs == 0 {
            return Err(MfaError::param(
                "lockout_secs",
                "must be positive when lockout_after is set",
            ));
        }
        Ok(())
    }

    fn backoff(&self, failures: u32) -> u64 {
        if failures == 0 {
            return 0;
        }
        let mut delay = u128::from(self.backoff_base_secs);
        for _ in 1..failures {
            if delay == 0 || delay >= u128::from(self.backoff_cap_secs) || self.backoff_factor == 1
            {
                break;
            }
            delay *= u128::from(self.backoff_factor);
        }
        // `min` with a u64 makes the conversion lossless.
        delay.min(u128::from(self.backoff_cap_secs)) as u64
    }

    fn is_lockout(&self, failures: u32) -> bool {
        self.lockout_after > 0 && failures >= self.lockout_after
    }

    /// Seconds the subject must wait after its `failures`-th consecutive failure.
    pub fn delay_after(&self, failures: u32) -> u64 {
        let backoff = self.backoff(failures);
        if self.is_lockout(failures) {
            backoff.max(self.lockout_secs)
        } else {
            backoff
        }
    }
}

/// One subject's limiter state (for example per user and factor). Persist it, hand it back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct AttemptState {
    /// Consecutive failures since the last success.
    pub failures: u32,
    /// UNIX time of the last failure (meaningless when `failures` is 0).
    pub last_failure_at: u64,
}

const ATTEMPTS_PREFIX: &str = "mfakit:attempts:v1:";

impl AttemptState {
    /// The versioned text form: `mfakit:attempts:v1:<failures>:<last_failure_at>`.
    pub fn to_stored(&self) -> String {
        format!(
            "{ATTEMPTS_PREFIX}{}:{}",
            self.failures, self.last_failure_at
        )
    }

    /// Parses [`AttemptState::to_stored`]'s output; anything else is
    /// [`MfaError::InvalidStoredValue`].
    pub fn from_stored(stored: &str) -> Result<AttemptState> {
        let rest = stored
            .strip_prefix(ATTEMPTS_PREFIX)
            .ok_or_else(|| MfaError::stored("not an mfakit:attempts:v1 value"))?;
        let (failures, last) = rest
            .split_once(':')
            .ok_or_else(|| MfaError::stored("attempt state must have two fields"))?;
        Ok(AttemptState {
            failures: parse_num(failures, "failures")?,
            last_failure_at: parse_num(last, "last_failure_at")?,
        })
    }
}

pub(crate) fn parse_num<T: FromStr>(text: &str, what: &str) -> Result<T> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(MfaError::stored(format!("{what} is not a decimal number")));
    }
    text.parse()
        .map_err(|_| MfaError::stored(format!("{what} is out of range")))
}

/// The result of recording an attempt: the state to persist and the decision for the next one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptOutcome {
    /// The new state; persist it.
    pub state: AttemptState,
    /// Whether and when the next attempt is allowed.
    pub decision: Decision,
}

/// Per-subject consecutive-failure limiting with exponential backoff and lockout.
///
/// Call [`AttemptLimiter::check`] before verifying a code; after verifying, call
/// [`AttemptLimiter::record_failure`] or [`AttemptLimiter::record_success`] and persist the
/// returned state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AttemptLimiter {
    policy: AttemptPolicy,
}

impl AttemptLimiter {
    /// A limiter with a validated policy.
    pub fn new(policy: AttemptPolicy) -> Result<AttemptLimiter> {
        policy.validate()?;
        Ok(AttemptLimiter { policy })
    }

    /// The policy.
    pub fn policy(&self) -> AttemptPolicy {
        self.policy
    }

    /// Whether an attempt may be made at `now`.
    pub fn check(&self, state: &AttemptState, now: u64) -> Decision {
        let p = &self.policy;
        let locked_phase = p.is_lockout(state.failures);
        let remaining = if p.lockout_after == 0 {
            u32::MAX
        } else {
            p.lockout_after.saturating_sub(state.failures).max(1)
        };
        let until = state
            .last_failure_at
            .saturating_add(p.delay_after(state.failures));
        if state.failures == 0 || now >= until {
            Decision {
                allowed: true,
                retry_after: 0,
                remaining,
                locked: false,
            }
        } else {
            Decision {
                allowed: false,
                retry_after: until - now,
                remaining: if locked_phase { 0 } else { remaining },
                locked: locked_phase,
            }
        }
    }

    /// Records a failed attempt at `now` and says when the next one is allowed.
    ///
    /// `last_failure_at` keeps the newest time seen: a failure recorded with an older `now`
    /// (a server whose clock is behind) still counts, but does not move the lockout back, as
    /// the [`RateLimiter`] keeps its newest timestamp.
    pub fn record_failure(&self, state: &AttemptState, now: u64) -> AttemptOutcome {
        let state = AttemptState {
            failures: state.failures.saturating_add(1),
            last_failure_at: now.max(state.last_failure_at),
        };
        AttemptOutcome {
            state,
            decision: self.check(&state, now),
        }
    }

    /// A success: the state resets.
    pub fn record_success(&self) -> AttemptState {
        AttemptState::default()
    }
}

/// A rate: `limit` events per `period_secs`, as in "5 verifications per 15 minutes".
///
/// Enforced exactly by [`RateLimiter`]: in any `period_secs` seconds at most `limit` events
/// are allowed. `limit` is at most [`RateLimit::MAX_LIMIT`], since the state keeps one
/// timestamp per allowed event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RateLimit {
    /// Events allowed within any window of `period_secs` (1 to [`RateLimit::MAX_LIMIT`]).
    pub limit: u32,
    /// The period in seconds.
    pub period_secs: u64,
}

impl RateLimit {
    /// 5 verifications per 15 minutes.
    pub const VERIFY: RateLimit = RateLimit::per(5, 15 * 60);
    /// 3 MFA setups per 15 minutes.
    pub const SETUP: RateLimit = RateLimit::per(3, 15 * 60);
    /// 2 MFA disables per hour.
    pub const DISABLE: RateLimit = RateLimit::per(2, 3600);
    /// The largest `limit` a [`RateLimiter`] accepts. The state stores one timestamp per
    /// event in the window, so this bounds its size (about 11 bytes an event in text form).
    pub const MAX_LIMIT: u32 = 1000;

    /// `limit` events per `period_secs` seconds (validated by [`RateLimiter::new`]).
    pub const fn per(limit: u32, period_secs: u64) -> RateLimit {
        RateLimit { limit, period_secs }
    }

    /// `limit` events per `minutes` minutes.
    pub const fn per_minutes(limit: u32, minutes: u64) -> RateLimit {
        RateLimit::per(limit, minutes * 60)
    }

    /// `limit` events per `hours` hours.
    pub const fn per_hours(limit: u32, hours: u64) -> RateLimit {
        RateLimit::per(limit, hours * 3600)
    }

    fn validate(&self) -> Result<()> {
        if self.limit == 0 || self.limit > RateLimit::MAX_LIMIT {
            return Err(MfaError::param("limit", "must be between 1 and 1000"));
        }
        if self.period_secs == 0 || self.period_secs > 366 * 86_400 {
            return Err(MfaError::param(
                "period_secs",
                "must be between 1 second and 366 days",
            ));
        }
        Ok(())
    }
}

impl fmt::Display for RateLimit {
    /// `5/15m`, `2/1h`, `10/90s`: the form [`RateLimit::from_str`] reads.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = self.period_secs;
        if p.is_multiple_of(3600) {
            write!(f, "{}/{}h", self.limit, p / 3600)
        } else if p.is_multiple_of(60) {
            write!(f, "{}/{}m", self.limit, p / 60)
        } else {
            write!(f, "{}/{}s", self.limit, p)
        }
    }
}

impl FromStr for RateLimit {
    type Err = MfaError;

    /// Reads `<limit>/<n><unit>` with unit `s`, `m`, `h` or `d` (`5/15m`, `2/1h`); the count
    /// may be left out (`2/h`).
    fn from_str(s: &str) -> Result<Self> {
        let bad = || MfaError::param("rate", "expected <limit>/<period> such as 5/15m or 2/1h");
        let (limit, period) = s.trim().split_once('/').ok_or_else(bad)?;
        let limit: u32 = limit.trim().parse().map_err(|_| bad())?;
        let period = period.trim();
        // The unit is the last character, which may be multi-byte in hostile input: split at
        // its char boundary (found by fuzzing: a byte index panicked on `5/1ʚ`).
        let unit_at = period
            .char_indices()
            .last()
            .map(|(i, _)| i)
            .ok_or_else(bad)?;
        let (count, unit) = period.split_at(unit_at);
        let count: u64 = if count.is_empty() {
            1
        } else {
            count.parse().map_err(|_| bad())?
        };
        let scale = match unit {
            "s" => 1,
            "m" => 60,
            "h" => 3600,
            "d" => 86_400,
            _ => return Err(bad()),
        };
        let rate = RateLimit::per(limit, count.checked_mul(scale).ok_or_else(bad)?);
        rate.validate()?;
        Ok(rate)
    }
}

/// Sliding-window-log state for one key (an IP, an endpoint, a user): the UNIX times of the
/// allowed events that may still be inside the window, oldest first.
///
/// Fresh keys start from [`RateState::default`] (no events). The serde form is
/// `{"timestamps": [...]}` and is checked like [`RateState::from_stored`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(try_from = "RateStateFields")]
pub struct RateState {
    /// Non-decreasing, at most [`RateLimit::MAX_LIMIT`] entries.
    timestamps: Vec<u64>,
}

/// The unchecked serde form of [`RateState`].
#[derive(Deserialize)]
struct RateStateFields {
    timestamps: Vec<u64>,
}

impl TryFrom<RateStateFields> for RateState {
    type Error = MfaError;

    fn try_from(fields: RateStateFields) -> Result<RateState> {
        RateState::checked(fields.timestamps)
    }
}

const RATE_PREFIX: &str = "mfakit:rate:v1:";

impl RateState {
    fn checked(timestamps: Vec<u64>) -> Result<RateState> {
        if timestamps.len() > RateLimit::MAX_LIMIT as usize {
            return Err(MfaError::stored("rate state has too many timestamps"));
        }
        if timestamps.windows(2).any(|w| w[0] > w[1]) {
            return Err(MfaError::stored("rate state timestamps are not in order"));
        }
        Ok(RateState { timestamps })
    }

    /// The versioned text form: `mfakit:rate:v1:` then the timestamps, oldest first,
    /// comma-separated (nothing after the prefix for a fresh key), e.g.
    /// `mfakit:rate:v1:1700000000,1700000001`.
    pub fn to_stored(&self) -> String {
        let mut out = String::from(RATE_PREFIX);
        for (i, t) in self.timestamps.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&t.to_string());
        }
        out
    }

    /// Parses [`RateState::to_stored`]'s output; anything else (a timestamp that is not a
    /// decimal `u64`, an empty entry, more than [`RateLimit::MAX_LIMIT`] entries, or entries out
    /// of order) is [`MfaError::InvalidStoredValue`].
    pub fn from_stored(stored: &str) -> Result<RateState> {
        let rest = stored
            .strip_prefix(RATE_PREFIX)
            .ok_or_else(|| MfaError::stored("not an mfakit:rate:v1 value"))?;
        if rest.is_empty() {
            return Ok(RateState::default());
        }
        let mut timestamps = Vec::new();
        for part in rest.split(',') {
            // Checked per entry so a huge input is refused before it is all parsed.
            if timestamps.len() == RateLimit::MAX_LIMIT as usize {
                return Err(MfaError::stored("rate state has too many timestamps"));
            }
            timestamps.push(parse_num(part, "timestamp")?);
        }
        RateState::checked(timestamps)
    }
}

/// The result of [`RateLimiter::acquire`]: the decision and the state to persist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateOutcome {
    /// Whether this event may go ahead.
    pub decision: Decision,
    /// The new state (expired timestamps dropped, and this event added when allowed);
    /// persist it.
    pub state: RateState,
}

/// An exact sliding-window-log limiter: within any `period_secs` seconds it allows at most
/// `limit` events, never more.
///
/// The state keeps the time of each allowed event still inside the window (at most `limit`
/// of them). An event at `now` first drops the timestamps `≤ now − period_secs`; if fewer than
/// `limit` remain it is allowed and recorded, with `remaining = limit − count`; otherwise it is
/// refused with `retry_after` the seconds until the oldest blocking timestamp leaves the
/// window, so that acquiring at `now + retry_after` succeeds and one second earlier does not.
///
/// Why a log and not GCRA or a token bucket (O(1) state): those refill continuously, so a key
/// that spends its burst, waits, and spends the refill can pass up to `2·limit − 1` events
/// within one period, which breaks "5 verifications per 15 minutes" read as a budget. The log
/// costs one timestamp per event in the window, bounded by [`RateLimit::MAX_LIMIT`].
///
/// A clock that goes backwards (`now` before the newest timestamp) grants nothing extra: no
/// timestamp expires early, and an allowed event is recorded at the newest timestamp rather
/// than at `now`, which keeps the log in order and expires that event no sooner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateLimiter {
    rate: RateLimit,
}

impl RateLimiter {
    /// A limiter for `rate`; `limit` must be between 1 and [`RateLimit::MAX_LIMIT`] and the
    /// period between 1 second and 366 days, else [`MfaError::InvalidParameter`].
    pub fn new(rate: RateLimit) -> Result<RateLimiter> {
        rate.validate()?;
        Ok(RateLimiter { rate })
    }

    /// The rate.
    pub fn rate(&self) -> RateLimit {
        self.rate
    }

    /// The decision at `now` and how many of the oldest timestamps have left the window.
    fn evaluate(&self, state: &RateState, now: u64) -> (Decision, usize) {
        let period = self.rate.period_secs;
        // Timestamps ≤ now − period have left the window; before `period` seconds of UNIX time
        // none has.
        let expired = now.checked_sub(period).map_or(0, |cutoff| {
            state.timestamps.partition_point(|&t| t <= cutoff)
        });
        let live = &state.timestamps[expired..];
        let limit = self.rate.limit as usize;
        if live.len() < limit {
            let decision = Decision {
                allowed: true,
                retry_after: 0,
                // live.len() + 1 ≤ limit ≤ MAX_LIMIT, so this fits.
                remaining: (limit - live.len() - 1) as u32,
                locked: false,
            };
            (decision, expired)
        } else {
            // An event is allowed once at most limit − 1 live ones remain, i.e. once
            // live[live.len() − limit] has expired. (More than `limit` live timestamps only
            // happen with a state kept under a larger limit.)
            let blocking = live[live.len() - limit];
            let retry_after = blocking.saturating_add(period).saturating_sub(now).max(1);
            let decision = Decision {
                allowed: false,
                retry_after,
                remaining: 0,
                locked: false,
            };
            (decision, expired)
        }
    }

    /// Takes one event at `now` if the window has room for it.
    pub fn acquire(&self, state: &RateState, now: u64) -> RateOutcome {
        let (decision, expired) = self.evaluate(state, now);
        let mut timestamps = state.timestamps[expired..].to_vec();
        if decision.allowed {
            // Recording at the newest timestamp when the clock went back keeps the log in
            // order and expires the event no sooner than recording it at `now` would.
            let at = timestamps.last().map_or(now, |&newest| newest.max(now));
            timestamps.push(at);
        }
        RateOutcome {
            decision,
            state: RateState { timestamps },
        }
    }

    /// The decision [`RateLimiter::acquire`] would make at `now`, without recording anything.
    pub fn peek(&self, state: &RateState, now: u64) -> Decision {
        self.evaluate(state, now).0
    }
}

/// The most guesses an attacker can make within `horizon_secs` against one subject under
/// `policy`, guessing as soon as each is allowed and never succeeding (so never resetting the
/// state); `None` when the policy does not bound them (no backoff and no lockout).
///
/// Guess `k+1` comes `policy.delay_after(k)` seconds after guess `k`, the first at time 0;
/// guesses at times `< horizon_secs` count. Computed in closed form over the stretches where
/// the delay is constant.
pub fn max_attacker_guesses(policy: &AttemptPolicy, horizon_secs: u64) -> Result<Option<u64>> {
    policy.validate()?;
    if horizon_secs == 0 {
        return Ok(Some(0));
    }
    // Guess k (1-based) happens at `at`; count it, then jump over a run of equal delays.
    let mut guesses: u64 = 0;
    let mut k: u64 = 1;
    let mut at: u64 = 0;
    while at < horizon_secs {
        let failures = u32::try_from(k).unwrap_or(u32::MAX);
        let delay = policy.delay_after(failures);
        // The delay stays `delay` for failures k ..= last (at most up to the next backoff step
        // or the lockout threshold).
        let last = next_change(policy, failures).map_or(u64::MAX, |c| u64::from(c) - 1);
        if delay == 0 {
            if last == u64::MAX {
                return Ok(None);
            }
            guesses += last - k + 1;
            k = last + 1;
            continue;
        }
        // Guesses k, k+1, ..., at times at, at+delay, ...; those before the horizon count.
        let fit = (horizon_secs - 1 - at) / delay + 1;
        let run = last.saturating_sub(k).saturating_add(1);
        if fit <= run {
            return Ok(Some(guesses + fit));
        }
        guesses += run;
        at = at.saturating_add(run.saturating_mul(delay));
        k = last + 1;
    }
    Ok(Some(guesses))
}

/// The smallest failure count `> failures` whose delay differs, if any. `delay_after` is
/// non-decreasing (the backoff grows, and the lockout only raises it), so a binary search
/// finds it.
fn next_change(policy: &AttemptPolicy, failures: u32) -> Option<u32> {
    let delay = policy.delay_after(failures);
    if policy.delay_after(u32::MAX) == delay {
        return None;
    }
    // Invariant: delay_after(lo) == delay < delay_after(hi).
    let (mut lo, mut hi) = (failures, u32::MAX);
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if policy.delay_after(mid) == delay {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Some(hi)
}

/// Probability that an attacker succeeds within `horizon_secs` against a `digits`-digit code
/// where each guess is compared with `window_size` valid codes (3 for TOTP with a ±1 window,
/// RFC 6238 section 5.2), when `policy` limits one subject:
///
/// ```text
/// q = min(1, window_size / 10^digits)     chance that one guess hits
/// N = max_attacker_guesses(policy, horizon_secs)
/// P = 1 − (1 − q)^N
/// ```
///
/// This assumes distinct guesses are no better than independent ones (with codes changing
/// every period they are not) and that the attacker cannot reset the subject's counter, for
/// example by a legitimate sign-in in between; per-IP budgets are ignored since an attacker
/// has many addresses. Returns 1.0 when the policy allows unlimited guesses.
pub fn attacker_success_probability(
    digits: u32,
    window_size: u64,
    policy: &AttemptPolicy,
    horizon_secs: u64,
) -> Result<f64> {
    if !(1..=19).contains(&digits) {
        return Err(MfaError::param("digits", "must be between 1 and 19"));
    }
    if window_size == 0 {
        return Err(MfaError::param("window_size", "must be at least 1"));
    }
    let Some(guesses) = max_attacker_guesses(policy, horizon_secs)? else {
        return Ok(1.0);
    };
    let q = (window_size as f64 / 10f64.powi(digits as i32)).min(1.0);
    if q >= 1.0 {
        return Ok(if guesses > 0 { 1.0 } else { 0.0 });
    }
    // 1 − (1 − q)^N without cancellation: −expm1(N · ln(1 − q)).
    Ok(-((guesses as f64) * (-q).ln_1p()).exp_m1())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn default_policy_bound() {
        let p = AttemptPolicy::default();
        assert_eq!(max_attacker_guesses(&p, 365 * 86_400).unwrap(), Some(2199));
        let prob = attacker_success_probability(6, 3, &p, 365 * 86_400).unwrap();
        assert!(prob <= 0.01, "{prob}");
    }

    #[test]
    fn rate_parse_and_display() {
        let r: RateLimit = "5/15m".parse().unwrap();
        assert_eq!(r, RateLimit::VERIFY);
        assert_eq!(r.to_string(), "5/15m");
        assert_eq!("2/h".parse::<RateLimit>().unwrap(), RateLimit::DISABLE);
        assert!("0/1h".parse::<RateLimit>().is_err());
        assert!("5/15x".parse::<RateLimit>().is_err());
    }

    fn take(l: &RateLimiter, s: &mut RateState, now: u64) -> Decision {
        let o = l.acquire(s, now);
        *s = o.state;
        o.decision
    }

    #[test]
    fn window_holds_exactly_the_budget() {
        let l = RateLimiter::new(RateLimit::VERIFY).unwrap();
        let mut s = RateState::default();
        for (at, left) in [(1000, 4), (1000, 3), (1100, 2), (1200, 1), (1300, 0)] {
            let d = take(&l, &mut s, at);
            assert!(d.allowed);
            assert_eq!(d.remaining, left);
        }
        assert_eq!(s.to_stored(), "mfakit:rate:v1:1000,1000,1100,1200,1300");
        // Refused until the oldest leaves the window (at 1000 + 900), whatever the waiting.
        let refused = take(&l, &mut s, 1500);
        assert_eq!(
            (refused.allowed, refused.retry_after, refused.remaining),
            (false, 400, 0)
        );
        assert_eq!(l.peek(&s, 1899).retry_after, 1);
        // Both events at 1000 leave together; GCRA would have let one through at 1180.
        assert!(!l.peek(&s, 1180).allowed);
        let d = take(&l, &mut s, 1900);
        assert_eq!((d.allowed, d.remaining), (true, 1));
        assert_eq!(s.to_stored(), "mfakit:rate:v1:1100,1200,1300,1900");
        assert!(take(&l, &mut s, 1901).allowed);
        // A refusal records nothing.
        let o = l.acquire(&s, 1902);
        assert_eq!((o.decision.allowed, o.decision.retry_after), (false, 98));
        assert_eq!(o.state, s);
        // Peek agrees with acquire and records nothing; at 2000 the event at 1100 is out.
        assert_eq!(l.peek(&s, 2000), l.acquire(&s, 2000).decision);
        assert_eq!(
            (l.peek(&s, 2000).allowed, l.peek(&s, 2000).remaining),
            (true, 0)
        );
        assert_eq!(s.to_stored(), "mfakit:rate:v1:1100,1200,1300,1900,1901");
    }

    #[test]
    fn clock_going_back_grants_nothing() {
        let l = RateLimiter::new(RateLimit::per(2, 60)).unwrap();
        let mut s = RateState::default();
        assert!(take(&l, &mut s, 1000).allowed);
        // 10 s back: allowed (one slot left), recorded at 1000 to keep the log in order.
        let d = take(&l, &mut s, 990);
        assert_eq!((d.allowed, d.remaining), (true, 0));
        assert_eq!(s.timestamps, [1000, 1000]);
        // Far back, even before the epoch's first period: refused, no panic.
        for now in [0, 5, 999] {
            let d = take(&l, &mut s, now);
            assert!(!d.allowed);
            assert_eq!(d.retry_after, 1060 - now);
        }
        assert!(!l.peek(&s, 1059).allowed);
        assert!(l.peek(&s, 1060).allowed);
    }

    #[test]
    fn extreme_times_do_not_overflow() {
        let l = RateLimiter::new(RateLimit::per(1, 366 * 86_400)).unwrap();
        let mut s = RateState::default();
        assert!(take(&l, &mut s, u64::MAX).allowed);
        let d = take(&l, &mut s, u64::MAX);
        assert!(!d.allowed && d.retry_after >= 1);
        assert!(take(&l, &mut RateState::default(), 0).allowed);
    }

    #[test]
    fn a_state_from_a_larger_limit_still_binds() {
        // Five events kept under 5/15m, now read under 3/15m: the third-newest must expire.
        let s = RateState::from_stored("mfakit:rate:v1:100,200,300,400,500").unwrap();
        let l = RateLimiter::new(RateLimit::SETUP).unwrap();
        let d = l.peek(&s, 600);
        assert_eq!((d.allowed, d.retry_after), (false, 300 + 900 - 600));
        assert!(l.peek(&s, 1200).allowed);
        assert!(!l.peek(&s, 1199).allowed);
    }

    #[test]
    fn limit_is_bounded() {
        assert!(RateLimiter::new(RateLimit::per(RateLimit::MAX_LIMIT, 60)).is_ok());
        let err = RateLimiter::new(RateLimit::per(RateLimit::MAX_LIMIT + 1, 60)).unwrap_err();
        assert!(matches!(
            err,
            MfaError::InvalidParameter { name: "limit", .. }
        ));
        assert!("1001/1h".parse::<RateLimit>().is_err());
    }

    #[test]
    fn rate_state_text_and_serde() {
        for text in [
            "mfakit:rate:v1:",
            "mfakit:rate:v1:7",
            "mfakit:rate:v1:1,1,2",
        ] {
            assert_eq!(RateState::from_stored(text).unwrap().to_stored(), text);
        }
        let s = RateState::from_stored("mfakit:rate:v1:3,4").unwrap();
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(json, r#"{"timestamps":[3,4]}"#);
        assert_eq!(serde_json::from_str::<RateState>(&json).unwrap(), s);
        assert!(serde_json::from_str::<RateState>(r#"{"timestamps":[4,3]}"#).is_err());
        let many = format!("{{\"timestamps\":[{}]}}", vec!["1"; 1001].join(","));
        assert!(serde_json::from_str::<RateState>(&many).is_err());
    }
}
