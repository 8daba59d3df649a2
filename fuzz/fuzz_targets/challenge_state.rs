//! A stored email/SMS challenge read back from storage: parsing never panics, round trips,
//! and verifying any input at any time never panics.
#![no_main]
use libfuzzer_sys::fuzz_target;
use mfakit_core::{ChallengeKey, OtpChallenge};

fuzz_target!(|data: &[u8]| {
    if data.len() < 8 {
        return;
    }
    let now = u64::from_le_bytes(data[..8].try_into().expect("8 bytes"));
    let Ok(text) = std::str::from_utf8(&data[8..]) else { return };
    let (stored, input) = text.split_once('\n').unwrap_or((text, "123456"));
    let Ok(challenge) = OtpChallenge::from_stored(stored) else { return };
    let written = challenge.to_stored();
    assert!(OtpChallenge::from_stored(&written).expect("written form parses") == challenge);
    let key = ChallengeKey::from_bytes(&[3u8; 32]).expect("valid key");
    let outcome = challenge.verify(&key, input, now);
    assert!(!outcome.verdict.is_accepted() || challenge.attempts_left > 0);
    let _ = challenge.resend(&key, now);
    let _ = challenge.resend_available_in(now);
});
