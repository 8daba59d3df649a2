//! JavaScript face of `core/src/otp.rs`: `Totp` (RFC 6238), `Hotp` (RFC 4226) and the
//! `OtpMatch` a successful verification returns.

use mfakit_core::{self as mfa, OtpAuthUri, Profile, Result, Secret, TotpParams};
use napi::bindgen_prelude::{Buffer, Either, Unknown};
use napi::Env;
use napi_derive::napi;

use crate::convert::{
    self, integer, invalid, opt_integer, opt_string, opt_u32, opt_uint, opt_uint32, options,
    string, time_or_now, MAX_SAFE_INTEGER,
};
use crate::error::guard;
use crate::{qr, secret};

/// A successful verification: which time step (TOTP) or counter (HOTP) matched, and how far
/// it lies from the expected one. Store `step` and pass it back as `afterStep` (TOTP) or
/// `step + 1` as the next counter (HOTP), so that the same code is never accepted twice.
#[napi(object)]
pub struct OtpMatch {
    /// The matched TOTP time step, or the matched HOTP counter.
    pub step: i64,
    /// `step` minus the expected step: negative for a code from the past (a slow user, a
    /// clock behind), positive for one from the future (a clock ahead).
    pub drift: i64,
}

/// How a match crosses to JavaScript: `verify` returns one number, the core's
/// [`mfa::OtpMatch::packed`] form, which `lib/index.js` turns into `{ step, drift }`. Building
/// that object through N-API (two property stores on a fresh object), or calling a JS function
/// from Rust to build it, cost a fifth of a whole verification (measured in instructions with
/// callgrind); a number crosses for almost nothing and the object literal is built on V8's
/// fast path. A step too large to pack exactly below 2^53 comes back as the object itself.
/// `lib/index.js` holds the same two constants (`PACK_BASE`, `PACK_OFFSET`).
type Packed = Either<f64, OtpMatch>;

fn packed(m: Option<mfa::OtpMatch>) -> Option<Packed> {
    let m = m?;
    Some(match m.packed().filter(|&p| p < 1 << 53) {
        // Below 2^53: exact as a double.
        Some(p) => Either::A(p as f64),
        None => Either::B(OtpMatch::from(m)),
    })
}

impl From<mfa::OtpMatch> for OtpMatch {
    fn from(m: mfa::OtpMatch) -> Self {
        // Steps and counters are at most 2^53 - 1 plus a bounded window (checked on input),
        // far inside i64.
        OtpMatch {
            step: m.step as i64,
            drift: m.drift,
        }
    }
}

/// Options of `new Totp(...)`, for a secret that already exists (imported or stored).
// Describes the options in index.d.ts; `Totp::new` reads them with `convert::Fields`.
#[allow(dead_code)]
#[napi(object)]
pub struct TotpOptions<'a> {
    /// The shared secret: base32 text (case, spaces, hyphens and padding are forgiven) or raw
    /// bytes. Any length is accepted, so legacy 80-bit secrets keep verifying.
    #[napi(ts_type = "string | Uint8Array")]
    pub secret: Unknown<'a>,
    /// Number of digits, 6 (default) to 10.
    #[napi(ts_type = "number")]
    pub digits: Option<Unknown<'a>>,
    /// Time-step length in seconds (default 30).
    #[napi(ts_type = "number")]
    pub period: Option<Unknown<'a>>,
    /// `'SHA1'` (default), `'SHA256'` or `'SHA512'`.
    #[napi(ts_type = "'SHA1' | 'SHA256' | 'SHA512'")]
    pub algorithm: Option<Unknown<'a>>,
    /// The service name authenticator apps show, e.g. `'Example Co'`; must not contain `:`.
    #[napi(ts_type = "string")]
    pub issuer: Option<Unknown<'a>>,
    /// The user's account name, e.g. `'alice@example.com'`; needed for a provisioning URI.
    #[napi(ts_type = "string")]
    pub account: Option<Unknown<'a>>,
    /// UNIX time at which step 0 starts (RFC 6238 T0, default 0).
    #[napi(ts_type = "number")]
    pub t0: Option<Unknown<'a>>,
}

