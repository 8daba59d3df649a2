//! Verification of attacker-typed codes at arbitrary times and windows. The body and its asserts are in `src/lib.rs` (`mfakit_fuzz::code_input`).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    mfakit_fuzz::code_input(data);
});
