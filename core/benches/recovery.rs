//! Recovery-code check cost: mfakit's one-argon2id design against the common approach (one
//! PHC hash per code, verified in turn), against one raw argon2id evaluation with the same
//! parameters in mfakit's engine (`argon2-rust`), and against one raw evaluation in RustCrypto's
//! `argon2` (the engine mfakit replaced; the reason for the switch). Prints the ratios at the
//! end; run with `cargo bench -p mfakit-core --bench recovery`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use argon2::password_hash::{PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use criterion::{criterion_group, Criterion};
use mfakit_core::{RecoveryCodeSet, RecoveryParams};

const WRONG: &str = "zzzz-zzzz-zzzy";

struct Fixture {
    set: RecoveryCodeSet,
    phc: Vec<String>,
    /// RustCrypto's engine.
    argon2: Argon2<'static>,
    /// mfakit's engine, with reused working memory as mfakit uses it.
    engine: argon2_rust::Hasher,
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
    let engine_params = argon2_rust::Params::builder()
        .memory(argon2_rust::params::Memory::kib(u64::from(p.m_cost_kib)))
        .passes(p.t_cost)
        .lanes(p.p_cost)
        .threads(1)
        .build()
        .unwrap();
    let engine = argon2_rust::Argon2::new(
        argon2_rust::Algorithm::Argon2id,
        argon2_rust::Version::V0x13,
        engine_params,
    )
    .hasher();
    Fixture {
        set: new.set,
        phc,
        argon2,
        engine,
    }
}

fn mfakit_check(f: &Fixture) -> bool {
    f.set.check(black_box(WRONG)).unwrap().accepted
}

/// The common approach: parse each PHC string and verify the input against it until one
/// matches (a wrong code tries all ten), here with mfakit's own engine so that the ratio
/// measures the design, not the engine.
fn per_code_phc(f: &Fixture) -> bool {
    f.phc.iter().any(|phc| {
        argon2_rust::Argon2::verify_password(
            phc,
            black_box(WRONG.as_bytes()),
            argon2_rust::Algorithm::Argon2id,
        )
        .is_ok()
    })
}

/// One evaluation in mfakit's engine.
fn raw_engine(f: &mut Fixture) -> [u8; 32] {
    let mut out = [0u8; 32];
    f.engine
        .hash_into(black_box(b"zzzzzzzzzzzy"), &[7u8; 16], &mut out)
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
        ("raw argon2id, mfakit's engine", raw),
        ("raw argon2id, RustCrypto argon2 0.5", rustcrypto),
    ] {
        println!("  {label:<40} {:8.2} ms", secs * 1000.0);
    }
    println!(
        "  per-code / mfakit = {:.2}x (goal >= 9x); mfakit / raw = {:.3}x; RustCrypto / mfakit's engine = {:.2}x",
        phc / ours,
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
