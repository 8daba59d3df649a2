//! HOTP (RFC 4226) and TOTP (RFC 6238): generation and verification.
//!
//! Verification treats what an end user typed as an answer, never as an error: a code of the
//! wrong length or with non-digits is simply no match. Configuration (secret, digits, period,
//! algorithm, window) is validated when a [`Hotp`] or [`Totp`] is built, and is an error.

use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

use hmac::{Hmac, Mac};
use subtle::ConstantTimeEq;

use crate::error::{MfaError, Result};
use crate::secret::Secret;

/// The HMAC hash function (RFC 6238 section 1.2 allows SHA-1, SHA-256 and SHA-512).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Algorithm {
    /// HMAC-SHA1, the RFC 4226 default and the only one every authenticator app supports.
    #[default]
    Sha1,
    /// HMAC-SHA256.
    Sha256,
    /// HMAC-SHA512.
    Sha512,
}

impl Algorithm {
    /// The name used in otpauth URIs: `SHA1`, `SHA256` or `SHA512`.
    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::Sha1 => "SHA1",
            Algorithm::Sha256 => "SHA256",
            Algorithm::Sha512 => "SHA512",
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Algorithm {
    type Err = MfaError;

    /// Accepts `SHA1`, `SHA256`, `SHA512` in any case, with or without a hyphen (`sha-256`).
    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_uppercase().replace('-', "").as_str() {
            "SHA1" => Ok(Algorithm::Sha1),
            "SHA256" => Ok(Algorithm::Sha256),
            "SHA512" => Ok(Algorithm::Sha512),
            _ => Err(MfaError::param(
                "algorithm",
                "must be SHA1, SHA256 or SHA512",
            )),
        }
    }
}

/// A successful verification: which time step (TOTP) or counter (HOTP) matched, and how far
/// it lies from the expected one. Persist `step` and pass it back as `after_step` (TOTP) or
/// `step + 1` as the next counter (HOTP) so the same code cannot be accepted twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OtpMatch {
    /// The matched TOTP time step, or the matched HOTP counter.
    pub step: u64,
    /// `step` minus the expected step: negative when the code was from the past (a slow user
    /// or a clock behind), positive when from the future (a clock ahead).
    pub drift: i64,
}

impl OtpMatch {
    /// Multiplier of `step` in [`OtpMatch::packed`].
    pub const PACK_BASE: u64 = 4096;
    /// Added to `drift` in [`OtpMatch::packed`], so that a negative drift packs as a digit.
    pub const PACK_OFFSET: i64 = 2048;

    /// The match as one number, `step * PACK_BASE + drift + PACK_OFFSET`, for bindings where
    /// a number crosses far more cheaply than an object (Node, the JVM); `None` if it does not
    /// fit a `u64`. Drifts are bounded by the window (100) and the look-ahead (1000), well
    /// inside `PACK_OFFSET`. A binding that needs a smaller range (a double's 2^53) filters
    /// the result: since the drift part is below `PACK_BASE`, a bound on the packed number is
    /// a bound on the step.
    pub fn packed(&self) -> Option<u64> {
        let drift = self
            .drift
            .checked_add(Self::PACK_OFFSET)
            .and_then(|d| u64::try_from(d).ok())
            .filter(|&d| d < Self::PACK_BASE)?;
        self.step.checked_mul(Self::PACK_BASE)?.checked_add(drift)
    }
}

/// How many time steps around the current one a TOTP verification accepts
/// (RFC 6238 section 5.2). Asymmetric on purpose: codes from the past are common (a user
/// typing slowly), codes from the future mean a clock running ahead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Window {
    /// Steps before the current one that are accepted.
    pub behind: u32,
    /// Steps after the current one that are accepted.
    pub ahead: u32,
}

impl Window {
    /// The largest `behind` or `ahead` accepted. Every extra step multiplies an attacker's odds.
    pub const MAX_STEPS: u32 = 100;

    /// `steps` behind and `steps` ahead.
    pub const fn symmetric(steps: u32) -> Window {
        Window {
            behind: steps,
            ahead: steps,
        }
    }

    /// Number of codes a single guess is compared with.
    pub fn size(self) -> u64 {
        u64::from(self.behind) + u64::from(self.ahead) + 1
    }

    fn validate(self) -> Result<()> {
        if self.behind > Self::MAX_STEPS || self.ahead > Self::MAX_STEPS {
            return Err(MfaError::param(
                "window",
                format!("at most {} steps on each side", Self::MAX_STEPS),
            ));
        }
        Ok(())
    }
}

