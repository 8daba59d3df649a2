//! Argument conversions and helpers shared by several adapters (as `node/src/convert.rs`):
//! running a method in a worker thread for the `a`-prefixed async forms, method names, and
//! the keys and policy the service is built from.

use mfakit_core::{ChallengeKey, Method, MfaError, ServicePolicy};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use crate::challenge::PyChallengeKey;
use crate::exceptions::OrRaise;

/// Awaitable running `method(*args, **kwargs)` of `obj` in a worker thread
/// (`asyncio.to_thread`), so that the event loop stays free while the call (with the GIL
/// released) waits on argon2 or a database.
pub(crate) fn in_thread<'py>(
    obj: &Bound<'py, PyAny>,
    method: &str,
    args: Bound<'py, PyTuple>,
    kwargs: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    let py = obj.py();
    let to_thread = py.import("asyncio")?.getattr("to_thread")?;
    let mut call = vec![obj.getattr(method)?];
    call.extend(args.iter());
    to_thread.call(PyTuple::new(py, call)?, kwargs)
}

/// `totp`, `email`, `sms` or `recovery_code`; anything else is `InvalidParameterError`
/// (`method`), decided by core's parser.
pub(crate) fn method(name: &str) -> PyResult<Method> {
    name.parse::<Method>().or_raise()
}

/// A `ChallengeKey`, or the raw key bytes (16 to 1024).
pub(crate) fn challenge_key(value: &Bound<'_, PyAny>) -> PyResult<ChallengeKey> {
    if let Ok(key) = value.cast::<PyChallengeKey>() {
        return Ok(key.get().key().clone());
    }
    if let Ok(bytes) = value.extract::<&[u8]>() {
        return ChallengeKey::from_bytes(bytes).or_raise();
    }
    Err(PyTypeError::new_err(
        "challenge_key must be a mfakit.ChallengeKey or bytes",
    ))
}

/// A policy dict (nested as `ServicePolicy` is) passed as JSON to core's
/// `ServicePolicy::from_json`, so that every language accepts the same policy; `None` is the
/// default policy.
pub(crate) fn service_policy(value: Option<&Bound<'_, PyAny>>) -> PyResult<ServicePolicy> {
    let Some(value) = value.filter(|v| !v.is_none()) else {
        return Ok(ServicePolicy::default());
    };
    if !value.is_instance_of::<PyDict>() {
        return Err(PyTypeError::new_err("policy must be a dict or None"));
    }
    let json = value.py().import("json")?.getattr("dumps")?.call1((value,));
    let json: String = json
        .map_err(|_| {
            crate::exceptions::to_pyerr(MfaError::param(
                "policy",
                "must hold only JSON values (numbers, strings, lists, dicts)",
            ))
        })?
        .extract()?;
    ServicePolicy::from_json(&json).or_raise()
}
