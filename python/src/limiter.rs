//! Python face of `core/src/limiter.rs`: per-subject attempt limiting (backoff and lockout),
//! sliding-window rate limiting, and the brute-force bound. States are small immutable values the
//! application persists (`to_stored()`) and hands back.

use mfakit_core::{
    attacker_success_probability, max_attacker_guesses, AttemptLimiter, AttemptPolicy,
    AttemptState, Decision, RateLimit, RateLimiter, RateState,
};
use pyo3::prelude::*;

use crate::exceptions::OrRaise;
use crate::guard;
use crate::otp::{
    digits_arg, failures_arg, horizon_secs_arg, limit_arg, opt_backoff_base_secs_arg,
    opt_backoff_cap_secs_arg, opt_backoff_factor_arg, opt_lockout_after_arg, opt_lockout_secs_arg,
    optional_time_arg, period_secs_arg, time_secs_arg, window_size_arg,
};

fn now_or(now: Option<u64>) -> u64 {
    now.unwrap_or_else(mfakit_core::unix_now)
}

/// Exponential backoff after consecutive failures and a lockout after `lockout_after` of them.
/// Arguments left as `None` take the core's defaults: 1 s doubling to 900 s, lockout for
/// 14400 s after 10 failures.
#[pyclass(module = "mfakit", name = "AttemptPolicy", frozen)]
pub(crate) struct PyAttemptPolicy {
    inner: AttemptPolicy,
}

#[pymethods]
impl PyAttemptPolicy {
    #[new]
    #[pyo3(signature = (*, backoff_base_secs = None, backoff_factor = None, backoff_cap_secs = None, lockout_after = None, lockout_secs = None))]
    fn new(
        #[pyo3(from_py_with = opt_backoff_base_secs_arg)] backoff_base_secs: Option<u64>,
        #[pyo3(from_py_with = opt_backoff_factor_arg)] backoff_factor: Option<u32>,
        #[pyo3(from_py_with = opt_backoff_cap_secs_arg)] backoff_cap_secs: Option<u64>,
        #[pyo3(from_py_with = opt_lockout_after_arg)] lockout_after: Option<u32>,
        #[pyo3(from_py_with = opt_lockout_secs_arg)] lockout_secs: Option<u64>,
    ) -> PyResult<Self> {
        guard(|| {
            let d = AttemptPolicy::default();
            let inner = AttemptPolicy {
                backoff_base_secs: backoff_base_secs.unwrap_or(d.backoff_base_secs),
                backoff_factor: backoff_factor.unwrap_or(d.backoff_factor),
                backoff_cap_secs: backoff_cap_secs.unwrap_or(d.backoff_cap_secs),
                lockout_after: lockout_after.unwrap_or(d.lockout_after),
                lockout_secs: lockout_secs.unwrap_or(d.lockout_secs),
            };
            inner.validate().or_raise()?;
            Ok(PyAttemptPolicy { inner })
        })
    }

    /// Seconds to wait after the `failures`-th consecutive failure.
    fn delay_after(&self, #[pyo3(from_py_with = failures_arg)] failures: u32) -> u64 {
        self.inner.delay_after(failures)
    }

    #[getter]
    fn backoff_base_secs(&self) -> u64 {
        self.inner.backoff_base_secs
    }

    #[getter]
    fn backoff_factor(&self) -> u32 {
        self.inner.backoff_factor
    }

    #[getter]
    fn backoff_cap_secs(&self) -> u64 {
        self.inner.backoff_cap_secs
    }

    #[getter]
    fn lockout_after(&self) -> u32 {
        self.inner.lockout_after
    }

    #[getter]
    fn lockout_secs(&self) -> u64 {
        self.inner.lockout_secs
    }

    fn __repr__(&self) -> String {
        let p = &self.inner;
        format!(
            "AttemptPolicy(backoff_base_secs={}, backoff_factor={}, backoff_cap_secs={}, lockout_after={}, lockout_secs={})",
            p.backoff_base_secs, p.backoff_factor, p.backoff_cap_secs, p.lockout_after, p.lockout_secs
        )
    }
}

