//! One-time codes sent by email or SMS, and masked contacts to show where they went.
//!
//! mfakit draws the code, hands it out once ([`IssuedChallenge::code`]) for the application to
//! deliver, and keeps only keyed hashes in the challenge state (RFC 2104), over every field fixed
//! when the code is issued or re-sent:
//!
//! ```text
//! fixed = id ":" digits ":" expires_at ":" sent_at ":" ttl_secs ":" resend_cooldown_secs
//! mac   = HMAC-SHA256(app_key, "mfakit:challenge:v2:code:"  || fixed || ":" || code)
//! tag   = HMAC-SHA256(app_key, "mfakit:challenge:v2:state:" || fixed)
//! ```
//!
//! A leaked challenge store without the application key therefore reveals no code, not even by
//! trying all 10^6 of them; an edited expiry, digit count, TTL or cooldown makes every code
//! wrong ([`OtpChallenge::verify`]) and a resend fail ([`OtpChallenge::resend`] checks `tag`,
//! since it has no code to check).
//!
//! **The challenge is server-side state.** `attempts_left` and `used` change with every
//! verification, so no MAC made at issue time can cover them: a copy saved earlier and written
//! back would have its attempts and its single use back. Keep challenges where the user cannot
//! write them, and read, verify and write each one atomically (a compare-and-swap on a version,
//! or a transaction), as mfakit's stateful service does. Version 1 stored values (MAC over the
//! id and code only) are refused with [`MfaError::InvalidStoredValue`]: they live five minutes,
//! so the only cost is a user asking for a new code.
//!
//! A challenge expires (default 5 minutes), allows a few attempts (default 5), works once, and
//! may be re-sent after a cooldown (default 60 s) with a new code; a resend keeps the attempt
//! count, so resending does not buy an attacker more guesses.

use std::fmt;

use hmac::{Hmac, Mac};
use rand::rngs::OsRng;
use rand::{CryptoRng, Rng, RngCore};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::error::{MfaError, Result};
use crate::limiter::parse_num;
use crate::otp::MAX_CODE_INPUT_LEN;
use crate::sealed::{b64d, b64e};

/// Settings of a challenge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct ChallengePolicy {
    /// Number of digits, 4 to 10 (default 6).
    pub digits: u32,
    /// Seconds a code stays valid (default 300).
    pub ttl_secs: u64,
    /// Wrong attempts allowed per challenge (default 5).
    pub max_attempts: u32,
    /// Seconds before a new code may be sent (default 60).
    pub resend_cooldown_secs: u64,
}

impl Default for ChallengePolicy {
    fn default() -> Self {
        ChallengePolicy {
            digits: 6,
            ttl_secs: 300,
            max_attempts: 5,
            resend_cooldown_secs: 60,
        }
    }
}

impl ChallengePolicy {
    fn validate(&self) -> Result<()> {
        if !(4..=10).contains(&self.digits) {
            return Err(MfaError::param("digits", "must be between 4 and 10"));
        }
        if self.ttl_secs == 0 {
            return Err(MfaError::param("ttl_secs", "must be positive"));
        }
        if self.max_attempts == 0 {
            return Err(MfaError::param("max_attempts", "must be at least 1"));
        }
        Ok(())
    }
}

/// The application's HMAC key for challenges (at least 128 bits; 256 recommended). Wiped on
/// drop; `Debug` prints `ChallengeKey(<redacted>)`.
///
/// The same key must be used to verify a challenge as to issue it, across restarts and on
/// every server. Either load it with [`ChallengeKey::from_bytes`] from the application's secret
/// store, or make one once with [`ChallengeKey::generate`] and store
/// [`ChallengeKey::expose_bytes`] there.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct ChallengeKey {
    bytes: Vec<u8>,
}

impl ChallengeKey {
    /// Shortest key accepted, in bytes.
    pub const MIN_LEN: usize = 16;
    /// Longest key accepted, in bytes.
    pub const MAX_LEN: usize = 1024;

    /// A key from raw bytes (16 to 1024).
    pub fn from_bytes(bytes: &[u8]) -> Result<ChallengeKey> {
        if !(Self::MIN_LEN..=Self::MAX_LEN).contains(&bytes.len()) {
            return Err(MfaError::param(
                "key",
                format!("must be {} to {} bytes", Self::MIN_LEN, Self::MAX_LEN),
            ));
        }
        Ok(ChallengeKey {
            bytes: bytes.to_vec(),
        })
    }

