//! `mask_email` / `mask_phone` never panic and show no more than they should. The body and its asserts are in `src/lib.rs` (`mfakit_fuzz::masking`).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    mfakit_fuzz::masking(data);
});
