//! Python face of `core/src/secret.rs`: new secrets and base32 conversion.

use mfakit_core::Secret;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::exceptions::OrRaise;
use crate::guard;

/// A new random secret from the OS CSPRNG, as unpadded upper-case base32 (RFC 4648).
///
/// `bits` must be a multiple of 8 between 128 and 8192; the default, 160, is the HMAC-SHA1
/// output size RFC 4226 section 4 recommends.
#[pyfunction]
// 160 = `Secret::DEFAULT_BITS`; a literal so that Python's signature shows it.
#[pyo3(signature = (bits = 160))]
fn random_secret(bits: usize) -> PyResult<String> {
    guard(|| Ok(Secret::generate_bits(bits).or_raise()?.to_base32()))
}

/// Decodes a base32 secret the way mfakit reads every secret: tolerant of lower case, spaces,
/// hyphens and missing or extra `=` padding; anything else raises `InvalidSecretError`.
#[pyfunction]
fn decode_secret<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyBytes>> {
    guard(|| {
        let secret = Secret::from_base32(text).or_raise()?;
        Ok(PyBytes::new(py, secret.as_bytes()))
    })
}

/// Encodes raw secret bytes as unpadded upper-case base32 (what authenticator apps expect).
#[pyfunction]
fn encode_secret(data: &[u8]) -> PyResult<String> {
    guard(|| Ok(Secret::from_bytes(data).or_raise()?.to_base32()))
}

/// Builds a core secret from what Python passes: base32 `str` or raw `bytes`.
pub(crate) fn from_python(value: &Bound<'_, PyAny>) -> PyResult<Secret> {
    if let Ok(text) = value.extract::<&str>() {
        return Secret::from_base32(text).or_raise();
    }
    if let Ok(bytes) = value.extract::<&[u8]>() {
        return Secret::from_bytes(bytes).or_raise();
    }
    Err(pyo3::exceptions::PyTypeError::new_err(
        "secret must be base32 `str` or raw `bytes`",
    ))
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(random_secret, m)?)?;
    m.add_function(wrap_pyfunction!(decode_secret, m)?)?;
    m.add_function(wrap_pyfunction!(encode_secret, m)?)?;
    Ok(())
}
