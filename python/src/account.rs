//! Python face of `core/src/account.rs` and the `mfakit-store` service: `mfakit.Mfa`.
//!
//! Each method converts its arguments, calls the Rust service with the GIL released (every
//! call may wait on a database, argon2 or a lock), and converts the outcome. The `a`-prefixed
//! forms run the same method in a worker thread (`asyncio.to_thread`), so an event loop stays
//! free. Every decision is core's; nothing here knows what a verdict means.
//!
//! No `repr` shows a secret, a code, a contact or a challenge id.

use std::sync::Arc;

use mfakit_core::{
    AuditEvent, Claims, CodeToSend, LoginStart, Method, MfaContext, MfaStatus, TotpSetup,
    Verification,
};
use mfakit_store::{MfaService, StoreOptions};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyTuple};
use pyo3::BoundObject;
use zeroize::Zeroizing;

use crate::convert::{self, in_thread};
use crate::exceptions::OrRaise;
use crate::guard;
use crate::sealed::PyKeyring;

/// The stateful MFA service over a store: `sqlite://PATH` (default `sqlite://mfakit.db`;
/// `sqlite:///abs/path.db` is absolute), `sqlite::memory:`, `postgres://…` or `redis://…`.
/// Opening migrates the store. Safe to share between threads and to use after `os.fork()`
/// (the child opens its own connections).
#[pyclass(module = "mfakit", name = "Mfa", frozen)]
pub(crate) struct PyMfa {
    inner: Arc<MfaService>,
}

/// A new TOTP enrolment: show `secret` / the QR code once. `recovery_codes` holds fresh
/// codes when the TOTP is active at once (`require_verification=False`), else `None`.
#[pyclass(module = "mfakit", name = "TotpSetup", frozen)]
pub(crate) struct PyTotpSetup {
    secret: Zeroizing<String>,
    uri: Zeroizing<String>,
    /// Whether the TOTP is active at once.
    #[pyo3(get)]
    active: bool,
    /// Fresh recovery codes (shown once), or `None`.
    #[pyo3(get)]
    recovery_codes: Option<Vec<String>>,
}

/// A code for the application to deliver by email or SMS, and where. Never log it or put it
/// in a response.
#[pyclass(module = "mfakit", name = "CodeToSend", frozen)]
pub(crate) struct PyCodeToSend {
    /// `email` or `sms`.
    #[pyo3(get)]
    method: &'static str,
    contact: Zeroizing<String>,
    /// The contact masked for display.
    #[pyo3(get)]
    masked: String,
    code: Zeroizing<String>,
    /// UNIX time at which the code stops working.
    #[pyo3(get)]
    expires_at: u64,
    /// Seconds before another code may be sent.
    #[pyo3(get)]
    resend_after: u64,
}

/// An opened login challenge: `id` for the client, the `methods` it can be answered with,
/// `masked` contacts by method, and `expires_at`.
#[pyclass(module = "mfakit", name = "LoginStart", frozen)]
pub(crate) struct PyLoginStart {
    /// The challenge id: opaque, single use.
    #[pyo3(get)]
    id: String,
    /// UNIX time at which it expires.
    #[pyo3(get)]
    expires_at: u64,
    methods: Vec<Method>,
    masked: Vec<(Method, String)>,
}

/// The result of a verification (login, step-up or confirmation). Truthy when accepted.
#[pyclass(module = "mfakit", name = "Verification", frozen)]
pub(crate) struct PyVerification {
    /// The user verified.
    #[pyo3(get)]
    user_id: String,
    verdict: &'static str,
    method: &'static str,
    /// Seconds until the next attempt is allowed (0: now).
    #[pyo3(get)]
    retry_after: u64,
    /// Failures left before the lockout (`None` without a lockout).
    #[pyo3(get)]
    attempts_left: Option<u32>,
    claims: Option<Claims>,
    /// Fresh recovery codes, shown once, when the first method was just confirmed.
    #[pyo3(get)]
    recovery_codes: Option<Vec<String>>,
    /// Recovery codes left, after one was spent.
    #[pyo3(get)]
    recovery_codes_left: Option<usize>,
}

