//! Sealed secrets at rest: AES-256-GCM (NIST SP 800-38D) with named keys, rotation and
//! associated data.
//!
//! # Format
//!
//! ```text
//! mfakit:sealed:v1:<key_id>:<nonce>:<ciphertext>
//! ```
//!
//! - `key_id`: 1 to 64 characters from `A-Z a-z 0-9 . _ -` (never a colon), naming the key
//!   in the [`Keyring`] that sealed the value;
//! - `nonce`: the 96-bit GCM nonce, unpadded base64url (RFC 4648 section 5), 16 characters;
//! - `ciphertext`: the AES-256-GCM ciphertext followed by its 128-bit tag, unpadded base64url.
//!
//! The additional authenticated data (AAD) is the header up to and including the colon after
//! the key id, followed by the caller's associated data:
//!
//! ```text
//! AAD = "mfakit:sealed:v1:" || key_id || ":" || associated_data
//! ```
//!
//! so the version, the key id and the associated data (for example the user id) are all
//! authenticated: a sealed value copied to another user, relabelled with another key id or
//! edited in any byte fails to open with [`MfaError::UnsealFailed`]. Nonces are 96 random bits
//! from the OS CSPRNG per seal; with one key, stay well below 2^32 seals (SP 800-38D section
//! 8.3) — rotate the key long before that.

use std::collections::BTreeMap;
use std::fmt;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::rngs::OsRng;
use rand::RngCore;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::error::{MfaError, Result};

/// The prefix of every sealed value, version included.
pub const SEALED_PREFIX: &str = "mfakit:sealed:v1:";
/// Length of an AES-256 key in bytes.
pub const SEALING_KEY_LEN: usize = 32;
/// Length of the AES-GCM nonce in bytes (96 bits, SP 800-38D section 8.2).
pub const SEALING_NONCE_LEN: usize = 12;
/// Longest key id accepted.
pub const MAX_KEY_ID_LEN: usize = 64;
/// Longest sealed value [`Keyring::open`] parses (64 KiB), so a hostile stored value cannot
/// make mfakit allocate without bound.
pub const MAX_SEALED_LEN: usize = 64 * 1024;
const TAG_LEN: usize = 16;

/// Unpadded base64url (RFC 4648 section 5), the encoding of every binary field in mfakit's
/// stored formats.
pub(crate) fn b64e(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Appends `bytes` as unpadded base64url to `out`.
pub(crate) fn b64e_into(bytes: &[u8], out: &mut String) {
    URL_SAFE_NO_PAD.encode_string(bytes, out);
}

/// Decodes unpadded base64url; anything else is an [`MfaError::InvalidStoredValue`].
pub(crate) fn b64d(text: &str, what: &str) -> Result<Vec<u8>> {
    URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|_| MfaError::stored(format!("{what} is not unpadded base64url")))
}

/// Checks a key id: 1 to 64 characters from `A-Z a-z 0-9 . _ -`.
fn validate_key_id(key_id: &str) -> Result<()> {
    let ok = !key_id.is_empty()
        && key_id.len() <= MAX_KEY_ID_LEN
        && key_id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if ok {
        Ok(())
    } else {
        Err(MfaError::param(
            "key_id",
            format!("must be 1 to {MAX_KEY_ID_LEN} characters from A-Z a-z 0-9 . _ -"),
        ))
    }
}

/// A 256-bit AES-GCM key. Wiped on drop; `Debug` prints `SealingKey(<redacted>)`.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct SealingKey {
    bytes: [u8; SEALING_KEY_LEN],
}

impl SealingKey {
    /// A key from exactly 32 bytes (for example from a KMS or an environment variable).
    pub fn from_bytes(bytes: &[u8]) -> Result<SealingKey> {
        let bytes: [u8; SEALING_KEY_LEN] = bytes
            .try_into()
            .map_err(|_| MfaError::param("key", "must be exactly 32 bytes"))?;
        Ok(SealingKey { bytes })
    }

    /// A key from its unpadded or padded base64url / standard base64 text.
    pub fn from_base64(text: &str) -> Result<SealingKey> {
        let trimmed = text.trim().trim_end_matches('=');
        let decoded = Zeroizing::new(
            URL_SAFE_NO_PAD
                .decode(trimmed.replace('+', "-").replace('/', "_"))
                .map_err(|_| MfaError::param("key", "not valid base64"))?,
        );
        SealingKey::from_bytes(&decoded)
    }

