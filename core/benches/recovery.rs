//! Recovery-code check cost: mfakit's one-argon2id design against the common approach (one
//! PHC hash per code, verified in turn) and against one raw argon2id evaluation with the same
//! parameters. Prints the ratios at the end; run with `cargo bench -p mfakit-core --bench
//! recovery`.
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
/// matches (a wrong code tries all ten).
fn per_code_phc(f: &Fixture) -> bool {
    f.phc.iter().any(|phc| {
        let hash = PasswordHash::new(phc).unwrap();
        f.argon2
            .verify_password(black_box(WRONG.as_bytes()), &hash)
            .is_ok()
    })
}

fn raw_argon2(f: &Fixture) -> [u8; 32] {
    let mut out = [0u8; 32];
    f.argon2
        .hash_password_into(black_box(b"zzzzzzzzzzzy"), &[7u8; 16], &mut out)
        .unwrap();
    out
}

fn bench(c: &mut Criterion) {
    let f = fixture();
    let mut g = c.benchmark_group("recovery_check_10_codes");
    g.sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    g.bench_function("mfakit_one_argon2id", |b| b.iter(|| mfakit_check(&f)));
    g.bench_function("per_code_phc_verify", |b| b.iter(|| per_code_phc(&f)));
    g.bench_function("raw_argon2id_same_params", |b| b.iter(|| raw_argon2(&f)));
    g.finish();
}

fn timed<T>(f: impl FnOnce() -> T) -> Duration {
    let t = Instant::now();
    black_box(f());
    t.elapsed()
}

/// Interleaves the three measurements round by round (the machine is shared, so load drifts)
/// and reports medians.
fn summary() {
    let f = fixture();
    let (mut ours, mut phc, mut raw) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..7 {
        ours.push(timed(|| mfakit_check(&f)));
        phc.push(timed(|| per_code_phc(&f)));
        raw.push(timed(|| raw_argon2(&f)));
    }
    let median = |v: &mut Vec<Duration>| {
        v.sort();
        v[v.len() / 2]
    };
    let (ours, phc, raw) = (median(&mut ours), median(&mut phc), median(&mut raw));
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!();
    println!("recovery-code check, wrong code against a set of 10, argon2id m=19456 KiB t=2 p=1 (median):");
    println!(
        "  mfakit (slot id -> one salted argon2id): {:8.2} ms",
        ms(ours)
    );
    println!(
        "  per-code PHC verify (10 argon2id):       {:8.2} ms",
        ms(phc)
    );
    println!(
        "  raw argon2id, same params:               {:8.2} ms",
        ms(raw)
    );
    println!(
        "  per-code / mfakit = {:.2}x (goal >= 9x); mfakit / raw = {:.3}x",
        phc.as_secs_f64() / ours.as_secs_f64(),
        ours.as_secs_f64() / raw.as_secs_f64()
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
