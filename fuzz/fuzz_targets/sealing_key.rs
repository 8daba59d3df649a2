//! `SealingKey::from_base64` never panics and round trips. The body and its asserts are in `src/lib.rs` (`mfakit_fuzz::sealing_key`).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    mfakit_fuzz::sealing_key(data);
});
