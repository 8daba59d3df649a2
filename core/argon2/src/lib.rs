//! # mfakit-argon2
//!
//! argon2id (RFC 9106, version 0x13) for mfakit's recovery codes, computed by libsodium
//! (`crypto_pwhash_argon2id`): an audited C library, maintained by its author for over a decade,
//! with argon2 block functions vectorised for AVX2 and SSSE3 and chosen at run time.
//!
//! This is the only crate of mfakit with `unsafe` code: one call into libsodium with
//! pointers and lengths taken from Rust slices, and `sodium_init`. mfakit-core forbids unsafe
//! code and calls [`argon2id`] only.
//!
//! libsodium's public API fixes the lane count at one (`p = 1`), which is mfakit's default;
//! mfakit-core computes other lane counts with RustCrypto's `argon2` (safe Rust).
#![warn(missing_docs)]

use std::sync::OnceLock;

/// Salt length libsodium's argon2id takes (`crypto_pwhash_SALTBYTES`), which is mfakit's.
pub const SALT_LEN: usize = 16;
/// Smallest memory cost in KiB (`crypto_pwhash_argon2id_MEMLIMIT_MIN` is 8192 bytes).
pub const MIN_M_COST_KIB: u32 = 8;

/// Why an evaluation did not run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Argon2Error {
    /// `sodium_init` failed (libsodium could not initialise its random source or CPU
    /// detection).
    Init,
    /// libsodium refused the parameters or could not allocate the working memory.
    Failed,
}

impl std::fmt::Display for Argon2Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Argon2Error::Init => "libsodium failed to initialise",
            Argon2Error::Failed => "libsodium argon2id failed (parameters or memory)",
        })
    }
}

impl std::error::Error for Argon2Error {}

/// `sodium_init` once per process: besides the random source, it selects the fastest argon2
/// block function this CPU supports; without it libsodium uses the portable one.
fn init() -> Result<(), Argon2Error> {
    static INIT: OnceLock<bool> = OnceLock::new();
    // SAFETY: `sodium_init` takes no arguments, is thread-safe and idempotent (libsodium
    // documents it may be called more than once and from several threads); 0 = initialised
    // now, 1 = already initialised, -1 = failure.
    let ok = *INIT.get_or_init(|| unsafe { libsodium_sys::sodium_init() } >= 0);
    if ok {
        Ok(())
    } else {
        Err(Argon2Error::Init)
    }
}

/// One argon2id evaluation with one lane: `out` ← argon2id(password, salt, t passes,
/// m KiB), tag length `out.len()` (16 or more). libsodium allocates the working memory for
/// the call, wipes it and frees it before returning.
pub fn argon2id(
    password: &[u8],
    salt: &[u8; SALT_LEN],
    t_cost: u32,
    m_cost_kib: u32,
    out: &mut [u8],
) -> Result<(), Argon2Error> {
    init()?;
    if t_cost == 0 || m_cost_kib < MIN_M_COST_KIB || out.len() < 16 {
        return Err(Argon2Error::Failed);
    }
    let memlimit =
        usize::try_from(u64::from(m_cost_kib) * 1024).map_err(|_| Argon2Error::Failed)?;
    // SAFETY: `out` and `password` are valid for `len()` bytes (writes / reads) for the whole
    // call, `salt` for the 16 bytes libsodium reads (`crypto_pwhash_SALTBYTES`); the lengths
    // are passed as the C types the binding declares (usize → u64 is lossless); libsodium keeps
    // no pointer after returning. The call is re-entrant (no global state besides what
    // `sodium_init` set up above).
    let rc = unsafe {
        libsodium_sys::crypto_pwhash_argon2id(
            out.as_mut_ptr(),
            out.len() as u64,
            password.as_ptr().cast(),
            password.len() as u64,
            salt.as_ptr(),
            u64::from(t_cost),
            memlimit,
            libsodium_sys::crypto_pwhash_argon2id_ALG_ARGON2ID13 as i32,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(Argon2Error::Failed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Out-of-range parameters are refused before libsodium is called; known answers are
    /// checked in mfakit-core (core/tests/argon2_engine.rs) against RustCrypto's `argon2`.
    #[test]
    fn refuses_bad_parameters() {
        let mut out = [0u8; 32];
        assert_eq!(
            argon2id(b"x", &[0; 16], 0, 64, &mut out),
            Err(Argon2Error::Failed)
        );
        assert_eq!(
            argon2id(b"x", &[0; 16], 1, 4, &mut out),
            Err(Argon2Error::Failed)
        );
        assert_eq!(
            argon2id(b"x", &[0; 16], 1, 64, &mut out[..8]),
            Err(Argon2Error::Failed)
        );
        assert!(argon2id(b"x", &[0; 16], 1, 64, &mut out).is_ok());
    }
}
