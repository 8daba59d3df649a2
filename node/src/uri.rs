//! JavaScript face of `core/src/uri.rs`: otpauth:// Key URIs, both ways.

use mfakit_core::{OtpAuthUri as CoreUri, OtpKind};
use napi::bindgen_prelude::Unknown;
use napi::Env;
use napi_derive::napi;

use crate::convert::{self, invalid, opt_integer, opt_string, opt_u32, string, MAX_SAFE_INTEGER};
use crate::error::guard;
use crate::otp::{js_text, Hotp, Totp};
use crate::secret;

/// Options of `new OtpAuthUri(...)`.
#[napi(object)]
pub struct OtpAuthUriOptions<'a> {
    /// `'totp'` or `'hotp'`.
    #[napi(ts_type = "'totp' | 'hotp'")]
    pub kind: Unknown<'a>,
    /// The shared secret: base32 text or raw bytes.
    #[napi(ts_type = "string | Uint8Array")]
    pub secret: Unknown<'a>,
    /// The user's account name, e.g. `'alice@example.com'`; `toUri()` refuses an empty or
    /// blank one (`invalid_parameter`).
    #[napi(ts_type = "string")]
    pub account: Unknown<'a>,
    /// The service name authenticator apps show; `null` or left out for none. `toUri()` refuses
    /// an empty or blank one and one containing `:` (`invalid_parameter`).
    #[napi(ts_type = "string | null")]
    pub issuer: Option<Unknown<'a>>,
    /// `'SHA1'` (default), `'SHA256'` or `'SHA512'`.
    #[napi(ts_type = "'SHA1' | 'SHA256' | 'SHA512'")]
    pub algorithm: Option<Unknown<'a>>,
    /// Number of digits (default 6).
    #[napi(ts_type = "number")]
    pub digits: Option<Unknown<'a>>,
    /// TOTP time-step length in seconds (default 30).
    #[napi(ts_type = "number")]
    pub period: Option<Unknown<'a>>,
    /// HOTP initial counter (default 0).
    #[napi(ts_type = "number | bigint")]
    pub counter: Option<Unknown<'a>>,
}

/// A parsed or to-be-built otpauth:// URI (Key URI format).
///
/// `OtpAuthUri.parse(text)` reads one; `new OtpAuthUri({ kind, secret, account, ... })`
/// describes one and `toUri()` writes it, leaving out parameters at their defaults.
/// `period` is `null` for HOTP and `counter` is `null` for TOTP. `toString()` and
/// `util.inspect` hide the secret.
#[napi]
pub struct OtpAuthUri {
    inner: CoreUri,
}

#[napi]
impl OtpAuthUri {
    /// Describes a URI; see `OtpAuthUriOptions`.
    #[napi(constructor, ts_args_type = "options: OtpAuthUriOptions")]
    pub fn new(env: Env, options: Unknown<'_>) -> napi::Result<Self> {
        guard(&env, || {
            let o: OtpAuthUriOptions = convert::options(Some(options), "options")?
                .ok_or_else(|| invalid("options", "an options object is required"))?;
            let kind = match string(o.kind, "kind")?.as_str() {
                "totp" => OtpKind::Totp {
                    period: opt_integer(&env, o.period, "period", MAX_SAFE_INTEGER)?.unwrap_or(30),
                },
                "hotp" => OtpKind::Hotp {
                    counter: opt_integer(&env, o.counter, "counter", MAX_SAFE_INTEGER)?
                        .unwrap_or(0),
                },
                _ => return Err(invalid("kind", "must be 'totp' or 'hotp'")),
            };
            Ok(OtpAuthUri {
                inner: CoreUri {
                    kind,
                    secret: secret::from_js(Some(o.secret))?,
                    issuer: opt_string(o.issuer, "issuer")?,
                    account: string(o.account, "account")?,
                    algorithm: convert::algorithm(o.algorithm)?,
                    digits: opt_u32(&env, o.digits, "digits")?.unwrap_or(6),
                },
            })
        })
    }