    /// A new random 256-bit key from the OS CSPRNG. Store it ([`ChallengeKey::expose_bytes`])
    /// before issuing challenges: a key that only lives in memory cannot verify them after a
    /// restart.
    pub fn generate() -> ChallengeKey {
        let mut bytes = vec![0u8; 32];
        OsRng.fill_bytes(&mut bytes);
        ChallengeKey { bytes }
    }

    /// The raw key bytes, to put in the application's secret store (and read back with
    /// [`ChallengeKey::from_bytes`]). **Store this as a secret**: anyone holding it can test
    /// every possible code against a stored challenge offline.
    ///
    /// The slice borrows the key's own buffer, which is wiped when the key is dropped; any copy
    /// the caller makes is the caller's to wipe. Deliberately not `as_bytes`: reading a key out
    /// should stand out in review.
    pub fn expose_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// HMAC-SHA256 over `domain`, the fixed fields of `c` and, for the code MAC, `:` and the
    /// code (see the module docs).
    fn mac(&self, domain: &str, c: &OtpChallenge, code: Option<&[u8]>) -> [u8; 32] {
        // HMAC accepts keys of any length (RFC 2104 section 2), so this cannot fail.
        #[allow(clippy::expect_used)]
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.bytes).expect("HMAC takes any key length");
        mac.update(domain.as_bytes());
        mac.update(
            format!(
                "{}:{}:{}:{}:{}:{}",
                c.id, c.digits, c.expires_at, c.sent_at, c.ttl_secs, c.resend_cooldown_secs
            )
            .as_bytes(),
        );
        if let Some(code) = code {
            mac.update(b":");
            mac.update(code);
        }
        mac.finalize().into_bytes().into()
    }

    /// Sets `c`'s code MAC and state tag for `code`.
    fn seal(&self, c: &mut OtpChallenge, code: &ChallengeCode) {
        c.mac = b64e(&self.mac(CODE_DOMAIN, c, Some(code.code.as_bytes())));
        c.tag = b64e(&self.mac(STATE_DOMAIN, c, None));
    }
}

impl fmt::Debug for ChallengeKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ChallengeKey(<redacted>)")
    }
}

/// The plaintext code of a challenge, to be delivered once. Wiped on drop; `Debug` prints
/// `ChallengeCode(<redacted>)`.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct ChallengeCode {
    code: String,
}

impl ChallengeCode {
    /// The code's digits, for the email or SMS body.
    pub fn as_str(&self) -> &str {
        &self.code
    }
}

impl fmt::Debug for ChallengeCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ChallengeCode(<redacted>)")
    }
}

/// A new (or re-sent) challenge: the state to persist and the code to deliver.
#[derive(Debug, Clone)]
pub struct IssuedChallenge {
    /// The state to persist; it holds no code.
    pub challenge: OtpChallenge,
    /// The code to send. Never store or log it.
    pub code: ChallengeCode,
}

/// What a verification found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum ChallengeVerdict {
    /// The code is right; the challenge is now used.
    Accepted,
    /// The code is wrong; `attempts_left` more tries remain (0: the next one is refused).
    Wrong {
        /// Tries left on this challenge.
        attempts_left: u32,
    },
    /// The challenge is past its expiry; nothing was compared.
    Expired,
    /// No attempts are left; nothing was compared.
    Exhausted,
    /// The challenge was already accepted once; nothing was compared.
    Used,
}

impl ChallengeVerdict {
    /// A stable machine code: `accepted`, `wrong`, `expired`, `exhausted` or `used`.
    pub fn code(&self) -> &'static str {
        match self {
            ChallengeVerdict::Accepted => "accepted",
            ChallengeVerdict::Wrong { .. } => "wrong",
            ChallengeVerdict::Expired => "expired",
            ChallengeVerdict::Exhausted => "exhausted",
            ChallengeVerdict::Used => "used",
        }
    }

    /// Whether the code was accepted.
    pub fn is_accepted(&self) -> bool {
        matches!(self, ChallengeVerdict::Accepted)
    }
}

/// The verdict and the state to persist (always persist it: attempts are counted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChallengeVerification {
    /// What the verification found.
    pub verdict: ChallengeVerdict,
    /// The updated challenge.
    pub challenge: OtpChallenge,
}