/// One subject's attempt state; `AttemptState()` is a fresh one.
#[pyclass(module = "mfakit", name = "AttemptState", frozen, eq)]
#[derive(PartialEq)]
pub(crate) struct PyAttemptState {
    inner: AttemptState,
}

#[pymethods]
impl PyAttemptState {
    #[new]
    #[pyo3(signature = (failures = 0, last_failure_at = 0))]
    fn new(
        #[pyo3(from_py_with = failures_arg)] failures: u32,
        #[pyo3(from_py_with = time_secs_arg)] last_failure_at: u64,
    ) -> Self {
        PyAttemptState {
            inner: AttemptState {
                failures,
                last_failure_at,
            },
        }
    }

    /// `mfakit:attempts:v1:<failures>:<last_failure_at>`.
    fn to_stored(&self) -> String {
        self.inner.to_stored()
    }

    /// Parses `to_stored()`'s output; `InvalidStoredValueError` otherwise.
    #[staticmethod]
    fn from_stored(stored: &str) -> PyResult<Self> {
        guard(|| {
            Ok(PyAttemptState {
                inner: AttemptState::from_stored(stored).or_raise()?,
            })
        })
    }

    /// Consecutive failures since the last success.
    #[getter]
    fn failures(&self) -> u32 {
        self.inner.failures
    }

    /// UNIX time of the last failure.
    #[getter]
    fn last_failure_at(&self) -> u64 {
        self.inner.last_failure_at
    }

    fn __repr__(&self) -> String {
        format!(
            "AttemptState(failures={}, last_failure_at={})",
            self.inner.failures, self.inner.last_failure_at
        )
    }
}

/// A limiter's answer: `allowed`, `retry_after` seconds, `remaining` attempts, `locked`.
/// Truthy when allowed; `raise_if_refused()` raises `RateLimitedError` otherwise.
#[pyclass(module = "mfakit", name = "Decision", frozen)]
pub(crate) struct PyDecision {
    inner: Decision,
}

#[pymethods]
impl PyDecision {
    /// Raises `RateLimitedError` (with `retry_after`) when refused.
    fn raise_if_refused(&self) -> PyResult<()> {
        self.inner.check().or_raise()
    }

    #[getter]
    fn allowed(&self) -> bool {
        self.inner.allowed
    }

    #[getter]
    fn retry_after(&self) -> u64 {
        self.inner.retry_after
    }

    #[getter]
    fn remaining(&self) -> u32 {
        self.inner.remaining
    }

    #[getter]
    fn locked(&self) -> bool {
        self.inner.locked
    }

    fn __bool__(&self) -> bool {
        self.inner.allowed
    }

    fn __repr__(&self) -> String {
        let d = &self.inner;
        let py_bool = |b: bool| if b { "True" } else { "False" };
        format!(
            "Decision(allowed={}, retry_after={}, remaining={}, locked={})",
            py_bool(d.allowed),
            d.retry_after,
            d.remaining,
            py_bool(d.locked)
        )
    }
}

fn decision(inner: Decision) -> PyDecision {
    PyDecision { inner }
}

/// A new state to persist and the decision for the next attempt.
#[pyclass(module = "mfakit", name = "AttemptOutcome", frozen)]
pub(crate) struct PyAttemptOutcome {
    /// The state to persist.
    #[pyo3(get)]
    state: Py<PyAttemptState>,
    /// Whether and when the next attempt is allowed.
    #[pyo3(get)]
    decision: Py<PyDecision>,
}

/// Consecutive-failure limiting per subject: `check` before verifying a code, then
/// `record_failure` or `record_success`, and persist the returned state.
#[pyclass(module = "mfakit", name = "AttemptLimiter", frozen)]
pub(crate) struct PyAttemptLimiter {
    inner: AttemptLimiter,
}

fn attempt_state(state: Option<PyRef<'_, PyAttemptState>>) -> AttemptState {
    state.map(|s| s.inner).unwrap_or_default()
}

