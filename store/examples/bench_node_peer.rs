//! The Rust side of the Node benchmark's service rows (`node/bench/bench.js`): the same
//! operations the Node binding times, on the same store, called from this thread directly.
//!
//!   cargo run --release -p mfakit-store --example bench_node_peer -- URL [CALLS] [ROUNDS] [LANES]
//!
//! Prints one line per operation, `<name> <ns per call>` (wall time, best round), so that the
//! Node bench can divide the binding's time by it. The policy and keys match bench.js.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark program: a panic is a failed run

use std::time::Instant;

use mfakit_core::{
    ChallengeKey, Keyring, Method, MfaContext, OtpAuthUri, SealingKey, ServicePolicy, Verdict,
};
use mfakit_store::{MfaService, StoreOptions};

/// bench.js passes the same JSON to `new Mfa({ policy })`: no backoff and no lockout, so that
/// every wrong guess is compared and counted (one compare-and-swap with an audit event).
const POLICY: &str = r#"{"attempts": {"backoff_base_secs": 0, "backoff_factor": 1,
    "backoff_cap_secs": 0, "lockout_after": 0, "lockout_secs": 0}}"#;

/// One bench user with a confirmed TOTP and an open login: `(user, login id, a wrong code)`.
fn prepare(svc: &MfaService, user: String) -> (String, String, String) {
    let setup = svc.setup_totp(&user, "bench", true).unwrap();
    let totp = OtpAuthUri::parse(&setup.uri).unwrap().totp().unwrap();
    let now = mfakit_core::unix_now();
    let confirm = svc
        .confirm_totp(&user, &totp.generate_at(now).unwrap())
        .unwrap();
    assert_eq!(confirm.verdict, Verdict::Accepted);
    let login = svc.start_login(&user).unwrap();
    let right: Vec<String> = [now - 30, now, now + 30, now + 60]
        .iter()
        .map(|t| totp.generate_at(*t).unwrap())
        .collect();
    let wrong = (0..)
        .map(|i| format!("{:06}", 123_457 + i))
        .find(|c| !right.contains(c))
        .unwrap();
    (user, login.id, wrong)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let url = args
        .next()
        .expect("usage: bench_node_peer URL [CALLS] [ROUNDS] [LANES]");
    let calls: u32 = args.next().map_or(200, |a| a.parse().expect("CALLS"));
    let rounds: u32 = args.next().map_or(5, |a| a.parse().expect("ROUNDS"));
    // LANES > 1: as many threads, each with its own user, calling at once (a server's
    // concurrent requests); the time per call is the round's wall time over all their calls.
    let lanes: u32 = args.next().map_or(1, |a| a.parse().expect("LANES"));
    assert!(lanes >= 1, "LANES is at least 1");

    let keyring = Keyring::new("k1", SealingKey::from_bytes(&[7u8; 32]).unwrap()).unwrap();
    let key = ChallengeKey::from_bytes(&[9u8; 32]).unwrap();
    let ctx = MfaContext::new(
        keyring,
        key,
        "Example Co",
        ServicePolicy::from_json(POLICY).unwrap(),
    )
    .unwrap();
    // As many connections as Node's default libuv pool (what the binding opens).
    let options = StoreOptions {
        max_connections: 4,
        ..StoreOptions::default()
    };
    let svc = MfaService::open(&url, ctx, options).expect("open the store");

    let users: Vec<(String, String, String)> = (0..lanes)
        .map(|lane| prepare(&svc, format!("bench-rust-{}-{lane}", std::process::id())))
        .collect();

    let best = |f: &(dyn Fn(&(String, String, String)) + Sync)| -> f64 {
        f(&users[0]);
        (0..rounds)
            .map(|_| {
                let start = Instant::now();
                if let [u] = users.as_slice() {
                    // One lane: on this thread, as the Node side's awaited calls are.
                    for _ in 0..calls {
                        f(u);
                    }
                } else {
                    std::thread::scope(|s| {
                        for u in &users {
                            s.spawn(move || {
                                for _ in 0..calls {
                                    f(u);
                                }
                            });
                        }
                    });
                }
                start.elapsed().as_nanos() as f64 / f64::from(calls * lanes)
            })
            .fold(f64::INFINITY, f64::min)
    };
    let verify = best(&|(_, login, wrong)| {
        let v = svc.verify(login, Method::Totp, wrong).unwrap();
        assert_eq!(v.verdict, Verdict::Wrong);
    });
    let status = best(&|(user, _, _)| {
        svc.status(user).unwrap();
    });
    println!("verify_wrong {verify:.0}");
    println!("status {status:.0}");
}