/// Options of `Totp.enroll(...)`, for a new enrolment.
#[napi(object)]
pub struct EnrollOptions<'a> {
    /// The user's account name, e.g. `'alice@example.com'`.
    #[napi(ts_type = "string")]
    pub account: Unknown<'a>,
    /// The service name authenticator apps show; must not contain `:`.
    #[napi(ts_type = "string")]
    pub issuer: Option<Unknown<'a>>,
    /// An existing secret to enrol (at least 128 bits); by default a new random one.
    #[napi(ts_type = "string | Uint8Array")]
    pub secret: Option<Unknown<'a>>,
    /// Size of the generated secret in bits (default 160).
    #[napi(ts_type = "number")]
    pub bits: Option<Unknown<'a>>,
    /// Number of digits (default 6).
    #[napi(ts_type = "number")]
    pub digits: Option<Unknown<'a>>,
    /// Time-step length in seconds (default 30).
    #[napi(ts_type = "number")]
    pub period: Option<Unknown<'a>>,
    /// `'SHA1'` (default), `'SHA256'` or `'SHA512'`.
    #[napi(ts_type = "'SHA1' | 'SHA256' | 'SHA512'")]
    pub algorithm: Option<Unknown<'a>>,
    /// `'compatible'` (default) refuses settings that popular authenticator apps silently
    /// ignore (anything but SHA1, 6 digits, 30 s) with code `incompatible_profile`; `'any'`
    /// allows everything RFC 6238 does.
    #[napi(ts_type = "'compatible' | 'any'")]
    pub profile: Option<Unknown<'a>>,
}

/// Options of `totp.verify(code, options)`.
// Describes the options in index.d.ts; `Totp::verify` reads them with `convert::Fields`.
#[allow(dead_code)]
#[napi(object)]
pub struct VerifyOptions<'a> {
    /// When the code was typed: a `Date` or UNIX seconds (default: now).
    #[napi(ts_type = "Date | number | bigint")]
    pub at: Option<Unknown<'a>>,
    /// Steps accepted around the current one: a number for both sides, or
    /// `{ behind, ahead }` (default 1, i.e. ±30 s; at most 100 each side).
    #[napi(ts_type = "number | { behind?: number; ahead?: number }")]
    pub window: Option<Unknown<'a>>,
    /// The `step` of the last accepted code: it and every earlier step are refused, so a code
    /// cannot be replayed (RFC 6238 section 5.2).
    #[napi(ts_type = "number | bigint | null")]
    pub after_step: Option<Unknown<'a>>,
}

/// Time-based one-time passwords (RFC 6238).
///
/// `new Totp({ secret, digits, period, algorithm, issuer, account })` takes an existing
/// secret; for a new enrolment use `Totp.enroll(...)`, which generates the secret and keeps
/// to settings every authenticator app honours. The secret never appears in `toString()` or
/// `util.inspect`.
#[napi]
pub struct Totp {
    inner: mfa::Totp,
    issuer: Option<String>,
    account: Option<String>,
}

/// `totp.verify(code, options)` with the fields of a `VerifyOptions` object (or none).
fn verify_options(
    totp: &mfa::Totp,
    env: &Env,
    code: Unknown<'_>,
    options: Option<Unknown<'_>>,
) -> Result<Option<mfa::OtpMatch>> {
    let o = convert::Fields::new(options, "options")?;
    let at = time_or_now(env, o.get("at")?)?;
    let window = convert::window(env, o.get("window")?)?;
    let after_step = opt_integer(env, o.get("afterStep")?, "afterStep", MAX_SAFE_INTEGER)?;
    convert::with_short_string(env, code, "code", |code| {
        totp.verify_at(code, at, window, after_step)
    })
}

/// `totp.verify(code, { at, window, afterStep })` when `at`, `window` and `afterStep` are
/// non-negative numbers or not given (`-1`, see `convert::given_number`), as a server passes
/// them. `lib/index.js` reads the options in JavaScript and calls this with plain numbers:
/// reading an options object through N-API interns a key string per field and types each value
/// several times, and cost more than the HMACs (measured: `verify(code, { window: 1 })` 750 ns
/// against 340 ns for `verify(code)`). The checks and errors are those of [`verify_options`].
fn verify_numbers(
    totp: &mfa::Totp,
    env: &Env,
    code: Unknown<'_>,
    [at, window, after_step]: [f64; 3],
) -> Result<Option<mfa::OtpMatch>> {
    let at = convert::seconds_or_now(convert::given_number(at))?;
    let window = convert::window_steps(convert::given_number(window))?;
    let after_step = opt_uint(
        convert::given_number(after_step),
        "afterStep",
        MAX_SAFE_INTEGER,
    )?;
    convert::with_short_string(env, code, "code", |code| {
        totp.verify_at(code, at, window, after_step)
    })
}

