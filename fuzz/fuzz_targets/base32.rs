//! Base32 secret decoding never panics and round-trips through the canonical form. The body and its asserts are in `src/lib.rs` (`mfakit_fuzz::base32`).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    mfakit_fuzz::base32(data);
});
