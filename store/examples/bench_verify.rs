//! The Rust side of the Python bench's service rows: one accepted TOTP step-up (load the
//! record, check the code, compare-and-swap the record with its audit events) on a store, with
//! no binding in between. `make -C python bench` runs it beside the same calls through
//! `mfakit.Mfa` on a store of the same kind, and prints the ratio.
//!
//!     bench_verify STORE_URL USERS ROUNDS
//!
//! Enrols USERS users (TOTP active at once, cheap recovery codes), then, ROUNDS times, gives
//! each a fresh user set and times one step-up per user with the code of the current step:
//! a TOTP step is accepted once, so every timed call is a real accepted, written
//! verification. Prints `ns_per_op <best round's mean>`.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a bench: a failure is a crash

use std::time::{Instant, SystemTime, UNIX_EPOCH};

use mfakit_core::{
    ChallengeKey, Keyring, Method, MfaContext, OtpAuthUri, SealingKey, ServicePolicy,
};
use mfakit_store::{MfaService, StoreOptions};

/// The bench's policy, the same JSON the Python side passes to `mfakit.Mfa`.
const POLICY: &str = r#"{"attempts": {"backoff_base_secs": 0, "backoff_factor": 1,
  "backoff_cap_secs": 0, "lockout_after": 0, "lockout_secs": 0},
  "recovery_params": {"m_cost_kib": 64, "t_cost": 1, "p_cost": 1}}"#;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let url = args
        .get(1)
        .expect("usage: bench_verify STORE_URL USERS ROUNDS");
    let users: usize = args.get(2).map_or(500, |s| s.parse().unwrap());
    let rounds: usize = args.get(3).map_or(5, |s| s.parse().unwrap());
    let ctx = MfaContext::new(
        Keyring::new("k1", SealingKey::from_bytes(&[7u8; 32]).unwrap()).unwrap(),
        ChallengeKey::from_bytes(&[9u8; 32]).unwrap(),
        "Bench",
        ServicePolicy::from_json(POLICY).unwrap(),
    )
    .unwrap();
    let svc = MfaService::open(url, ctx, StoreOptions::default()).unwrap();
    let tag = std::process::id();
    let mut best = f64::INFINITY;
    for round in 0..rounds {
        let mut pending = Vec::with_capacity(users);
        for i in 0..users {
            let user = format!("rust-{tag}-{round}-{i}");
            let setup = svc.setup_totp(&user, "bench", false).unwrap();
            let totp = OtpAuthUri::parse(&setup.uri).unwrap().totp().unwrap();
            pending.push((user, totp));
        }
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let codes: Vec<String> = pending
            .iter()
            .map(|(_, t)| t.generate_at(now).unwrap())
            .collect();
        let start = Instant::now();
        for ((user, _), code) in pending.iter().zip(&codes) {
            let v = svc.step_up(user, Method::Totp, code).unwrap();
            assert!(v.accepted(), "{:?}", v.verdict);
        }
        let ns = start.elapsed().as_nanos() as f64 / users as f64;
        best = best.min(ns);
    }
    println!("ns_per_op {best:.0}");
}
