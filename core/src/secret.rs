//! Shared secrets for HOTP/TOTP: generation from the OS CSPRNG, tolerant base32 decoding,
//! zeroization on drop and redacted `Debug`.

use std::fmt;

use rand::rngs::OsRng;
use rand::RngCore;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::error::{MfaError, Result};

/// A shared HOTP/TOTP secret.
///
/// The bytes are wiped when the value is dropped, and `Debug` prints `Secret(<redacted>)`.
/// There is deliberately no `Display`: use [`Secret::to_base32`] where the secret must be shown.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct Secret {
    bytes: Vec<u8>,
}

impl Secret {
    /// Size of a newly generated secret: 160 bits, the HMAC-SHA1 output size that
    /// RFC 4226 section 4 recommends.
    pub const DEFAULT_BITS: usize = 160;
    /// The smallest secret accepted for a new enrolment (RFC 4226 section 4, requirement R6).
    pub const MIN_ENROLMENT_BITS: usize = 128;
    /// The smallest secret accepted on import: 80 bits, what legacy authenticator setups used.
    /// Shorter is [`MfaError::InvalidSecret`] (code `invalid_secret` in every language): an
    /// 8-bit secret has 256 possible code sequences. Between 80 and 127 bits a secret still
    /// imports, so existing enrolments keep working, but is below RFC 4226's requirement R6:
    /// re-enrol such users ([`Secret::check_enrolment`] tells them apart).
    pub const MIN_IMPORT_BITS: usize = 80;
    /// The largest secret mfakit accepts, generated or imported.
    pub const MAX_BITS: usize = 8 * 1024;

    /// A new random 160-bit secret from the OS CSPRNG.
    pub fn generate() -> Secret {
        let mut bytes = vec![0u8; Self::DEFAULT_BITS / 8];
        OsRng.fill_bytes(&mut bytes);
        Secret { bytes }
    }

    /// A new random secret of `bits` bits (a multiple of 8, at least 128) from the OS CSPRNG.
    pub fn generate_bits(bits: usize) -> Result<Secret> {
        if !bits.is_multiple_of(8) || !(Self::MIN_ENROLMENT_BITS..=Self::MAX_BITS).contains(&bits) {
            return Err(MfaError::param(
                "bits",
                format!(
                    "must be a multiple of 8 between {} and {}",
                    Self::MIN_ENROLMENT_BITS,
                    Self::MAX_BITS
                ),
            ));
        }
        let mut bytes = vec![0u8; bits / 8];
        OsRng.fill_bytes(&mut bytes);
        Ok(Secret { bytes })
    }

    /// Imports raw secret bytes: [`Secret::MIN_IMPORT_BITS`] (80) to [`Secret::MAX_BITS`], so
    /// that existing 80-bit secrets keep verifying; see [`Secret::check_enrolment`] for new
    /// ones (128 bits or more).
    pub fn from_bytes(bytes: &[u8]) -> Result<Secret> {
        if bytes.is_empty() {
            return Err(MfaError::secret("empty"));
        }
        if bytes.len() * 8 < Self::MIN_IMPORT_BITS {
            return Err(MfaError::secret(format!(
                "{} bits is shorter than the {}-bit minimum",
                bytes.len() * 8,
                Self::MIN_IMPORT_BITS
            )));
        }
        if bytes.len() * 8 > Self::MAX_BITS {
            return Err(MfaError::secret(format!(
                "longer than {} bits",
                Self::MAX_BITS
            )));
        }
        Ok(Secret {
            bytes: bytes.to_vec(),
        })
    }

    /// Imports a base32 secret (RFC 4648 alphabet), tolerant of what people paste: lower
    /// case, spaces, hyphens, and missing or extra `=` padding. Anything else is an
    /// [`MfaError::InvalidSecret`].
    pub fn from_base32(text: &str) -> Result<Secret> {
        let normalized = normalize_base32(text)?;
        // `normalize_base32` has checked the alphabet and the length, so this decodes.
        let bytes = base32::decode(base32::Alphabet::Rfc4648 { padding: false }, &normalized)
            .ok_or_else(|| MfaError::secret("not valid base32"))?;
        let secret = Secret::from_bytes(&bytes);
        drop(Zeroizing::new(bytes));
        secret
    }

    /// The secret as unpadded upper-case base32, the form authenticator apps expect.
    pub fn to_base32(&self) -> String {
        base32::encode(base32::Alphabet::Rfc4648 { padding: false }, &self.bytes)
    }

    /// The raw secret bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The secret's length in bits.
    pub fn bits(&self) -> usize {
        self.bytes.len() * 8
    }

    /// Refuses secrets too short for a new enrolment (fewer than 128 bits, RFC 4226 R6).
    /// Imported secrets skip this check so that legacy 80-bit secrets still verify.
    pub fn check_enrolment(&self) -> Result<()> {
        if self.bits() < Self::MIN_ENROLMENT_BITS {
            return Err(MfaError::secret(format!(
                "{} bits is too short for a new enrolment (at least {} required)",
                self.bits(),
                Self::MIN_ENROLMENT_BITS
            )));
        }
        Ok(())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// Upper-cases, drops spaces and hyphens and trailing padding, then checks the alphabet and
/// that the length is one a base32 encoding can have (RFC 4648 section 6).
fn normalize_base32(text: &str) -> Result<Zeroizing<String>> {
    let mut out = Zeroizing::new(String::with_capacity(text.len()));
    let mut padding_seen = false;
    for c in text.chars() {
        match c {
            ' ' | '\t' | '-' => {}
            '=' => padding_seen = true,
            'a'..='z' | 'A'..='Z' | '2'..='7' if !padding_seen => out.push(c.to_ascii_uppercase()),
            'a'..='z' | 'A'..='Z' | '2'..='7' => {
                return Err(MfaError::secret("padding `=` in the middle of the secret"))
            }
            _ => {
                return Err(MfaError::secret(
                    "not valid base32 (allowed: A-Z, 2-7, spaces, hyphens, `=` padding)",
                ))
            }
        }
    }
    if out.is_empty() {
        return Err(MfaError::secret("empty"));
    }
    // 8 characters carry 5 bytes; a final group of 1, 3 or 6 characters cannot occur.
    if matches!(out.len() % 8, 1 | 3 | 6) {
        return Err(MfaError::secret(
            "base32 length is not valid (truncated secret?)",
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let s = Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap();
        assert_eq!(format!("{s:?}"), "Secret(<redacted>)");
        assert!(!format!("{s:?}").contains("JBSW"));
    }

    #[test]
    fn generated_secret_has_default_size_and_differs() {
        let a = Secret::generate();
        let b = Secret::generate();
        assert_eq!(a.bits(), 160);
        assert_ne!(a, b);
        assert!(a.check_enrolment().is_ok());
    }

    #[test]
    fn short_secret_imports_but_cannot_enrol() {
        let s = Secret::from_bytes(&[1u8; 10]).unwrap();
        assert_eq!(s.bits(), 80);
        assert_eq!(s.check_enrolment().unwrap_err().code(), "invalid_secret");
        assert!(Secret::generate_bits(80).is_err());
    }
}
