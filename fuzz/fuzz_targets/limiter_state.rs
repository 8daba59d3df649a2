//! Stored attempt and rate-limit states read back from storage: parsing never panics, round
//! trips, and decisions at any time never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use mfakit_core::{AttemptLimiter, AttemptPolicy, AttemptState, RateLimit, RateLimiter, RateState};

fuzz_target!(|data: &[u8]| {
    if data.len() < 8 {
        return;
    }
    let now = u64::from_le_bytes(data[..8].try_into().expect("8 bytes"));
    let Ok(text) = std::str::from_utf8(&data[8..]) else { return };
    if let Ok(state) = AttemptState::from_stored(text) {
        assert_eq!(AttemptState::from_stored(&state.to_stored()).expect("round trip"), state);
        let limiter = AttemptLimiter::new(AttemptPolicy::default()).expect("default policy is valid");
        let _ = limiter.check(&state, now);
        let _ = limiter.record_failure(&state, now);
    }
    if let Ok(state) = RateState::from_stored(text) {
        assert_eq!(RateState::from_stored(&state.to_stored()).expect("round trip"), state);
        let limiter = RateLimiter::new(RateLimit::VERIFY).expect("valid rate");
        let peek = limiter.peek(&state, now);
        let outcome = limiter.acquire(&state, now);
        assert_eq!(peek, outcome.decision, "peek and acquire disagree");
    }
    if let Ok(rate) = text.parse::<RateLimit>() {
        let _ = RateLimiter::new(rate);
    }
});