impl Totp {
    fn uri(&self) -> Result<String> {
        let account = self.account.as_deref().ok_or_else(|| {
            invalid(
                "account",
                "is needed for a provisioning URI (pass it to the constructor)",
            )
        })?;
        OtpAuthUri::for_totp(&self.inner, self.issuer.as_deref(), account)?.to_uri()
    }

    fn params(
        env: &Env,
        digits: Option<Unknown<'_>>,
        period: Option<Unknown<'_>>,
        algorithm: Option<Unknown<'_>>,
        t0: Option<Unknown<'_>>,
    ) -> Result<TotpParams> {
        let default = TotpParams::default();
        Ok(TotpParams {
            algorithm: convert::algorithm(algorithm)?,
            digits: opt_u32(env, digits, "digits")?.unwrap_or(default.digits),
            period: opt_integer(env, period, "period", MAX_SAFE_INTEGER)?.unwrap_or(default.period),
            t0: opt_integer(env, t0, "t0", MAX_SAFE_INTEGER)?.unwrap_or(default.t0),
        })
    }

    pub(crate) fn from_parts(inner: mfa::Totp, issuer: Option<String>, account: String) -> Self {
        Totp {
            inner,
            issuer,
            account: Some(account),
        }
    }
}

#[napi]
impl Totp {
    /// A TOTP over an existing secret; see `TotpOptions`.
    #[napi(constructor, ts_args_type = "options: TotpOptions")]
    pub fn new(env: Env, options: Unknown<'_>) -> napi::Result<Self> {
        guard(&env, || {
            // The fields of `TotpOptions`, read directly: a server builds one per request.
            let o = convert::Fields::new(Some(options), "options")?;
            if o.is_empty() {
                return Err(invalid("options", "an options object is required"));
            }
            let params = Totp::params(
                &env,
                o.get("digits")?,
                o.get("period")?,
                o.get("algorithm")?,
                o.get("t0")?,
            )?;
            Ok(Totp {
                inner: mfa::Totp::new(secret::read(&env, o.get("secret")?)?, params)?,
                issuer: opt_string(o.get("issuer")?, "issuer")?,
                account: opt_string(o.get("account")?, "account")?,
            })
        })
    }

    /// A new enrolment: a fresh random secret (or the given one, which must have at least
    /// 128 bits), checked against the compatibility profile; see `EnrollOptions`. Show
    /// `qrSvg()` or `provisioningUri()` to the user and store `secret()`.
    #[napi(factory, ts_args_type = "options: EnrollOptions")]
    pub fn enroll(env: Env, options: Unknown<'_>) -> napi::Result<Self> {
        guard(&env, || {
            let o: EnrollOptions = required(options)?;
            let secret = match convert::given(o.secret)? {
                Some(s) => secret::from_js(Some(s))?,
                None => match opt_u32(&env, o.bits, "bits")? {
                    Some(bits) => Secret::generate_bits(bits as usize)?,
                    None => Secret::generate(),
                },
            };
            let profile = match opt_string(o.profile, "profile")?.as_deref() {
                None | Some("compatible") => Profile::Compatible,
                Some("any") => Profile::Any,
                Some(_) => return Err(invalid("profile", "must be 'compatible' or 'any'")),
            };
            let params = Totp::params(&env, o.digits, o.period, o.algorithm, None)?;
            Ok(Totp {
                inner: mfa::Totp::new_enrolment(secret, params, profile)?,
                issuer: opt_string(o.issuer, "issuer")?,
                account: Some(string(o.account, "account")?),
            })
        })
    }

    /// The TOTP an otpauth://totp/ URI describes, with its issuer and account.
    #[napi(factory, ts_args_type = "uri: string")]
    pub fn from_uri(env: Env, uri: Unknown<'_>) -> napi::Result<Self> {
        guard(&env, || {
            let parsed = OtpAuthUri::parse(&string(uri, "uri")?)?;
            Ok(Totp::from_parts(
                parsed.totp()?,
                parsed.issuer,
                parsed.account,
            ))
        })
    }

    /// The code now.
    #[napi]
    pub fn now(&self, env: Env) -> napi::Result<String> {
        guard(&env, || self.inner.generate_now())
    }

    /// The code at `time`: a `Date` or UNIX seconds (number or bigint).
    #[napi(ts_args_type = "time: Date | number | bigint")]
    pub fn at(&self, env: Env, time: Unknown<'_>) -> napi::Result<String> {
        guard(&env, || self.inner.generate_at(convert::time(&env, time)?))
    }

