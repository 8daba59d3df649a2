//! `Secret`: a shared HOTP/TOTP secret, zeroized in Rust when released, redacted in
//! `toString()` / `description`.

use std::fmt;
use std::sync::Arc;

use mfakit_core as mfa;

use crate::error::{guard, unsigned32, MfaError};

/// A shared HOTP/TOTP secret (RFC 4226 section 4). The bytes live in Rust and are wiped when
/// the object is closed or collected; `toString()` prints `Secret(<redacted>)`. Use
/// `toBase32()` where the secret must be shown to the user.
#[derive(uniffi::Object)]
#[uniffi::export(Debug)]
pub struct Secret(pub(crate) mfa::Secret);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[uniffi::export]
impl Secret {
    /// A new random 160-bit secret from the OS CSPRNG (the size RFC 4226 section 4 recommends).
    /// Throws (`internal`) only if the OS has no randomness to give.
    #[uniffi::constructor]
    pub fn generate() -> Result<Arc<Secret>, MfaError> {
        guard(|| Ok(Arc::new(Secret(mfa::Secret::generate()))))
    }

    /// A new random secret of `bits` bits: a multiple of 8, 128 to 8192.
    #[uniffi::constructor]
    pub fn generate_bits(bits: i32) -> Result<Arc<Secret>, MfaError> {
        guard(|| {
            let bits = unsigned32("bits", bits)? as usize;
            Ok(Arc::new(Secret(mfa::Secret::generate_bits(bits)?)))
        })
    }

    /// Imports a base32 secret (RFC 4648), tolerant of lower case, spaces, hyphens and missing
    /// or extra `=` padding.
    #[uniffi::constructor]
    pub fn from_base32(text: String) -> Result<Arc<Secret>, MfaError> {
        guard(|| Ok(Arc::new(Secret(mfa::Secret::from_base32(&text)?))))
    }

    /// Imports raw secret bytes: any non-empty length up to 8192 bits, so that legacy 80-bit
    /// secrets still verify (see `checkEnrolment()` for new ones).
    #[uniffi::constructor]
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Arc<Secret>, MfaError> {
        guard(|| Ok(Arc::new(Secret(mfa::Secret::from_bytes(&bytes)?))))
    }

    /// The secret as unpadded upper-case base32, the form authenticator apps expect.
    pub fn to_base32(&self) -> String {
        self.0.to_base32()
    }

    /// A copy of the raw secret bytes (the copy is the caller's to wipe).
    pub fn to_bytes(&self) -> Vec<u8> {
        self.0.as_bytes().to_vec()
    }

    /// The secret's length in bits.
    pub fn bits(&self) -> i32 {
        // At most 8192 (`Secret::MAX_BITS`), so this fits.
        i32::try_from(self.0.bits()).unwrap_or(i32::MAX)
    }

    /// Refuses secrets shorter than 128 bits for a new enrolment (RFC 4226 R6) with
    /// `invalid_secret`; imported secrets skip this check.
    pub fn check_enrolment(&self) -> Result<(), MfaError> {
        guard(|| Ok(self.0.check_enrolment()?))
    }
}
