//! Python face of `core/src/otp.rs`: `Totp`, `Hotp`, `OtpMatch`, and the argument conversions
//! they share (times, counters, windows, algorithms, profiles).

use mfakit_core::{Algorithm, Hotp, OtpAuthUri, OtpMatch, Profile, Totp, TotpParams, Window};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyFloat, PyInt, PyTuple};

use crate::exceptions::{invalid_parameter, OrRaise};
use crate::{guard, qr, secret};

// ---------------------------------------------------------------------------------------------
// Argument conversions. Integers out of range become `InvalidParameterError` (not Python's
// `OverflowError`), so that every bad argument has an mfakit code.

/// A non-negative integer that fits `T`, or `InvalidParameterError` naming `name`.
fn uint<T: TryFrom<u64>>(value: &Bound<'_, PyAny>, name: &'static str) -> PyResult<T> {
    if let Ok(n) = value.extract::<u64>() {
        if let Ok(n) = T::try_from(n) {
            return Ok(n);
        }
    }
    if value.is_instance_of::<PyInt>() {
        return Err(invalid_parameter(name, "is negative or too large"));
    }
    Err(PyTypeError::new_err(format!("`{name}` must be an int")))
}

macro_rules! uint_arg {
    ($($fn_name:ident: $ty:ty = $name:literal;)*) => {$(
        pub(crate) fn $fn_name(value: &Bound<'_, PyAny>) -> PyResult<$ty> {
            uint(value, $name)
        }
    )*};
}

uint_arg! {
    digits_arg: u32 = "digits";
    period_arg: u64 = "period";
    t0_arg: u64 = "t0";
    counter_arg: u64 = "counter";
    step_arg: u64 = "step";
    look_ahead_arg: u32 = "look_ahead";
    bits_arg: usize = "bits";
}

macro_rules! optional_uint_arg {
    ($($fn_name:ident: $ty:ty = $name:literal;)*) => {$(
        pub(crate) fn $fn_name(value: &Bound<'_, PyAny>) -> PyResult<Option<$ty>> {
            if value.is_none() {
                return Ok(None);
            }
            uint(value, $name).map(Some)
        }
    )*};
}

// The second-factor adapters' integer arguments, here so that every adapter converts alike.
uint_arg! {
    count_arg: usize = "count";
    failures_arg: u32 = "failures";
    time_secs_arg: u64 = "time";
    limit_arg: u32 = "limit";
    period_secs_arg: u64 = "period_secs";
    horizon_secs_arg: u64 = "horizon_secs";
    window_size_arg: u64 = "window_size";
    visible_arg: u32 = "visible";
}

optional_uint_arg! {
    optional_step_arg: u64 = "after_step";
    opt_digits_arg: u32 = "digits";
    opt_ttl_secs_arg: u64 = "ttl_secs";
    opt_max_attempts_arg: u32 = "max_attempts";
    opt_resend_cooldown_secs_arg: u64 = "resend_cooldown_secs";
    opt_m_cost_kib_arg: u32 = "m_cost_kib";
    opt_t_cost_arg: u32 = "t_cost";
    opt_p_cost_arg: u32 = "p_cost";
    opt_backoff_base_secs_arg: u64 = "backoff_base_secs";
    opt_backoff_factor_arg: u32 = "backoff_factor";
    opt_backoff_cap_secs_arg: u64 = "backoff_cap_secs";
    opt_lockout_after_arg: u32 = "lockout_after";
    opt_lockout_secs_arg: u64 = "lockout_secs";
}