    /// The code for time step `step` (RFC 6238 section 4.2).
    #[napi(ts_args_type = "step: number | bigint")]
    pub fn at_step(&self, env: Env, step: Unknown<'_>) -> napi::Result<String> {
        guard(&env, || {
            Ok(self
                .inner
                .generate_step(integer(&env, step, "step", MAX_SAFE_INTEGER)?))
        })
    }

    /// The time step containing `time` (default: now), RFC 6238 section 4.2.
    #[napi(ts_args_type = "time?: Date | number | bigint")]
    pub fn step(&self, env: Env, time: Option<Unknown<'_>>) -> napi::Result<i64> {
        // A step is at most the time in seconds, itself at most 2^53 - 1.
        guard(&env, || {
            Ok(self.inner.step_at(time_or_now(&env, time)?)? as i64)
        })
    }

    /// Seconds until the code shown at `time` (default: now) changes.
    #[napi(ts_args_type = "time?: Date | number | bigint")]
    pub fn remaining(&self, env: Env, time: Option<Unknown<'_>>) -> napi::Result<i64> {
        // At most the period, itself at most 2^53 - 1.
        guard(&env, || {
            Ok(self.inner.remaining_at(time_or_now(&env, time)?)? as i64)
        })
    }

    /// Verifies what a user typed (RFC 6238 section 5.2); see `VerifyOptions`.
    ///
    /// Returns `{ step, drift }` or `null`: a wrong, malformed or replayed code is `null`,
    /// never an exception. Store `step` and pass it as `afterStep` next time.
    #[napi(
        ts_args_type = "code: string, options?: VerifyOptions",
        ts_return_type = "OtpMatch | null"
    )]
    pub fn verify(
        &self,
        env: Env,
        code: Unknown<'_>,
        options: Option<Unknown<'_>>,
    ) -> napi::Result<Option<OtpMatch>> {
        // `lib/index.js` calls `__verifyNumbers` when it can (see `verify_numbers`); this
        // method gives `verify` its signature and documentation in index.d.ts, and serves the
        // other options (a `Date`, a bigint, `{ behind, ahead }`) and their errors.
        let found = guard(&env, || verify_options(&self.inner, &env, code, options))?;
        Ok(found.map(OtpMatch::from))
    }

    /// `verify` with `at`, `window` and `afterStep` as numbers (`-1`: not given) and its
    /// result packed into a number (see `verify_numbers` and `packed`).
    #[napi(js_name = "__verifyNumbers", skip_typescript)]
    pub fn verify_packed(
        &self,
        env: Env,
        code: Unknown<'_>,
        at: f64,
        window: f64,
        after_step: f64,
    ) -> napi::Result<Option<Packed>> {
        let found = guard(&env, || {
            verify_numbers(&self.inner, &env, code, [at, window, after_step])
        })?;
        Ok(packed(found))
    }

    /// The otpauth://totp/ URI for this TOTP (Key URI format); needs a non-blank `account`,
    /// and an `issuer` that is non-blank if given (else `invalid_parameter`).
    #[napi]
    pub fn provisioning_uri(&self, env: Env) -> napi::Result<String> {
        guard(&env, || self.uri())
    }

    /// The provisioning URI as an SVG document at least `minSize` pixels wide (default 256).
    #[napi(ts_args_type = "minSize?: number")]
    pub fn qr_svg(&self, env: Env, min_size: Option<Unknown<'_>>) -> napi::Result<String> {
        guard(&env, || qr::svg_of(&env, &self.uri()?, min_size))
    }

    /// The provisioning URI as a grayscale PNG, `scale` pixels per module (1 to 64, default 8).
    #[napi(ts_args_type = "scale?: number")]
    pub fn qr_png(&self, env: Env, scale: Option<Unknown<'_>>) -> napi::Result<Buffer> {
        guard(&env, || qr::png_of(&env, &self.uri()?, scale))
    }

    /// The provisioning URI as a QR code drawn with Unicode half blocks, for a terminal.
    #[napi]
    pub fn qr_terminal(&self, env: Env) -> napi::Result<String> {
        guard(&env, || mfakit_core::qr::terminal(&self.uri()?))
    }

    /// The secret as unpadded base32, for storage. A method, so that it never shows up when
    /// the object is logged.
    #[napi]
    pub fn secret(&self) -> String {
        self.inner.secret().to_base32()
    }

    /// Number of digits.
    #[napi(getter)]
    pub fn digits(&self) -> u32 {
        self.inner.params().digits
    }

    /// Time-step length in seconds.
    #[napi(getter)]
    pub fn period(&self) -> i64 {
        // Checked against 2^53 - 1 on input.
        self.inner.params().period as i64
    }

    /// `'SHA1'`, `'SHA256'` or `'SHA512'`.
    #[napi(getter, ts_return_type = "'SHA1' | 'SHA256' | 'SHA512'")]
    pub fn algorithm(&self) -> &'static str {
        self.inner.params().algorithm.as_str()
    }

    /// UNIX time at which step 0 starts (RFC 6238 T0).
    #[napi(getter)]
    pub fn t0(&self) -> i64 {
        // Checked against 2^53 - 1 on input.
        self.inner.params().t0 as i64
    }

    /// The issuer shown by authenticator apps, if any.
    #[napi(getter)]
    pub fn issuer(&self) -> Option<String> {
        self.issuer.clone()
    }

    /// The account name, if any.
    #[napi(getter)]
    pub fn account(&self) -> Option<String> {
        self.account.clone()
    }

    /// A description without the secret, e.g. `Totp(issuer="Example", account="alice",
    /// SHA1, 6 digits, 30 s, secret=<redacted>)`; also what `util.inspect` shows.
    #[napi(js_name = "toString")]
    pub fn describe(&self) -> String {
        let p = self.inner.params();
        format!(
            "Totp(issuer={}, account={}, {}, {} digits, {} s, secret=<redacted>)",
            js_text(self.issuer.as_deref()),
            js_text(self.account.as_deref()),
            p.algorithm,
            p.digits,
            p.period
        )
    }
}

