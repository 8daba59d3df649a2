//! Recovery-code check cost: mfakit's one-argon2id design against the common approach (one
//! PHC hash per code, verified in turn), against one raw argon2id evaluation with the same
//! parameters in mfakit's engine (libsodium, `mfakit-argon2`), and against one raw evaluation in
//! RustCrypto's `argon2`. Prints the ratios at the end; run with
//! `cargo bench -p mfakit-core --bench recovery`. The engine table beside argon2-cffi is
//! `benches/argon2_engines.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use criterion::{criterion_group, Criterion};
use mfakit_core::{RecoveryCodeSet, RecoveryParams};

const WRONG: &str = "zzzz-zzzz-zzzy";

struct Fixture {
    set: RecoveryCodeSet,
    phc: Vec<String>,
    /// RustCrypto's engine.
    argon2: Argon2<'static>,
}

fn fixture() -> Fixture {
    let p = RecoveryParams::default();
    let new = RecoveryCodeSet::generate(10, p).unwrap();
    let params = Params::new(p.m_cost_kib, p.t_cost, p.p_cost, Some(32)).unwrap();
    let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
    let phc = new
        .codes
        .iter()
        .enumerate()
        .map(|(i, code)| {
            let salt = SaltString::encode_b64(&[i as u8 + 1; 16]).unwrap();
            argon2
                .hash_password(code.as_str().as_bytes(), &salt)
                .unwrap()
                .to_string()
        })
        .collect();
    Fixture {
        set: new.set,
        phc,
        argon2,
    }
}

fn mfakit_check(f: &Fixture) -> bool {
    f.set.check(black_box(WRONG)).unwrap().accepted
}

/// The common approach: parse each PHC string and verify the input against it until one
/// matches (a wrong code tries all ten). Its engine is RustCrypto's, so compare it with the
/// RustCrypto raw row to see the design's factor.
fn per_code_phc(f: &Fixture) -> bool {
    f.phc.iter().any(|phc| {
        let hash = PasswordHash::new(phc).unwrap();
        f.argon2
            .verify_password(black_box(WRONG.as_bytes()), &hash)
            .is_ok()
    })
}

/// One evaluation in mfakit's engine (libsodium).
fn raw_engine(_: &mut Fixture) -> [u8; 32] {
    let p = RecoveryParams::default();
    let mut out = [0u8; 32];
    mfakit_argon2::argon2id(
        black_box(b"zzzzzzzzzzzy"),
        &[7u8; 16],
        p.t_cost,
        p.m_cost_kib,
        &mut out,
    )
    .unwrap();
    out
}

/// One evaluation in RustCrypto's `argon2`.
fn raw_rustcrypto(f: &Fixture) -> [u8; 32] {
    let mut out = [0u8; 32];
    f.argon2
        .hash_password_into(black_box(b"zzzzzzzzzzzy"), &[7u8; 16], &mut out)
        .unwrap();
    out
}

fn bench(c: &mut Criterion) {
    let mut f = fixture();
    let mut g = c.benchmark_group("recovery_check_10_codes");
    g.sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    g.bench_function("mfakit_one_argon2id", |b| b.iter(|| mfakit_check(&f)));
    g.bench_function("per_code_phc_verify", |b| b.iter(|| per_code_phc(&f)));
    g.bench_function("raw_argon2id_engine", |b| b.iter(|| raw_engine(&mut f)));
    g.bench_function("raw_argon2id_rustcrypto", |b| b.iter(|| raw_rustcrypto(&f)));
    g.finish();
}

fn timed<T>(f: impl FnOnce() -> T) -> Duration {
    let t = Instant::now();
    black_box(f());
    t.elapsed()
}

/// Interleaves the measurements round by round (the machine is shared, so load drifts) and
/// reports medians.
fn summary() {
    let mut f = fixture();
    let mut runs: [Vec<Duration>; 4] = Default::default();
    for _ in 0..7 {
        runs[0].push(timed(|| mfakit_check(&f)));
        runs[1].push(timed(|| per_code_phc(&f)));
        runs[2].push(timed(|| raw_engine(&mut f)));
        runs[3].push(timed(|| raw_rustcrypto(&f)));
    }
    let [ours, phc, raw, rustcrypto] = runs.map(|mut v| {
        v.sort();
        v[v.len() / 2].as_secs_f64()
    });
    println!();
    println!("recovery-code check, wrong code against a set of 10, argon2id m=19456 KiB t=2 p=1 (median):");
    for (label, secs) in [
        ("mfakit (slot id -> one salted argon2id)", ours),
        ("per-code PHC verify (10 argon2id)", phc),
        ("raw argon2id, mfakit engine (libsodium)", raw),
        ("raw argon2id, RustCrypto argon2 0.5", rustcrypto),
    ] {
        println!("  {label:<40} {:8.2} ms", secs * 1000.0);
    }
    println!(
        "  per-code / (mfakit x RustCrypto/libsodium) = {:.2}x (goal >= 9x); mfakit / raw = {:.3}x; RustCrypto / mfakit's engine = {:.2}x",
        phc / (ours * rustcrypto / raw),
        ours / raw,
        rustcrypto / raw
    );
}

criterion_group!(benches, bench);

fn main() {
    benches();
    criterion::Criterion::default()
        .configure_from_args()
        .final_summary();
    summary();
}
