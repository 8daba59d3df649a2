//! TOTP costs against the floor they cannot beat: one raw HMAC-SHA1 of an 8-byte counter with a
//! 20-byte key, key setup included, measured in the same run with RustCrypto (`hmac` + `sha1`,
//! what the core uses) and with `ring`.
//!
//! `cargo bench -p mfakit-core --bench otp` runs the criterion groups, then times every operation
//! again with a short calibrated loop (median of several batches) and prints a table of ratios to
//! one HMAC. The goal from the foundation issue: verifying a wrong code with a window of ±1 costs
//! at most 1.3 × three HMACs.
#![allow(clippy::expect_used)] // benchmark setup: a failure should stop the run loudly

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::Criterion;
use hmac::{Hmac, Mac};
use mfakit_core::{Secret, Totp, TotpParams, Window};

/// RFC 6238's SHA-1 seed.
const KEY: &[u8; 20] = b"12345678901234567890";
/// An RFC 6238 Appendix B time.
const TIME: u64 = 1_111_111_111;

fn hmac_rustcrypto(key: &[u8], counter: u64) -> [u8; 20] {
    // HMAC accepts keys of any length (RFC 2104 section 2).
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(key).expect("any key length");
    mac.update(&counter.to_be_bytes());
    mac.finalize().into_bytes().into()
}

fn hmac_ring(key: &[u8], counter: u64) -> ring::hmac::Tag {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, key);
    ring::hmac::sign(&key, &counter.to_be_bytes())
}

const FLOOR: &str = "HMAC-SHA1 RustCrypto (floor)";
const RING: &str = "HMAC-SHA1 ring";
const VERIFY_WRONG: &str = "TOTP verify wrong code ±1";

struct Fixture {
    totp: Totp,
    right: String,
    wrong: String,
}

fn fixture() -> Fixture {
    let totp = Totp::new(
        Secret::from_bytes(KEY).expect("20-byte secret"),
        TotpParams::default(),
    )
    .expect("default parameters are valid");
    let right = totp.generate_at(TIME).expect("time after T0");
    // A code that matches none of the three steps, so that verification tries all of them.
    let wrong = (0u32..)
        .map(|n| format!("{:06}", (n * 7919) % 1_000_000))
        .find(|code| {
            totp.verify_at(code, TIME, Window::default(), None)
                .expect("valid window")
                .is_none()
        })
        .expect("some 6-digit code is wrong");
    Fixture { totp, right, wrong }
}

/// A named operation; calling it runs it once.
type Operation<'a> = (&'static str, Box<dyn Fn() + 'a>);

/// The operations, in table order.
fn operations(f: &Fixture) -> Vec<Operation<'_>> {
    vec![
        (
            FLOOR,
            Box::new(|| {
                black_box(hmac_rustcrypto(black_box(KEY), black_box(TIME / 30)));
            }),
        ),
        (
            RING,
            Box::new(|| {
                black_box(hmac_ring(black_box(KEY), black_box(TIME / 30)));
            }),
        ),
        (
            "TOTP generate",
            Box::new(|| {
                black_box(f.totp.generate_at(black_box(TIME)).expect("time after T0"));
            }),
        ),
        (
            "TOTP verify right code ±1",
            Box::new(|| {
                let m = f.totp.verify_at(
                    black_box(&f.right),
                    black_box(TIME),
                    Window::default(),
                    None,
                );
                assert!(black_box(m).expect("valid window").is_some());
            }),
        ),
        (
            VERIFY_WRONG,
            Box::new(|| {
                let m = f.totp.verify_at(
                    black_box(&f.wrong),
                    black_box(TIME),
                    Window::default(),
                    None,
                );
                assert!(black_box(m).expect("valid window").is_none());
            }),
        ),
        (
            "HMAC-SHA1 RustCrypto key setup only",
            Box::new(|| {
                // Half an HMAC: why the core keys once per call and clones per time step.
                black_box(
                    Hmac::<sha1::Sha1>::new_from_slice(black_box(KEY)).expect("any key length"),
                );
            }),
        ),
        (
            "new secret (160 bits, OS CSPRNG)",
            Box::new(|| {
                black_box(Secret::generate());
            }),
        ),
    ]
}

/// Iterations that take about `batch`.
fn calibrate(op: &dyn Fn(), batch: Duration) -> u64 {
    let mut iters: u64 = 1;
    loop {
        let start = Instant::now();
        for _ in 0..iters {
            op();
        }
        if start.elapsed() >= batch || iters >= 1 << 30 {
            return iters;
        }
        iters *= 2;
    }
}

/// Nanoseconds per run of each operation. The operations take turns, one short batch each per
/// round, so that load from other processes falls on all of them alike; each one's fastest
/// batch is kept, since interference only ever adds time (the `timeit` rule).
fn time_per_op(ops: &[Operation<'_>]) -> Vec<f64> {
    const ROUNDS: usize = 60;
    let batch = Duration::from_millis(2);
    let iters: Vec<u64> = ops
        .iter()
        .map(|(_, op)| calibrate(op.as_ref(), batch))
        .collect();
    let mut best = vec![f64::INFINITY; ops.len()];
    for _ in 0..ROUNDS {
        for (i, (_, op)) in ops.iter().enumerate() {
            let start = Instant::now();
            for _ in 0..iters[i] {
                op();
            }
            let per_op = start.elapsed().as_nanos() as f64 / iters[i] as f64;
            best[i] = best[i].min(per_op);
        }
    }
    best
}

fn print_table(f: &Fixture) {
    let ops = operations(f);
    let times = time_per_op(&ops);
    let time_of = |name: &str| {
        ops.iter()
            .zip(&times)
            .find_map(|((n, _), t)| (*n == name).then_some(*t))
            .expect("operation listed in `operations`")
    };
    let (rustcrypto, ring) = (time_of(FLOOR), time_of(RING));
    println!();
    println!("mfakit OTP costs (fastest of 60 interleaved batches; ratio = time / one HMAC-SHA1 of an 8-byte counter, 20-byte key, key setup included)");
    println!();
    println!(
        "{:<36} {:>11} {:>14} {:>8}",
        "operation", "time", "/ RustCrypto", "/ ring"
    );
    for ((name, _), t) in ops.iter().zip(&times) {
        println!(
            "{name:<36} {:>8.0} ns {:>14.2} {:>8.2}",
            t,
            t / rustcrypto,
            t / ring
        );
    }
    let wrong = time_of(VERIFY_WRONG);
    println!();
    println!(
        "verify wrong code ±1 / 3×HMAC: {:.2} against RustCrypto, {:.2} against ring (goal ≤ 1.3)",
        wrong / (3.0 * rustcrypto),
        wrong / (3.0 * ring)
    );
    println!(
        "HMAC-SHA1 ring / RustCrypto: {:.2} (the core uses RustCrypto hmac + sha1)",
        ring / rustcrypto
    );
}

fn criterion_groups(c: &mut Criterion, f: &Fixture) {
    let mut group = c.benchmark_group("otp");
    for (name, op) in operations(f) {
        group.bench_function(name, |b| b.iter(&op));
    }
    group.finish();
}

fn main() {
    let f = fixture();
    // Short by default: the machines running this are shared. Command-line flags still win.
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(2))
        .sample_size(30)
        .configure_from_args();
    criterion_groups(&mut c, &f);
    c.final_summary();
    // `cargo test --benches` runs each benchmark once without `--bench`; skip the table there.
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--bench") && !args.iter().any(|a| a == "--test" || a == "--list") {
        print_table(&f);
    }
}