/// Options of `verifyTotp(secret, code, options)`: the settings of the stored TOTP (as in
/// `TotpOptions`) and those of the verification (as in `VerifyOptions`).
// Describes the options in index.d.ts; `verify_totp` reads them with `convert::Fields`.
#[allow(dead_code)]
#[napi(object)]
pub struct VerifyTotpOptions<'a> {
    /// When the code was typed: a `Date` or UNIX seconds (default: now).
    #[napi(ts_type = "Date | number | bigint")]
    pub at: Option<Unknown<'a>>,
    /// Steps accepted around the current one: a number for both sides, or
    /// `{ behind, ahead }` (default 1, i.e. ±30 s; at most 100 each side).
    #[napi(ts_type = "number | { behind?: number; ahead?: number }")]
    pub window: Option<Unknown<'a>>,
    /// The `step` of the last accepted code: it and every earlier step are refused, so a code
    /// cannot be replayed (RFC 6238 section 5.2).
    #[napi(ts_type = "number | bigint | null")]
    pub after_step: Option<Unknown<'a>>,
    /// Number of digits, 6 (default) to 10.
    #[napi(ts_type = "number")]
    pub digits: Option<Unknown<'a>>,
    /// Time-step length in seconds (default 30).
    #[napi(ts_type = "number")]
    pub period: Option<Unknown<'a>>,
    /// `'SHA1'` (default), `'SHA256'` or `'SHA512'`.
    #[napi(ts_type = "'SHA1' | 'SHA256' | 'SHA512'")]
    pub algorithm: Option<Unknown<'a>>,
    /// UNIX time at which step 0 starts (RFC 6238 T0, default 0).
    #[napi(ts_type = "number")]
    pub t0: Option<Unknown<'a>>,
}

/// Verifies what a user typed against a stored secret in one call, as a server does on every
/// login (RFC 6238 section 5.2): the same answer and the same errors as
/// `new Totp({ secret, digits, period, algorithm, t0 }).verify(code, { at, window, afterStep })`,
/// without building a `Totp` object, which costs more than the verification itself.
///
/// Returns `{ step, drift }` or `null`: a wrong, malformed or replayed code is `null`, never
/// an exception; a malformed secret or option throws `MfaError` (`invalid_secret`,
/// `invalid_parameter`). Store `step` and pass it as `afterStep` next time.
#[napi(
    ts_args_type = "secret: string | Uint8Array, code: string, options?: VerifyTotpOptions",
    ts_return_type = "OtpMatch | null"
)]
pub fn verify_totp(
    env: Env,
    secret: Unknown<'_>,
    code: Unknown<'_>,
    options: Option<Unknown<'_>>,
) -> napi::Result<Option<OtpMatch>> {
    // `lib/index.js` calls `__verifyTotpNumbers` when it can (see `verify_numbers`); this
    // function gives `verifyTotp` its signature and documentation in index.d.ts, and serves
    // the other options and their errors.
    let found = guard(&env, || {
        let o = convert::Fields::new(options, "options")?;
        let params = Totp::params(
            &env,
            o.get("digits")?,
            o.get("period")?,
            o.get("algorithm")?,
            o.get("t0")?,
        )?;
        let totp = mfa::Totp::new(secret::read(&env, Some(secret))?, params)?;
        verify_options(&totp, &env, code, options)
    })?;
    Ok(found.map(OtpMatch::from))
}

