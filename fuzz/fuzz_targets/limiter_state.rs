//! Stored attempt and rate-limit states read back from storage. The body and its asserts are in `src/lib.rs` (`mfakit_fuzz::limiter_state`).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    mfakit_fuzz::limiter_state(data);
});
