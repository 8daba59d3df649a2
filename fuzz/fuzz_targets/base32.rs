//! Base32 secret decoding never panics and round-trips through the canonical form.
#![no_main]
use libfuzzer_sys::fuzz_target;
use mfakit_core::Secret;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(secret) = Secret::from_base32(text) {
        let canonical = secret.to_base32();
        let again = Secret::from_base32(&canonical).expect("canonical base32 decodes");
        assert_eq!(again, secret);
    }
});
