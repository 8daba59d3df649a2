//! `RecoveryCodeSet::check` on stored sets with small argon2id parameters. The body and its asserts are in `src/lib.rs` (`mfakit_fuzz::recovery_check`).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    mfakit_fuzz::recovery_check(data);
});