const CHALLENGE_PREFIX: &str = "mfakit:challenge:v2:";
const CHALLENGE_PREFIX_V1: &str = "mfakit:challenge:v1:";
const CODE_DOMAIN: &str = "mfakit:challenge:v2:code:";
const STATE_DOMAIN: &str = "mfakit:challenge:v2:state:";
const ID_BYTES: usize = 16;

/// The stored state of an email or SMS challenge. Holds keyed hashes of the code and of the
/// fixed fields, never the code itself. Server-side state: see the module docs.
///
/// Serde (de)serialises it as its stored string ([`OtpChallenge::to_stored`]), checked on the
/// way in like [`OtpChallenge::from_stored`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OtpChallenge {
    /// Random public id (128 bits, unpadded base64url).
    pub id: String,
    /// HMAC-SHA256 of the fixed fields and the code, unpadded base64url.
    pub mac: String,
    /// HMAC-SHA256 of the fixed fields alone, unpadded base64url: checked by
    /// [`OtpChallenge::resend`].
    pub tag: String,
    /// Number of digits of the code.
    pub digits: u32,
    /// UNIX time from which the code no longer works.
    pub expires_at: u64,
    /// UNIX time the current code was issued.
    pub sent_at: u64,
    /// Wrong attempts still allowed.
    pub attempts_left: u32,
    /// Whether the code was accepted already.
    pub used: bool,
    /// Validity of a (re-sent) code, in seconds.
    pub ttl_secs: u64,
    /// Seconds between sends.
    pub resend_cooldown_secs: u64,
}

impl OtpChallenge {
    /// Starts a challenge at `now`: draws a code uniformly from the OS CSPRNG.
    pub fn issue(
        key: &ChallengeKey,
        policy: &ChallengePolicy,
        now: u64,
    ) -> Result<IssuedChallenge> {
        Self::issue_with_rng(&mut OsRng, key, policy, now)
    }

    /// [`OtpChallenge::issue`] drawing the id and code from `rng`, a cryptographically secure
    /// generator the caller supplies (the stateful service passes its own, so that every
    /// transition takes its randomness as an argument).
    pub fn issue_with_rng<R: RngCore + CryptoRng>(
        rng: &mut R,
        key: &ChallengeKey,
        policy: &ChallengePolicy,
        now: u64,
    ) -> Result<IssuedChallenge> {
        policy.validate()?;
        let mut id = [0u8; ID_BYTES];
        rng.fill_bytes(&mut id);
        let id = b64e(&id);
        let code = draw_code(rng, policy.digits);
        let mut challenge = OtpChallenge {
            id,
            mac: String::new(),
            tag: String::new(),
            digits: policy.digits,
            expires_at: now.saturating_add(policy.ttl_secs),
            sent_at: now,
            attempts_left: policy.max_attempts,
            used: false,
            ttl_secs: policy.ttl_secs,
            resend_cooldown_secs: policy.resend_cooldown_secs,
        };
        key.seal(&mut challenge, &code);
        Ok(IssuedChallenge { challenge, code })
    }

    /// [`OtpChallenge::issue`] at the current time.
    pub fn issue_now(key: &ChallengeKey, policy: &ChallengePolicy) -> Result<IssuedChallenge> {
        OtpChallenge::issue(key, policy, crate::unix_now())
    }

    /// Checks `input` at `now`. Spaces and hyphens in the input are ignored; anything that is
    /// not the right number of digits, or longer than [`MAX_CODE_INPUT_LEN`] bytes as typed, is
    /// a wrong attempt. A challenge whose fixed fields were edited rejects every code.
    pub fn verify(&self, key: &ChallengeKey, input: &str, now: u64) -> ChallengeVerification {
        let mut next = self.clone();
        let verdict = if self.used {
            ChallengeVerdict::Used
        } else if now >= self.expires_at {
            ChallengeVerdict::Expired
        } else if self.attempts_left == 0 {
            ChallengeVerdict::Exhausted
        } else {
            let input = if input.len() > MAX_CODE_INPUT_LEN {
                ""
            } else {
                input
            };
            let typed: Zeroizing<Vec<u8>> = Zeroizing::new(
                input
                    .bytes()
                    .filter(|b| !matches!(b, b' ' | b'\t' | b'-'))
                    .collect(),
            );
            let well_formed =
                typed.len() == self.digits as usize && typed.iter().all(u8::is_ascii_digit);
            let expected = b64d(&self.mac, "mac").unwrap_or_default();
            let matches = well_formed
                && bool::from(
                    key.mac(CODE_DOMAIN, self, Some(&typed))
                        .as_slice()
                        .ct_eq(&expected),
                );
            if matches {
                next.used = true;
                ChallengeVerdict::Accepted
            } else {
                next.attempts_left -= 1;
                ChallengeVerdict::Wrong {
                    attempts_left: next.attempts_left,
                }
            }
        };
        ChallengeVerification {
            verdict,
            challenge: next,
        }
    }

