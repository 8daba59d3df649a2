//! JavaScript face of `core/src/secret.rs`: new secrets, base32 conversion, and secrets
//! passed in as options.

use mfakit_core::{MfaError, Result, Secret};
use napi::bindgen_prelude::{Buffer, FromNapiValue, Unknown};
use napi::{Env, JsValue, ValueType};
use napi_derive::napi;
use zeroize::Zeroizing;

use crate::convert::{given, opt_u32, read_into};
use crate::error::guard;

/// A new random secret from the OS CSPRNG, as unpadded upper-case base32 (RFC 4648), ready
/// for `new Totp({ secret })` and for storage.
///
/// `bits` must be a multiple of 8 between 128 and 8192; the default, 160, is the HMAC-SHA1
/// output size RFC 4226 section 4 recommends.
#[napi(ts_args_type = "bits?: number")]
pub fn random_secret(env: Env, bits: Option<Unknown<'_>>) -> napi::Result<String> {
    guard(&env, || {
        let bits = opt_u32(&env, bits, "bits")?.map_or(Secret::DEFAULT_BITS, |b| b as usize);
        Ok(Secret::generate_bits(bits)?.to_base32())
    })
}

/// Decodes a base32 secret the way mfakit reads every secret: tolerant of lower case, spaces,
/// hyphens and missing or extra `=` padding; anything else throws `MfaError` with code
/// `invalid_secret`.
#[napi(ts_args_type = "text: string")]
pub fn decode_secret(env: Env, text: Unknown<'_>) -> napi::Result<Buffer> {
    guard(&env, || {
        let secret = from_js(Some(text))?;
        Ok(Buffer::from(secret.as_bytes()))
    })
}

/// Encodes raw secret bytes as unpadded upper-case base32 (what authenticator apps expect).
#[napi(ts_args_type = "bytes: Uint8Array")]
pub fn encode_secret(env: Env, bytes: Unknown<'_>) -> napi::Result<String> {
    guard(&env, || {
        if !bytes.is_typedarray().unwrap_or(false) {
            return Err(bad_secret());
        }
        Ok(from_js(Some(bytes))?.to_base32())
    })
}

/// [`from_js`] for the calls made per request (`verifyTotp`, `new Totp`): base32 text of up
/// to 123 characters (a 76-byte secret; secrets in use have 10 to 64 bytes) is read with one
/// N-API call into a stack buffer that is zeroized afterwards, instead of three calls and a
/// heap copy. Longer text and byte arrays take the ordinary way.
pub(crate) fn read(env: &Env, value: Option<Unknown<'_>>) -> Result<Secret> {
    if let Some(v) = &value {
        let mut buf = Zeroizing::new([0u8; 128]);
        if let Some(Some(text)) = read_into(env, v, &mut buf[..]) {
            return Secret::from_base32(text);
        }
    }
    from_js(value)
}

/// A secret as JavaScript passes it: base32 text or raw bytes (`Buffer` / `Uint8Array`).
pub(crate) fn from_js(value: Option<Unknown<'_>>) -> Result<Secret> {
    let Some(value) = given(value)? else {
        return Err(MfaError::InvalidSecret {
            reason: "missing (`secret` is required)".to_owned(),
        });
    };
    match value.get_type().map_err(|_| bad_secret())? {
        ValueType::String => {
            let text = Zeroizing::new(String::from_unknown(value).map_err(|_| bad_secret())?);
            Secret::from_base32(&text)
        }
        ValueType::Object if value.is_typedarray().unwrap_or(false) => {
            let bytes = <&[u8]>::from_unknown(value).map_err(|_| bad_secret())?;
            Secret::from_bytes(bytes)
        }
        _ => Err(bad_secret()),
    }
}

fn bad_secret() -> MfaError {
    MfaError::InvalidSecret {
        reason: "must be base32 text or a Buffer/Uint8Array of bytes".to_owned(),
    }
}