/// `verifyTotp` with `at`, `window`, `afterStep`, `digits`, `period` and `t0` as numbers
/// (`-1`: not given) and its result packed into a number (see `verify_numbers` and
/// `packed`). Checked in the order of `new Totp(...)` and then `verify`.
#[napi(js_name = "__verifyTotpNumbers", skip_typescript)]
#[allow(clippy::too_many_arguments)]
pub fn verify_totp_packed(
    env: Env,
    secret: Unknown<'_>,
    code: Unknown<'_>,
    at: f64,
    window: f64,
    after_step: f64,
    digits: f64,
    period: f64,
    algorithm: Unknown<'_>,
    t0: f64,
) -> napi::Result<Option<Packed>> {
    let found = guard(&env, || {
        let default = TotpParams::default();
        let number = convert::given_number;
        let params = TotpParams {
            algorithm: convert::algorithm(Some(algorithm))?,
            digits: opt_uint32(number(digits), "digits")?.unwrap_or(default.digits),
            period: opt_uint(number(period), "period", MAX_SAFE_INTEGER)?.unwrap_or(default.period),
            t0: opt_uint(number(t0), "t0", MAX_SAFE_INTEGER)?.unwrap_or(default.t0),
        };
        // Dropped at the end of the call, which zeroizes the secret and the keyed HMAC state.
        let totp = mfa::Totp::new(secret::read(&env, Some(secret))?, params)?;
        verify_numbers(&totp, &env, code, [at, window, after_step])
    })?;
    Ok(packed(found))
}

/// Options of `new Hotp(...)`.
#[napi(object)]
pub struct HotpOptions<'a> {
    /// The shared secret: base32 text or raw bytes.
    #[napi(ts_type = "string | Uint8Array")]
    pub secret: Unknown<'a>,
    /// Number of digits, 6 (default) to 10.
    #[napi(ts_type = "number")]
    pub digits: Option<Unknown<'a>>,
    /// `'SHA1'` (default), `'SHA256'` or `'SHA512'`.
    #[napi(ts_type = "'SHA1' | 'SHA256' | 'SHA512'")]
    pub algorithm: Option<Unknown<'a>>,
    /// The initial counter written into the provisioning URI (default 0).
    #[napi(ts_type = "number | bigint")]
    pub counter: Option<Unknown<'a>>,
    /// The service name authenticator apps show; must not contain `:`.
    #[napi(ts_type = "string")]
    pub issuer: Option<Unknown<'a>>,
    /// The user's account name; needed for a provisioning URI.
    #[napi(ts_type = "string")]
    pub account: Option<Unknown<'a>>,
}

/// Options of `hotp.verify(...)` and `hotp.resync(...)`.
// Describes the options in index.d.ts; `Hotp::range` reads them with `convert::Fields`.
#[allow(dead_code)]
#[napi(object)]
pub struct LookAheadOptions<'a> {
    /// How many counters after the expected one are tried (RFC 4226 section 7.4 parameter s;
    /// default 10 for `verify`, at most 1000; default 1000 for `resync`, at most 10000).
    #[napi(ts_type = "number")]
    pub look_ahead: Option<Unknown<'a>>,
}

/// Counter-based one-time passwords (RFC 4226).
///
/// Stateless: the application stores the next counter and passes it to `verify`. The secret
/// never appears in `toString()` or `util.inspect`.
#[napi]
pub struct Hotp {
    inner: mfa::Hotp,
    counter: u64,
    issuer: Option<String>,
    account: Option<String>,
}

impl Hotp {
    /// The match of `verify` and `__verifyPacked`.
    fn verify_match(
        &self,
        env: &Env,
        code: Unknown<'_>,
        counter: Unknown<'_>,
        options: Option<Unknown<'_>>,
    ) -> napi::Result<Option<mfa::OtpMatch>> {
        guard(env, || {
            let (counter, look_ahead) =
                Hotp::range(env, counter, options, mfa::Hotp::DEFAULT_LOOK_AHEAD)?;
            convert::with_short_string(env, code, "code", |code| {
                self.inner.verify(code, counter, look_ahead)
            })
        })
    }

