//! Python face of `core/src/challenge.rs`: email/SMS one-time-code challenges and contact
//! masking. The stored challenge holds a keyed hash of the code, never the code.

use mfakit_core::{
    mask_email, mask_phone_showing, ChallengeKey, ChallengePolicy, ChallengeVerdict,
    IssuedChallenge, OtpChallenge,
};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::exceptions::OrRaise;
use crate::guard;
use crate::otp::{
    opt_digits_arg, opt_max_attempts_arg, opt_resend_cooldown_secs_arg, opt_ttl_secs_arg,
    optional_time_arg, visible_arg,
};

fn now_or(now: Option<u64>) -> u64 {
    now.unwrap_or_else(mfakit_core::unix_now)
}

/// The application's HMAC key for challenges (16 to 1024 bytes; `ChallengeKey.generate()`
/// makes a 256-bit one). Keep it in a secret store — `expose_bytes()` gives the bytes to put
/// there, `ChallengeKey(stored)` loads them again; `repr()` hides it.
#[pyclass(module = "mfakit", name = "ChallengeKey", frozen)]
pub(crate) struct PyChallengeKey {
    inner: ChallengeKey,
}

impl PyChallengeKey {
    /// The core key, for the service (`mfakit.Mfa`).
    pub(crate) fn key(&self) -> &ChallengeKey {
        &self.inner
    }
}

#[pymethods]
impl PyChallengeKey {
    #[new]
    fn new(key: &[u8]) -> PyResult<Self> {
        guard(|| {
            Ok(PyChallengeKey {
                inner: ChallengeKey::from_bytes(key).or_raise()?,
            })
        })
    }

    /// A new random 256-bit key. Store `expose_bytes()` before issuing challenges: a key
    /// that only lives in memory cannot verify them after a restart.
    #[staticmethod]
    fn generate() -> Self {
        PyChallengeKey {
            inner: ChallengeKey::generate(),
        }
    }

    /// The raw key bytes, to put in the application's secret store and load again with
    /// `ChallengeKey(stored)`. Store this as a secret: with it, anyone holding a stored
    /// challenge can test every code offline. The key inside mfakit is wiped when freed; the
    /// returned `bytes` is an ordinary Python object that cannot be, so drop it once stored.
    fn expose_bytes<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.inner.expose_bytes())
    }

    fn __repr__(&self) -> &'static str {
        "ChallengeKey(<redacted>)"
    }
}

/// The stored state of an email or SMS challenge (no code inside). Persist `to_stored()`
/// after every `issue`, `verify` and `resend`: attempts are counted in it.
#[pyclass(module = "mfakit", name = "OtpChallenge", frozen)]
pub(crate) struct PyOtpChallenge {
    inner: OtpChallenge,
}

/// A new (or re-sent) challenge: `challenge` to store and `code` to deliver once.
#[pyclass(module = "mfakit", name = "IssuedChallenge", frozen)]
pub(crate) struct PyIssuedChallenge {
    /// The state to persist.
    #[pyo3(get)]
    challenge: Py<PyOtpChallenge>,
    /// The code to send. Never store or log it.
    #[pyo3(get)]
    code: String,
}

/// The answer of `OtpChallenge.verify`: `verdict` (`accepted`, `wrong`, `expired`,
/// `exhausted` or `used`), `attempts_left`, and the `challenge` to persist. Truthy when
/// accepted.
#[pyclass(module = "mfakit", name = "ChallengeVerification", frozen)]
pub(crate) struct PyChallengeVerification {
    /// The verdict's code.
    #[pyo3(get)]
    verdict: &'static str,
    /// Whether the code was accepted.
    #[pyo3(get)]
    accepted: bool,
    /// Tries left for `wrong`; otherwise the challenge's count.
    #[pyo3(get)]
    attempts_left: u32,
    /// The updated challenge: persist it.
    #[pyo3(get)]
    challenge: Py<PyOtpChallenge>,
}

fn issued(py: Python<'_>, made: IssuedChallenge) -> PyResult<PyIssuedChallenge> {
    Ok(PyIssuedChallenge {
        code: made.code.as_str().to_owned(),
        challenge: Py::new(
            py,
            PyOtpChallenge {
                inner: made.challenge,
            },
        )?,
    })
}

#[pymethods]
impl PyOtpChallenge {
    /// Starts a challenge: draws a `digits`-digit code (4 to 10) valid for `ttl_secs`, with
    /// `max_attempts` wrong tries and `resend_cooldown_secs` between sends. Defaults: 6 digits,
    /// 300 s, 5 attempts, 60 s.
    #[staticmethod]
    #[pyo3(signature = (key, *, digits = None, ttl_secs = None, max_attempts = None, resend_cooldown_secs = None, now = None))]
    fn issue(
        py: Python<'_>,
        key: &PyChallengeKey,
        #[pyo3(from_py_with = opt_digits_arg)] digits: Option<u32>,
        #[pyo3(from_py_with = opt_ttl_secs_arg)] ttl_secs: Option<u64>,
        #[pyo3(from_py_with = opt_max_attempts_arg)] max_attempts: Option<u32>,
        #[pyo3(from_py_with = opt_resend_cooldown_secs_arg)] resend_cooldown_secs: Option<u64>,
        #[pyo3(from_py_with = optional_time_arg)] now: Option<u64>,
    ) -> PyResult<PyIssuedChallenge> {
        guard(|| {
            let d = ChallengePolicy::default();
            let policy = ChallengePolicy {
                digits: digits.unwrap_or(d.digits),
                ttl_secs: ttl_secs.unwrap_or(d.ttl_secs),
                max_attempts: max_attempts.unwrap_or(d.max_attempts),
                resend_cooldown_secs: resend_cooldown_secs.unwrap_or(d.resend_cooldown_secs),
            };
            issued(
                py,
                OtpChallenge::issue(&key.inner, &policy, now_or(now)).or_raise()?,
            )
        })
    }