/// What `Mfa.status` reports.
#[pyclass(module = "mfakit", name = "MfaStatus", frozen)]
pub(crate) struct PyMfaStatus {
    inner: MfaStatus,
}

/// One audit event: `kind`, `method`, `at`, `outcome`. Never a secret, code or contact.
#[pyclass(module = "mfakit", name = "AuditEvent", frozen)]
pub(crate) struct PyAuditEvent {
    inner: AuditEvent,
}

fn strings(codes: Option<Vec<mfakit_core::RecoveryCode>>) -> Option<Vec<String>> {
    codes.map(|c| c.iter().map(|code| code.as_str().to_owned()).collect())
}

fn names(methods: &[Method]) -> Vec<&'static str> {
    methods.iter().map(|m| m.as_str()).collect()
}

fn masked_dict<'py>(
    py: Python<'py>,
    masked: impl IntoIterator<Item = (Method, String)>,
) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    for (method, contact) in masked {
        dict.set_item(method.as_str(), contact)?;
    }
    Ok(dict)
}

impl From<TotpSetup> for PyTotpSetup {
    fn from(s: TotpSetup) -> Self {
        PyTotpSetup {
            secret: s.secret,
            uri: s.uri,
            active: s.active,
            recovery_codes: strings(s.recovery_codes),
        }
    }
}

impl From<CodeToSend> for PyCodeToSend {
    fn from(c: CodeToSend) -> Self {
        PyCodeToSend {
            method: c.method.as_str(),
            code: Zeroizing::new(c.code.as_str().to_owned()),
            contact: c.contact,
            masked: c.masked,
            expires_at: c.expires_at,
            resend_after: c.resend_after,
        }
    }
}

impl From<LoginStart> for PyLoginStart {
    fn from(l: LoginStart) -> Self {
        PyLoginStart {
            id: l.id,
            expires_at: l.expires_at,
            methods: l.methods,
            masked: l.masked.into_iter().collect(),
        }
    }
}

impl From<Verification> for PyVerification {
    fn from(v: Verification) -> Self {
        PyVerification {
            user_id: v.user_id,
            verdict: v.verdict.as_str(),
            method: v.method.as_str(),
            retry_after: v.retry_after,
            attempts_left: v.attempts_left,
            claims: v.claims,
            recovery_codes: strings(v.recovery_codes),
            recovery_codes_left: v.recovery_codes_left,
        }
    }
}

fn store_options() -> StoreOptions {
    StoreOptions::default()
}

/// `Mfa` methods with the GIL released: `detached!(self, py, |svc| svc.call(...))`.
macro_rules! detached {
    ($slf:ident, $py:ident, |$svc:ident| $call:expr) => {
        guard(|| {
            let $svc = &$slf.inner;
            $py.detach(|| $call).or_raise()
        })
    };
}

/// The positional arguments of an `a`-prefixed form.
fn args<'py, T>(py: Python<'py>, values: T) -> PyResult<Bound<'py, PyTuple>>
where
    T: IntoPyObject<'py, Target = PyTuple>,
    PyErr: From<T::Error>,
{
    Ok(values.into_pyobject(py)?.into_bound())
}

#[pymethods]
impl PyMfa {
    /// Opens (and migrates) `store` and builds the service. `keyring` seals TOTP secrets and
    /// contacts, `challenge_key` (a `ChallengeKey` or its bytes) keys the email/SMS code
    /// hashes, `issuer` is shown in authenticator apps, `policy` is a dict of
    /// `ServicePolicy` fields (every one optional).
    // The literal is mfakit_store::DEFAULT_URL, spelled out so that `__text_signature__` (and
    // stubtest) show it; `default_url_is_the_stores` checks that they agree.
    #[new]
    #[pyo3(signature = (store = "sqlite://mfakit.db", *, keyring, challenge_key, issuer, policy = None))]
    fn new(
        py: Python<'_>,
        store: &str,
        keyring: PyRef<'_, PyKeyring>,
        challenge_key: &Bound<'_, PyAny>,
        issuer: &str,
        policy: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        guard(|| {
            let ctx = MfaContext::new(
                keyring.snapshot()?,
                convert::challenge_key(challenge_key)?,
                issuer,
                convert::service_policy(policy)?,
            )
            .or_raise()?;
            let service = py
                .detach(|| MfaService::open(store, ctx, store_options()))
                .or_raise()?;
            Ok(PyMfa {
                inner: Arc::new(service),
            })
        })
    }

