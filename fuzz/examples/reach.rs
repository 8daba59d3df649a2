//! Reach: how many corpus inputs of each target get past parsing to the target's asserts.
//!
//! `cargo run --release --example reach -- [DIR] [TARGET...]` replays `DIR/seeds/<target>`
//! and `DIR/corpus/<target>` (DIR defaults to the current directory, targets to all) through
//! the same bodies as the fuzz binaries and prints, per target, the inputs that parse out of
//! all distinct inputs. A target that parses almost nothing is fuzzing its parser's error
//! paths only; that is what issue 19 found before the seeds existed. An input that panics is
//! named and makes the exit status non-zero.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::ExitCode;

fn inputs(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<_> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
        .into_iter()
        .filter_map(|p| Some((p.display().to_string(), std::fs::read(&p).ok()?)))
        .collect()
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let root = args.next().unwrap_or_else(|| ".".to_owned());
    let wanted: Vec<String> = args.collect();
    // The panics this replay catches are reported below, once each.
    std::panic::set_hook(Box::new(|_| {}));
    let mut failed = false;
    for &(name, body) in mfakit_fuzz::TARGETS {
        if !wanted.is_empty() && !wanted.iter().any(|w| w == name) {
            continue;
        }
        let root = Path::new(&root);
        let seeds = inputs(&root.join("seeds").join(name));
        let corpus = inputs(&root.join("corpus").join(name));
        let mut seen = BTreeSet::new();
        let (mut total, mut parsed, mut seeds_parsed) = (0usize, 0usize, 0usize);
        for (i, (path, data)) in seeds.iter().chain(&corpus).enumerate() {
            if !seen.insert(data.clone()) {
                continue;
            }
            total += 1;
            match std::panic::catch_unwind(|| body(data)) {
                Ok(true) => {
                    parsed += 1;
                    if i < seeds.len() {
                        seeds_parsed += 1;
                    }
                }
                Ok(false) => {}
                Err(e) => {
                    let why = e
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| e.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                        .unwrap_or_default();
                    println!("[{name}] CRASH on {path}: {why}");
                    failed = true;
                }
            }
        }
        let share = if total == 0 {
            0.0
        } else {
            100.0 * parsed as f64 / total as f64
        };
        println!(
            "[{name}] reach: {parsed}/{total} distinct inputs parse ({share:.1}%); seeds {seeds_parsed}/{}, corpus {}",
            seeds.len(),
            corpus.len()
        );
        if name == "recovery_check" {
            let hashed = seen
                .iter()
                .filter(|d| mfakit_fuzz::recovery_check_evaluates(d))
                .count();
            println!(
                "[{name}] of which {hashed} evaluate argon2id (a cheap set and a possible code)"
            );
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