/// Seconds since the UNIX epoch from an `int`, a `float` (floored) or a timezone-aware
/// `datetime`. A naive `datetime` is refused: it has no defined instant.
pub(crate) fn unix_time(value: &Bound<'_, PyAny>) -> PyResult<u64> {
    // The common case first: UNIX seconds as a non-negative int.
    if let Ok(t) = value.extract::<u64>() {
        return Ok(t);
    }
    if value.is_instance_of::<PyInt>() {
        return Err(invalid_parameter(
            "time",
            "must be between 0 and 2**64 - 1 seconds since the UNIX epoch",
        ));
    }
    let seconds = if value.is_instance_of::<PyFloat>() {
        value.extract::<f64>()?
    } else if let Ok(tzinfo) = value.getattr(pyo3::intern!(value.py(), "tzinfo")) {
        if tzinfo.is_none() {
            return Err(invalid_parameter(
                "time",
                "naive datetime: pass a timezone-aware datetime (e.g. tzinfo=timezone.utc) or UNIX seconds",
            ));
        }
        value
            .call_method0(pyo3::intern!(value.py(), "timestamp"))?
            .extract::<f64>()?
    } else {
        return Err(PyTypeError::new_err(
            "time must be UNIX seconds (int or float) or a timezone-aware datetime",
        ));
    };
    // `as` saturates; the range check before it rejects NaN, negatives and overflow.
    if seconds.is_finite() && seconds >= 0.0 && seconds < u64::MAX as f64 {
        Ok(seconds.floor() as u64)
    } else {
        Err(invalid_parameter(
            "time",
            "must be between 0 and 2**64 - 1 seconds since the UNIX epoch",
        ))
    }
}

pub(crate) fn optional_time_arg(value: &Bound<'_, PyAny>) -> PyResult<Option<u64>> {
    if value.is_none() {
        return Ok(None);
    }
    unix_time(value).map(Some)
}

/// `window=n` (n steps either side) or `window=(behind, ahead)`.
fn window_arg(value: &Bound<'_, PyAny>) -> PyResult<Window> {
    if let Ok(steps) = value.extract::<u64>() {
        let steps =
            u32::try_from(steps).map_err(|_| invalid_parameter("window", "is too large"))?;
        return Ok(Window::symmetric(steps));
    }
    if let Ok(pair) = value.cast::<PyTuple>() {
        if pair.len() == 2 {
            return Ok(Window {
                behind: uint(&pair.get_item(0)?, "window")?,
                ahead: uint(&pair.get_item(1)?, "window")?,
            });
        }
    }
    if value.is_instance_of::<PyInt>() {
        return Err(invalid_parameter("window", "must not be negative"));
    }
    Err(PyTypeError::new_err(
        "window must be an int or a (behind, ahead) tuple of ints",
    ))
}

/// `str` and `mfakit.Algorithm` members (a `str` enum) both arrive here as `&str`.
fn parse_algorithm(text: &str) -> PyResult<Algorithm> {
    text.parse().or_raise()
}

fn parse_profile(text: &str) -> PyResult<Profile> {
    match text {
        "compatible" => Ok(Profile::Compatible),
        "any" => Ok(Profile::Any),
        _ => Err(invalid_parameter(
            "profile",
            "must be \"compatible\" or \"any\"",
        )),
    }
}

// ---------------------------------------------------------------------------------------------

/// A successful verification: the matched time step (TOTP) or counter (HOTP), and `drift`,
/// its distance from the expected one (negative: a code from the past).
///
/// Store `step` and pass it back as `after_step` (TOTP), or `step + 1` as the next counter
/// (HOTP), so that the same code is never accepted twice (RFC 6238 section 5.2).
#[pyclass(module = "mfakit", name = "OtpMatch", frozen, eq, hash)]
#[derive(PartialEq, Eq, Hash)]
pub(crate) struct PyOtpMatch {
    /// The matched TOTP time step or HOTP counter.
    #[pyo3(get)]
    step: u64,
    /// `step` minus the expected step.
    #[pyo3(get)]
    drift: i64,
}

#[pymethods]
impl PyOtpMatch {
    #[new]
    fn new(step: u64, drift: i64) -> Self {
        PyOtpMatch { step, drift }
    }

    fn __repr__(&self) -> String {
        format!("OtpMatch(step={}, drift={})", self.step, self.drift)
    }
}

