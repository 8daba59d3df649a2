//! A recovery-code set read back from storage round trips. The body and its asserts are in `src/lib.rs` (`mfakit_fuzz::recovery_stored`).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    mfakit_fuzz::recovery_stored(data);
});
