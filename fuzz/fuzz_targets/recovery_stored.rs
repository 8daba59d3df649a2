//! A recovery-code set read back from storage someone else may have touched: parsing never
//! panics, and a parsed set writes back to a form that parses to the same set.
#![no_main]
use libfuzzer_sys::fuzz_target;
use mfakit_core::RecoveryCodeSet;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = mfakit_core::normalize_recovery_code(text);
    let Ok(set) = RecoveryCodeSet::from_stored(text) else { return };
    let stored = set.to_stored();
    let again = RecoveryCodeSet::from_stored(&stored).expect("written form parses");
    assert!(again == set, "round trip changed the set");
    assert_eq!(again.to_stored(), stored);
});
