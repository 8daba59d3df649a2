//! A stored email/SMS challenge read back from storage, verified and resent at any time. The body and its asserts are in `src/lib.rs` (`mfakit_fuzz::challenge_state`).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    mfakit_fuzz::challenge_state(data);
});