    /// `sqlite`, `postgres` or `redis`.
    #[getter]
    fn store_kind(&self) -> &'static str {
        self.inner.backend().kind()
    }

    /// The issuer shown in authenticator apps.
    #[getter]
    fn issuer(&self) -> &str {
        self.inner.context().issuer()
    }

    /// Starts a TOTP enrolment. With `require_verification` (the default) it stays pending
    /// until `confirm_totp`; without, it is active at once.
    #[pyo3(signature = (user_id, account, *, require_verification = true))]
    fn setup_totp(
        &self,
        py: Python<'_>,
        user_id: &str,
        account: &str,
        require_verification: bool,
    ) -> PyResult<PyTotpSetup> {
        detached!(self, py, |svc| svc
            .setup_totp(user_id, account, require_verification)
            .map(PyTotpSetup::from))
    }

    /// Confirms the pending TOTP with a code from the app; the result's `recovery_codes`
    /// holds fresh codes on the first confirmed method.
    fn confirm_totp(&self, py: Python<'_>, user_id: &str, code: &str) -> PyResult<PyVerification> {
        detached!(self, py, |svc| svc
            .confirm_totp(user_id, code)
            .map(PyVerification::from))
    }

    /// Starts adding an email address; returns the code to deliver.
    fn setup_email(&self, py: Python<'_>, user_id: &str, address: &str) -> PyResult<PyCodeToSend> {
        detached!(self, py, |svc| svc
            .setup_contact(user_id, Method::Email, address)
            .map(PyCodeToSend::from))
    }

    /// Starts adding a phone number; returns the code to deliver.
    fn setup_sms(&self, py: Python<'_>, user_id: &str, phone: &str) -> PyResult<PyCodeToSend> {
        detached!(self, py, |svc| svc
            .setup_contact(user_id, Method::Sms, phone)
            .map(PyCodeToSend::from))
    }

    /// Confirms a pending email address or phone number (`method` `email` or `sms`).
    fn confirm_contact(
        &self,
        py: Python<'_>,
        user_id: &str,
        method: &str,
        code: &str,
    ) -> PyResult<PyVerification> {
        let method = convert::method(method)?;
        detached!(self, py, |svc| svc
            .confirm_contact(user_id, method, code)
            .map(PyVerification::from))
    }

    /// Opens a login challenge for a user whose password the application checked.
    /// `NotEnrolledError` when the user has no second factor.
    fn start_login(&self, py: Python<'_>, user_id: &str) -> PyResult<PyLoginStart> {
        detached!(self, py, |svc| svc
            .start_login(user_id)
            .map(PyLoginStart::from))
    }

    /// Issues the email or SMS code of a login challenge, for the application to deliver.
    fn send_code(
        &self,
        py: Python<'_>,
        challenge_id: &str,
        method: &str,
    ) -> PyResult<PyCodeToSend> {
        let method = convert::method(method)?;
        detached!(self, py, |svc| svc
            .send_code(challenge_id, method)
            .map(PyCodeToSend::from))
    }

    /// Verifies a login challenge; an accepted verification completes the login (single use).
    fn verify(
        &self,
        py: Python<'_>,
        challenge_id: &str,
        method: &str,
        code: &str,
    ) -> PyResult<PyVerification> {
        let method = convert::method(method)?;
        detached!(self, py, |svc| svc
            .verify(challenge_id, method, code)
            .map(PyVerification::from))
    }

    /// Issues an email or SMS code for a step-up of a signed-in user.
    fn send_step_up_code(
        &self,
        py: Python<'_>,
        user_id: &str,
        method: &str,
    ) -> PyResult<PyCodeToSend> {
        let method = convert::method(method)?;
        detached!(self, py, |svc| svc
            .send_step_up_code(user_id, method)
            .map(PyCodeToSend::from))
    }

    /// Step-up verification of a signed-in user (same factors and budget as a login).
    fn step_up(
        &self,
        py: Python<'_>,
        user_id: &str,
        method: &str,
        code: &str,
    ) -> PyResult<PyVerification> {
        let method = convert::method(method)?;
        detached!(self, py, |svc| svc
            .step_up(user_id, method, code)
            .map(PyVerification::from))
    }

    /// Methods, recovery codes left, lockout.
    fn status(&self, py: Python<'_>, user_id: &str) -> PyResult<PyMfaStatus> {
        detached!(self, py, |svc| svc
            .status(user_id)
            .map(|inner| PyMfaStatus { inner }))
    }

    /// Removes a method; `StepUpRequiredError` without a recent step-up.
    fn disable(&self, py: Python<'_>, user_id: &str, method: &str) -> PyResult<()> {
        let method = convert::method(method)?;
        detached!(self, py, |svc| svc.disable(user_id, method))
    }

    /// Replaces the recovery codes; returns the new ones (show them once).
    fn regenerate_recovery_codes(&self, py: Python<'_>, user_id: &str) -> PyResult<Vec<String>> {
        detached!(self, py, |svc| svc
            .regenerate_recovery_codes(user_id)
            .map(|codes| strings(Some(codes)).unwrap_or_default()))
    }

    /// The confirmed TOTP's otpauth:// URI again. Call it only when the application decided
    /// that the user may see their secret again (after a step-up, say).
    fn reveal_totp_uri(&self, py: Python<'_>, user_id: &str) -> PyResult<String> {
        detached!(self, py, |svc| svc
            .reveal_totp_uri(user_id)
            .map(|uri| uri.as_str().to_owned()))
    }

    /// Operator: lifts a lockout.
    fn unlock(&self, py: Python<'_>, user_id: &str) -> PyResult<()> {
        detached!(self, py, |svc| svc.unlock(user_id))
    }

    /// Operator: removes every method (an audit event records it).
    fn reset(&self, py: Python<'_>, user_id: &str) -> PyResult<()> {
        detached!(self, py, |svc| svc.reset(user_id))
    }

    /// The user's audit events, newest first (`limit` 1 to 1000).
    #[pyo3(signature = (user_id, limit = 50))]
    fn audit(&self, py: Python<'_>, user_id: &str, limit: i64) -> PyResult<Vec<PyAuditEvent>> {
        // Out of range (negative included) is core's `invalid_parameter` (`limit`).
        let limit = usize::try_from(limit).unwrap_or(0);
        detached!(self, py, |svc| svc.audit(user_id, limit).map(|events| {
            events
                .into_iter()
                .map(|inner| PyAuditEvent { inner })
                .collect()
        }))
    }

    // -- the async forms: the same methods in a worker thread ----------------------------------

    #[pyo3(signature = (user_id, account, *, require_verification = true))]
    fn asetup_totp<'py>(
        slf: &Bound<'py, Self>,
        user_id: String,
        account: String,
        require_verification: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        let kwargs = PyDict::new(py);
        kwargs.set_item("require_verification", require_verification)?;
        in_thread(
            slf.as_any(),
            "setup_totp",
            args(py, (user_id, account))?,
            Some(&kwargs),
        )
    }

    fn aconfirm_totp<'py>(
        slf: &Bound<'py, Self>,
        user_id: String,
        code: String,
    ) -> PyResult<Bound<'py, PyAny>> {
        in_thread(
            slf.as_any(),
            "confirm_totp",
            args(slf.py(), (user_id, code))?,
            None,
        )
    }

    fn asetup_email<'py>(
        slf: &Bound<'py, Self>,
        user_id: String,
        address: String,
    ) -> PyResult<Bound<'py, PyAny>> {
        in_thread(
            slf.as_any(),
            "setup_email",
            args(slf.py(), (user_id, address))?,
            None,
        )
    }

    fn asetup_sms<'py>(
        slf: &Bound<'py, Self>,
        user_id: String,
        phone: String,
    ) -> PyResult<Bound<'py, PyAny>> {
        in_thread(
            slf.as_any(),
            "setup_sms",
            args(slf.py(), (user_id, phone))?,
            None,
        )
    }

    fn aconfirm_contact<'py>(
        slf: &Bound<'py, Self>,
        user_id: String,
        method: String,
        code: String,
    ) -> PyResult<Bound<'py, PyAny>> {
        let a = args(slf.py(), (user_id, method, code))?;
        in_thread(slf.as_any(), "confirm_contact", a, None)
    }

    fn astart_login<'py>(slf: &Bound<'py, Self>, user_id: String) -> PyResult<Bound<'py, PyAny>> {
        in_thread(
            slf.as_any(),
            "start_login",
            args(slf.py(), (user_id,))?,
            None,
        )
    }

    fn asend_code<'py>(
        slf: &Bound<'py, Self>,
        challenge_id: String,
        method: String,
    ) -> PyResult<Bound<'py, PyAny>> {
        let a = args(slf.py(), (challenge_id, method))?;
        in_thread(slf.as_any(), "send_code", a, None)
    }

    fn averify<'py>(
        slf: &Bound<'py, Self>,
        challenge_id: String,
        method: String,
        code: String,
    ) -> PyResult<Bound<'py, PyAny>> {
        let a = args(slf.py(), (challenge_id, method, code))?;
        in_thread(slf.as_any(), "verify", a, None)
    }

    fn asend_step_up_code<'py>(
        slf: &Bound<'py, Self>,
        user_id: String,
        method: String,
    ) -> PyResult<Bound<'py, PyAny>> {
        let a = args(slf.py(), (user_id, method))?;
        in_thread(slf.as_any(), "send_step_up_code", a, None)
    }

    fn astep_up<'py>(
        slf: &Bound<'py, Self>,
        user_id: String,
        method: String,
        code: String,
    ) -> PyResult<Bound<'py, PyAny>> {
        let a = args(slf.py(), (user_id, method, code))?;
        in_thread(slf.as_any(), "step_up", a, None)
    }

    fn astatus<'py>(slf: &Bound<'py, Self>, user_id: String) -> PyResult<Bound<'py, PyAny>> {
        in_thread(slf.as_any(), "status", args(slf.py(), (user_id,))?, None)
    }

    fn adisable<'py>(
        slf: &Bound<'py, Self>,
        user_id: String,
        method: String,
    ) -> PyResult<Bound<'py, PyAny>> {
        in_thread(
            slf.as_any(),
            "disable",
            args(slf.py(), (user_id, method))?,
            None,
        )
    }

    fn aregenerate_recovery_codes<'py>(
        slf: &Bound<'py, Self>,
        user_id: String,
    ) -> PyResult<Bound<'py, PyAny>> {
        let a = args(slf.py(), (user_id,))?;
        in_thread(slf.as_any(), "regenerate_recovery_codes", a, None)
    }

    fn areveal_totp_uri<'py>(
        slf: &Bound<'py, Self>,
        user_id: String,
    ) -> PyResult<Bound<'py, PyAny>> {
        in_thread(
            slf.as_any(),
            "reveal_totp_uri",
            args(slf.py(), (user_id,))?,
            None,
        )
    }

    fn aunlock<'py>(slf: &Bound<'py, Self>, user_id: String) -> PyResult<Bound<'py, PyAny>> {
        in_thread(slf.as_any(), "unlock", args(slf.py(), (user_id,))?, None)
    }

    fn areset<'py>(slf: &Bound<'py, Self>, user_id: String) -> PyResult<Bound<'py, PyAny>> {
        in_thread(slf.as_any(), "reset", args(slf.py(), (user_id,))?, None)
    }

    #[pyo3(signature = (user_id, limit = 50))]
    fn aaudit<'py>(
        slf: &Bound<'py, Self>,
        user_id: String,
        limit: i64,
    ) -> PyResult<Bound<'py, PyAny>> {
        in_thread(
            slf.as_any(),
            "audit",
            args(slf.py(), (user_id, limit))?,
            None,
        )
    }

    fn __repr__(&self) -> String {
        format!(
            "Mfa(store_kind='{}', issuer={:?})",
            self.inner.backend().kind(),
            self.inner.context().issuer()
        )
    }
}