    /// [`OtpChallenge::verify`] at the current time.
    pub fn verify_now(&self, key: &ChallengeKey, input: &str) -> ChallengeVerification {
        self.verify(key, input, crate::unix_now())
    }

    /// Seconds until a new code may be sent (0: now).
    pub fn resend_available_in(&self, now: u64) -> u64 {
        self.sent_at
            .saturating_add(self.resend_cooldown_secs)
            .saturating_sub(now)
    }

    /// Draws a new code for the same challenge at `now` (the old code stops working) and
    /// restarts the expiry. The attempt count carries over.
    ///
    /// Errors: [`MfaError::InvalidStoredValue`] when the fixed fields do not match their tag
    /// (edited, or another key); [`MfaError::RateLimited`] within the cooldown;
    /// [`MfaError::InvalidParameter`] (`challenge`) when the challenge is used or out of
    /// attempts — start a new one.
    pub fn resend(&self, key: &ChallengeKey, now: u64) -> Result<IssuedChallenge> {
        let tag = b64d(&self.tag, "tag").unwrap_or_default();
        if !bool::from(key.mac(STATE_DOMAIN, self, None).as_slice().ct_eq(&tag)) {
            return Err(MfaError::stored(
                "challenge fields do not match their tag (edited, or another key)",
            ));
        }
        if self.used || self.attempts_left == 0 {
            return Err(MfaError::param(
                "challenge",
                "is used or out of attempts; issue a new challenge",
            ));
        }
        let wait = self.resend_available_in(now);
        if wait > 0 {
            return Err(MfaError::RateLimited {
                retry_after: std::time::Duration::from_secs(wait),
            });
        }
        if !(4..=10).contains(&self.digits) {
            return Err(MfaError::stored("digits out of range"));
        }
        let code = draw_code(&mut OsRng, self.digits);
        let mut challenge = self.clone();
        challenge.sent_at = now;
        challenge.expires_at = now.saturating_add(self.ttl_secs);
        key.seal(&mut challenge, &code);
        Ok(IssuedChallenge { challenge, code })
    }

    /// The versioned text form:
    /// `mfakit:challenge:v2:<id>:<mac>:<tag>:<digits>:<expires_at>:<sent_at>:<attempts_left>:<used 0|1>:<ttl_secs>:<resend_cooldown_secs>`.
    pub fn to_stored(&self) -> String {
        format!(
            "{CHALLENGE_PREFIX}{}:{}:{}:{}:{}:{}:{}:{}:{}:{}",
            self.id,
            self.mac,
            self.tag,
            self.digits,
            self.expires_at,
            self.sent_at,
            self.attempts_left,
            u8::from(self.used),
            self.ttl_secs,
            self.resend_cooldown_secs
        )
    }