impl Default for Window {
    /// One step either side (±30 s with the default period), RFC 6238's recommendation.
    fn default() -> Self {
        Window::symmetric(1)
    }
}

/// Smallest and largest number of digits (RFC 4226 section 5.3 requires at least 6;
/// 10 is the most a 31-bit truncated value can give).
pub const MIN_DIGITS: u32 = 6;
/// See [`MIN_DIGITS`].
pub const MAX_DIGITS: u32 = 10;

fn validate_digits(digits: u32) -> Result<()> {
    if !(MIN_DIGITS..=MAX_DIGITS).contains(&digits) {
        return Err(MfaError::param(
            "digits",
            format!("must be between {MIN_DIGITS} and {MAX_DIGITS}"),
        ));
    }
    Ok(())
}

/// The keyed HMAC state (the hashed `key ⊕ ipad` and `key ⊕ opad` blocks, RFC 2104), set up
/// once when a [`Hotp`] or [`Totp`] is built and cloned per counter: key setup costs as much
/// as the message itself, so caching it halves the cost of one code, and a window of three
/// codes costs 3×2 compressions instead of 3×4.
///
/// These states are as sensitive as the key. The hash crates expose no `Zeroize` for them, so
/// `Drop` overwrites them in place with the states of an all-zero key and keeps the store
/// observable with `black_box`, so that it is not optimised away.
#[derive(Clone)]
enum Keyed {
    Sha1(Hmac<sha1::Sha1>),
    Sha256(Hmac<sha2::Sha256>),
    Sha512(Hmac<sha2::Sha512>),
}

impl Keyed {
    fn new(algorithm: Algorithm, key: &[u8]) -> Keyed {
        // HMAC accepts keys of any length (RFC 2104 section 2), so `new_from_slice` cannot fail.
        #[allow(clippy::expect_used)]
        match algorithm {
            Algorithm::Sha1 => {
                Keyed::Sha1(Hmac::new_from_slice(key).expect("HMAC takes any key length"))
            }
            Algorithm::Sha256 => {
                Keyed::Sha256(Hmac::new_from_slice(key).expect("HMAC takes any key length"))
            }
            Algorithm::Sha512 => {
                Keyed::Sha512(Hmac::new_from_slice(key).expect("HMAC takes any key length"))
            }
        }
    }

    /// HOTP value for `counter` before reduction modulo 10^digits (RFC 4226 section 5.3).
    fn truncated(&self, counter: u64) -> u32 {
        let msg = counter.to_be_bytes();
        match self {
            Keyed::Sha1(m) => dynamic_truncation(&finish(m.clone(), &msg)),
            Keyed::Sha256(m) => dynamic_truncation(&finish(m.clone(), &msg)),
            Keyed::Sha512(m) => dynamic_truncation(&finish(m.clone(), &msg)),
        }
    }
}

impl Drop for Keyed {
    fn drop(&mut self) {
        // Assigning through `&mut Hmac` writes the new state over the old one in place (the
        // HMAC types own no heap memory and have no `Drop` of their own). The replacement is
        // a copy of an HMAC keyed once per process with an all-zero key: the same bytes as
        // re-keying, without two hash compressions on every drop (the per-request path
        // builds and drops one `Totp` per login).
        match self {
            Keyed::Sha1(m) => overwrite(m, zero_keyed::<Hmac<sha1::Sha1>>(&ZERO_SHA1, 64)),
            Keyed::Sha256(m) => overwrite(m, zero_keyed::<Hmac<sha2::Sha256>>(&ZERO_SHA256, 64)),
            Keyed::Sha512(m) => overwrite(m, zero_keyed::<Hmac<sha2::Sha512>>(&ZERO_SHA512, 128)),
        }
    }
}

static ZERO_SHA1: OnceLock<Hmac<sha1::Sha1>> = OnceLock::new();
static ZERO_SHA256: OnceLock<Hmac<sha2::Sha256>> = OnceLock::new();
static ZERO_SHA512: OnceLock<Hmac<sha2::Sha512>> = OnceLock::new();

/// The HMAC keyed with `block` zero bytes, made once.
fn zero_keyed<M: Mac + hmac::digest::KeyInit + Clone>(
    cell: &'static OnceLock<M>,
    block: usize,
) -> &'static M {
    cell.get_or_init(|| {
        let zeros = [0u8; 128];
        // HMAC accepts keys of any length (RFC 2104 section 2), so this cannot fail.
        <M as hmac::digest::KeyInit>::new_from_slice(&zeros[..block])
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"))
    })
}

