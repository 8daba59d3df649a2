//! otpauth:// parsing never panics, and build -> parse -> build is stable. The body and its asserts are in `src/lib.rs` (`mfakit_fuzz::uri`).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    mfakit_fuzz::uri(data);
});