    /// Checks what the user typed (spaces and hyphens ignored). Never raises for a wrong
    /// code: the verdict says what happened.
    #[pyo3(signature = (key, code, *, now = None))]
    fn verify(
        &self,
        py: Python<'_>,
        key: &PyChallengeKey,
        code: &str,
        #[pyo3(from_py_with = optional_time_arg)] now: Option<u64>,
    ) -> PyResult<PyChallengeVerification> {
        guard(|| {
            let checked = self.inner.verify(&key.inner, code, now_or(now));
            let attempts_left = match checked.verdict {
                ChallengeVerdict::Wrong { attempts_left } => attempts_left,
                _ => checked.challenge.attempts_left,
            };
            Ok(PyChallengeVerification {
                verdict: checked.verdict.code(),
                accepted: checked.verdict.is_accepted(),
                attempts_left,
                challenge: Py::new(
                    py,
                    PyOtpChallenge {
                        inner: checked.challenge,
                    },
                )?,
            })
        })
    }

    /// A new code for the same challenge (the old one stops working). `RateLimitedError`
    /// within the cooldown (see `retry_after`); `InvalidParameterError` once used or out of
    /// attempts.
    #[pyo3(signature = (key, *, now = None))]
    fn resend(
        &self,
        py: Python<'_>,
        key: &PyChallengeKey,
        #[pyo3(from_py_with = optional_time_arg)] now: Option<u64>,
    ) -> PyResult<PyIssuedChallenge> {
        guard(|| issued(py, self.inner.resend(&key.inner, now_or(now)).or_raise()?))
    }

    /// Seconds until a new code may be sent (0: now).
    #[pyo3(signature = (now = None))]
    fn resend_available_in(
        &self,
        #[pyo3(from_py_with = optional_time_arg)] now: Option<u64>,
    ) -> u64 {
        self.inner.resend_available_in(now_or(now))
    }

    /// The versioned stored form `mfakit:challenge:v2:...`.
    fn to_stored(&self) -> String {
        self.inner.to_stored()
    }

    /// Parses a stored challenge; `InvalidStoredValueError` when malformed.
    #[staticmethod]
    fn from_stored(stored: &str) -> PyResult<Self> {
        guard(|| {
            Ok(PyOtpChallenge {
                inner: OtpChallenge::from_stored(stored).or_raise()?,
            })
        })
    }

    /// The public challenge id.
    #[getter]
    fn id(&self) -> &str {
        &self.inner.id
    }

    /// Number of digits of the code.
    #[getter]
    fn digits(&self) -> u32 {
        self.inner.digits
    }

    /// UNIX time from which the code no longer works.
    #[getter]
    fn expires_at(&self) -> u64 {
        self.inner.expires_at
    }

    /// UNIX time the current code was sent.
    #[getter]
    fn sent_at(&self) -> u64 {
        self.inner.sent_at
    }

    /// Wrong attempts still allowed.
    #[getter]
    fn attempts_left(&self) -> u32 {
        self.inner.attempts_left
    }

    /// Whether the code was already accepted.
    #[getter]
    fn used(&self) -> bool {
        self.inner.used
    }

    fn __repr__(&self) -> String {
        format!(
            "OtpChallenge(id='{}', digits={}, expires_at={}, attempts_left={}, used={})",
            self.inner.id,
            self.inner.digits,
            self.inner.expires_at,
            self.inner.attempts_left,
            if self.inner.used { "True" } else { "False" }
        )
    }
}

#[pymethods]
impl PyIssuedChallenge {
    fn __repr__(&self) -> &'static str {
        "IssuedChallenge(challenge=..., code=<redacted>)"
    }
}

#[pymethods]
impl PyChallengeVerification {
    fn __bool__(&self) -> bool {
        self.accepted
    }

    fn __repr__(&self) -> String {
        format!(
            "ChallengeVerification(verdict='{}', attempts_left={})",
            self.verdict, self.attempts_left
        )
    }
}

/// `jane.doe@example.com` → `j***@example.com`; `InvalidParameterError` when malformed.
#[pyfunction(name = "mask_email")]
fn mask_email_py(email: &str) -> PyResult<String> {
    guard(|| mask_email(email).or_raise())
}

/// A phone number with all but the last `visible` (2 to 4) digits masked.
#[pyfunction(name = "mask_phone")]
#[pyo3(signature = (phone, *, visible = 2))]
fn mask_phone_py(
    phone: &str,
    #[pyo3(from_py_with = visible_arg)] visible: u32,
) -> PyResult<String> {
    guard(|| mask_phone_showing(phone, visible).or_raise())
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyChallengeKey>()?;
    m.add_class::<PyOtpChallenge>()?;
    m.add_class::<PyIssuedChallenge>()?;
    m.add_class::<PyChallengeVerification>()?;
    m.add_function(wrap_pyfunction!(mask_email_py, m)?)?;
    m.add_function(wrap_pyfunction!(mask_phone_py, m)?)?;
    Ok(())
}