#[pymethods]
impl PyTotpSetup {
    /// The secret, base32, for manual entry.
    #[getter]
    fn secret(&self) -> &str {
        &self.secret
    }

    /// The otpauth:// URI behind the QR code.
    #[getter]
    fn uri(&self) -> &str {
        &self.uri
    }

    /// The URI's QR code as an SVG document, at least `min_size` pixels wide.
    #[pyo3(signature = (*, min_size = 256))]
    fn qr_svg(&self, py: Python<'_>, min_size: u32) -> PyResult<String> {
        guard(|| {
            py.detach(|| mfakit_core::qr::svg(&self.uri, min_size))
                .or_raise()
        })
    }

    /// The URI's QR code as a grayscale PNG, `scale` pixels per module.
    #[pyo3(signature = (*, scale = 8))]
    fn qr_png<'py>(&self, py: Python<'py>, scale: u32) -> PyResult<Bound<'py, PyBytes>> {
        guard(|| crate::qr::png_bytes(py, &self.uri, scale))
    }

    fn __repr__(&self) -> String {
        format!(
            "TotpSetup(secret=<redacted>, active={}, recovery_codes={})",
            py_bool(self.active),
            redacted_codes(self.recovery_codes.as_deref())
        )
    }
}

#[pymethods]
impl PyCodeToSend {
    /// The address or phone number to send the code to.
    #[getter]
    fn contact(&self) -> &str {
        &self.contact
    }