impl From<OtpMatch> for PyOtpMatch {
    fn from(m: OtpMatch) -> Self {
        PyOtpMatch {
            step: m.step,
            drift: m.drift,
        }
    }
}

/// Verifications comparing more codes than this release the GIL. A few codes take a
/// microsecond or two; releasing the GIL for that would make the thread queue to take it back
/// (up to the 5 ms switch interval when other threads are busy), which costs far more.
const DETACH_ABOVE_CODES: u64 = 16;

// ---------------------------------------------------------------------------------------------

/// Time-based one-time passwords (RFC 6238).
///
/// `Totp(secret, *, digits=6, period=30, algorithm="SHA1", issuer=None, account=None, t0=0)`
/// takes an existing secret (base32 `str` or raw `bytes`; legacy 80-bit secrets are
/// accepted). For a new enrolment use `Totp.enroll(...)`, which generates the secret and
/// keeps to settings every authenticator app honours. The secret never appears in `repr()`.
#[pyclass(module = "mfakit", name = "Totp", frozen)]
pub(crate) struct PyTotp {
    inner: Totp,
    issuer: Option<String>,
    account: Option<String>,
}

impl PyTotp {
    pub(crate) fn from_parts(inner: Totp, issuer: Option<String>, account: Option<String>) -> Self {
        PyTotp {
            inner,
            issuer,
            account,
        }
    }

    fn uri(&self) -> PyResult<String> {
        let account = self
            .account
            .as_deref()
            .ok_or_else(|| invalid_parameter("account", "is required for a provisioning URI"))?;
        OtpAuthUri::for_totp(&self.inner, self.issuer.as_deref(), account)
            .and_then(|uri| uri.to_uri())
            .or_raise()
    }
}

#[pymethods]
impl PyTotp {
    #[new]
    #[pyo3(signature = (secret, *, digits = 6, period = 30, algorithm = "SHA1", issuer = None, account = None, t0 = 0))]
    fn new(
        secret: &Bound<'_, PyAny>,
        #[pyo3(from_py_with = digits_arg)] digits: u32,
        #[pyo3(from_py_with = period_arg)] period: u64,
        algorithm: &str,
        issuer: Option<String>,
        account: Option<String>,
        #[pyo3(from_py_with = t0_arg)] t0: u64,
    ) -> PyResult<Self> {
        guard(|| {
            let params = TotpParams {
                algorithm: parse_algorithm(algorithm)?,
                digits,
                period,
                t0,
            };
            Ok(PyTotp {
                inner: Totp::new(secret::from_python(secret)?, params).or_raise()?,
                issuer,
                account,
            })
        })
    }

    /// A new enrolment: a fresh random secret of `bits` bits (or the given one, which must
    /// have at least 128), checked against `profile`. The default profile, `"compatible"`,
    /// refuses settings that popular authenticator apps silently ignore (anything but SHA1,
    /// 6 digits, 30 s), raising `IncompatibleProfileError`; pass `profile="any"` to allow them.
    #[staticmethod]
    #[pyo3(signature = (*, account, issuer = None, secret = None, digits = 6, period = 30, algorithm = "SHA1", profile = "compatible", bits = 160))]
    #[allow(clippy::too_many_arguments)]
    fn enroll(
        account: String,
        issuer: Option<String>,
        secret: Option<&Bound<'_, PyAny>>,
        #[pyo3(from_py_with = digits_arg)] digits: u32,
        #[pyo3(from_py_with = period_arg)] period: u64,
        algorithm: &str,
        profile: &str,
        #[pyo3(from_py_with = bits_arg)] bits: usize,
    ) -> PyResult<Self> {
        guard(|| {
            let secret = match secret {
                Some(given) => secret::from_python(given)?,
                None => mfakit_core::Secret::generate_bits(bits).or_raise()?,
            };
            let params = TotpParams {
                algorithm: parse_algorithm(algorithm)?,
                digits,
                period,
                t0: 0,
            };
            Ok(PyTotp {
                inner: Totp::new_enrolment(secret, params, parse_profile(profile)?).or_raise()?,
                issuer,
                account: Some(account),
            })
        })
    }