#[pymethods]
impl PyAttemptLimiter {
    #[new]
    #[pyo3(signature = (policy = None))]
    fn new(policy: Option<PyRef<'_, PyAttemptPolicy>>) -> PyResult<Self> {
        guard(|| {
            let policy = policy.map(|p| p.inner).unwrap_or_default();
            Ok(PyAttemptLimiter {
                inner: AttemptLimiter::new(policy).or_raise()?,
            })
        })
    }

    /// Whether an attempt may be made at `now` (default: the clock); `state=None` is fresh.
    #[pyo3(signature = (state = None, *, now = None))]
    fn check(
        &self,
        state: Option<PyRef<'_, PyAttemptState>>,
        #[pyo3(from_py_with = optional_time_arg)] now: Option<u64>,
    ) -> PyDecision {
        decision(self.inner.check(&attempt_state(state), now_or(now)))
    }

    /// Records a failure at `now`.
    #[pyo3(signature = (state = None, *, now = None))]
    fn record_failure(
        &self,
        py: Python<'_>,
        state: Option<PyRef<'_, PyAttemptState>>,
        #[pyo3(from_py_with = optional_time_arg)] now: Option<u64>,
    ) -> PyResult<PyAttemptOutcome> {
        let out = self
            .inner
            .record_failure(&attempt_state(state), now_or(now));
        Ok(PyAttemptOutcome {
            state: Py::new(py, PyAttemptState { inner: out.state })?,
            decision: Py::new(py, decision(out.decision))?,
        })
    }

    /// A success: the fresh state to persist.
    fn record_success(&self) -> PyAttemptState {
        PyAttemptState {
            inner: self.inner.record_success(),
        }
    }

    /// The policy.
    #[getter]
    fn policy(&self) -> PyAttemptPolicy {
        PyAttemptPolicy {
            inner: self.inner.policy(),
        }
    }
}

/// Sliding-window-log state for one key (an IP, an endpoint, a user); `RateState()` is fresh.
#[pyclass(module = "mfakit", name = "RateState", frozen, eq)]
#[derive(PartialEq)]
pub(crate) struct PyRateState {
    inner: RateState,
}

#[pymethods]
impl PyRateState {
    #[new]
    fn new() -> Self {
        PyRateState {
            inner: RateState::default(),
        }
    }

    /// `mfakit:rate:v1:` then the comma-separated timestamps still in the window.
    fn to_stored(&self) -> String {
        self.inner.to_stored()
    }

    /// Parses `to_stored()`'s output; `InvalidStoredValueError` otherwise.
    #[staticmethod]
    fn from_stored(stored: &str) -> PyResult<Self> {
        guard(|| {
            Ok(PyRateState {
                inner: RateState::from_stored(stored).or_raise()?,
            })
        })
    }

    fn __repr__(&self) -> String {
        format!("RateState.from_stored('{}')", self.inner.to_stored())
    }
}

/// The decision for this event and the state to persist.
#[pyclass(module = "mfakit", name = "RateOutcome", frozen)]
pub(crate) struct PyRateOutcome {
    /// The state to persist (unchanged when refused).
    #[pyo3(get)]
    state: Py<PyRateState>,
    /// Whether this event may go ahead.
    #[pyo3(get)]
    decision: Py<PyDecision>,
}

/// An exact sliding-window rate limiter: `RateLimiter("5/15m")` allows at most 5 events in
/// any 15 minutes. Units `s`, `m`, `h`, `d`; `limit` at most 1000.
#[pyclass(module = "mfakit", name = "RateLimiter", frozen)]
pub(crate) struct PyRateLimiter {
    inner: RateLimiter,
}

fn rate_state(state: Option<PyRef<'_, PyRateState>>) -> RateState {
    state.map(|s| s.inner.clone()).unwrap_or_default()
}