    /// The code. Deliver it; never log it or return it to the client.
    #[getter]
    fn code(&self) -> &str {
        &self.code
    }

    fn __repr__(&self) -> String {
        format!(
            "CodeToSend(method='{}', masked={:?}, code=<redacted>, expires_at={}, resend_after={})",
            self.method, self.masked, self.expires_at, self.resend_after
        )
    }
}

#[pymethods]
impl PyLoginStart {
    /// `totp`, `email`, `sms`, `recovery_code`: the methods the challenge can be answered with.
    #[getter]
    fn methods(&self) -> Vec<&'static str> {
        names(&self.methods)
    }

    /// Masked contacts by method (`email`, `sms`).
    #[getter]
    fn masked<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        masked_dict(py, self.masked.iter().cloned())
    }

    fn __repr__(&self) -> String {
        format!(
            "LoginStart(id=<redacted>, methods={:?}, expires_at={})",
            names(&self.methods),
            self.expires_at
        )
    }
}

#[pymethods]
impl PyVerification {
    /// Whether the code was accepted.
    #[getter]
    fn accepted(&self) -> bool {
        self.verdict == "accepted"
    }

    /// `accepted`, `wrong`, `expired`, `used`, `locked` or `exhausted`.
    #[getter]
    fn verdict(&self) -> &'static str {
        self.verdict
    }

    /// The method the code was checked with.
    #[getter]
    fn method(&self) -> &'static str {
        self.method
    }

    /// `{"amr": [...], "acr": ..., "auth_time": ...}` when accepted (login and step-up), else
    /// `None`: what the application puts in its session or token.
    #[getter]
    fn claims<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        let Some(claims) = &self.claims else {
            return Ok(None);
        };
        let dict = PyDict::new(py);
        dict.set_item("amr", claims.amr.clone())?;
        dict.set_item("acr", &claims.acr)?;
        dict.set_item("auth_time", claims.auth_time)?;
        Ok(Some(dict))
    }

    fn __bool__(&self) -> bool {
        self.accepted()
    }

    fn __repr__(&self) -> String {
        format!(
            "Verification(verdict='{}', method='{}', user_id={:?}, retry_after={}, \
             attempts_left={}, recovery_codes={})",
            self.verdict,
            self.method,
            self.user_id,
            self.retry_after,
            self.attempts_left
                .map_or_else(|| "None".to_owned(), |n| n.to_string()),
            redacted_codes(self.recovery_codes.as_deref())
        )
    }
}

