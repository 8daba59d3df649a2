//! The one mapping from core errors to Python exceptions.
//!
//! `mfakit.MfaError` is the root; each code in [`MfaError::ALL_CODES`] gets a subclass named
//! after it (`invalid_secret` → `InvalidSecretError`) with the code as its `code` attribute.
//! Errors caused by bad input also subclass `ValueError`, so `except ValueError` keeps working.
//! The classes are built once at import with `type()`, because `create_exception!` allows
//! only one base class.

use mfakit_core::MfaError;
use pyo3::exceptions::{PyException, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple, PyType};

/// Docstring and whether the error is about the caller's input (→ also a `ValueError`).
fn describe(code: &str) -> (&'static str, bool) {
    match code {
        "invalid_secret" => (
            "The secret is not valid base32, is empty, or is too short.",
            true,
        ),
        "invalid_parameter" => (
            "A parameter (digits, period, algorithm, window, time, counter, ...) is out of range.",
            true,
        ),
        "incompatible_profile" => (
            "The settings work per RFC 6238 but common authenticator apps would show wrong codes.",
            true,
        ),
        "invalid_uri" => ("An otpauth:// URI could not be parsed.", true),
        "invalid_stored_value" => (
            "A stored value is malformed, from an unknown version, or was tampered with.",
            true,
        ),
        "unknown_key" => (
            "A sealed secret names a key id that was not supplied.",
            false,
        ),
        "unseal_failed" => (
            "A sealed secret failed authentication: wrong key, wrong associated data, or tampered.",
            false,
        ),
        "rate_limited" => ("Refused by an attempt limiter; see `retry_after`.", false),
        "qr_too_large" => ("The payload is too large to fit in a QR code.", true),
        "not_enrolled" => (
            "The user has no such method enrolled (or nothing waiting for confirmation).",
            false,
        ),
        "step_up_required" => (
            "The operation needs a fresh step-up verification first (`Mfa.step_up`).",
            false,
        ),
        "storage_unavailable" => (
            "The store could not be reached or failed; nothing was changed. Retry later.",
            false,
        ),
        "storage_conflict" => (
            "Too many concurrent writers changed the same record; nothing was changed. Retry.",
            false,
        ),
        "internal" => ("A bug inside mfakit, such as a caught Rust panic.", false),
        _ => ("An mfakit error.", false),
    }
}

/// `invalid_secret` → `InvalidSecretError`.
fn class_name(code: &str) -> String {
    let mut name: String = code
        .split('_')
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect();
    name.push_str("Error");
    name
}

struct Classes {
    root: Py<PyType>,
    by_code: Vec<(&'static str, Py<PyType>)>,
}

static CLASSES: PyOnceLock<Classes> = PyOnceLock::new();

fn new_class<'py>(
    py: Python<'py>,
    name: &str,
    bases: Bound<'py, PyTuple>,
    doc: &str,
    code: Option<&str>,
) -> PyResult<Bound<'py, PyType>> {
    let namespace = PyDict::new(py);
    namespace.set_item("__module__", "mfakit")?;
    namespace.set_item("__doc__", doc)?;
    if let Some(code) = code {
        namespace.set_item("code", code)?;
    }
    let class = py
        .get_type::<PyType>()
        .call1((name, bases, namespace))?
        .cast_into::<PyType>()?;
    Ok(class)
}

fn build(py: Python<'_>) -> PyResult<Classes> {
    let root = new_class(
        py,
        "MfaError",
        PyTuple::new(py, [py.get_type::<PyException>()])?,
        "Root of every mfakit error. `code` is the stable machine code shared with the Node \
         and Kotlin packages. A wrong one-time code is never an error: verification returns None.",
        None,
    )?;
    let mut by_code = Vec::with_capacity(MfaError::ALL_CODES.len());
    for &code in MfaError::ALL_CODES {
        let (doc, bad_input) = describe(code);
        let bases = if bad_input {
            PyTuple::new(py, [root.clone(), py.get_type::<PyValueError>()])?
        } else {
            PyTuple::new(py, [root.clone()])?
        };
        let class = new_class(py, &class_name(code), bases, doc, Some(code))?;
        by_code.push((code, class.unbind()));
    }
    Ok(Classes {
        root: root.unbind(),
        by_code,
    })
}

fn classes(py: Python<'_>) -> PyResult<&Classes> {
    CLASSES.get_or_try_init(py, || build(py))
}

/// Adds `MfaError` and its subclasses to the module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    let classes = classes(py)?;
    m.add("MfaError", classes.root.bind(py))?;
    for (code, class) in &classes.by_code {
        m.add(class_name(code).as_str(), class.bind(py))?;
    }
    Ok(())
}

/// The Python exception for a core error: the subclass for its code, with `code` set and, for
/// `rate_limited`, `retry_after` in seconds.
pub(crate) fn to_pyerr(err: MfaError) -> PyErr {
    Python::attach(|py| {
        let made = (|| -> PyResult<PyErr> {
            let classes = classes(py)?;
            let class = classes
                .by_code
                .iter()
                .find(|(code, _)| *code == err.code())
                .map_or(&classes.root, |(_, class)| class)
                .bind(py);
            let value = class.call1((err.to_string(),))?;
            value.setattr("code", err.code())?;
            if let MfaError::RateLimited { retry_after } = &err {
                value.setattr("retry_after", retry_after.as_secs_f64())?;
            }
            Ok(PyErr::from_value(value))
        })();
        made.unwrap_or_else(|e| e)
    })
}

/// A core-style error raised by the binding itself while converting arguments (a negative
/// counter, a naive datetime, ...), so that it has the same class and code as core's.
pub(crate) fn invalid_parameter(name: &'static str, reason: impl Into<String>) -> PyErr {
    to_pyerr(MfaError::InvalidParameter {
        name,
        reason: reason.into(),
    })
}

/// Maps a core result into a Python one.
pub(crate) trait OrRaise<T> {
    /// `Err(core error)` becomes the matching `mfakit` exception.
    fn or_raise(self) -> PyResult<T>;
}

impl<T> OrRaise<T> for Result<T, MfaError> {
    #[inline]
    fn or_raise(self) -> PyResult<T> {
        self.map_err(to_pyerr)
    }
}
