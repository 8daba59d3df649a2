//! Python face of `core/src/recovery.rs`: recovery codes hashed with argon2id.
//!
//! Generating and checking cost argon2id evaluations (tens of milliseconds), so they run with
//! the GIL released, and `agenerate` / `acheck` return awaitables that run them in a worker
//! thread (`asyncio.to_thread`), keeping an event loop free.

use mfakit_core::{
    normalize_recovery_code, NewRecoveryCodes, RecoveryCheck, RecoveryCodeSet, RecoveryParams,
};
use pyo3::prelude::*;
use pyo3::types::PyTuple;

use crate::convert::in_thread;
use crate::exceptions::OrRaise;
use crate::guard;
use crate::otp::{count_arg, opt_m_cost_kib_arg, opt_p_cost_arg, opt_t_cost_arg};

fn params(m_cost_kib: Option<u32>, t_cost: Option<u32>, p_cost: Option<u32>) -> RecoveryParams {
    let d = RecoveryParams::default();
    RecoveryParams {
        m_cost_kib: m_cost_kib.unwrap_or(d.m_cost_kib),
        t_cost: t_cost.unwrap_or(d.t_cost),
        p_cost: p_cost.unwrap_or(d.p_cost),
    }
}

/// A stored set of recovery codes: argon2id parameters and one salted hash per unused code.
///
/// `RecoveryCodeSet.generate(count=10)` returns the codes to show once and the set to store
/// (`to_stored()`); `check(code)` answers with a `RecoveryCheck` whose `set` must be stored
/// in place of the old one. The argon2id parameters default to OWASP's (19 MiB, t=2, p=1).
#[pyclass(module = "mfakit", name = "RecoveryCodeSet", frozen)]
pub(crate) struct PyRecoveryCodeSet {
    inner: RecoveryCodeSet,
}

/// New recovery codes: `codes` to show the user once (never store them) and `set` to store.
#[pyclass(module = "mfakit", name = "NewRecoveryCodes", frozen)]
pub(crate) struct PyNewRecoveryCodes {
    /// The codes, `xxxx-xxxx-xxxx`.
    #[pyo3(get)]
    codes: Vec<String>,
    /// The hashed set to persist.
    #[pyo3(get)]
    set: Py<PyRecoveryCodeSet>,
}

/// The answer of `RecoveryCodeSet.check`: `accepted`, codes `remaining`, and the `set` to
/// store (without the used code when accepted). Truthy when accepted.
#[pyclass(module = "mfakit", name = "RecoveryCheck", frozen)]
pub(crate) struct PyRecoveryCheck {
    /// Whether the code was one of the unused codes.
    #[pyo3(get)]
    accepted: bool,
    /// Codes left.
    #[pyo3(get)]
    remaining: usize,
    /// The set to persist.
    #[pyo3(get)]
    set: Py<PyRecoveryCodeSet>,
}

fn new_codes(py: Python<'_>, made: NewRecoveryCodes) -> PyResult<PyNewRecoveryCodes> {
    Ok(PyNewRecoveryCodes {
        codes: made.codes.iter().map(|c| c.as_str().to_owned()).collect(),
        set: Py::new(py, PyRecoveryCodeSet { inner: made.set })?,
    })
}

fn check_result(py: Python<'_>, check: RecoveryCheck) -> PyResult<PyRecoveryCheck> {
    Ok(PyRecoveryCheck {
        accepted: check.accepted,
        remaining: check.remaining,
        set: Py::new(py, PyRecoveryCodeSet { inner: check.set })?,
    })
}

#[pymethods]
impl PyRecoveryCodeSet {
    /// Generates `count` (1 to 32) codes; `count` argon2id evaluations, GIL released.
    #[staticmethod]
    #[pyo3(signature = (count = 10, *, m_cost_kib = None, t_cost = None, p_cost = None))]
    fn generate(
        py: Python<'_>,
        #[pyo3(from_py_with = count_arg)] count: usize,
        #[pyo3(from_py_with = opt_m_cost_kib_arg)] m_cost_kib: Option<u32>,
        #[pyo3(from_py_with = opt_t_cost_arg)] t_cost: Option<u32>,
        #[pyo3(from_py_with = opt_p_cost_arg)] p_cost: Option<u32>,
    ) -> PyResult<PyNewRecoveryCodes> {
        guard(|| {
            let params = params(m_cost_kib, t_cost, p_cost);
            let made = py
                .detach(|| RecoveryCodeSet::generate(count, params))
                .or_raise()?;
            new_codes(py, made)
        })
    }