/// Replaces a keyed HMAC in place by a copy of `fresh`.
fn overwrite<M: Mac + Clone>(mac: &mut M, fresh: &M) {
    *mac = fresh.clone();
    std::hint::black_box(&*mac);
}

impl fmt::Debug for Keyed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Keyed(<redacted>)")
    }
}

fn finish<M: Mac>(mut mac: M, msg: &[u8]) -> impl AsRef<[u8]> {
    mac.update(msg);
    mac.finalize().into_bytes()
}

/// RFC 4226 section 5.3: the low nibble of the last byte picks four bytes; drop the top bit.
fn dynamic_truncation(hash: &impl AsRef<[u8]>) -> u32 {
    let hash = hash.as_ref();
    let offset = usize::from(hash[hash.len() - 1] & 0x0f);
    u32::from_be_bytes([
        hash[offset] & 0x7f,
        hash[offset + 1],
        hash[offset + 2],
        hash[offset + 3],
    ])
}

/// A code as fixed-width ASCII digits, kept on the stack.
#[derive(Clone, Copy)]
struct Digits {
    buf: [u8; MAX_DIGITS as usize],
    len: usize,
}

impl Digits {
    fn from_value(value: u32, digits: u32) -> Digits {
        let mut buf = [b'0'; MAX_DIGITS as usize];
        let len = digits as usize;
        let mut v = u64::from(value) % 10u64.pow(digits);
        for slot in buf[..len].iter_mut().rev() {
            *slot = b'0' + (v % 10) as u8;
            v /= 10;
        }
        Digits { buf, len }
    }

    /// Parses what a user typed: ASCII digits, spaces ignored. `None` for anything else,
    /// including the wrong number of digits and input longer than [`MAX_CODE_INPUT_LEN`].
    fn parse_input(input: &str, digits: u32) -> Option<Digits> {
        if input.len() > MAX_CODE_INPUT_LEN {
            return None;
        }
        let mut buf = [0u8; MAX_DIGITS as usize];
        let mut len = 0usize;
        for b in input.bytes() {
            match b {
                b' ' | b'\t' => {}
                b'0'..=b'9' if len < digits as usize => {
                    buf[len] = b;
                    len += 1;
                }
                _ => return None,
            }
        }
        (len == digits as usize).then_some(Digits { buf, len })
    }

    fn as_str(&self) -> &str {
        // Only ASCII digits are ever written into `buf[..len]`.
        std::str::from_utf8(&self.buf[..self.len]).unwrap_or_default()
    }

    fn ct_eq(&self, other: &Digits) -> bool {
        bool::from(self.buf[..self.len].ct_eq(&other.buf[..other.len]))
    }
}

/// Longest typed code mfakit reads, in bytes as typed (before spaces and hyphens are dropped),
/// wherever a user types one: TOTP/HOTP verification, email/SMS challenges, recovery codes.
/// Longer input is a wrong code without being scanned (a code padded with megabytes of spaces
/// is no code). A 10-digit code or a grouped recovery code with spaces fits easily.
pub const MAX_CODE_INPUT_LEN: usize = 64;

/// Seconds since the UNIX epoch, from the system clock.
pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// An HOTP generator and verifier (RFC 4226): a secret, an algorithm and a number of digits.
#[derive(Clone, Debug)]
pub struct Hotp {
    secret: Secret,
    keyed: Keyed,
    algorithm: Algorithm,
    digits: u32,
}

impl Hotp {
    /// Default look-ahead for HOTP verification (RFC 4226 section 7.4 parameter s).
    pub const DEFAULT_LOOK_AHEAD: u32 = 10;
    /// The largest look-ahead accepted.
    pub const MAX_LOOK_AHEAD: u32 = 1000;

    /// An HOTP with the given parameters; `digits` must be 6 to 10.
    pub fn new(secret: Secret, algorithm: Algorithm, digits: u32) -> Result<Hotp> {
        validate_digits(digits)?;
        let keyed = Keyed::new(algorithm, secret.as_bytes());
        Ok(Hotp {
            secret,
            keyed,
            algorithm,
            digits,
        })
    }

    /// The secret.
    pub fn secret(&self) -> &Secret {
        &self.secret
    }

