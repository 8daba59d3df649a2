//! Python face of `core/src/stepup.rs`: step-up decisions (MFA level, freshness per operation
//! class, RFC 8176 `amr`). The FastAPI and Flask helpers (`mfakit.fastapi`, `mfakit.flask`)
//! turn a refusal into the 401/403 JSON answer built here.

use std::collections::BTreeMap;

use mfakit_core::{AuthContext, OperationClass, StepUp, StepUpDecision, StepUpPolicy};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::exceptions::OrRaise;
use crate::guard;
use crate::otp::optional_time_arg;

/// The application's step-up rules. Arguments left as `None` take the core's defaults: level
/// `"optional"`, admin role `"admin"`, 300 s freshness for `password_change`, `disable_mfa`
/// and `payment`, the RFC 8176 `amr` values of a second factor, and `totp` and
/// `recovery_code` offered for setup. A given `max_age` replaces the whole default map.
#[pyclass(module = "mfakit", name = "StepUpPolicy", frozen)]
pub(crate) struct PyStepUpPolicy {
    inner: StepUpPolicy,
}

#[pymethods]
impl PyStepUpPolicy {
    #[new]
    // Keyword-only arguments, one per policy field: Python's natural form for an options type.
    #[allow(clippy::too_many_arguments)]
    #[pyo3(signature = (*, level = None, admin_roles = None, max_age = None, accepted_amr = None, accepted_acr = None, setup_methods = None, unknown_operation_max_age = None, max_future_skew_secs = None))]
    fn new(
        level: Option<&str>,
        admin_roles: Option<Vec<String>>,
        max_age: Option<BTreeMap<String, u64>>,
        accepted_amr: Option<Vec<String>>,
        accepted_acr: Option<Vec<String>>,
        setup_methods: Option<Vec<String>>,
        unknown_operation_max_age: Option<u64>,
        max_future_skew_secs: Option<u64>,
    ) -> PyResult<Self> {
        guard(|| {
            let d = StepUpPolicy::default();
            Ok(PyStepUpPolicy {
                inner: StepUpPolicy {
                    level: match level {
                        Some(text) => text.parse().or_raise()?,
                        None => d.level,
                    },
                    admin_roles: admin_roles.unwrap_or(d.admin_roles),
                    max_age: max_age.unwrap_or(d.max_age),
                    accepted_amr: accepted_amr.unwrap_or(d.accepted_amr),
                    accepted_acr: accepted_acr.unwrap_or(d.accepted_acr),
                    setup_methods: setup_methods.unwrap_or(d.setup_methods),
                    unknown_operation_max_age: unknown_operation_max_age
                        .unwrap_or(d.unknown_operation_max_age),
                    max_future_skew_secs: max_future_skew_secs.unwrap_or(d.max_future_skew_secs),
                },
            })
        })
    }

    /// `none`, `optional`, `required` or `admin_only`.
    #[getter]
    fn level(&self) -> &'static str {
        self.inner.level.as_str()
    }

    #[getter]
    fn admin_roles(&self) -> Vec<String> {
        self.inner.admin_roles.clone()
    }

    /// Maximum seconds since the last second factor, per operation class.
    #[getter]
    fn max_age(&self) -> BTreeMap<String, u64> {
        self.inner.max_age.clone()
    }

    /// Maximum age for an operation neither built in nor in `max_age` (default 0: fail closed).
    #[getter]
    fn unknown_operation_max_age(&self) -> u64 {
        self.inner.unknown_operation_max_age
    }

    /// Seconds `mfa_verified_at` may lie ahead of now before it is not believed (default 300).
    #[getter]
    fn max_future_skew_secs(&self) -> u64 {
        self.inner.max_future_skew_secs
    }

    #[getter]
    fn accepted_amr(&self) -> Vec<String> {
        self.inner.accepted_amr.clone()
    }

    #[getter]
    fn accepted_acr(&self) -> Vec<String> {
        self.inner.accepted_acr.clone()
    }

    #[getter]
    fn setup_methods(&self) -> Vec<String> {
        self.inner.setup_methods.clone()
    }

    fn __repr__(&self) -> String {
        format!(
            "StepUpPolicy(level='{}', max_age={:?})",
            self.inner.level.as_str(),
            self.inner.max_age
        )
    }
}

/// What the application knows about the user and session: enrolled second-factor methods,
/// roles, the session's `amr` and `acr` claims, and when the second factor was last verified
/// (UNIX seconds or an aware `datetime`).
#[pyclass(module = "mfakit", name = "AuthContext", frozen)]
pub(crate) struct PyAuthContext {
    inner: AuthContext,
}

#[pymethods]
impl PyAuthContext {
    #[new]
    #[pyo3(signature = (*, enrolled_methods = Vec::new(), roles = Vec::new(), amr = Vec::new(), acr = None, mfa_verified_at = None))]
    fn new(
        enrolled_methods: Vec<String>,
        roles: Vec<String>,
        amr: Vec<String>,
        acr: Option<String>,
        #[pyo3(from_py_with = optional_time_arg)] mfa_verified_at: Option<u64>,
    ) -> Self {
        PyAuthContext {
            inner: AuthContext {
                enrolled_methods,
                roles,
                amr,
                acr,
                mfa_verified_at,
            },
        }
    }

