//! JavaScript face of `core/src/sealed.rs`: secrets sealed with AES-256-GCM under key ids,
//! bound to associated data (a user id), with key rotation.

use mfakit_core::{self as mfa};
use napi::bindgen_prelude::{Buffer, Unknown};
use napi::Env;
use napi_derive::napi;

use crate::convert::{bytes, instance, key_bytes, string};
use crate::error::guard;

/// A 256-bit AES-GCM key. `toString()` and `util.inspect` never show it.
#[napi]
pub struct SealingKey {
    inner: mfa::SealingKey,
}

#[napi]
impl SealingKey {
    /// A key from exactly 32 raw bytes.
    #[napi(constructor, ts_args_type = "key: Uint8Array")]
    pub fn new(env: Env, key: Unknown<'_>) -> napi::Result<Self> {
        guard(&env, || {
            Ok(SealingKey {
                inner: mfa::SealingKey::from_bytes(&key_bytes(key, "key")?)?,
            })
        })
    }

    /// A key from base64 (standard or URL-safe, padding optional), as kept in configuration.
    #[napi(factory, ts_args_type = "text: string")]
    pub fn from_base64(env: Env, text: Unknown<'_>) -> napi::Result<Self> {
        guard(&env, || {
            let text = zeroize::Zeroizing::new(string(text, "text")?);
            Ok(SealingKey {
                inner: mfa::SealingKey::from_base64(&text)?,
            })
        })
    }

    /// A new random key from the OS CSPRNG.
    #[napi(factory)]
    pub fn generate() -> Self {
        SealingKey {
            inner: mfa::SealingKey::generate(),
        }
    }

    /// The key as unpadded base64url, for configuration. A method, so it never shows when
    /// logged.
    #[napi]
    pub fn to_base64(&self) -> String {
        self.inner.to_base64()
    }

    /// `SealingKey(<redacted>)`.
    #[napi(js_name = "toString")]
    pub fn describe(&self) -> &'static str {
        "SealingKey(<redacted>)"
    }
}

fn sealing_key(env: &Env, value: Unknown<'_>) -> mfa::Result<mfa::SealingKey> {
    Ok(instance::<SealingKey>(env, value, "key", "SealingKey")?
        .inner
        .clone())
}

/// Sealing keys by id, one of them current: `seal` uses the current key, `open` the key the
/// sealed value names. Rotate by `add`ing a key and making it current; `reseal` old values.
#[napi]
pub struct Keyring {
    inner: mfa::Keyring,
}

#[napi]
impl Keyring {
    /// A keyring holding one key, which is current. Key ids: 1 to 64 of `A-Z a-z 0-9 . _ -`.
    #[napi(constructor, ts_args_type = "keyId: string, key: SealingKey")]
    pub fn new(env: Env, key_id: Unknown<'_>, key: Unknown<'_>) -> napi::Result<Self> {
        guard(&env, || {
            Ok(Keyring {
                inner: mfa::Keyring::new(&string(key_id, "keyId")?, sealing_key(&env, key)?)?,
            })
        })
    }

    /// Adds (or replaces) a key; the current key stays current.
    #[napi(ts_args_type = "keyId: string, key: SealingKey")]
    pub fn add(&mut self, env: Env, key_id: Unknown<'_>, key: Unknown<'_>) -> napi::Result<()> {
        guard(&env, || {
            self.inner
                .add(&string(key_id, "keyId")?, sealing_key(&env, key)?)
        })
    }

    /// Makes `keyId` the key new values are sealed with (`unknown_key` if absent).
    #[napi(ts_args_type = "keyId: string")]
    pub fn set_current(&mut self, env: Env, key_id: Unknown<'_>) -> napi::Result<()> {
        guard(&env, || self.inner.set_current(&string(key_id, "keyId")?))
    }

    /// The id of the current key.
    #[napi(getter)]
    pub fn current_key_id(&self) -> String {
        self.inner.current_key_id().to_owned()
    }

    /// Every key id, sorted.
    #[napi(getter)]
    pub fn key_ids(&self) -> Vec<String> {
        self.inner.key_ids()
    }

    /// Seals `plaintext` (bytes, or text as UTF-8) bound to `associatedData` (e.g. the user
    /// id; default empty): `mfakit:sealed:v1:<keyId>:<nonce>:<ciphertext>`.
    #[napi(ts_args_type = "plaintext: Uint8Array | string, associatedData?: Uint8Array | string")]
    pub fn seal(
        &self,
        env: Env,
        plaintext: Unknown<'_>,
        associated_data: Option<Unknown<'_>>,
    ) -> napi::Result<String> {
        guard(&env, || {
            let plaintext = bytes(Some(plaintext), "plaintext")?;
            self.inner
                .seal(&plaintext, &bytes(associated_data, "associatedData")?)
        })
    }

    /// Opens a sealed value: `unseal_failed` for a wrong key, wrong associated data or
    /// tampering; `unknown_key` for a key id not in the ring; `invalid_stored_value` for a
    /// malformed value.
    #[napi(ts_args_type = "sealed: string, associatedData?: Uint8Array | string")]
    pub fn open(
        &self,
        env: Env,
        sealed: Unknown<'_>,
        associated_data: Option<Unknown<'_>>,
    ) -> napi::Result<Buffer> {
        guard(&env, || {
            let opened = self.inner.open(
                &string(sealed, "sealed")?,
                &bytes(associated_data, "associatedData")?,
            )?;
            Ok(Buffer::from(opened.as_slice()))
        })
    }

    /// Whether `sealed` was sealed with a key other than the current one.
    #[napi(ts_args_type = "sealed: string")]
    pub fn needs_reseal(&self, env: Env, sealed: Unknown<'_>) -> napi::Result<bool> {
        guard(&env, || self.inner.needs_reseal(&string(sealed, "sealed")?))
    }

    /// Opens `sealed` and seals it again with the current key.
    #[napi(ts_args_type = "sealed: string, associatedData?: Uint8Array | string")]
    pub fn reseal(
        &self,
        env: Env,
        sealed: Unknown<'_>,
        associated_data: Option<Unknown<'_>>,
    ) -> napi::Result<String> {
        guard(&env, || {
            self.inner.reseal(
                &string(sealed, "sealed")?,
                &bytes(associated_data, "associatedData")?,
            )
        })
    }

    /// `Keyring(current="k2", keyIds=["k1","k2"])`; keys never show.
    #[napi(js_name = "toString")]
    pub fn describe(&self) -> String {
        format!(
            "Keyring(current={:?}, keyIds={:?})",
            self.inner.current_key_id(),
            self.inner.key_ids()
        )
    }
}

impl Keyring {
    /// The core keyring, for the service (`account.rs`).
    pub(crate) fn core(&self) -> &mfa::Keyring {
        &self.inner
    }
}

/// The key id a sealed value names (`invalid_stored_value` if malformed).
#[napi(ts_args_type = "sealed: string")]
pub fn sealed_key_id(env: Env, sealed: Unknown<'_>) -> napi::Result<String> {
    guard(&env, || {
        Ok(mfa::sealed::sealed_key_id(&string(sealed, "sealed")?)?.to_owned())
    })
}