#[pymethods]
impl PyMfaStatus {
    /// Confirmed methods (`recovery_code` only while some are left).
    #[getter]
    fn methods(&self) -> Vec<&'static str> {
        names(&self.inner.methods)
    }

    /// Whether a TOTP enrolment waits for its first code.
    #[getter]
    fn totp_pending(&self) -> bool {
        self.inner.totp_pending
    }

    /// Unused recovery codes.
    #[getter]
    fn recovery_codes_left(&self) -> usize {
        self.inner.recovery_codes_left
    }

    /// UNIX time until which attempts are refused, or `None`.
    #[getter]
    fn locked_until(&self) -> Option<u64> {
        self.inner.locked_until
    }

    /// Consecutive failures counted against the budget.
    #[getter]
    fn failures(&self) -> u32 {
        self.inner.failures
    }

    /// Masked contacts of the confirmed email and SMS methods.
    #[getter]
    fn masked<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        masked_dict(py, self.inner.masked.clone())
    }

    fn __repr__(&self) -> String {
        format!(
            "MfaStatus(methods={:?}, totp_pending={}, recovery_codes_left={}, locked_until={})",
            names(&self.inner.methods),
            py_bool(self.inner.totp_pending),
            self.inner.recovery_codes_left,
            self.inner
                .locked_until
                .map_or_else(|| "None".to_owned(), |t| t.to_string())
        )
    }
}