    pub(crate) fn from_parts(
        inner: mfa::Hotp,
        counter: u64,
        issuer: Option<String>,
        account: String,
    ) -> Result<Self> {
        if counter > MAX_SAFE_INTEGER {
            return Err(invalid("counter", "must be at most 2^53 - 1"));
        }
        Ok(Hotp {
            inner,
            counter,
            issuer,
            account: Some(account),
        })
    }

    fn uri(&self) -> Result<String> {
        let account = self.account.as_deref().ok_or_else(|| {
            invalid(
                "account",
                "is needed for a provisioning URI (pass it to the constructor)",
            )
        })?;
        OtpAuthUri::for_hotp(&self.inner, self.counter, self.issuer.as_deref(), account)?.to_uri()
    }

    /// The counter argument and the look-ahead, such that every counter tried (and the one
    /// after it, returned by `resync`) is still exact as a JS number.
    fn range(
        env: &Env,
        counter: Unknown<'_>,
        options: Option<Unknown<'_>>,
        default_look_ahead: u32,
    ) -> Result<(u64, u32)> {
        // The fields of `LookAheadOptions`.
        let options = convert::Fields::new(options, "options")?;
        let look_ahead =
            opt_u32(env, options.get("lookAhead")?, "lookAhead")?.unwrap_or(default_look_ahead);
        let counter = integer(env, counter, "counter", MAX_SAFE_INTEGER)?;
        if counter.saturating_add(u64::from(look_ahead) + 2) > MAX_SAFE_INTEGER {
            return Err(invalid(
                "counter",
                "counter + lookAhead must stay below 2^53",
            ));
        }
        Ok((counter, look_ahead))
    }
}

#[napi]
impl Hotp {
    /// An HOTP over an existing secret; see `HotpOptions`.
    #[napi(constructor, ts_args_type = "options: HotpOptions")]
    pub fn new(env: Env, options: Unknown<'_>) -> napi::Result<Self> {
        guard(&env, || {
            let o: HotpOptions = required(options)?;
            let algorithm = convert::algorithm(o.algorithm)?;
            let digits = opt_u32(&env, o.digits, "digits")?.unwrap_or(6);
            Ok(Hotp {
                inner: mfa::Hotp::new(secret::from_js(Some(o.secret))?, algorithm, digits)?,
                counter: opt_integer(&env, o.counter, "counter", MAX_SAFE_INTEGER)?.unwrap_or(0),
                issuer: opt_string(o.issuer, "issuer")?,
                account: opt_string(o.account, "account")?,
            })
        })
    }

    /// The HOTP an otpauth://hotp/ URI describes, with its counter, issuer and account.
    #[napi(factory, ts_args_type = "uri: string")]
    pub fn from_uri(env: Env, uri: Unknown<'_>) -> napi::Result<Self> {
        guard(&env, || {
            let parsed = OtpAuthUri::parse(&string(uri, "uri")?)?;
            let (inner, counter) = parsed.hotp()?;
            Hotp::from_parts(inner, counter, parsed.issuer, parsed.account)
        })
    }

    /// The code for `counter` (RFC 4226 section 5.3).
    #[napi(ts_args_type = "counter: number | bigint")]
    pub fn at(&self, env: Env, counter: Unknown<'_>) -> napi::Result<String> {
        guard(&env, || {
            Ok(self
                .inner
                .generate(integer(&env, counter, "counter", MAX_SAFE_INTEGER)?))
        })
    }

