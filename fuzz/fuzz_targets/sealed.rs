//! Opening attacker-supplied sealed values: opens, or fails with a typed error. The body and its asserts are in `src/lib.rs` (`mfakit_fuzz::sealed`).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    mfakit_fuzz::sealed(data);
});