    /// `generate` in a worker thread: `await RecoveryCodeSet.agenerate(...)`.
    #[staticmethod]
    #[pyo3(signature = (count = 10, *, m_cost_kib = None, t_cost = None, p_cost = None))]
    fn agenerate<'py>(
        py: Python<'py>,
        #[pyo3(from_py_with = count_arg)] count: usize,
        #[pyo3(from_py_with = opt_m_cost_kib_arg)] m_cost_kib: Option<u32>,
        #[pyo3(from_py_with = opt_t_cost_arg)] t_cost: Option<u32>,
        #[pyo3(from_py_with = opt_p_cost_arg)] p_cost: Option<u32>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let cls = py.get_type::<PyRecoveryCodeSet>();
        let to_thread = py.import("asyncio")?.getattr("to_thread")?;
        let kwargs = pyo3::types::PyDict::new(py);
        kwargs.set_item("m_cost_kib", m_cost_kib)?;
        kwargs.set_item("t_cost", t_cost)?;
        kwargs.set_item("p_cost", p_cost)?;
        to_thread.call((cls.getattr("generate")?, count), Some(&kwargs))
    }

    /// Parses a stored set; `InvalidStoredValueError` when malformed.
    #[staticmethod]
    fn from_stored(stored: &str) -> PyResult<Self> {
        guard(|| {
            Ok(PyRecoveryCodeSet {
                inner: RecoveryCodeSet::from_stored(stored).or_raise()?,
            })
        })
    }

    /// The stored form, `mfakit:recovery:v1:argon2id:...` (hashes only, no codes).
    fn to_stored(&self) -> String {
        self.inner.to_stored()
    }

    /// Checks what the user typed: one argon2id evaluation (GIL released) for anything that
    /// could be a code, none otherwise. A wrong code is `accepted=False`, not an error.
    fn check(&self, py: Python<'_>, code: &str) -> PyResult<PyRecoveryCheck> {
        guard(|| {
            let checked = py.detach(|| self.inner.check(code)).or_raise()?;
            check_result(py, checked)
        })
    }

    /// `check` in a worker thread: `await codes.acheck(code)`.
    fn acheck<'py>(slf: &Bound<'py, Self>, code: String) -> PyResult<Bound<'py, PyAny>> {
        in_thread(slf.as_any(), "check", PyTuple::new(slf.py(), [code])?, None)
    }

    /// Codes not yet used.
    #[getter]
    fn remaining(&self) -> usize {
        self.inner.remaining()
    }

    /// argon2id memory cost in KiB.
    #[getter]
    fn m_cost_kib(&self) -> u32 {
        self.inner.params().m_cost_kib
    }

    /// argon2id passes.
    #[getter]
    fn t_cost(&self) -> u32 {
        self.inner.params().t_cost
    }

    /// argon2id lanes.
    #[getter]
    fn p_cost(&self) -> u32 {
        self.inner.params().p_cost
    }

    fn __repr__(&self) -> String {
        let p = self.inner.params();
        format!(
            "RecoveryCodeSet(remaining={}, m_cost_kib={}, t_cost={}, p_cost={})",
            self.inner.remaining(),
            p.m_cost_kib,
            p.t_cost,
            p.p_cost
        )
    }
}

#[pymethods]
impl PyNewRecoveryCodes {
    fn __repr__(&self) -> String {
        format!(
            "NewRecoveryCodes(codes=<{} redacted>, set=...)",
            self.codes.len()
        )
    }
}

#[pymethods]
impl PyRecoveryCheck {
    fn __bool__(&self) -> bool {
        self.accepted
    }

    fn __repr__(&self) -> String {
        format!(
            "RecoveryCheck(accepted={}, remaining={})",
            if self.accepted { "True" } else { "False" },
            self.remaining
        )
    }
}

/// What the user typed in the 12-character compact form (lower case; spaces and hyphens
/// dropped; `o`→`0`, `i`/`l`→`1`), or `None` when it cannot be a recovery code.
#[pyfunction(name = "normalize_recovery_code")]
fn normalize_recovery_code_py(input: &str) -> Option<String> {
    normalize_recovery_code(input).map(|code| code.as_str().to_owned())
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyRecoveryCodeSet>()?;
    m.add_class::<PyNewRecoveryCodes>()?;
    m.add_class::<PyRecoveryCheck>()?;
    m.add_function(wrap_pyfunction!(normalize_recovery_code_py, m)?)?;
    Ok(())
}