#[pymethods]
impl PyAuditEvent {
    /// `enrolled`, `confirmed`, `challenge_started`, `code_sent`, `verified`, `failed`,
    /// `locked`, `unlocked`, `disabled`, `recovery_codes_regenerated`, `recovery_code_used`
    /// or `reset`.
    #[getter]
    fn kind(&self) -> &'static str {
        self.inner.kind.as_str()
    }

    /// The method concerned, if any.
    #[getter]
    fn method(&self) -> Option<&'static str> {
        self.inner.method.map(Method::as_str)
    }

    /// UNIX time.
    #[getter]
    fn at(&self) -> u64 {
        self.inner.at
    }

    /// A short machine word: `accepted`, `wrong`, `login`, `step_up`, `pending`, ….
    #[getter]
    fn outcome(&self) -> &str {
        &self.inner.outcome
    }

    /// The user.
    #[getter]
    fn user_id(&self) -> &str {
        &self.inner.user_id
    }

    fn __repr__(&self) -> String {
        format!(
            "AuditEvent(kind='{}', method={}, at={}, outcome={:?})",
            self.inner.kind.as_str(),
            self.inner
                .method
                .map_or_else(|| "None".to_owned(), |m| format!("'{m}'")),
            self.inner.at,
            self.inner.outcome
        )
    }
}

fn py_bool(b: bool) -> &'static str {
    if b {
        "True"
    } else {
        "False"
    }
}

fn redacted_codes(codes: Option<&[String]>) -> String {
    codes.map_or_else(|| "None".to_owned(), |c| format!("<{} redacted>", c.len()))
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyMfa>()?;
    m.add_class::<PyTotpSetup>()?;
    m.add_class::<PyCodeToSend>()?;
    m.add_class::<PyLoginStart>()?;
    m.add_class::<PyVerification>()?;
    m.add_class::<PyMfaStatus>()?;
    m.add_class::<PyAuditEvent>()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn default_url_is_the_stores() {
        assert_eq!(mfakit_store::DEFAULT_URL, "sqlite://mfakit.db");
    }
}
