//! The service's stored per-user record read back from a store, and a step-up on it. The body and its asserts are in `src/lib.rs` (`mfakit_fuzz::service_record`).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    mfakit_fuzz::service_record(data);
});