    /// Parses [`OtpChallenge::to_stored`]'s output; anything else is
    /// [`MfaError::InvalidStoredValue`], including a version 1 value (its MAC covered the id
    /// and code only; issue a new challenge). Whether the fields are the ones issued is known
    /// only with the key: [`OtpChallenge::verify`] and [`OtpChallenge::resend`] check.
    pub fn from_stored(stored: &str) -> Result<OtpChallenge> {
        if stored.starts_with(CHALLENGE_PREFIX_V1) {
            return Err(MfaError::stored(
                "mfakit:challenge:v1 values are no longer accepted (their MAC does not cover the expiry); issue a new challenge",
            ));
        }
        let rest = stored
            .strip_prefix(CHALLENGE_PREFIX)
            .ok_or_else(|| MfaError::stored("not an mfakit:challenge:v2 value"))?;
        let f: Vec<&str> = rest.split(':').collect();
        let [id, mac, tag, digits, expires_at, sent_at, attempts_left, used, ttl, cooldown] = f[..]
        else {
            return Err(MfaError::stored("challenge must have 10 fields"));
        };
        if b64d(id, "id")?.len() != ID_BYTES {
            return Err(MfaError::stored("challenge id must be 16 bytes"));
        }
        if b64d(mac, "mac")?.len() != 32 || b64d(tag, "tag")?.len() != 32 {
            return Err(MfaError::stored("mac and tag must be 32 bytes"));
        }
        let digits: u32 = parse_num(digits, "digits")?;
        if !(4..=10).contains(&digits) {
            return Err(MfaError::stored("digits out of range"));
        }
        let used = match used {
            "0" => false,
            "1" => true,
            _ => return Err(MfaError::stored("used must be 0 or 1")),
        };
        Ok(OtpChallenge {
            id: id.to_owned(),
            mac: mac.to_owned(),
            tag: tag.to_owned(),
            digits,
            expires_at: parse_num(expires_at, "expires_at")?,
            sent_at: parse_num(sent_at, "sent_at")?,
            attempts_left: parse_num(attempts_left, "attempts_left")?,
            used,
            ttl_secs: parse_num(ttl, "ttl_secs")?,
            resend_cooldown_secs: parse_num(cooldown, "resend_cooldown_secs")?,
        })
    }
}

impl TryFrom<String> for OtpChallenge {
    type Error = MfaError;
    fn try_from(stored: String) -> Result<Self> {
        OtpChallenge::from_stored(&stored)
    }
}

impl From<OtpChallenge> for String {
    fn from(challenge: OtpChallenge) -> String {
        challenge.to_stored()
    }
}

/// A code uniform over `0 .. 10^digits`, zero-padded (`gen_range` rejects out-of-range draws
/// instead of reducing modulo, so there is no bias).
fn draw_code<R: RngCore + CryptoRng>(rng: &mut R, digits: u32) -> ChallengeCode {
    let value = rng.gen_range(0..10u64.pow(digits));
    ChallengeCode {
        code: format!("{value:0width$}", width = digits as usize),
    }
}

/// Masks an email address for display: the first character of the local part, `***`, and
/// the domain as given (`jane.doe@example.com` → `j***@example.com`).
///
/// A malformed address (no single `@`, empty local part, a domain without a dot or with an
/// empty label, whitespace, longer than 254 characters) is an
/// [`MfaError::InvalidParameter`] named `email`.
pub fn mask_email(email: &str) -> Result<String> {
    let bad = |why: &str| MfaError::param("email", why.to_owned());
    let email = email.trim();
    if email.is_empty() || email.len() > 254 {
        return Err(bad("must be 1 to 254 characters"));
    }
    if email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad("must not contain whitespace"));
    }
    let (local, domain) = email
        .split_once('@')
        .ok_or_else(|| bad("must contain `@`"))?;
    if domain.contains('@') {
        return Err(bad("must contain a single `@`"));
    }
    let first = local
        .chars()
        .next()
        .ok_or_else(|| bad("the part before `@` is empty"))?;
    if !domain.contains('.') || domain.split('.').any(str::is_empty) {
        return Err(bad("the domain must have dot-separated, non-empty labels"));
    }
    Ok(format!("{first}***@{domain}"))
}

/// Masks an E.164 phone number (ITU-T E.164: `+`, country code, at most 15 digits) showing
/// only the last two digits: `+447911123467` → `+**********67`. Spaces, hyphens, dots and
/// parentheses in the input are ignored.
pub fn mask_phone(phone: &str) -> Result<String> {
    mask_phone_showing(phone, 2)
}