    /// The HMAC algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The number of digits.
    pub fn digits(&self) -> u32 {
        self.digits
    }

    fn keyed(&self) -> &Keyed {
        &self.keyed
    }

    /// The code for `counter` (RFC 4226 section 5.3).
    pub fn generate(&self, counter: u64) -> String {
        Digits::from_value(self.keyed().truncated(counter), self.digits)
            .as_str()
            .to_owned()
    }

    /// Verifies `code` against counters `counter ..= counter + look_ahead` (RFC 4226 section
    /// 7.2). On a match, store `step + 1` as the next counter.
    pub fn verify(&self, code: &str, counter: u64, look_ahead: u32) -> Result<Option<OtpMatch>> {
        if look_ahead > Self::MAX_LOOK_AHEAD {
            return Err(MfaError::param(
                "look_ahead",
                format!("at most {}", Self::MAX_LOOK_AHEAD),
            ));
        }
        let Some(given) = Digits::parse_input(code, self.digits) else {
            return Ok(None);
        };
        let keyed = self.keyed();
        for offset in 0..=u64::from(look_ahead) {
            let Some(candidate) = counter.checked_add(offset) else {
                break;
            };
            if given.ct_eq(&Digits::from_value(keyed.truncated(candidate), self.digits)) {
                return Ok(Some(OtpMatch {
                    step: candidate,
                    drift: offset as i64,
                }));
            }
        }
        Ok(None)
    }

    /// Resynchronises a counter that has drifted far (RFC 4226 section 7.4): finds two
    /// consecutive codes `first`, `second` within `counter ..= counter + look_ahead + 1` and
    /// returns the counter to store next (the one after `second`), or `None`.
    pub fn resync(
        &self,
        first: &str,
        second: &str,
        counter: u64,
        look_ahead: u32,
    ) -> Result<Option<u64>> {
        if look_ahead > Self::MAX_LOOK_AHEAD * 10 {
            return Err(MfaError::param(
                "look_ahead",
                format!("at most {}", Self::MAX_LOOK_AHEAD * 10),
            ));
        }
        let (Some(a), Some(b)) = (
            Digits::parse_input(first, self.digits),
            Digits::parse_input(second, self.digits),
        ) else {
            return Ok(None);
        };
        let keyed = self.keyed();
        let code = |c: u64| Digits::from_value(keyed.truncated(c), self.digits);
        for offset in 0..=u64::from(look_ahead) {
            let Some(c) = counter.checked_add(offset) else {
                break;
            };
            let Some(next) = c.checked_add(1) else { break };
            if a.ct_eq(&code(c)) && b.ct_eq(&code(next)) {
                return Ok(next.checked_add(1));
            }
        }
        Ok(None)
    }
}

/// Parameters of a TOTP (RFC 6238 section 4). The defaults are what every authenticator app
/// supports: SHA-1, 6 digits, 30 seconds, T0 = 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TotpParams {
    /// The HMAC algorithm.
    pub algorithm: Algorithm,
    /// Number of digits, 6 to 10.
    pub digits: u32,
    /// Time-step length X in seconds, at least 1.
    pub period: u64,
    /// UNIX time T0 at which counting starts.
    pub t0: u64,
}

impl Default for TotpParams {
    fn default() -> Self {
        TotpParams {
            algorithm: Algorithm::Sha1,
            digits: 6,
            period: 30,
            t0: 0,
        }
    }
}

/// Whether new enrolments must stick to settings every authenticator app supports.
///
/// Google Authenticator and several other popular apps ignore `algorithm`, `digits` and
/// `period` in a QR code and show SHA-1, 6-digit, 30-second codes regardless: the user then
/// sees codes that never verify. [`Profile::Compatible`] refuses such settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Profile {
    /// SHA-1, 6 digits, 30-second period only. The default for new enrolments.
    #[default]
    Compatible,
    /// Anything RFC 6238 allows; for apps whose users run authenticators known to honour it.
    Any,
}

impl Profile {
    /// Checks `params` against the profile.
    pub fn check(self, params: &TotpParams) -> Result<()> {
        if self == Profile::Any {
            return Ok(());
        }
        let mut problems = Vec::new();
        if params.algorithm != Algorithm::Sha1 {
            problems.push(format!(
                "algorithm {} (only SHA1 is honoured)",
                params.algorithm
            ));
        }
        if params.digits != 6 {
            problems.push(format!("{} digits (only 6 are honoured)", params.digits));
        }
        if params.period != 30 {
            problems.push(format!(
                "period {} s (only 30 s is honoured)",
                params.period
            ));
        }
        if params.t0 != 0 {
            problems.push("a non-zero T0 (not expressible in an otpauth URI)".to_owned());
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(MfaError::IncompatibleProfile {
                reason: format!("{}; use the `any` profile to allow it", problems.join(", ")),
            })
        }
    }
}