#[pymethods]
impl PyRateLimiter {
    #[new]
    fn new(rate: &str) -> PyResult<Self> {
        guard(|| {
            let rate: RateLimit = rate.parse().or_raise()?;
            Ok(PyRateLimiter {
                inner: RateLimiter::new(rate).or_raise()?,
            })
        })
    }

    /// `limit` events per `period_secs` seconds.
    #[staticmethod]
    fn per(
        #[pyo3(from_py_with = limit_arg)] limit: u32,
        #[pyo3(from_py_with = period_secs_arg)] period_secs: u64,
    ) -> PyResult<Self> {
        guard(|| {
            Ok(PyRateLimiter {
                inner: RateLimiter::new(RateLimit::per(limit, period_secs)).or_raise()?,
            })
        })
    }

    /// Takes one event at `now` if the budget allows it.
    #[pyo3(signature = (state = None, *, now = None))]
    fn acquire(
        &self,
        py: Python<'_>,
        state: Option<PyRef<'_, PyRateState>>,
        #[pyo3(from_py_with = optional_time_arg)] now: Option<u64>,
    ) -> PyResult<PyRateOutcome> {
        let out = self.inner.acquire(&rate_state(state), now_or(now));
        Ok(PyRateOutcome {
            state: Py::new(py, PyRateState { inner: out.state })?,
            decision: Py::new(py, decision(out.decision))?,
        })
    }

    /// Whether an event at `now` would be allowed, without taking it.
    #[pyo3(signature = (state = None, *, now = None))]
    fn peek(
        &self,
        state: Option<PyRef<'_, PyRateState>>,
        #[pyo3(from_py_with = optional_time_arg)] now: Option<u64>,
    ) -> PyDecision {
        decision(self.inner.peek(&rate_state(state), now_or(now)))
    }

    /// Events per period.
    #[getter]
    fn limit(&self) -> u32 {
        self.inner.rate().limit
    }

    /// The period in seconds.
    #[getter]
    fn period_secs(&self) -> u64 {
        self.inner.rate().period_secs
    }

    fn __repr__(&self) -> String {
        format!("RateLimiter('{}')", self.inner.rate())
    }
}

/// The most guesses an attacker can make against one subject within `horizon_secs` under
/// `policy`; `None` when the policy does not bound them.
#[pyfunction(name = "max_attacker_guesses")]
fn max_attacker_guesses_py(
    py: Python<'_>,
    policy: &PyAttemptPolicy,
    #[pyo3(from_py_with = horizon_secs_arg)] horizon_secs: u64,
) -> PyResult<Option<u64>> {
    guard(|| {
        py.detach(|| max_attacker_guesses(&policy.inner, horizon_secs))
            .or_raise()
    })
}

/// Probability that an attacker guesses a `digits`-digit code within `horizon_secs` when each
/// guess is compared with `window_size` codes (3 for TOTP with window ±1) under `policy`.
#[pyfunction(name = "attacker_success_probability")]
fn attacker_success_probability_py(
    py: Python<'_>,
    #[pyo3(from_py_with = digits_arg)] digits: u32,
    #[pyo3(from_py_with = window_size_arg)] window_size: u64,
    policy: &PyAttemptPolicy,
    #[pyo3(from_py_with = horizon_secs_arg)] horizon_secs: u64,
) -> PyResult<f64> {
    guard(|| {
        py.detach(|| attacker_success_probability(digits, window_size, &policy.inner, horizon_secs))
            .or_raise()
    })
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyAttemptPolicy>()?;
    m.add_class::<PyAttemptState>()?;
    m.add_class::<PyDecision>()?;
    m.add_class::<PyAttemptOutcome>()?;
    m.add_class::<PyAttemptLimiter>()?;
    m.add_class::<PyRateState>()?;
    m.add_class::<PyRateOutcome>()?;
    m.add_class::<PyRateLimiter>()?;
    m.add_function(wrap_pyfunction!(max_attacker_guesses_py, m)?)?;
    m.add_function(wrap_pyfunction!(attacker_success_probability_py, m)?)?;
    Ok(())
}