/// Like [`mask_phone`], showing the last `visible` digits (2 to 4).
pub fn mask_phone_showing(phone: &str, visible: u32) -> Result<String> {
    if !(2..=4).contains(&visible) {
        return Err(MfaError::param("visible", "must be between 2 and 4"));
    }
    let bad = || {
        MfaError::param(
            "phone",
            "must be E.164: `+` then 8 to 15 digits, not starting with 0",
        )
    };
    let rest = phone.trim().strip_prefix('+').ok_or_else(bad)?;
    let mut digits = String::with_capacity(15);
    for c in rest.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' | '.' | '(' | ')' => {}
            _ => return Err(bad()),
        }
    }
    if !(8..=15).contains(&digits.len()) || digits.starts_with('0') {
        return Err(bad());
    }
    let shown = digits.len() - visible as usize;
    Ok(format!("+{}{}", "*".repeat(shown), &digits[shown..]))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn issue_verify_once() {
        let key = ChallengeKey::from_bytes(&[1u8; 32]).unwrap();
        let issued = OtpChallenge::issue(&key, &ChallengePolicy::default(), 1000).unwrap();
        let code = issued.code.as_str().to_owned();
        assert_eq!(code.len(), 6);
        let v = issued.challenge.verify(&key, &code, 1001);
        assert_eq!(v.verdict, ChallengeVerdict::Accepted);
        assert_eq!(
            v.challenge.verify(&key, &code, 1002).verdict,
            ChallengeVerdict::Used
        );
        assert_eq!(format!("{:?}", issued.code), "ChallengeCode(<redacted>)");
    }

    #[test]
    fn generated_key_round_trips_through_its_bytes() {
        let first = ChallengeKey::generate();
        assert_eq!(first.expose_bytes().len(), 32);
        assert_eq!(format!("{first:?}"), "ChallengeKey(<redacted>)");
        let stored = first.expose_bytes().to_vec();
        let second = ChallengeKey::from_bytes(&stored).unwrap();
        assert_eq!(second.expose_bytes(), first.expose_bytes());

        let issued = OtpChallenge::issue(&first, &ChallengePolicy::default(), 1000).unwrap();
        drop(first);
        let code = issued.code.as_str().to_owned();
        let v = issued.challenge.verify(&second, &code, 1001);
        assert_eq!(v.verdict, ChallengeVerdict::Accepted);

        // Another generated key does not verify it: the bytes are what carries the key.
        let other = ChallengeKey::generate();
        assert_ne!(other.expose_bytes(), second.expose_bytes());
        let v = issued.challenge.verify(&other, &code, 1001);
        assert_eq!(v.verdict.code(), "wrong");
    }

    /// Every fixed field is under the MAC (issue 18): an edited copy accepts no code and
    /// cannot be re-sent; the serde form is the checked stored string.
    #[test]
    fn edited_fixed_fields_are_refused() {
        let key = ChallengeKey::from_bytes(&[1u8; 32]).unwrap();
        let issued = OtpChallenge::issue(&key, &ChallengePolicy::default(), 1000).unwrap();
        let code = issued.code.as_str().to_owned();
        let edits: [fn(&mut OtpChallenge); 5] = [
            |c| c.expires_at += 3600,
            |c| c.sent_at -= 100,
            |c| c.ttl_secs = 9999,
            |c| c.resend_cooldown_secs = 0,
            |c| c.digits = 7,
        ];
        for edit in edits {
            let mut c = issued.challenge.clone();
            edit(&mut c);
            assert_eq!(c.verify(&key, &code, 1001).verdict.code(), "wrong");
            let err = c.resend(&key, 5000).unwrap_err();
            assert_eq!(err.code(), "invalid_stored_value");
        }
        assert!(issued.challenge.resend(&key, 5000).is_ok());
        let v1 = "mfakit:challenge:v1:EREREREREREREREREREREQ:XUtW9Szrh19Ra7XP-W2E-gbItNKYtIqvkEacVoOfWkU:6:1700000300:1700000000:5:0:300:60";
        assert_eq!(
            OtpChallenge::from_stored(v1).unwrap_err().code(),
            "invalid_stored_value"
        );

        let json = serde_json::to_string(&issued.challenge).unwrap();
        assert_eq!(json, format!("\"{}\"", issued.challenge.to_stored()));
        let back: OtpChallenge = serde_json::from_str(&json).unwrap();
        assert_eq!(back, issued.challenge);
        assert!(serde_json::from_str::<OtpChallenge>(r#""mfakit:challenge:v2:x""#).is_err());
        let long = format!("{code}{}", " ".repeat(MAX_CODE_INPUT_LEN));
        assert_eq!(
            issued.challenge.verify(&key, &long, 1001).verdict.code(),
            "wrong"
        );
    }

    #[test]
    fn masks() {
        assert_eq!(mask_email("jane@example.com").unwrap(), "j***@example.com");
        assert_eq!(mask_phone("+1 (415) 555-2671").unwrap(), "+*********71");
        assert!(mask_email("jane@localhost").is_err());
        assert!(mask_phone("4155552671").is_err());
    }
}