/// A TOTP generator and verifier (RFC 6238).
#[derive(Clone, Debug)]
pub struct Totp {
    secret: Secret,
    keyed: Keyed,
    params: TotpParams,
}

impl Totp {
    /// A TOTP over an existing (imported) secret. Any secret length is accepted here; use
    /// [`Totp::new_enrolment`] for a new enrolment.
    pub fn new(secret: Secret, params: TotpParams) -> Result<Totp> {
        validate_digits(params.digits)?;
        if params.period == 0 {
            return Err(MfaError::param("period", "must be at least 1 second"));
        }
        let keyed = Keyed::new(params.algorithm, secret.as_bytes());
        Ok(Totp {
            secret,
            keyed,
            params,
        })
    }

    /// A TOTP for a new enrolment: the secret must have at least 128 bits and the parameters
    /// must fit `profile`.
    pub fn new_enrolment(secret: Secret, params: TotpParams, profile: Profile) -> Result<Totp> {
        secret.check_enrolment()?;
        profile.check(&params)?;
        Totp::new(secret, params)
    }

    /// The secret.
    pub fn secret(&self) -> &Secret {
        &self.secret
    }

    /// The parameters.
    pub fn params(&self) -> TotpParams {
        self.params
    }

    /// The time step containing UNIX time `unix` (RFC 6238 section 4.2); an error before T0.
    pub fn step_at(&self, unix: u64) -> Result<u64> {
        unix.checked_sub(self.params.t0)
            .map(|elapsed| elapsed / self.params.period)
            .ok_or_else(|| MfaError::param("time", "is before T0"))
    }

    /// Seconds until the code shown at `unix` changes.
    pub fn remaining_at(&self, unix: u64) -> Result<u64> {
        let elapsed = unix
            .checked_sub(self.params.t0)
            .ok_or_else(|| MfaError::param("time", "is before T0"))?;
        Ok(self.params.period - elapsed % self.params.period)
    }

    /// The code for time step `step`.
    pub fn generate_step(&self, step: u64) -> String {
        let keyed = &self.keyed;
        Digits::from_value(keyed.truncated(step), self.params.digits)
            .as_str()
            .to_owned()
    }

    /// The code at UNIX time `unix`.
    pub fn generate_at(&self, unix: u64) -> Result<String> {
        Ok(self.generate_step(self.step_at(unix)?))
    }

    /// The code now.
    pub fn generate_now(&self) -> Result<String> {
        self.generate_at(unix_now())
    }

    /// Verifies `code` at UNIX time `unix` within `window` (RFC 6238 section 5.2).
    ///
    /// Every step at or before `after_step` is refused: pass the step of the last accepted code
    /// so that it cannot be replayed (RFC 6238 section 5.2, "MUST NOT accept the second attempt").
    /// Returns the matched step and drift, or `None` for a wrong, reused or malformed code.
    /// The current step is tried first, then the nearest ones.
    pub fn verify_at(
        &self,
        code: &str,
        unix: u64,
        window: Window,
        after_step: Option<u64>,
    ) -> Result<Option<OtpMatch>> {
        window.validate()?;
        let current = self.step_at(unix)?;
        let Some(given) = Digits::parse_input(code, self.params.digits) else {
            return Ok(None);
        };
        let keyed = &self.keyed;
        let (behind, ahead) = (i64::from(window.behind), i64::from(window.ahead));
        let reach = behind.max(ahead);
        // Nearest steps first, so that in the rare case two steps share a code the match
        // reported is the likeliest one.
        let drifts = std::iter::once(0).chain((1..=reach).flat_map(|d| [-d, d]));
        for drift in drifts.filter(|d| (-behind..=ahead).contains(d)) {
            let Some(step) = current.checked_add_signed(drift) else {
                continue;
            };
            if after_step.is_some_and(|last| step <= last) {
                continue;
            }
            if given.ct_eq(&Digits::from_value(
                keyed.truncated(step),
                self.params.digits,
            )) {
                return Ok(Some(OtpMatch { step, drift }));
            }
        }
        Ok(None)
    }