    /// The TOTP an otpauth://totp/ URI describes, with its issuer and account.
    #[staticmethod]
    fn from_uri(uri: &str) -> PyResult<Self> {
        guard(|| {
            let parsed = OtpAuthUri::parse(uri).or_raise()?;
            Ok(PyTotp {
                inner: parsed.totp().or_raise()?,
                issuer: parsed.issuer,
                account: Some(parsed.account),
            })
        })
    }

    /// The code now.
    fn now(&self) -> PyResult<String> {
        guard(|| self.inner.generate_now().or_raise())
    }

    /// The code at `time`: UNIX seconds (`int`/`float`) or a timezone-aware `datetime`.
    fn at(&self, #[pyo3(from_py_with = unix_time)] time: u64) -> PyResult<String> {
        guard(|| self.inner.generate_at(time).or_raise())
    }

    /// The code for time step `step`.
    fn at_step(&self, #[pyo3(from_py_with = step_arg)] step: u64) -> String {
        self.inner.generate_step(step)
    }

    /// The time step containing `time` (RFC 6238 section 4.2).
    fn step(&self, #[pyo3(from_py_with = unix_time)] time: u64) -> PyResult<u64> {
        guard(|| self.inner.step_at(time).or_raise())
    }

    /// Seconds until the code shown at `time` (default: now) changes.
    #[pyo3(signature = (time = None))]
    fn remaining(
        &self,
        #[pyo3(from_py_with = optional_time_arg)] time: Option<u64>,
    ) -> PyResult<u64> {
        guard(|| {
            self.inner
                .remaining_at(time.unwrap_or_else(mfakit_core::unix_now))
                .or_raise()
        })
    }

    /// Verifies what a user typed, at `at` (default: now; UNIX seconds or an aware
    /// `datetime`), accepting `window` steps either side, or `(behind, ahead)` steps.
    ///
    /// Returns an `OtpMatch` or `None`. A wrong, malformed or replayed code is `None`, never
    /// an exception. Pass the `step` of the last accepted code as `after_step` to refuse it
    /// and every earlier code (RFC 6238 section 5.2).
    #[pyo3(
        signature = (code, *, at = None, window = Window::default(), after_step = None),
        text_signature = "(self, code, *, at=None, window=1, after_step=None)"
    )]
    fn verify(
        &self,
        py: Python<'_>,
        code: &str,
        #[pyo3(from_py_with = optional_time_arg)] at: Option<u64>,
        #[pyo3(from_py_with = window_arg)] window: Window,
        #[pyo3(from_py_with = optional_step_arg)] after_step: Option<u64>,
    ) -> PyResult<Option<PyOtpMatch>> {
        guard(|| verify_totp_at(py, &self.inner, code, at, window, after_step))
    }

    /// The otpauth://totp/ URI for this TOTP; needs a non-blank `account` (set at
    /// construction), and an `issuer` that is non-blank if given (else
    /// `InvalidParameterError`).
    fn provisioning_uri(&self) -> PyResult<String> {
        guard(|| self.uri())
    }

    /// The provisioning URI as an SVG document at least `min_size` pixels wide.
    #[pyo3(signature = (*, min_size = 256))]
    fn qr_svg(&self, py: Python<'_>, min_size: u32) -> PyResult<String> {
        guard(|| {
            let uri = self.uri()?;
            py.detach(|| mfakit_core::qr::svg(&uri, min_size))
                .or_raise()
        })
    }

    /// The provisioning URI as a grayscale PNG, `scale` pixels per module (1 to 64).
    #[pyo3(signature = (*, scale = 8))]
    fn qr_png<'py>(&self, py: Python<'py>, scale: u32) -> PyResult<Bound<'py, PyBytes>> {
        guard(|| {
            let uri = self.uri()?;
            qr::png_bytes(py, &uri, scale)
        })
    }

    /// The provisioning URI as a QR code drawn with Unicode half blocks, for a terminal.
    fn qr_terminal(&self, py: Python<'_>) -> PyResult<String> {
        guard(|| {
            let uri = self.uri()?;
            py.detach(|| mfakit_core::qr::terminal(&uri)).or_raise()
        })
    }

    /// The secret as unpadded base32. Deliberately a method, not shown by `repr()`.
    fn secret(&self) -> String {
        self.inner.secret().to_base32()
    }

    /// Number of digits.
    #[getter]
    fn digits(&self) -> u32 {
        self.inner.params().digits
    }

    /// Time-step length in seconds.
    #[getter]
    fn period(&self) -> u64 {
        self.inner.params().period
    }

    /// `"SHA1"`, `"SHA256"` or `"SHA512"`.
    #[getter]
    fn algorithm(&self) -> &'static str {
        self.inner.params().algorithm.as_str()
    }

    /// UNIX time at which step 0 starts (RFC 6238 T0).
    #[getter]
    fn t0(&self) -> u64 {
        self.inner.params().t0
    }

    /// The issuer shown by authenticator apps, if any.
    #[getter]
    fn issuer(&self) -> Option<&str> {
        self.issuer.as_deref()
    }

    /// The account name, if any.
    #[getter]
    fn account(&self) -> Option<&str> {
        self.account.as_deref()
    }

    fn __repr__(&self) -> String {
        let p = self.inner.params();
        format!(
            "Totp(secret=<redacted>, digits={}, period={}, algorithm='{}', issuer={}, account={})",
            p.digits,
            p.period,
            p.algorithm,
            py_str_repr(self.issuer.as_deref()),
            py_str_repr(self.account.as_deref()),
        )
    }
}

