//! Python face of `core/src/uri.rs`: otpauth:// Key URIs, both ways.

use mfakit_core::{OtpAuthUri, OtpKind};
use pyo3::prelude::*;

use crate::exceptions::{invalid_parameter, OrRaise};
use crate::guard;
use crate::otp::{counter_arg, digits_arg, period_arg, PyHotp, PyTotp};
use crate::secret;

/// A parsed or to-be-built otpauth:// URI (`kind` is `"totp"` or `"hotp"`).
///
/// `OtpAuthUri.parse(text)` reads one; `OtpAuthUri(kind=..., secret=..., account=..., ...)`
/// describes one and `to_uri()` writes it, leaving out parameters at their defaults.
/// `period` is `None` for HOTP and `counter` is `None` for TOTP. `repr()` hides the secret.
///
/// `to_uri()` raises `InvalidParameterError` for an empty or blank account, an empty or blank
/// issuer (pass `None` for none) or an issuer with `:`. `parse()` accepts an empty account, so
/// that importing another generator's URI keeps its working secret.
#[pyclass(module = "mfakit", name = "OtpAuthUri", frozen)]
pub(crate) struct PyOtpAuthUri {
    inner: OtpAuthUri,
}

#[pymethods]
impl PyOtpAuthUri {
    #[new]
    #[pyo3(signature = (*, kind, secret, account, issuer = None, algorithm = "SHA1", digits = 6, period = 30, counter = 0))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        kind: &str,
        secret: &Bound<'_, PyAny>,
        account: String,
        issuer: Option<String>,
        algorithm: &str,
        #[pyo3(from_py_with = digits_arg)] digits: u32,
        #[pyo3(from_py_with = period_arg)] period: u64,
        #[pyo3(from_py_with = counter_arg)] counter: u64,
    ) -> PyResult<Self> {
        guard(|| {
            let kind = match kind {
                "totp" => OtpKind::Totp { period },
                "hotp" => OtpKind::Hotp { counter },
                _ => return Err(invalid_parameter("kind", "must be \"totp\" or \"hotp\"")),
            };
            Ok(PyOtpAuthUri {
                inner: OtpAuthUri {
                    kind,
                    secret: secret::from_python(secret)?,
                    issuer,
                    account,
                    algorithm: algorithm.parse().or_raise()?,
                    digits,
                },
            })
        })
    }

    /// Parses an otpauth:// URI; raises `InvalidUriError` (or `InvalidSecretError`).
    #[staticmethod]
    fn parse(uri: &str) -> PyResult<Self> {
        guard(|| {
            Ok(PyOtpAuthUri {
                inner: OtpAuthUri::parse(uri).or_raise()?,
            })
        })
    }

    /// The URI text.
    fn to_uri(&self) -> PyResult<String> {
        guard(|| self.inner.to_uri().or_raise())
    }

    /// The `Totp` this URI describes (`InvalidUriError` for an HOTP URI).
    fn totp(&self) -> PyResult<PyTotp> {
        guard(|| {
            Ok(PyTotp::from_parts(
                self.inner.totp().or_raise()?,
                self.inner.issuer.clone(),
                Some(self.inner.account.clone()),
            ))
        })
    }

    /// The `Hotp` this URI describes, with its counter (`InvalidUriError` for a TOTP URI).
    fn hotp(&self) -> PyResult<PyHotp> {
        guard(|| {
            let (hotp, counter) = self.inner.hotp().or_raise()?;
            Ok(PyHotp::from_parts(
                hotp,
                counter,
                self.inner.issuer.clone(),
                Some(self.inner.account.clone()),
            ))
        })
    }

    /// `"totp"` or `"hotp"`.
    #[getter]
    fn kind(&self) -> &'static str {
        match self.inner.kind {
            OtpKind::Totp { .. } => "totp",
            OtpKind::Hotp { .. } => "hotp",
        }
    }

    /// The secret as unpadded base32. Deliberately a method, not shown by `repr()`.
    fn secret(&self) -> String {
        self.inner.secret.to_base32()
    }

    /// The issuer, if any.
    #[getter]
    fn issuer(&self) -> Option<&str> {
        self.inner.issuer.as_deref()
    }

    /// The account name; `""` only for a parsed URI that had none (`to_uri()` then raises).
    #[getter]
    fn account(&self) -> &str {
        &self.inner.account
    }

    /// `"SHA1"`, `"SHA256"` or `"SHA512"`.
    #[getter]
    fn algorithm(&self) -> &'static str {
        self.inner.algorithm.as_str()
    }

    /// Number of digits.
    #[getter]
    fn digits(&self) -> u32 {
        self.inner.digits
    }

    /// TOTP period in seconds; `None` for HOTP.
    #[getter]
    fn period(&self) -> Option<u64> {
        match self.inner.kind {
            OtpKind::Totp { period } => Some(period),
            OtpKind::Hotp { .. } => None,
        }
    }

    /// HOTP initial counter; `None` for TOTP.
    #[getter]
    fn counter(&self) -> Option<u64> {
        match self.inner.kind {
            OtpKind::Hotp { counter } => Some(counter),
            OtpKind::Totp { .. } => None,
        }
    }

    fn __repr__(&self) -> String {
        format!(
            "OtpAuthUri(kind='{}', secret=<redacted>, issuer={:?}, account={:?}, algorithm='{}', digits={})",
            self.kind(),
            self.inner.issuer,
            self.inner.account,
            self.inner.algorithm,
            self.inner.digits
        )
    }
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyOtpAuthUri>()?;
    Ok(())
}
