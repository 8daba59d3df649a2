//! otpauth:// URIs in the Key URI format that authenticator apps read:
//! `otpauth://TYPE/LABEL?secret=...&issuer=...&algorithm=...&digits=...&period=...&counter=...`
//! where LABEL is `Issuer:account` or `account`, percent-encoded.
//!
//! Building is strict and parsing is tolerant. A URI mfakit builds always has a non-empty
//! account and, when it has an issuer, a non-empty one without `:`; [`OtpAuthUri::parse`]
//! accepts what other generators produce, empty account included (see its docs).

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::error::{MfaError, Result};
use crate::otp::{Algorithm, Hotp, Totp, TotpParams};
use crate::secret::Secret;

/// Everything except RFC 3986 unreserved characters is percent-encoded, spaces as `%20`
/// (some apps show a literal `+`).
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Longest URI accepted by [`OtpAuthUri::parse`]; a QR code cannot hold much more anyway.
pub const MAX_URI_LEN: usize = 4096;

/// Whether a URI describes a time-based or a counter-based code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OtpKind {
    /// `otpauth://totp/...` (RFC 6238), with its period.
    Totp {
        /// Time-step length in seconds.
        period: u64,
    },
    /// `otpauth://hotp/...` (RFC 4226), with its initial counter.
    Hotp {
        /// The counter the authenticator starts from.
        counter: u64,
    },
}

/// A parsed or to-be-built otpauth:// URI. `Debug` redacts the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtpAuthUri {
    /// TOTP with its period, or HOTP with its counter.
    pub kind: OtpKind,
    /// The shared secret.
    pub secret: Secret,
    /// The service name shown by the app, e.g. `Example Co`. To build a URI it must not be
    /// empty or whitespace only (use `None` for no issuer) and must not contain `:`.
    pub issuer: Option<String>,
    /// The user's account name, e.g. `alice@example.com`. To build a URI it must not be empty
    /// or whitespace only; a parsed URI may have an empty one.
    pub account: String,
    /// The HMAC algorithm.
    pub algorithm: Algorithm,
    /// Number of digits.
    pub digits: u32,
}

impl OtpAuthUri {
    /// A TOTP URI for `totp`, labelled `issuer:account`.
    ///
    /// [`MfaError::InvalidParameter`] for what an otpauth URI cannot describe: a non-zero T0
    /// (`t0`; apps assume T0 = 0), an empty or whitespace-only `account`, an `issuer` that
    /// is empty or whitespace only (pass `None` for no issuer) or contains `:`, and an
    /// `account` or `issuer` so long that the URI would exceed [`MAX_URI_LEN`].
    pub fn for_totp(totp: &Totp, issuer: Option<&str>, account: &str) -> Result<OtpAuthUri> {
        let p = totp.params();
        if p.t0 != 0 {
            return Err(MfaError::param(
                "t0",
                "a non-zero T0 cannot be expressed in an otpauth URI",
            ));
        }
        check_label(issuer, account)?;
        OtpAuthUri {
            kind: OtpKind::Totp { period: p.period },
            secret: totp.secret().clone(),
            issuer: issuer.map(str::to_owned),
            account: account.to_owned(),
            algorithm: p.algorithm,
            digits: p.digits,
        }
        .buildable()
    }

    /// An HOTP URI for `hotp` starting at `counter`, labelled `issuer:account`.
    ///
    /// [`MfaError::InvalidParameter`] for an empty or whitespace-only `account`, for an
    /// `issuer` that is empty or whitespace only (pass `None` for no issuer) or contains `:`,
    /// and for an `account` or `issuer` so long that the URI would exceed [`MAX_URI_LEN`].
    pub fn for_hotp(
        hotp: &Hotp,
        counter: u64,
        issuer: Option<&str>,
        account: &str,
    ) -> Result<OtpAuthUri> {
        check_label(issuer, account)?;
        OtpAuthUri {
            kind: OtpKind::Hotp { counter },
            secret: hotp.secret().clone(),
            issuer: issuer.map(str::to_owned),
            account: account.to_owned(),
            algorithm: hotp.algorithm(),
            digits: hotp.digits(),
        }
        .buildable()
    }

    /// `self`, if [`OtpAuthUri::to_uri`] can build it; the constructors refuse up front what
    /// building would refuse later. The trial text holds the secret, so it is wiped.
    fn buildable(self) -> Result<OtpAuthUri> {
        drop(zeroize::Zeroizing::new(self.to_uri()?));
        Ok(self)
    }

    /// The TOTP this URI describes (an error for an HOTP URI).
    pub fn totp(&self) -> Result<Totp> {
        match self.kind {
            OtpKind::Totp { period } => Totp::new(
                self.secret.clone(),
                TotpParams {
                    algorithm: self.algorithm,
                    digits: self.digits,
                    period,
                    t0: 0,
                },
            ),
            OtpKind::Hotp { .. } => Err(MfaError::uri("this is an hotp URI, not totp")),
        }
    }