/// `'text'` or `None`, for reprs (with quotes and backslashes escaped).
fn py_str_repr(value: Option<&str>) -> String {
    value.map_or_else(
        || "None".to_owned(),
        |s| format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'")),
    )
}

// ---------------------------------------------------------------------------------------------

/// Counter-based one-time passwords (RFC 4226).
///
/// `Hotp(secret, *, digits=6, algorithm="SHA1", counter=0, issuer=None, account=None)`;
/// `counter` is only the initial counter written into the provisioning URI. The object is
/// stateless: the application stores the next counter and passes it to `verify`.
#[pyclass(module = "mfakit", name = "Hotp", frozen)]
pub(crate) struct PyHotp {
    inner: Hotp,
    counter: u64,
    issuer: Option<String>,
    account: Option<String>,
}

impl PyHotp {
    pub(crate) fn from_parts(
        inner: Hotp,
        counter: u64,
        issuer: Option<String>,
        account: Option<String>,
    ) -> Self {
        PyHotp {
            inner,
            counter,
            issuer,
            account,
        }
    }

    fn uri(&self) -> PyResult<String> {
        let account = self
            .account
            .as_deref()
            .ok_or_else(|| invalid_parameter("account", "is required for a provisioning URI"))?;
        OtpAuthUri::for_hotp(&self.inner, self.counter, self.issuer.as_deref(), account)
            .and_then(|uri| uri.to_uri())
            .or_raise()
    }
}

#[pymethods]
impl PyHotp {
    #[new]
    #[pyo3(signature = (secret, *, digits = 6, algorithm = "SHA1", counter = 0, issuer = None, account = None))]
    fn new(
        secret: &Bound<'_, PyAny>,
        #[pyo3(from_py_with = digits_arg)] digits: u32,
        algorithm: &str,
        #[pyo3(from_py_with = counter_arg)] counter: u64,
        issuer: Option<String>,
        account: Option<String>,
    ) -> PyResult<Self> {
        guard(|| {
            Ok(PyHotp {
                inner: Hotp::new(
                    secret::from_python(secret)?,
                    parse_algorithm(algorithm)?,
                    digits,
                )
                .or_raise()?,
                counter,
                issuer,
                account,
            })
        })
    }

