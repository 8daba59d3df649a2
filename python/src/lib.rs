//! `mfakit._native`: the PyO3 face of `mfakit-core`.
//!
//! One adapter file per core module (`otp.rs`, `secret.rs`, `uri.rs`, `qr.rs`, `recovery.rs`,
//! `challenge.rs`, `limiter.rs`, `stepup.rs`, `sealed.rs`, and `account.rs` for the service of
//! `core/src/account.rs` and `mfakit-store`), `convert.rs` for conversions several of them
//! share, and `exceptions.rs`, the one place where core errors become Python exceptions. Every entry
//! point runs inside [`guard`], so a Rust panic surfaces as `mfakit.InternalError` instead of
//! crossing into the interpreter. No OTP logic lives here: types in, call core, types out.

use std::panic::{catch_unwind, AssertUnwindSafe};

use pyo3::prelude::*;

mod account;
mod challenge;
mod convert;
mod exceptions;
mod limiter;
mod otp;
mod qr;
mod recovery;
mod sealed;
mod secret;
mod stepup;
mod uri;

/// Runs `f`, turning a panic into `mfakit.InternalError`.
///
/// `catch_unwind` costs nothing unless a panic happens, so every entry point uses it.
pub(crate) fn guard<T>(f: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(result) => result,
        Err(payload) => {
            let reason = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "panic".to_owned());
            Err(exceptions::to_pyerr(mfakit_core::MfaError::Internal {
                reason: format!("panic in mfakit: {reason}"),
            }))
        }
    }
}

/// Panics inside the extension on purpose: the test suite uses it to show that a Rust panic
/// becomes `mfakit.InternalError` and never aborts the interpreter. Not part of the API.
#[pyfunction]
fn _debug_panic() -> PyResult<()> {
    guard(|| panic!("deliberate panic for the test suite"))
}

/// The native module; the public names are re-exported by `mfakit/__init__.py`.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    exceptions::register(m)?;
    secret::register(m)?;
    otp::register(m)?;
    uri::register(m)?;
    qr::register(m)?;
    recovery::register(m)?;
    challenge::register(m)?;
    limiter::register(m)?;
    stepup::register(m)?;
    sealed::register(m)?;
    account::register(m)?;
    m.add_function(wrap_pyfunction!(_debug_panic, m)?)?;
    Ok(())
}
