//! `MfaLevel`, `Algorithm` and `OperationClass` names parse and write back canonically. The body and its asserts are in `src/lib.rs` (`mfakit_fuzz::level_names`).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    mfakit_fuzz::level_names(data);
});