    /// The HOTP an otpauth://hotp/ URI describes, with its counter, issuer and account.
    #[staticmethod]
    fn from_uri(uri: &str) -> PyResult<Self> {
        guard(|| {
            let parsed = OtpAuthUri::parse(uri).or_raise()?;
            let (inner, counter) = parsed.hotp().or_raise()?;
            Ok(PyHotp {
                inner,
                counter,
                issuer: parsed.issuer,
                account: Some(parsed.account),
            })
        })
    }

    /// The code for `counter` (RFC 4226 section 5.3).
    fn at(&self, #[pyo3(from_py_with = counter_arg)] counter: u64) -> String {
        self.inner.generate(counter)
    }

    /// Verifies `code` against counters `counter` to `counter + look_ahead` (RFC 4226
    /// section 7.2). Returns an `OtpMatch` (store `step + 1` as the next counter) or `None`.
    #[pyo3(
        signature = (code, counter, *, look_ahead = Hotp::DEFAULT_LOOK_AHEAD),
        text_signature = "(self, code, counter, *, look_ahead=10)"
    )]
    fn verify(
        &self,
        py: Python<'_>,
        code: &str,
        #[pyo3(from_py_with = counter_arg)] counter: u64,
        #[pyo3(from_py_with = look_ahead_arg)] look_ahead: u32,
    ) -> PyResult<Option<PyOtpMatch>> {
        guard(|| {
            let run = || self.inner.verify(code, counter, look_ahead);
            let found = if u64::from(look_ahead) >= DETACH_ABOVE_CODES {
                py.detach(run)
            } else {
                run()
            };
            Ok(found.or_raise()?.map(PyOtpMatch::from))
        })
    }

    /// Resynchronises a drifted counter from two consecutive codes (RFC 4226 section 7.4);
    /// returns the counter to store next, or `None`.
    #[pyo3(
        signature = (first, second, counter, *, look_ahead = Hotp::MAX_LOOK_AHEAD),
        text_signature = "(self, first, second, counter, *, look_ahead=1000)"
    )]
    fn resync(
        &self,
        py: Python<'_>,
        first: &str,
        second: &str,
        #[pyo3(from_py_with = counter_arg)] counter: u64,
        #[pyo3(from_py_with = look_ahead_arg)] look_ahead: u32,
    ) -> PyResult<Option<u64>> {
        guard(|| {
            py.detach(|| self.inner.resync(first, second, counter, look_ahead))
                .or_raise()
        })
    }

    /// The otpauth://hotp/ URI for this HOTP starting at `counter`; needs a non-blank
    /// `account`, and an `issuer` that is non-blank if given (else `InvalidParameterError`).
    fn provisioning_uri(&self) -> PyResult<String> {
        guard(|| self.uri())
    }

    /// The provisioning URI as an SVG document at least `min_size` pixels wide.
    #[pyo3(signature = (*, min_size = 256))]
    fn qr_svg(&self, py: Python<'_>, min_size: u32) -> PyResult<String> {
        guard(|| {
            let uri = self.uri()?;
            py.detach(|| mfakit_core::qr::svg(&uri, min_size))
                .or_raise()
        })
    }

    /// The provisioning URI as a grayscale PNG, `scale` pixels per module (1 to 64).
    #[pyo3(signature = (*, scale = 8))]
    fn qr_png<'py>(&self, py: Python<'py>, scale: u32) -> PyResult<Bound<'py, PyBytes>> {
        guard(|| {
            let uri = self.uri()?;
            qr::png_bytes(py, &uri, scale)
        })
    }

    /// The provisioning URI as a QR code drawn with Unicode half blocks, for a terminal.
    fn qr_terminal(&self, py: Python<'_>) -> PyResult<String> {
        guard(|| {
            let uri = self.uri()?;
            py.detach(|| mfakit_core::qr::terminal(&uri)).or_raise()
        })
    }

    /// The secret as unpadded base32. Deliberately a method, not shown by `repr()`.
    fn secret(&self) -> String {
        self.inner.secret().to_base32()
    }

    /// Number of digits.
    #[getter]
    fn digits(&self) -> u32 {
        self.inner.digits()
    }

    /// `"SHA1"`, `"SHA256"` or `"SHA512"`.
    #[getter]
    fn algorithm(&self) -> &'static str {
        self.inner.algorithm().as_str()
    }

    /// The initial counter written into the provisioning URI.
    #[getter]
    fn counter(&self) -> u64 {
        self.counter
    }

    /// The issuer shown by authenticator apps, if any.
    #[getter]
    fn issuer(&self) -> Option<&str> {
        self.issuer.as_deref()
    }

    /// The account name, if any.
    #[getter]
    fn account(&self) -> Option<&str> {
        self.account.as_deref()
    }

    fn __repr__(&self) -> String {
        format!(
            "Hotp(secret=<redacted>, digits={}, algorithm='{}', counter={}, issuer={}, account={})",
            self.inner.digits(),
            self.inner.algorithm(),
            self.counter,
            py_str_repr(self.issuer.as_deref()),
            py_str_repr(self.account.as_deref()),
        )
    }
}

