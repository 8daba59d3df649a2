//! Python face of `core/src/sealed.rs`: secrets sealed with AES-256-GCM under a keyring with
//! key ids and rotation.

use std::sync::RwLock;

use mfakit_core::{sealed::sealed_key_id, Keyring, MfaError, SealingKey};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::exceptions::{to_pyerr, OrRaise};
use crate::guard;

/// A 256-bit sealing key. `repr()` hides it; `to_base64()` exports it for a secret store.
#[pyclass(module = "mfakit", name = "SealingKey", frozen)]
pub(crate) struct PySealingKey {
    inner: SealingKey,
}

#[pymethods]
impl PySealingKey {
    /// A key from exactly 32 raw bytes.
    #[new]
    fn new(key: &[u8]) -> PyResult<Self> {
        guard(|| {
            Ok(PySealingKey {
                inner: SealingKey::from_bytes(key).or_raise()?,
            })
        })
    }

    /// A key from base64url or standard base64 text, padded or not.
    #[staticmethod]
    fn from_base64(text: &str) -> PyResult<Self> {
        guard(|| {
            Ok(PySealingKey {
                inner: SealingKey::from_base64(text).or_raise()?,
            })
        })
    }

    /// A new random key from the OS CSPRNG.
    #[staticmethod]
    fn generate() -> Self {
        PySealingKey {
            inner: SealingKey::generate(),
        }
    }

    /// The key as unpadded base64url.
    fn to_base64(&self) -> String {
        self.inner.to_base64()
    }

    fn __repr__(&self) -> &'static str {
        "SealingKey(<redacted>)"
    }
}

/// `bytes` as given, `str` as UTF-8.
fn data<'a>(value: &'a Bound<'_, PyAny>, name: &str) -> PyResult<std::borrow::Cow<'a, [u8]>> {
    if let Ok(bytes) = value.extract::<&[u8]>() {
        return Ok(std::borrow::Cow::Borrowed(bytes));
    }
    if let Ok(text) = value.extract::<&str>() {
        return Ok(std::borrow::Cow::Borrowed(text.as_bytes()));
    }
    Err(PyTypeError::new_err(format!("{name} must be bytes or str")))
}

/// Sealing keys by id; one of them, `current_key_id`, seals. Values sealed with any key in
/// the ring open; `reseal` moves them to the current key. Safe to share between threads.
#[pyclass(module = "mfakit", name = "Keyring", frozen)]
pub(crate) struct PyKeyring {
    inner: RwLock<Keyring>,
}

impl PyKeyring {
    fn read<T>(&self, f: impl FnOnce(&Keyring) -> Result<T, MfaError>) -> PyResult<T> {
        let ring = self.inner.read().map_err(|_| poisoned())?;
        f(&ring).or_raise()
    }

    /// A copy of the ring as it is now, for the service (`mfakit.Mfa`): keys added later do
    /// not reach a service already opened.
    pub(crate) fn snapshot(&self) -> PyResult<Keyring> {
        self.read(|ring| Ok(ring.clone()))
    }

    fn write<T>(&self, f: impl FnOnce(&mut Keyring) -> Result<T, MfaError>) -> PyResult<T> {
        let mut ring = self.inner.write().map_err(|_| poisoned())?;
        f(&mut ring).or_raise()
    }
}

fn poisoned() -> PyErr {
    to_pyerr(MfaError::Internal {
        reason: "keyring lock poisoned by an earlier panic".to_owned(),
    })
}

#[pymethods]
impl PyKeyring {
    /// A keyring whose current key is `key` under `key_id`.
    #[new]
    fn new(key_id: &str, key: &PySealingKey) -> PyResult<Self> {
        guard(|| {
            Ok(PyKeyring {
                inner: RwLock::new(Keyring::new(key_id, key.inner.clone()).or_raise()?),
            })
        })
    }

    /// Adds (or replaces) a key that can open values; it does not become current.
    fn add(&self, key_id: &str, key: &PySealingKey) -> PyResult<()> {
        guard(|| self.write(|ring| ring.add(key_id, key.inner.clone())))
    }

    /// Makes an added key the one that seals.
    fn set_current(&self, key_id: &str) -> PyResult<()> {
        guard(|| self.write(|ring| ring.set_current(key_id)))
    }

    /// The id of the key that seals.
    #[getter]
    fn current_key_id(&self) -> PyResult<String> {
        self.read(|ring| Ok(ring.current_key_id().to_owned()))
    }

    /// Every key id in the ring, sorted.
    #[getter]
    fn key_ids(&self) -> PyResult<Vec<String>> {
        self.read(|ring| Ok(ring.key_ids()))
    }

    /// Seals `plaintext` (bytes, or str as UTF-8) with the current key, binding
    /// `associated_data` (for example the user id). Returns `mfakit:sealed:v1:...` text.
    #[pyo3(signature = (plaintext, associated_data = None))]
    fn seal(
        &self,
        plaintext: &Bound<'_, PyAny>,
        associated_data: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<String> {
        guard(|| {
            let plaintext = data(plaintext, "plaintext")?;
            let ad = optional_data(associated_data)?;
            self.read(|ring| ring.seal(&plaintext, &ad))
        })
    }

    /// Opens a sealed value. `UnknownKeyError` for a key id not in the ring,
    /// `UnsealFailedError` for a wrong key, wrong associated data or tampering,
    /// `InvalidStoredValueError` when malformed.
    #[pyo3(signature = (sealed, associated_data = None))]
    fn open<'py>(
        &self,
        py: Python<'py>,
        sealed: &str,
        associated_data: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        guard(|| {
            let ad = optional_data(associated_data)?;
            let plain = self.read(|ring| ring.open(sealed, &ad))?;
            Ok(PyBytes::new(py, &plain))
        })
    }

    /// Whether `sealed` was sealed with a key other than the current one.
    fn needs_reseal(&self, sealed: &str) -> PyResult<bool> {
        guard(|| self.read(|ring| ring.needs_reseal(sealed)))
    }

    /// Opens `sealed` with any known key and seals it again with the current key.
    #[pyo3(signature = (sealed, associated_data = None))]
    fn reseal(&self, sealed: &str, associated_data: Option<&Bound<'_, PyAny>>) -> PyResult<String> {
        guard(|| {
            let ad = optional_data(associated_data)?;
            self.read(|ring| ring.reseal(sealed, &ad))
        })
    }

    fn __repr__(&self) -> String {
        match self.inner.read() {
            Ok(ring) => format!(
                "Keyring(current_key_id='{}', key_ids={:?})",
                ring.current_key_id(),
                ring.key_ids()
            ),
            Err(_) => "Keyring(<poisoned>)".to_owned(),
        }
    }
}

fn optional_data<'a>(value: Option<&'a Bound<'_, PyAny>>) -> PyResult<std::borrow::Cow<'a, [u8]>> {
    match value {
        Some(v) => data(v, "associated_data"),
        None => Ok(std::borrow::Cow::Borrowed(&[])),
    }
}

/// The key id a sealed value names, without opening it.
#[pyfunction(name = "sealed_key_id")]
fn sealed_key_id_py(sealed: &str) -> PyResult<String> {
    guard(|| sealed_key_id(sealed).map(str::to_owned).or_raise())
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PySealingKey>()?;
    m.add_class::<PyKeyring>()?;
    m.add_function(wrap_pyfunction!(sealed_key_id_py, m)?)?;
    Ok(())
}