    /// A new random key from the OS CSPRNG.
    pub fn generate() -> SealingKey {
        let mut bytes = [0u8; SEALING_KEY_LEN];
        OsRng.fill_bytes(&mut bytes);
        SealingKey { bytes }
    }

    /// The key as unpadded base64url, for putting in a secret store.
    pub fn to_base64(&self) -> String {
        b64e(&self.bytes)
    }

    fn cipher(&self) -> Aes256Gcm {
        Aes256Gcm::new((&self.bytes).into())
    }
}

impl fmt::Debug for SealingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SealingKey(<redacted>)")
    }
}

/// The parts of a sealed value, borrowed from its text.
struct Parsed<'a> {
    key_id: &'a str,
    nonce: [u8; SEALING_NONCE_LEN],
    ciphertext: Vec<u8>,
}

fn parse(sealed: &str) -> Result<Parsed<'_>> {
    if sealed.len() > MAX_SEALED_LEN {
        return Err(MfaError::stored("sealed value is too long"));
    }
    let rest = sealed
        .strip_prefix(SEALED_PREFIX)
        .ok_or_else(|| MfaError::stored("not an mfakit:sealed:v1 value"))?;
    let mut parts = rest.split(':');
    let (Some(key_id), Some(nonce), Some(ciphertext), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(MfaError::stored(
            "sealed value must have key id, nonce and ciphertext",
        ));
    };
    validate_key_id(key_id).map_err(|_| MfaError::stored("sealed value has a malformed key id"))?;
    let nonce: [u8; SEALING_NONCE_LEN] = b64d(nonce, "nonce")?
        .try_into()
        .map_err(|_| MfaError::stored("nonce must be 12 bytes"))?;
    let ciphertext = b64d(ciphertext, "ciphertext")?;
    if ciphertext.len() < TAG_LEN {
        return Err(MfaError::stored("ciphertext is shorter than the GCM tag"));
    }
    Ok(Parsed {
        key_id,
        nonce,
        ciphertext,
    })
}

fn aad(key_id: &str, associated_data: &[u8]) -> Vec<u8> {
    let mut aad =
        Vec::with_capacity(SEALED_PREFIX.len() + key_id.len() + 1 + associated_data.len());
    aad.extend_from_slice(SEALED_PREFIX.as_bytes());
    aad.extend_from_slice(key_id.as_bytes());
    aad.push(b':');
    aad.extend_from_slice(associated_data);
    aad
}

/// The key id named by a sealed value, without opening it (for example to count values still
/// sealed with a retired key).
pub fn sealed_key_id(sealed: &str) -> Result<&str> {
    parse(sealed).map(|p| p.key_id)
}

/// Named sealing keys: one current key that seals, and any number of older keys that still
/// open values sealed before a rotation.
///
/// Rotation: add the new key, make it current, then [`Keyring::reseal`] stored values at
/// leisure (for example when a user next signs in); drop the old key once
/// [`Keyring::needs_reseal`] is false everywhere.
#[derive(Clone, Debug)]
pub struct Keyring {
    current: String,
    keys: BTreeMap<String, SealingKey>,
}

impl Keyring {
    /// A keyring whose current (sealing) key is `key` under `key_id`.
    pub fn new(key_id: &str, key: SealingKey) -> Result<Keyring> {
        validate_key_id(key_id)?;
        let mut keys = BTreeMap::new();
        keys.insert(key_id.to_owned(), key);
        Ok(Keyring {
            current: key_id.to_owned(),
            keys,
        })
    }

    /// Adds (or replaces) a key that can open values; it does not become current.
    pub fn add(&mut self, key_id: &str, key: SealingKey) -> Result<()> {
        validate_key_id(key_id)?;
        self.keys.insert(key_id.to_owned(), key);
        Ok(())
    }

    /// Makes an already added key the one that seals.
    pub fn set_current(&mut self, key_id: &str) -> Result<()> {
        if !self.keys.contains_key(key_id) {
            return Err(MfaError::UnknownKey {
                key_id: key_id.to_owned(),
            });
        }
        self.current = key_id.to_owned();
        Ok(())
    }

    /// The id of the key that seals.
    pub fn current_key_id(&self) -> &str {
        &self.current
    }

    /// The ids of every key in the ring, sorted.
    pub fn key_ids(&self) -> Vec<String> {
        self.keys.keys().cloned().collect()
    }