    #[getter]
    fn enrolled_methods(&self) -> Vec<String> {
        self.inner.enrolled_methods.clone()
    }

    #[getter]
    fn roles(&self) -> Vec<String> {
        self.inner.roles.clone()
    }

    #[getter]
    fn amr(&self) -> Vec<String> {
        self.inner.amr.clone()
    }

    #[getter]
    fn acr(&self) -> Option<String> {
        self.inner.acr.clone()
    }

    #[getter]
    fn mfa_verified_at(&self) -> Option<u64> {
        self.inner.mfa_verified_at
    }

    fn __repr__(&self) -> String {
        let c = &self.inner;
        format!(
            "AuthContext(enrolled_methods={:?}, roles={:?}, amr={:?}, acr={:?}, mfa_verified_at={:?})",
            c.enrolled_methods, c.roles, c.amr, c.acr, c.mfa_verified_at
        )
    }
}

/// The answer of `StepUp.decide`. Truthy when allowed. A refusal has a `code`
/// (`mfa_setup_required`, `mfa_required`, `mfa_stale`), a suggested `http_status` (403 for
/// setup, else 401), the `methods` the user can use and, when stale, `max_age`.
#[pyclass(module = "mfakit", name = "StepUpDecision", frozen)]
pub(crate) struct PyStepUpDecision {
    inner: StepUpDecision,
}

#[pymethods]
impl PyStepUpDecision {
    #[getter]
    fn allowed(&self) -> bool {
        self.inner.is_allowed()
    }

    #[getter]
    fn code(&self) -> Option<&'static str> {
        self.inner.code()
    }

    #[getter]
    fn http_status(&self) -> u16 {
        self.inner.http_status()
    }

    #[getter]
    fn methods(&self) -> Vec<String> {
        match &self.inner {
            StepUpDecision::Allowed => Vec::new(),
            StepUpDecision::Refused(r) => r.methods.clone(),
        }
    }

    #[getter]
    fn max_age(&self) -> Option<u64> {
        match &self.inner {
            StepUpDecision::Allowed => None,
            StepUpDecision::Refused(r) => r.max_age,
        }
    }

    /// The JSON body for a refusal, `None` when allowed:
    /// `{"code": ..., "methods": [...]}` plus `"max_age"` when stale, the same body as the
    /// core's serialisation of a refusal and the Node helper.
    fn body<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        let StepUpDecision::Refused(refusal) = &self.inner else {
            return Ok(None);
        };
        let body = PyDict::new(py);
        body.set_item("code", refusal.reason.code())?;
        body.set_item("methods", refusal.methods.clone())?;
        if let Some(max_age) = refusal.max_age {
            body.set_item("max_age", max_age)?;
        }
        Ok(Some(body))
    }

    fn __bool__(&self) -> bool {
        self.inner.is_allowed()
    }

    fn __repr__(&self) -> String {
        match self.inner.code() {
            None => "StepUpDecision(allowed=True)".to_owned(),
            Some(code) => format!(
                "StepUpDecision(allowed=False, code='{code}', methods={:?}, max_age={:?})",
                self.methods(),
                self.max_age()
            ),
        }
    }
}

/// The step-up evaluator for a policy (default: `StepUpPolicy()`).
#[pyclass(module = "mfakit", name = "StepUp", frozen)]
pub(crate) struct PyStepUp {
    inner: StepUp,
}

#[pymethods]
impl PyStepUp {
    #[new]
    #[pyo3(signature = (policy = None))]
    fn new(policy: Option<PyRef<'_, PyStepUpPolicy>>) -> Self {
        PyStepUp {
            inner: StepUp::new(policy.map(|p| p.inner.clone()).unwrap_or_default()),
        }
    }

    /// Whether `context` may perform an `operation` (`sign_in`, `password_change`,
    /// `disable_mfa`, `payment` or an application-defined name) at `now` (default: the clock).
    #[pyo3(signature = (context, operation = "sign_in", *, now = None))]
    fn decide(
        &self,
        context: &PyAuthContext,
        operation: &str,
        #[pyo3(from_py_with = optional_time_arg)] now: Option<u64>,
    ) -> PyStepUpDecision {
        let op = OperationClass::from_name(operation);
        let now = now.unwrap_or_else(mfakit_core::unix_now);
        PyStepUpDecision {
            inner: self.inner.decide(&context.inner, &op, now),
        }
    }

    /// The RFC 9470 `WWW-Authenticate` value for a refusal on a bearer-token API
    /// (`Bearer error="insufficient_user_authentication"` with `acr_values` / `max_age`);
    /// `None` when allowed or when the refusal asks for enrolment.
    fn www_authenticate(&self, decision: &PyStepUpDecision) -> Option<String> {
        self.inner.www_authenticate(&decision.inner)
    }

    /// Whether MFA applies to this user at all under the policy's level.
    fn mfa_applies(&self, context: &PyAuthContext) -> bool {
        self.inner.mfa_applies(&context.inner)
    }

    /// The policy.
    #[getter]
    fn policy(&self) -> PyStepUpPolicy {
        PyStepUpPolicy {
            inner: self.inner.policy().clone(),
        }
    }
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyStepUpPolicy>()?;
    m.add_class::<PyAuthContext>()?;
    m.add_class::<PyStepUpDecision>()?;
    m.add_class::<PyStepUp>()?;
    Ok(())
}