    /// Verifies `code` against counters `counter` to `counter + lookAhead` (RFC 4226
    /// section 7.2). Returns `{ step, drift }` (store `step + 1` as the next counter) or
    /// `null`; a wrong or malformed code is `null`, never an exception.
    #[napi(
        ts_args_type = "code: string, counter: number | bigint, options?: LookAheadOptions",
        ts_return_type = "OtpMatch | null"
    )]
    pub fn verify(
        &self,
        env: Env,
        code: Unknown<'_>,
        counter: Unknown<'_>,
        options: Option<Unknown<'_>>,
    ) -> napi::Result<Option<OtpMatch>> {
        // `lib/index.js` calls `__verifyPacked` instead (see `packed`); this method gives
        // `verify` its signature and documentation in index.d.ts.
        Ok(self
            .verify_match(&env, code, counter, options)?
            .map(OtpMatch::from))
    }

    /// `verify` with its result packed into a number (see `packed`).
    #[napi(js_name = "__verifyPacked", skip_typescript)]
    pub fn verify_packed(
        &self,
        env: Env,
        code: Unknown<'_>,
        counter: Unknown<'_>,
        options: Option<Unknown<'_>>,
    ) -> napi::Result<Option<Packed>> {
        Ok(packed(self.verify_match(&env, code, counter, options)?))
    }

    /// Resynchronises a drifted counter from two consecutive codes (RFC 4226 section 7.4);
    /// returns the counter to store next, or `null`.
    #[napi(
        ts_args_type = "first: string, second: string, counter: number | bigint, options?: LookAheadOptions"
    )]
    pub fn resync(
        &self,
        env: Env,
        first: Unknown<'_>,
        second: Unknown<'_>,
        counter: Unknown<'_>,
        options: Option<Unknown<'_>>,
    ) -> napi::Result<Option<i64>> {
        guard(&env, || {
            let (first, second) = (string(first, "first")?, string(second, "second")?);
            let (counter, look_ahead) =
                Hotp::range(&env, counter, options, mfa::Hotp::MAX_LOOK_AHEAD)?;
            // `range` keeps every counter tried, plus two, below 2^53.
            Ok(self
                .inner
                .resync(&first, &second, counter, look_ahead)?
                .map(|next| next as i64))
        })
    }

    /// The otpauth://hotp/ URI for this HOTP, starting at the initial `counter`; needs a
    /// non-blank `account`, and an `issuer` that is non-blank if given (else
    /// `invalid_parameter`).
    #[napi]
    pub fn provisioning_uri(&self, env: Env) -> napi::Result<String> {
        guard(&env, || self.uri())
    }

    /// The provisioning URI as an SVG document at least `minSize` pixels wide (default 256).
    #[napi(ts_args_type = "minSize?: number")]
    pub fn qr_svg(&self, env: Env, min_size: Option<Unknown<'_>>) -> napi::Result<String> {
        guard(&env, || qr::svg_of(&env, &self.uri()?, min_size))
    }

    /// The provisioning URI as a grayscale PNG, `scale` pixels per module (1 to 64, default 8).
    #[napi(ts_args_type = "scale?: number")]
    pub fn qr_png(&self, env: Env, scale: Option<Unknown<'_>>) -> napi::Result<Buffer> {
        guard(&env, || qr::png_of(&env, &self.uri()?, scale))
    }

    /// The provisioning URI as a QR code drawn with Unicode half blocks, for a terminal.
    #[napi]
    pub fn qr_terminal(&self, env: Env) -> napi::Result<String> {
        guard(&env, || mfakit_core::qr::terminal(&self.uri()?))
    }

    /// The secret as unpadded base32, for storage.
    #[napi]
    pub fn secret(&self) -> String {
        self.inner.secret().to_base32()
    }

    /// Number of digits.
    #[napi(getter)]
    pub fn digits(&self) -> u32 {
        self.inner.digits()
    }

    /// `'SHA1'`, `'SHA256'` or `'SHA512'`.
    #[napi(getter, ts_return_type = "'SHA1' | 'SHA256' | 'SHA512'")]
    pub fn algorithm(&self) -> &'static str {
        self.inner.algorithm().as_str()
    }

    /// The initial counter written into the provisioning URI.
    #[napi(getter)]
    pub fn counter(&self) -> i64 {
        // Checked against 2^53 - 1 on input.
        self.counter as i64
    }

    /// The issuer shown by authenticator apps, if any.
    #[napi(getter)]
    pub fn issuer(&self) -> Option<String> {
        self.issuer.clone()
    }

    /// The account name, if any.
    #[napi(getter)]
    pub fn account(&self) -> Option<String> {
        self.account.clone()
    }

    /// A description without the secret; also what `util.inspect` shows.
    #[napi(js_name = "toString")]
    pub fn describe(&self) -> String {
        format!(
            "Hotp(issuer={}, account={}, {}, {} digits, secret=<redacted>)",
            js_text(self.issuer.as_deref()),
            js_text(self.account.as_deref()),
            self.inner.algorithm(),
            self.inner.digits()
        )
    }
}

/// `"text"` (quotes and backslashes escaped) or `null`, for `toString()`.
pub(crate) fn js_text(value: Option<&str>) -> String {
    value.map_or_else(|| "null".to_owned(), |v| format!("{v:?}"))
}

/// A required options object.
fn required<T: napi::bindgen_prelude::FromNapiValue>(value: Unknown<'_>) -> Result<T> {
    options(Some(value), "options")?
        .ok_or_else(|| invalid("options", "an options object is required"))
}