    /// Verifies `code` now; see [`Totp::verify_at`].
    pub fn verify_now(
        &self,
        code: &str,
        window: Window,
        after_step: Option<u64>,
    ) -> Result<Option<OtpMatch>> {
        self.verify_at(code, unix_now(), window, after_step)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rfc_totp(digits: u32) -> Totp {
        let secret = Secret::from_bytes(b"12345678901234567890").unwrap();
        Totp::new(
            secret,
            TotpParams {
                digits,
                ..TotpParams::default()
            },
        )
        .unwrap()
    }

    #[test]
    fn rfc6238_sha1_row() {
        assert_eq!(rfc_totp(8).generate_at(59).unwrap(), "94287082");
    }

    #[test]
    fn spaces_in_code_are_accepted_and_garbage_is_no_match() {
        let t = rfc_totp(6);
        let code = t.generate_at(1_000_000).unwrap();
        let spaced = format!("{} {}", &code[..3], &code[3..]);
        assert!(t
            .verify_at(&spaced, 1_000_000, Window::default(), None)
            .unwrap()
            .is_some());
        assert!(t
            .verify_at("12345", 1_000_000, Window::default(), None)
            .unwrap()
            .is_none());
        assert!(t
            .verify_at("12a456", 1_000_000, Window::default(), None)
            .unwrap()
            .is_none());
        assert!(t
            .verify_at("１２３４５６", 1_000_000, Window::default(), None)
            .unwrap()
            .is_none());
    }

    #[test]
    fn after_step_refuses_replay() {
        let t = rfc_totp(6);
        let code = t.generate_at(1_000_000).unwrap();
        let m = t
            .verify_at(&code, 1_000_000, Window::default(), None)
            .unwrap()
            .unwrap();
        assert_eq!(m.drift, 0);
        assert!(t
            .verify_at(&code, 1_000_000, Window::default(), Some(m.step))
            .unwrap()
            .is_none());
    }

    #[test]
    fn asymmetric_window() {
        let t = rfc_totp(6);
        let past = t.generate_at(1_000_000 - 60).unwrap();
        let w = Window {
            behind: 2,
            ahead: 0,
        };
        assert_eq!(
            t.verify_at(&past, 1_000_000, w, None)
                .unwrap()
                .unwrap()
                .drift,
            -2
        );
        let future = t.generate_at(1_000_000 + 30).unwrap();
        assert!(t.verify_at(&future, 1_000_000, w, None).unwrap().is_none());
    }

    #[test]
    fn bad_configuration_is_an_error() {
        let secret = Secret::generate();
        assert_eq!(
            Totp::new(
                secret.clone(),
                TotpParams {
                    digits: 5,
                    ..Default::default()
                }
            )
            .unwrap_err()
            .code(),
            "invalid_parameter"
        );
        assert!(Totp::new(
            secret.clone(),
            TotpParams {
                period: 0,
                ..Default::default()
            }
        )
        .is_err());
        let err = Totp::new_enrolment(
            secret,
            TotpParams {
                algorithm: Algorithm::Sha256,
                ..Default::default()
            },
            Profile::Compatible,
        )
        .unwrap_err();
        assert_eq!(err.code(), "incompatible_profile");
    }

    #[test]
    fn packed_match() {
        let m = |step, drift| OtpMatch { step, drift };
        assert_eq!(m(0, -1).packed(), Some(2047));
        assert_eq!(m(10, 0).packed(), Some(10 * 4096 + 2048));
        assert_eq!(m(10, 1000).packed(), Some(10 * 4096 + 3048));
        assert_eq!(m(10, -2048).packed(), Some(10 * 4096));
        // A drift outside the digit, or a step that overflows, does not pack.
        assert_eq!(m(10, 2048).packed(), None);
        assert_eq!(m(10, -2049).packed(), None);
        assert_eq!(m(u64::MAX / 4096 + 1, 0).packed(), None);
    }

    #[test]
    fn hotp_resync() {
        let h = Hotp::new(
            Secret::from_bytes(b"12345678901234567890").unwrap(),
            Algorithm::Sha1,
            6,
        )
        .unwrap();
        let (a, b) = (h.generate(500), h.generate(501));
        assert_eq!(h.resync(&a, &b, 0, 1000).unwrap(), Some(502));
        assert_eq!(h.resync(&b, &a, 0, 1000).unwrap(), None);
    }
}
