//! Sealed secrets at rest: AES-256-GCM with named keys, rotation and associated data.

use std::fmt;
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use mfakit_core as mfa;

use crate::error::{guard, MfaError};
use crate::secret::Secret;

/// A 256-bit AES-GCM key. Wiped when freed; `toString()` prints `SealingKey(<redacted>)`.
#[derive(uniffi::Object)]
#[uniffi::export(Debug)]
pub struct SealingKey(mfa::SealingKey);

impl fmt::Debug for SealingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[uniffi::export]
impl SealingKey {
    /// A key from exactly 32 bytes (`invalid_parameter` otherwise).
    #[uniffi::constructor]
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Arc<SealingKey>, MfaError> {
        guard(|| Ok(Arc::new(SealingKey(mfa::SealingKey::from_bytes(&bytes)?))))
    }

    /// A key from base64url or standard base64 text, padded or not.
    #[uniffi::constructor]
    pub fn from_base64(text: String) -> Result<Arc<SealingKey>, MfaError> {
        guard(|| Ok(Arc::new(SealingKey(mfa::SealingKey::from_base64(&text)?))))
    }

    /// A new random key from the OS CSPRNG (`internal` only if the OS has no randomness).
    #[uniffi::constructor]
    pub fn generate() -> Result<Arc<SealingKey>, MfaError> {
        guard(|| Ok(Arc::new(SealingKey(mfa::SealingKey::generate()))))
    }

    /// The key as unpadded base64url, for a secret store.
    pub fn to_base64(&self) -> String {
        self.0.to_base64()
    }
}

/// The key id named by a sealed value, without opening it.
#[uniffi::export]
pub fn sealed_key_id(sealed: String) -> Result<String, MfaError> {
    guard(|| Ok(mfa::sealed::sealed_key_id(&sealed)?.to_owned()))
}

/// Named sealing keys: one current key that seals, older ones that still open. Values look like
/// `mfakit:sealed:v1:<keyId>:<nonce>:<ciphertext>`; the version, key id and associated data are
/// authenticated. Safe to share between threads. `toString()` redacts the keys.
#[derive(uniffi::Object)]
#[uniffi::export(Debug)]
pub struct Keyring(RwLock<mfa::Keyring>);

impl fmt::Debug for Keyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.read().fmt(f)
    }
}

impl Keyring {
    // A poisoned lock means a core panic while it was held; the core's mutations are a single
    // map insert or field assignment, so the ring cannot be left half-updated: keep using it.
    fn read(&self) -> RwLockReadGuard<'_, mfa::Keyring> {
        self.0.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, mfa::Keyring> {
        self.0.write().unwrap_or_else(|e| e.into_inner())
    }

    /// A copy of the ring as it is now (the service keeps its own: later `add` or
    /// `setCurrent` calls do not reach an `Mfa` built before them).
    pub(crate) fn snapshot(&self) -> mfa::Keyring {
        self.read().clone()
    }
}

#[uniffi::export]
impl Keyring {
    /// A keyring whose current (sealing) key is `key` under `keyId` (1 to 64 characters of
    /// `A-Z a-z 0-9 . _ -`).
    #[uniffi::constructor]
    pub fn new(key_id: String, key: Arc<SealingKey>) -> Result<Arc<Keyring>, MfaError> {
        guard(|| {
            Ok(Arc::new(Keyring(RwLock::new(mfa::Keyring::new(
                &key_id,
                key.0.clone(),
            )?))))
        })
    }

    /// Adds (or replaces) a key that can open values; it does not become current.
    pub fn add(&self, key_id: String, key: Arc<SealingKey>) -> Result<(), MfaError> {
        guard(|| Ok(self.write().add(&key_id, key.0.clone())?))
    }

    /// Makes an already added key the one that seals (`unknown_key` otherwise).
    pub fn set_current(&self, key_id: String) -> Result<(), MfaError> {
        guard(|| Ok(self.write().set_current(&key_id)?))
    }

    /// The id of the key that seals.
    pub fn current_key_id(&self) -> String {
        self.read().current_key_id().to_owned()
    }

    /// The ids of every key in the ring, sorted.
    pub fn key_ids(&self) -> Vec<String> {
        self.read().key_ids()
    }

    /// Seals `plaintext` with the current key and a fresh random nonce, binding
    /// `associatedData` (for example the user id; may be empty).
    pub fn seal(&self, plaintext: Vec<u8>, associated_data: Vec<u8>) -> Result<String, MfaError> {
        guard(|| Ok(self.read().seal(&plaintext, &associated_data)?))
    }

    /// Opens a sealed value with whichever key it names: `invalid_stored_value` when malformed,
    /// `unknown_key` for a key id not in the ring, `unseal_failed` for a wrong key, wrong
    /// associated data or any tampering.
    pub fn open(&self, sealed: String, associated_data: Vec<u8>) -> Result<Vec<u8>, MfaError> {
        guard(|| Ok(self.read().open(&sealed, &associated_data)?.to_vec()))
    }

    /// Seals an OTP secret without its bytes passing through the caller's memory.
    pub fn seal_secret(
        &self,
        secret: Arc<Secret>,
        associated_data: Vec<u8>,
    ) -> Result<String, MfaError> {
        guard(|| Ok(self.read().seal(secret.0.as_bytes(), &associated_data)?))
    }

    /// Opens a value sealed by `sealSecret` straight into a `Secret`.
    pub fn open_secret(
        &self,
        sealed: String,
        associated_data: Vec<u8>,
    ) -> Result<Arc<Secret>, MfaError> {
        guard(|| {
            let bytes = self.read().open(&sealed, &associated_data)?;
            Ok(Arc::new(Secret(mfa::Secret::from_bytes(&bytes)?)))
        })
    }

    /// Whether `sealed` was sealed with a key other than the current one.
    pub fn needs_reseal(&self, sealed: String) -> Result<bool, MfaError> {
        guard(|| Ok(self.read().needs_reseal(&sealed)?))
    }

    /// Opens `sealed` with any known key and seals it again with the current key (rotation).
    pub fn reseal(&self, sealed: String, associated_data: Vec<u8>) -> Result<String, MfaError> {
        guard(|| Ok(self.read().reseal(&sealed, &associated_data)?))
    }
}