    /// Parses an otpauth:// URI; throws `MfaError` with code `invalid_uri` (or
    /// `invalid_secret`). An empty account is accepted (`account` is then `''`), so that
    /// importing another generator's URI keeps its working secret.
    #[napi(factory, ts_args_type = "uri: string")]
    pub fn parse(env: Env, uri: Unknown<'_>) -> napi::Result<Self> {
        guard(&env, || {
            Ok(OtpAuthUri {
                inner: CoreUri::parse(&string(uri, "uri")?)?,
            })
        })
    }

    /// The URI text, with parameters at their defaults (SHA1, 6 digits, 30 s) left out.
    /// `invalid_parameter` for an empty or blank account or issuer, or an issuer with `:`.
    #[napi]
    pub fn to_uri(&self, env: Env) -> napi::Result<String> {
        guard(&env, || self.inner.to_uri())
    }

    /// The `Totp` this URI describes (`invalid_uri` for an HOTP URI).
    #[napi]
    pub fn totp(&self, env: Env) -> napi::Result<Totp> {
        guard(&env, || {
            let totp = self.inner.totp()?;
            Ok(Totp::from_parts(
                totp,
                self.inner.issuer.clone(),
                self.inner.account.clone(),
            ))
        })
    }

    /// The `Hotp` this URI describes, with its counter (`invalid_uri` for a TOTP URI).
    #[napi]
    pub fn hotp(&self, env: Env) -> napi::Result<Hotp> {
        guard(&env, || {
            let (hotp, counter) = self.inner.hotp()?;
            Hotp::from_parts(
                hotp,
                counter,
                self.inner.issuer.clone(),
                self.inner.account.clone(),
            )
        })
    }

    /// `'totp'` or `'hotp'`.
    #[napi(getter, ts_return_type = "'totp' | 'hotp'")]
    pub fn kind(&self) -> &'static str {
        match self.inner.kind {
            OtpKind::Totp { .. } => "totp",
            OtpKind::Hotp { .. } => "hotp",
        }
    }

    /// The secret as unpadded base32. A method, so that it never shows up when logged.
    #[napi]
    pub fn secret(&self) -> String {
        self.inner.secret.to_base32()
    }

    /// The issuer, if any.
    #[napi(getter)]
    pub fn issuer(&self) -> Option<String> {
        self.inner.issuer.clone()
    }

    /// The account name; `''` only for a parsed URI that had none (`toUri()` then throws).
    #[napi(getter)]
    pub fn account(&self) -> String {
        self.inner.account.clone()
    }

    /// `'SHA1'`, `'SHA256'` or `'SHA512'`.
    #[napi(getter, ts_return_type = "'SHA1' | 'SHA256' | 'SHA512'")]
    pub fn algorithm(&self) -> &'static str {
        self.inner.algorithm.as_str()
    }

    /// Number of digits.
    #[napi(getter)]
    pub fn digits(&self) -> u32 {
        self.inner.digits
    }

    /// TOTP period in seconds; `null` for HOTP.
    #[napi(getter)]
    pub fn period(&self) -> Option<f64> {
        match self.inner.kind {
            // Parsed periods may exceed 2^53 (the core accepts any u64); a JS number is the
            // closest a getter can give.
            OtpKind::Totp { period } => Some(period as f64),
            OtpKind::Hotp { .. } => None,
        }
    }

    /// HOTP initial counter; `null` for TOTP.
    #[napi(getter)]
    pub fn counter(&self) -> Option<f64> {
        match self.inner.kind {
            // As for `period`: exact up to 2^53.
            OtpKind::Hotp { counter } => Some(counter as f64),
            OtpKind::Totp { .. } => None,
        }
    }

    /// A description without the secret; also what `util.inspect` shows.
    #[napi(js_name = "toString")]
    pub fn describe(&self) -> String {
        let i = &self.inner;
        format!(
            "OtpAuthUri({}, issuer={}, account={}, {}, {} digits, secret=<redacted>)",
            self.kind(),
            js_text(i.issuer.as_deref()),
            js_text(Some(&i.account)),
            i.algorithm,
            i.digits
        )
    }
}