    /// The HOTP this URI describes and its counter (an error for a TOTP URI).
    pub fn hotp(&self) -> Result<(Hotp, u64)> {
        match self.kind {
            OtpKind::Hotp { counter } => Ok((
                Hotp::new(self.secret.clone(), self.algorithm, self.digits)?,
                counter,
            )),
            OtpKind::Totp { .. } => Err(MfaError::uri("this is a totp URI, not hotp")),
        }
    }

    /// Builds the URI text. Parameters at their defaults (SHA1, 6 digits, 30 s) are left out,
    /// as most generators do, which keeps the QR code small; the issuer appears in both the
    /// label and the `issuer` parameter, as the Key URI format recommends.
    ///
    /// [`MfaError::InvalidParameter`] when the label cannot be written: an empty or
    /// whitespace-only `account` (also for a parsed URI that had one: set an account first),
    /// an empty or whitespace-only `issuer`, an issuer with `:`, or an account with `:` and no
    /// issuer; and when the URI would be longer than [`MAX_URI_LEN`], which
    /// [`OtpAuthUri::parse`] refuses. Percent-encoding can triple each byte of the label and
    /// the issuer is written twice, so a URI that parsed may be too long to build again. The
    /// error then names `issuer` if the issuer takes more of the URI than the account, else
    /// `account`.
    pub fn to_uri(&self) -> Result<String> {
        check_label(self.issuer.as_deref(), &self.account)?;
        let enc = |s: &str| utf8_percent_encode(s, COMPONENT).to_string();
        let mut out = String::with_capacity(128);
        out.push_str(match self.kind {
            OtpKind::Totp { .. } => "otpauth://totp/",
            OtpKind::Hotp { .. } => "otpauth://hotp/",
        });
        if let Some(issuer) = &self.issuer {
            out.push_str(&enc(issuer));
            out.push(':');
        }
        out.push_str(&enc(&self.account));
        out.push_str("?secret=");
        out.push_str(&self.secret.to_base32());
        if let Some(issuer) = &self.issuer {
            out.push_str("&issuer=");
            out.push_str(&enc(issuer));
        }
        if self.algorithm != Algorithm::Sha1 {
            out.push_str("&algorithm=");
            out.push_str(self.algorithm.as_str());
        }
        if self.digits != 6 {
            out.push_str(&format!("&digits={}", self.digits));
        }
        match self.kind {
            OtpKind::Totp { period } if period != 30 => out.push_str(&format!("&period={period}")),
            OtpKind::Totp { .. } => {}
            OtpKind::Hotp { counter } => out.push_str(&format!("&counter={counter}")),
        }
        if out.len() > MAX_URI_LEN {
            // The text holds the secret.
            drop(zeroize::Zeroizing::new(out));
            let issuer_len = self.issuer.as_deref().map_or(0, |i| 2 * enc(i).len());
            let name = if issuer_len > enc(&self.account).len() {
                "issuer"
            } else {
                "account"
            };
            return Err(MfaError::param(
                name,
                format!("too long: the URI would exceed {MAX_URI_LEN} bytes once percent-encoded"),
            ));
        }
        Ok(out)
    }

    /// Parses an otpauth:// URI. Scheme, type and parameter names are case-insensitive;
    /// `+` in a parameter value means a space; unknown parameters (`image`, ...) are ignored;
    /// a repeated parameter, a missing secret, an HOTP URI without `counter`, or an issuer
    /// parameter that contradicts the label's issuer is an [`MfaError::InvalidUri`].
    ///
    /// Spaces around the label's issuer and account are dropped, and an empty issuer (in the
    /// label or the parameter) means no issuer.
    ///
    /// An empty account is accepted, although mfakit never builds one: the URI comes from
    /// someone else's generator (an export, an old QR code, a builder called with an empty
    /// name), and its secret and parameters still describe a working authenticator, so
    /// refusing it would only lose the user's key during an import (the label is for display;
    /// the codes do not depend on it). Such a URI gives `account == ""`, and
    /// [`OtpAuthUri::to_uri`] refuses it until the caller sets an account.
    pub fn parse(uri: &str) -> Result<OtpAuthUri> {
        if uri.len() > MAX_URI_LEN {
            return Err(MfaError::uri(format!("longer than {MAX_URI_LEN} bytes")));
        }
        let uri = uri.trim();
        let rest = strip_prefix_ignore_case(uri, "otpauth://")
            .ok_or_else(|| MfaError::uri("must start with otpauth://"))?;
        let (kind_text, rest) = rest
            .split_once('/')
            .ok_or_else(|| MfaError::uri("missing label after the type"))?;
        let is_totp = match kind_text.to_ascii_lowercase().as_str() {
            "totp" => true,
            "hotp" => false,
            _ => return Err(MfaError::uri("type must be totp or hotp")),
        };
        let rest = rest.split_once('#').map_or(rest, |(before, _)| before);
        let (label, query) = rest
            .split_once('?')
            .ok_or_else(|| MfaError::uri("missing query (secret=...)"))?;
        let label = decode(label, false, "label")?;
        let (label_issuer, account) = match label.split_once(':') {
            Some((issuer, account)) => (Some(issuer.trim().to_owned()), account.trim().to_owned()),
            None => (None, label.trim().to_owned()),
        };

        let mut secret = None;
        let mut issuer_param = None;
        let mut algorithm = None;
        let mut digits = None;
        let mut period = None;
        let mut counter = None;
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let name = name.to_ascii_lowercase();
            let slot_value = decode(value, true, "parameter")?;
            let slot = match name.as_str() {
                "secret" => &mut secret,
                "issuer" => &mut issuer_param,
                "algorithm" => &mut algorithm,
                "digits" => &mut digits,
                "period" => &mut period,
                "counter" => &mut counter,
                _ => continue,
            };
            if slot.replace(slot_value).is_some() {
                return Err(MfaError::uri(format!("parameter `{name}` appears twice")));
            }
        }