/// `Totp.verify` and `verify_totp`: the window decides whether the GIL is released.
fn verify_totp_at(
    py: Python<'_>,
    totp: &Totp,
    code: &str,
    at: Option<u64>,
    window: Window,
    after_step: Option<u64>,
) -> PyResult<Option<PyOtpMatch>> {
    let unix = at.unwrap_or_else(mfakit_core::unix_now);
    let run = || totp.verify_at(code, unix, window, after_step);
    let found = if window.size() > DETACH_ABOVE_CODES {
        py.detach(run)
    } else {
        run()
    };
    Ok(found.or_raise()?.map(PyOtpMatch::from))
}

/// Verifies what a user typed against a stored secret in one call, as a server does on every
/// login (RFC 6238 section 5.2): the same answer and the same errors as
/// `Totp(secret, digits=..., period=..., algorithm=..., t0=...).verify(code, at=..., window=...,
/// after_step=...)`, without building a `Totp` object.
///
/// Returns an `OtpMatch` or `None`; a wrong, malformed or replayed code is `None`, never an
/// exception. Store `step` and pass it as `after_step` next time.
#[pyfunction]
#[pyo3(
    signature = (secret, code, *, digits = 6, period = 30, algorithm = "SHA1", t0 = 0, at = None, window = Window::default(), after_step = None),
    text_signature = "(secret, code, *, digits=6, period=30, algorithm='SHA1', t0=0, at=None, window=1, after_step=None)"
)]
#[allow(clippy::too_many_arguments)]
fn verify_totp(
    py: Python<'_>,
    secret: &Bound<'_, PyAny>,
    code: &str,
    #[pyo3(from_py_with = digits_arg)] digits: u32,
    #[pyo3(from_py_with = period_arg)] period: u64,
    algorithm: &str,
    #[pyo3(from_py_with = t0_arg)] t0: u64,
    #[pyo3(from_py_with = optional_time_arg)] at: Option<u64>,
    #[pyo3(from_py_with = window_arg)] window: Window,
    #[pyo3(from_py_with = optional_step_arg)] after_step: Option<u64>,
) -> PyResult<Option<PyOtpMatch>> {
    guard(|| {
        let params = TotpParams {
            algorithm: parse_algorithm(algorithm)?,
            digits,
            period,
            t0,
        };
        // Lives for this call only; dropping it zeroizes the secret and the keyed HMAC state.
        let totp = Totp::new(secret::from_python(secret)?, params).or_raise()?;
        verify_totp_at(py, &totp, code, at, window, after_step)
    })
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyOtpMatch>()?;
    m.add_function(wrap_pyfunction!(verify_totp, m)?)?;
    m.add_class::<PyTotp>()?;
    m.add_class::<PyHotp>()?;
    m.add("MIN_DIGITS", mfakit_core::MIN_DIGITS)?;
    m.add("MAX_DIGITS", mfakit_core::MAX_DIGITS)?;
    Ok(())
}
