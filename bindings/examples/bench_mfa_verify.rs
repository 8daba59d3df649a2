//! The Rust side of the Kotlin bench's `Mfa.verify` row (`make -C bindings bench`): the same
//! call the Kotlin `Mfa.verify` makes, the adapter method `mfakit_uniffi::Mfa::verify`, with no
//! JVM in between, on the same store and policy as kotlin/src/test/kotlin/mfakit/Bench.kt.
//!
//!     bench_mfa_verify STORE_URL WARMUP ITERATIONS MILLIS
//!
//! Enrols one user (TOTP active at once), opens one login challenge and verifies `000000` (a
//! wrong code, but for one chance in 10^6) on it again and again (no lockout, no backoff: each
//! call loads the record, checks the code, counts the failure and compare-and-swaps the record
//! with its audit event). Prints `RESULT` and the ns/op of each measured iteration, as the
//! Kotlin bench's forks do.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a bench: a failure is a crash

use std::time::Instant;

use mfakit_uniffi::{ChallengeKey, Keyring, Method, Mfa, SealingKey, StoreOptions, Verdict};

/// The bench's policy, the same JSON Bench.kt passes to `Mfa`.
const POLICY: &str = r#"{"attempts": {"backoff_base_secs": 0, "backoff_factor": 1,
  "backoff_cap_secs": 0, "lockout_after": 0, "lockout_secs": 0},
  "recovery_params": {"m_cost_kib": 64, "t_cost": 1, "p_cost": 1}}"#;

/// The code verified; Bench.kt uses the same.
const WRONG: &str = "000000";

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let url = args
        .get(1)
        .expect("usage: bench_mfa_verify STORE_URL WARMUP ITERATIONS MILLIS");
    let arg = |i: usize, default: u64| args.get(i).map_or(default, |s| s.parse().unwrap());
    let (warmup, iterations, millis) = (arg(2, 5), arg(3, 5), arg(4, 200));
    let keyring = Keyring::new("k1".into(), SealingKey::from_bytes(vec![7; 32]).unwrap()).unwrap();
    let challenge_key = ChallengeKey::from_bytes(vec![9; 32]).unwrap();
    let options = StoreOptions {
        max_connections: 8,
        timeout_ms: 5000,
    };
    let mfa = Mfa::new(
        url.clone(),
        keyring,
        challenge_key,
        "Bench".into(),
        Some(POLICY.into()),
        options,
    )
    .unwrap();
    mfa.setup_totp("bench".into(), "bench".into(), false)
        .unwrap();
    let id = mfa.start_login("bench".into()).unwrap().id;
    let once = || {
        let v = mfa.verify(id.clone(), Method::Totp, WRONG.into()).unwrap();
        // One chance in 10^6 per step that the fixed code is the right one; then `used`.
        assert!(matches!(v.verdict, Verdict::Wrong | Verdict::Used));
    };
    let iteration = || {
        let (start, mut n) = (Instant::now(), 0u64);
        while start.elapsed().as_millis() < u128::from(millis) {
            once();
            n += 1;
        }
        start.elapsed().as_nanos() as f64 / n as f64
    };
    for _ in 0..warmup {
        iteration();
    }
    let results: Vec<String> = (0..iterations)
        .map(|_| format!("{:.1}", iteration()))
        .collect();
    println!("RESULT {}", results.join(" "));
}