    /// Seals `plaintext` with the current key and a fresh random nonce, binding
    /// `associated_data` (for example the user id; may be empty).
    pub fn seal(&self, plaintext: &[u8], associated_data: &[u8]) -> Result<String> {
        let mut nonce = [0u8; SEALING_NONCE_LEN];
        OsRng.fill_bytes(&mut nonce);
        self.seal_inner(plaintext, associated_data, &nonce)
    }

    /// **For known-answer test vectors only**: seals with a caller-chosen nonce. Reusing a
    /// nonce under one key destroys GCM's confidentiality and integrity, so this exists only
    /// in mfakit's own test builds (cargo feature `test-vectors`, which no shipped package
    /// enables); production code calls [`Keyring::seal`].
    #[cfg(any(test, feature = "test-vectors"))]
    #[doc(hidden)]
    pub fn seal_with_nonce(
        &self,
        plaintext: &[u8],
        associated_data: &[u8],
        nonce: &[u8; SEALING_NONCE_LEN],
    ) -> Result<String> {
        self.seal_inner(plaintext, associated_data, nonce)
    }

    fn seal_inner(
        &self,
        plaintext: &[u8],
        associated_data: &[u8],
        nonce: &[u8; SEALING_NONCE_LEN],
    ) -> Result<String> {
        let key = self
            .keys
            .get(&self.current)
            .ok_or_else(|| MfaError::Internal {
                reason: "current key missing from keyring".to_owned(),
            })?;
        let ciphertext = key
            .cipher()
            .encrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: plaintext,
                    aad: &aad(&self.current, associated_data),
                },
            )
            .map_err(|_| MfaError::Internal {
                reason: "AES-GCM encryption failed (plaintext too long?)".to_owned(),
            })?;
        Ok(format!(
            "{SEALED_PREFIX}{}:{}:{}",
            self.current,
            b64e(nonce),
            b64e(&ciphertext)
        ))
    }

    /// Opens a sealed value with whichever key it names.
    ///
    /// Errors: [`MfaError::InvalidStoredValue`] when malformed, [`MfaError::UnknownKey`] when
    /// the key id is not in the ring, [`MfaError::UnsealFailed`] for a wrong key, wrong
    /// associated data or any tampering.
    pub fn open(&self, sealed: &str, associated_data: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        let parsed = parse(sealed)?;
        let key = self
            .keys
            .get(parsed.key_id)
            .ok_or_else(|| MfaError::UnknownKey {
                key_id: parsed.key_id.to_owned(),
            })?;
        key.cipher()
            .decrypt(
                Nonce::from_slice(&parsed.nonce),
                Payload {
                    msg: &parsed.ciphertext,
                    aad: &aad(parsed.key_id, associated_data),
                },
            )
            .map(Zeroizing::new)
            .map_err(|_| MfaError::UnsealFailed)
    }

    /// Whether `sealed` was sealed with a key other than the current one.
    pub fn needs_reseal(&self, sealed: &str) -> Result<bool> {
        Ok(parse(sealed)?.key_id != self.current)
    }

    /// Opens `sealed` with any known key and seals it again with the current key and a new
    /// nonce (key rotation). The associated data stays the same.
    pub fn reseal(&self, sealed: &str, associated_data: &[u8]) -> Result<String> {
        let plaintext = self.open(sealed, associated_data)?;
        self.seal(&plaintext, associated_data)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn ring() -> Keyring {
        Keyring::new("k1", SealingKey::from_bytes(&[7u8; 32]).unwrap()).unwrap()
    }

    #[test]
    fn round_trip_and_aad() {
        let r = ring();
        let s = r.seal(b"secret", b"user-1").unwrap();
        assert!(s.starts_with("mfakit:sealed:v1:k1:"));
        assert_eq!(&*r.open(&s, b"user-1").unwrap(), b"secret");
        assert_eq!(r.open(&s, b"user-2").unwrap_err(), MfaError::UnsealFailed);
    }

    #[test]
    fn relabelled_key_id_fails() {
        let mut r = ring();
        r.add("k2", SealingKey::from_bytes(&[7u8; 32]).unwrap())
            .unwrap();
        let s = r.seal(b"secret", b"").unwrap();
        let relabelled = s.replacen(":k1:", ":k2:", 1);
        assert_eq!(
            r.open(&relabelled, b"").unwrap_err(),
            MfaError::UnsealFailed
        );
    }

    #[test]
    fn debug_is_redacted() {
        let k = SealingKey::from_bytes(&[9u8; 32]).unwrap();
        assert_eq!(format!("{k:?}"), "SealingKey(<redacted>)");
        assert!(!format!("{:?}", ring()).contains("7, 7"));
    }
}