        let secret_text = zeroize::Zeroizing::new(
            secret.ok_or_else(|| MfaError::uri("missing `secret` parameter"))?,
        );
        let secret = Secret::from_base32(&secret_text)?;
        let issuer = match (label_issuer, issuer_param) {
            (Some(a), Some(b)) if a != b.trim() => {
                return Err(MfaError::uri(
                    "`issuer` parameter differs from the issuer in the label",
                ))
            }
            (Some(a), _) if !a.is_empty() => Some(a),
            (_, Some(b)) if !b.trim().is_empty() => Some(b.trim().to_owned()),
            _ => None,
        };
        let algorithm = match algorithm {
            Some(a) => a
                .parse()
                .map_err(|_| MfaError::uri("`algorithm` must be SHA1, SHA256 or SHA512"))?,
            None => Algorithm::Sha1,
        };
        let digits = match digits {
            Some(d) => parse_number(&d, "digits")?,
            None => 6,
        };
        let digits = u32::try_from(digits).map_err(|_| MfaError::uri("`digits` out of range"))?;
        if !(crate::otp::MIN_DIGITS..=crate::otp::MAX_DIGITS).contains(&digits) {
            return Err(MfaError::uri("`digits` must be between 6 and 10"));
        }
        let kind = if is_totp {
            let period = match period {
                Some(p) => parse_number(&p, "period")?,
                None => 30,
            };
            if period == 0 {
                return Err(MfaError::uri("`period` must be at least 1"));
            }
            OtpKind::Totp { period }
        } else {
            let counter = counter.ok_or_else(|| MfaError::uri("hotp URI without `counter`"))?;
            OtpKind::Hotp {
                counter: parse_number(&counter, "counter")?,
            }
        };
        Ok(OtpAuthUri {
            kind,
            secret,
            issuer,
            account,
            algorithm,
            digits,
        })
    }
}

/// The label rules of a URI that mfakit builds: apps show the label, and split it on the
/// first `:`. Trimming uses the same notion of whitespace as [`OtpAuthUri::parse`], so an
/// account the parser would read back as empty is refused here.
///
/// An explicitly given issuer that is empty is refused rather than taken as "no issuer": it is
/// almost always a missing configuration value (an unset environment variable), and silently
/// dropping it would enrol users without the service name the application meant to show.
fn check_label(issuer: Option<&str>, account: &str) -> Result<()> {
    if account.trim().is_empty() {
        return Err(MfaError::param(
            "account",
            "must not be empty or only whitespace",
        ));
    }
    match issuer {
        Some(issuer) if issuer.trim().is_empty() => Err(MfaError::param(
            "issuer",
            "must not be empty or only whitespace (pass no issuer instead)",
        )),
        Some(issuer) if issuer.contains(':') => {
            Err(MfaError::param("issuer", "must not contain `:`"))
        }
        None if account.contains(':') => Err(MfaError::param(
            "account",
            "may contain `:` only when an issuer is set",
        )),
        _ => Ok(()),
    }
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// Percent-decodes a label or parameter value. Every intermediate copy is wiped, since one of
/// these values is the secret.
fn decode(text: &str, plus_is_space: bool, what: &str) -> Result<String> {
    let spaced = zeroize::Zeroizing::new(if plus_is_space {
        text.replace('+', " ")
    } else {
        text.to_owned()
    });
    // Decoding never lengthens the text, so this buffer is never reallocated (which would
    // free a partial, unwiped copy).
    let mut bytes = Vec::with_capacity(spaced.len());
    bytes.extend(percent_decode_str(&spaced));
    String::from_utf8(bytes).map_err(|e| {
        drop(zeroize::Zeroizing::new(e.into_bytes()));
        MfaError::uri(format!("{what} is not valid UTF-8 after percent-decoding"))
    })
}

fn parse_number(text: &str, name: &str) -> Result<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(MfaError::uri(format!(
            "`{name}` must be a non-negative integer"
        )));
    }
    text.parse()
        .map_err(|_| MfaError::uri(format!("`{name}` is too large")))
}
