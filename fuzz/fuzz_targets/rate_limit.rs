//! The rate-limit string: parse -> Display -> parse, and Display -> parse. The body and its asserts are in `src/lib.rs` (`mfakit_fuzz::rate_limit`).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    mfakit_fuzz::rate_limit(data);
});
