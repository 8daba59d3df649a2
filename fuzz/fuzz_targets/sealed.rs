//! Opening attacker-supplied sealed values never panics: it opens, or fails with a typed error.
#![no_main]
use libfuzzer_sys::fuzz_target;
use mfakit_core::{Keyring, SealingKey};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut ring = Keyring::new("k1", SealingKey::from_bytes(&[7u8; 32]).expect("32 bytes")).expect("valid id");
    ring.add("k2", SealingKey::from_bytes(&[9u8; 32]).expect("32 bytes")).expect("valid id");
    let _ = mfakit_core::sealed::sealed_key_id(text);
    let _ = ring.needs_reseal(text);
    if let Ok(plain) = ring.open(text, b"user-1") {
        // Only something sealed with one of our keys can open; resealing must round trip.
        let resealed = ring.reseal(text, b"user-1").expect("an opened value reseals");
        assert_eq!(*ring.open(&resealed, b"user-1").expect("resealed opens"), *plain);
    }
});
