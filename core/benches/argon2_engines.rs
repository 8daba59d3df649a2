//! The argon2id engine table (issue 18): one evaluation at m = 19456 KiB, t = 2 (32-byte tag,
//! 16-byte salt), with one lane and with two, in each candidate engine beside argon2-cffi (the
//! reference C implementation, the goal to meet):
//!
//! - libsodium through `mfakit-argon2` (mfakit's engine for one lane; its public API has no
//!   lanes), and RustCrypto `argon2` 0.5 (mfakit's engine for more lanes; one thread);
//! - argon2-cffi with `parallelism` = lanes, i.e. one thread per lane, as it ships;
//! - mfakit's whole recovery-code check (normalise, select the slot, one evaluation).
//!
//! Medians of interleaved rounds, since the machine is shared. argon2-cffi runs in a Python
//! subprocess: `ARGON2_CFFI_PYTHON` names the interpreter (default: python/.venv's, made by
//! `make -C python test`, else `python3`); without argon2-cffi its column says so.
//! Run with `make bench-argon2` or `cargo bench -p mfakit-core --bench argon2_engines`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use argon2::{Algorithm, Argon2, Params, Version};
use mfakit_core::{RecoveryCodeSet, RecoveryParams};

const M_KIB: u32 = 19_456;
const T: u32 = 2;
const ROUNDS: usize = 15;
const PASSWORD: &[u8] = b"zzzzzzzzzzzy";
const SALT: [u8; 16] = [7; 16];

fn timed<T>(f: impl FnOnce() -> T) -> f64 {
    let t = Instant::now();
    black_box(f());
    t.elapsed().as_secs_f64() * 1000.0
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn libsodium() -> [u8; 32] {
    let mut out = [0u8; 32];
    mfakit_argon2::argon2id(black_box(PASSWORD), &SALT, T, M_KIB, &mut out).unwrap();
    out
}

fn rustcrypto(lanes: u32) -> [u8; 32] {
    let params = Params::new(M_KIB, T, lanes, Some(32)).unwrap();
    let mut out = [0u8; 32];
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(black_box(PASSWORD), &SALT, &mut out)
        .unwrap();
    out
}

/// argon2-cffi's `hash_secret_raw` medians (ms) for one and two lanes, from a subprocess.
fn argon2_cffi() -> Option<(f64, f64)> {
    let venv = concat!(env!("CARGO_MANIFEST_DIR"), "/../python/.venv/bin/python");
    let python = std::env::var("ARGON2_CFFI_PYTHON").unwrap_or_else(|_| {
        if Path::new(venv).exists() {
            venv.to_owned()
        } else {
            "python3".to_owned()
        }
    });
    let script = format!(
        r#"
import time, statistics
from argon2.low_level import hash_secret_raw, Type
def run(p):
    t = []
    for _ in range({ROUNDS}):
        s = time.perf_counter()
        hash_secret_raw(b"zzzzzzzzzzzy", bytes([7]*16), time_cost={T}, memory_cost={M_KIB}, parallelism=p, hash_len=32, type=Type.ID)
        t.append((time.perf_counter() - s) * 1000)
    return statistics.median(t)
run(1)
print(run(1), run(2))
"#
    );
    let out = Command::new(python).args(["-c", &script]).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?;
    let mut it = text.split_whitespace().map(|x| x.parse::<f64>().ok());
    Some((it.next()??, it.next()??))
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` would pass nothing: run quickly then.
    if !std::env::args().any(|a| a == "--bench") {
        libsodium();
        return;
    }
    let check_set = |p| {
        RecoveryCodeSet::generate(
            1,
            RecoveryParams {
                m_cost_kib: M_KIB,
                t_cost: T,
                p_cost: p,
            },
        )
        .unwrap()
        .set
    };
    let (set1, set2) = (check_set(1), check_set(2));
    let wrong = "zzzz-zzzz-zzzy";
    // Same tags from both engines, or the table compares different work.
    assert_eq!(libsodium(), rustcrypto(1));
    let mut rows: [Vec<f64>; 5] = Default::default();
    for _ in 0..ROUNDS {
        rows[0].push(timed(libsodium));
        rows[1].push(timed(|| rustcrypto(1)));
        rows[2].push(timed(|| set1.check(wrong).unwrap()));
        rows[3].push(timed(|| rustcrypto(2)));
        rows[4].push(timed(|| set2.check(wrong).unwrap()));
    }
    let [sodium1, rc1, check1, rc2, check2] = rows.map(median);
    let cffi = argon2_cffi();
    let cell = |v: Option<f64>| v.map_or_else(|| "     n/a".to_owned(), |v| format!("{v:8.2}"));
    let ratio = |ours: f64, theirs: Option<f64>| {
        theirs.map_or_else(|| "   n/a".to_owned(), |c| format!("{:5.2}x", ours / c))
    };
    let (c1, c2) = (cffi.map(|c| c.0), cffi.map(|c| c.1));
    println!();
    println!(
        "argon2id, m={M_KIB} KiB t={T}, 32-byte tag; median of {ROUNDS} interleaved rounds, ms \
         ({} cores available)",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!(
        "{:<52} {:>8} {:>8} {:>7}",
        "engine", "p=1", "p=2", "vs cffi"
    );
    println!(
        "{:<52} {} {} {:>7}",
        "argon2-cffi 25.1 (reference C; p=2 uses 2 threads)",
        cell(c1),
        cell(c2),
        "1.00x"
    );
    println!(
        "{:<52} {:8.2} {:>8} {}",
        "libsodium via mfakit-argon2 (mfakit engine, p=1)",
        sodium1,
        "n/a",
        ratio(sodium1, c1)
    );
    println!(
        "{:<52} {:8.2} {:8.2} {}",
        "RustCrypto argon2 0.5 (mfakit engine, p>1; 1 thread)",
        rc1,
        rc2,
        ratio(rc1, c1)
    );
    println!(
        "{:<52} {:8.2} {:8.2} {}",
        "mfakit RecoveryCodeSet::check (wrong code)",
        check1,
        check2,
        ratio(check1, c1)
    );
    if let Some(c2) = c2 {
        println!(
            "  p=2: mfakit / argon2-cffi = {:.2}x (argon2-cffi fills the 2 lanes on 2 threads)",
            check2 / c2
        );
    }
    if cffi.is_none() {
        println!("  (argon2-cffi not found: `make -C python test` makes python/.venv, or set ARGON2_CFFI_PYTHON)");
    }
}
