//! Runs the built `mfakit` binary the way an operator would and checks stdout, stderr and the
//! exit status (0 success, 1 no match, 2 bad input).
//!
//! The RFC known answers come from the shared `tests/vectors/` files, as in every binding.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test fails loudly, by design

use std::io::Write;
use std::process::{Command, Stdio};

struct Run {
    status: i32,
    stdout: String,
    stderr: String,
}

fn mfakit(args: &[&str], stdin: Option<&str>) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mfakit"))
        .args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the mfakit binary runs");
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .expect("stdin is piped")
            .write_all(text.as_bytes())
            .expect("write stdin");
    }
    let out = child.wait_with_output().expect("mfakit finishes");
    Run {
        status: out
            .status
            .code()
            .expect("mfakit exits normally, not by a signal"),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

fn ok(args: &[&str]) -> String {
    let run = mfakit(args, None);
    assert_eq!(run.status, 0, "mfakit {args:?}: stderr {}", run.stderr);
    assert!(run.stderr.is_empty(), "mfakit {args:?}: {}", run.stderr);
    run.stdout
}

/// Exit 2 with exactly one line on stderr, carrying `code`, and no panic trace.
fn fails(run: &Run, code: &str) {
    assert_eq!(run.status, 2, "stdout {} stderr {}", run.stdout, run.stderr);
    assert_eq!(run.stderr.lines().count(), 1, "one line: {}", run.stderr);
    assert!(
        run.stderr.starts_with(&format!("mfakit: error [{code}]: ")),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
}

/// RFC 4226 / RFC 6238 SHA-1 seed, ASCII "12345678901234567890".
const SHA1_SEED: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

/// One case of `tests/vectors/totp.json` or `hotp.json`.
#[derive(Debug)]
struct Case {
    secret: String,
    algorithm: String,
    digits: String,
    /// TOTP: time; HOTP: counter.
    at: String,
    code: String,
}

fn vectors(file: &str, at: &str) -> Vec<Case> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/vectors")
        .join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let doc: serde_json::Value = serde_json::from_str(&text).expect("vector file is JSON");
    let field = |c: &serde_json::Value, k: &str| match &c[k] {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Number(n) => n.to_string(),
        other => panic!("{file}: `{k}` is {other}"),
    };
    doc["cases"]
        .as_array()
        .expect("a `cases` array")
        .iter()
        .map(|c| Case {
            secret: field(c, "secret_base32"),
            algorithm: field(c, "algorithm"),
            digits: field(c, "digits"),
            at: field(c, at),
            code: field(c, "code"),
        })
        .collect()
}

/// RFC 6238 Appendix B: six times for each of the three algorithms.
fn rfc6238() -> Vec<Case> {
    let cases = vectors("totp.json", "time");
    assert_eq!(cases.len(), 18);
    for algorithm in ["SHA1", "SHA256", "SHA512"] {
        assert_eq!(cases.iter().filter(|c| c.algorithm == algorithm).count(), 6);
    }
    cases
}

/// RFC 4226 Appendix D: counters 0 to 9.
fn rfc4226() -> Vec<Case> {
    let cases = vectors("hotp.json", "counter");
    assert_eq!(cases.len(), 10);
    cases
}

#[test]
fn the_issue_example() {
    assert_eq!(
        ok(&[
            "code",
            "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
            "--time",
            "59",
            "--digits",
            "8"
        ]),
        "94287082\n"
    );
}

#[test]
fn rfc6238_all_rows_all_algorithms() {
    for c in rfc6238() {
        let args = [
            "code",
            &c.secret,
            "--time",
            &c.at,
            "--digits",
            &c.digits,
            "--algorithm",
            &c.algorithm,
        ];
        assert_eq!(ok(&args), format!("{}\n", c.code), "{c:?}");
    }
}

#[test]
fn rfc6238_rows_through_a_uri() {
    for c in rfc6238() {
        let uri = format!(
            "otpauth://totp/RFC:6238?secret={}&algorithm={}&digits={}",
            c.secret, c.algorithm, c.digits
        );
        assert_eq!(
            ok(&["code", &uri, "--time", &c.at]),
            format!("{}\n", c.code)
        );
        // Flags that repeat the URI's values are fine.
        let args = ["code", &uri, "--time", &c.at, "--algorithm", &c.algorithm];
        assert_eq!(ok(&args), format!("{}\n", c.code));
    }
}

#[test]
fn rfc6238_verify_and_tamper() {
    for c in rfc6238() {
        let verify = |code: &str| {
            let args = [
                "verify",
                &c.secret,
                code,
                "--time",
                &c.at,
                "--digits",
                &c.digits,
                "--algorithm",
                &c.algorithm,
            ];
            mfakit(&args, None)
        };
        let run = verify(&c.code);
        assert_eq!(run.status, 0, "{c:?}: {}", run.stdout);
        assert!(run.stdout.starts_with("match step="), "{}", run.stdout);
        assert!(
            run.stdout.trim_end().ends_with(" drift=0"),
            "{}",
            run.stdout
        );

        // Change each digit in turn: no match, status 1, not an error.
        for i in 0..c.code.len() {
            let mut tampered = c.code.clone().into_bytes();
            tampered[i] = b'0' + (tampered[i] - b'0' + 1) % 10;
            let run = verify(std::str::from_utf8(&tampered).expect("ASCII digits"));
            assert_eq!(run.status, 1, "{c:?} digit {i}");
            assert_eq!(run.stdout, "no match\n");
            assert!(run.stderr.is_empty());
        }
    }
}

#[test]
fn rfc4226_hotp_rows_with_counter() {
    for c in rfc4226() {
        let args = ["code", &c.secret, "--counter", &c.at, "--digits", &c.digits];
        assert_eq!(ok(&args), format!("{}\n", c.code), "{c:?}");
        let uri = format!(
            "otpauth://hotp/RFC:4226?secret={}&counter={}",
            c.secret, c.at
        );
        assert_eq!(ok(&["code", &uri]), format!("{}\n", c.code), "{c:?}");
    }
}

#[test]
fn hotp_verify_looks_ahead_and_reports_the_next_counter() {
    let codes: Vec<String> = rfc4226().into_iter().map(|c| c.code).collect();
    let secret = SHA1_SEED;
    let out = ok(&["verify", secret, &codes[7], "--counter", "3"]);
    assert_eq!(out, "match counter=7 drift=4 next_counter=8\n");
    let run = mfakit(
        &[
            "verify",
            secret,
            &codes[7],
            "--counter",
            "3",
            "--window",
            "2",
        ],
        None,
    );
    assert_eq!((run.status, run.stdout.as_str()), (1, "no match\n"));
    let run = mfakit(
        &[
            "verify",
            secret,
            &codes[3],
            "--counter",
            "3",
            "--after-step",
            "2",
        ],
        None,
    );
    fails(&run, "usage");
}

#[test]
fn verify_exit_codes() {
    let secret = SHA1_SEED;
    // 0: a match, with the step and the drift; a code typed with a space still matches.
    assert_eq!(
        ok(&[
            "verify",
            secret,
            "9428 7082",
            "--time",
            "89",
            "--digits",
            "8"
        ]),
        "match step=1 drift=-1\n"
    );
    // 1: wrong code, malformed code, outside the window, or replayed.
    for (code, extra) in [
        ("94287083", &[][..]),
        ("9428708a", &[]),
        ("942870", &[]),
        ("94287082", &["--after-step", "1"]),
        ("94287082", &["--window", "0", "--time", "60"]),
    ] {
        let base = ["verify", secret, code, "--digits", "8"];
        let mut args = base.to_vec();
        if !extra.contains(&"--time") {
            args.extend(["--time", "59"]);
        }
        args.extend(extra);
        let run = mfakit(&args, None);
        assert_eq!(run.status, 1, "{args:?}: {}", run.stderr);
        assert_eq!(run.stdout, "no match\n");
        assert!(run.stderr.is_empty());
    }
    // 2: bad configuration is an error, not a "no match".
    fails(
        &mfakit(&["verify", "not*base32", "123456"], None),
        "invalid_secret",
    );
    fails(
        &mfakit(&["verify", secret, "123456", "--digits", "5"], None),
        "invalid_parameter",
    );
    fails(
        &mfakit(&["verify", secret, "123456", "--window", "1000"], None),
        "invalid_parameter",
    );
    fails(
        &mfakit(&["verify", "otpauth://totp/x?issuer=y", "123456"], None),
        "invalid_uri",
    );
    // clap's own usage errors also exit 2.
    assert_eq!(mfakit(&["verify", secret], None).status, 2);
    assert_eq!(mfakit(&["verify", secret, "1", "--bogus"], None).status, 2);
}

#[test]
fn bad_input_is_one_line_on_stderr() {
    fails(&mfakit(&["code", "abc1"], None), "invalid_secret");
    fails(&mfakit(&["code", ""], None), "invalid_secret");
    fails(
        &mfakit(&["code", SHA1_SEED, "--period", "0"], None),
        "invalid_parameter",
    );
    fails(
        &mfakit(&["uri", "https://example.com/?secret=AAAA"], None),
        "invalid_uri",
    );
    fails(
        &mfakit(
            &["uri", "otpauth://totp/x?secret=JBSWY3DP&secret=JBSWY3DP"],
            None,
        ),
        "invalid_uri",
    );
    assert_eq!(
        mfakit(&["code", SHA1_SEED, "--algorithm", "MD5"], None).status,
        2
    );
}

#[test]
fn errors_do_not_echo_the_secret() {
    let run = mfakit(&["code", "JBSWY3DPEHPK3PX1"], None);
    fails(&run, "invalid_secret");
    assert!(!run.stderr.contains("JBSWY3DP"), "{}", run.stderr);
}

#[test]
fn uri_flags_that_contradict_the_uri_are_errors() {
    let uri = format!(
        "otpauth://totp/A:b?secret={}&algorithm=SHA256&digits=8&period=60",
        SHA1_SEED
    );
    for flag in [
        &["--algorithm", "SHA1"][..],
        &["--digits", "6"],
        &["--period", "30"],
        &["--counter", "1"],
    ] {
        let args = [&["code", uri.as_str()][..], flag].concat();
        fails(&mfakit(&args, None), "usage");
    }
    let hotp = format!("otpauth://hotp/A:b?secret={}&counter=0", SHA1_SEED);
    fails(&mfakit(&["code", &hotp, "--time", "59"], None), "usage");
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).expect("valid JSON")
}

#[test]
fn uri_json_redacts_the_secret_by_default() {
    let uri = "otpauth://totp/ACME%20Co:john.doe%40email.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME+Co&algorithm=SHA256&digits=8&period=60";
    let v = json(&ok(&["uri", uri, "--json"]));
    assert_eq!(v["type"], "totp");
    assert_eq!(v["issuer"], "ACME Co");
    assert_eq!(v["account"], "john.doe@email.com");
    assert_eq!(v["secret"], serde_json::Value::Null);
    assert_eq!(v["secret_bits"], 160);
    assert_eq!(v["algorithm"], "SHA256");
    assert_eq!(v["digits"], 8);
    assert_eq!(v["period"], 60);
    assert_eq!(v["counter"], serde_json::Value::Null);
    assert_eq!(v["authenticator_compatible"], false);

    let v = json(&ok(&["uri", uri, "--json", "--show-secret"]));
    assert_eq!(v["secret"], "HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ");

    let text = ok(&["uri", uri]);
    assert!(text.contains("account:   john.doe@email.com"), "{text}");
    assert!(text.contains("<redacted, 160 bits>"), "{text}");
    assert!(!text.contains("HXDMVJEC"), "{text}");
    assert!(ok(&["uri", uri, "--show-secret"]).contains("HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ"));
}

#[test]
fn uri_json_for_hotp() {
    let uri = "otpauth://hotp/Bank:me?secret=JBSWY3DPEHPK3PXP&counter=42";
    let v = json(&ok(&["uri", uri, "--json"]));
    assert_eq!(v["type"], "hotp");
    assert_eq!(v["issuer"], "Bank");
    assert_eq!(v["counter"], 42);
    assert_eq!(v["period"], serde_json::Value::Null);
    assert_eq!(v["secret_bits"], 80);
}

#[test]
fn uri_with_an_empty_account_is_read_and_its_codes_work() {
    let uri = format!("otpauth://totp/?secret={SHA1_SEED}&digits=8");
    let v = json(&ok(&["uri", &uri, "--json"]));
    assert_eq!(v["account"], "");
    assert_eq!(v["issuer"], serde_json::Value::Null);
    let text = ok(&["uri", &uri]);
    assert!(text.contains("account:   (none)\n"), "{text}");
    assert_eq!(ok(&["code", &uri, "--time", "59"]), "94287082\n");
}

#[test]
fn secret_and_uri_from_stdin() {
    let secret = SHA1_SEED;
    let run = mfakit(
        &["code", "-", "--time", "59", "--digits", "8"],
        Some(&format!("{}\n", secret.to_lowercase())),
    );
    assert_eq!((run.status, run.stdout.as_str()), (0, "94287082\n"));

    let run = mfakit(
        &["verify", "-", "94287082", "--time", "59", "--digits", "8"],
        Some(&format!("\n  {secret}  \n")),
    );
    assert_eq!(run.status, 0, "{}", run.stderr);

    let uri = format!("otpauth://totp/A:b?secret={secret}&digits=8\n");
    let run = mfakit(&["code", "-", "--time", "59"], Some(&uri));
    assert_eq!(run.stdout, "94287082\n");
    let run = mfakit(&["uri", "-", "--json"], Some(&uri));
    assert_eq!(json(&run.stdout)["digits"], 8);

    fails(&mfakit(&["code", "-"], Some("")), "usage");
    fails(&mfakit(&["code", "-"], Some("\n \n")), "usage");
}

#[test]
fn enroll_prints_a_secret_a_uri_that_parses_back_a_qr_and_a_working_code() {
    let out = ok(&[
        "enroll",
        "--issuer",
        "Example Co",
        "--account",
        "alice@example.com",
    ]);
    let field = |name: &str| {
        out.lines()
            .find_map(|l| l.strip_prefix(name))
            .map(str::trim)
            .unwrap_or_else(|| panic!("no `{name}` line in {out}"))
            .to_owned()
    };
    let secret = field("secret:");
    let uri = field("uri:");
    assert_eq!(secret.len(), 32, "160 bits of base32");
    assert!(uri.starts_with("otpauth://totp/Example%20Co:alice%40example.com?"));

    let v = json(&ok(&["uri", &uri, "--json", "--show-secret"]));
    assert_eq!(v["issuer"], "Example Co");
    assert_eq!(v["account"], "alice@example.com");
    assert_eq!(v["secret"], secret.as_str());
    assert_eq!(v["authenticator_compatible"], true);

    // The QR code: rows of Unicode half blocks, all the same width.
    let qr: Vec<&str> = out
        .lines()
        .filter(|l| l.contains('█') || l.contains('▀') || l.contains('▄'))
        .collect();
    assert!(qr.len() > 15, "{out}");
    assert!(qr
        .iter()
        .all(|l| l.chars().count() == qr[0].chars().count()));

    let code = field("code:");
    let code = code.split_whitespace().next().expect("a code");
    assert_eq!(code.len(), 6);
    // The code shown verifies (window ±1 covers a step boundary between the two runs).
    let run = mfakit(&["verify", &uri, code], None);
    assert_eq!(run.status, 0, "{}", run.stdout);
}

#[test]
fn enroll_refuses_incompatible_settings_unless_asked() {
    for flag in [
        &["--algorithm", "SHA256"][..],
        &["--digits", "8"],
        &["--period", "60"],
    ] {
        let args = [&["enroll", "--issuer", "X", "--account", "a"][..], flag].concat();
        let run = mfakit(&args, None);
        fails(&run, "incompatible_profile");
        assert!(run.stderr.contains("--any-profile"), "{}", run.stderr);

        let args = [&args[..], &["--any-profile"]].concat();
        let out = ok(&args);
        let uri = out
            .lines()
            .find_map(|l| l.strip_prefix("uri:"))
            .expect("a uri line")
            .trim();
        let v = json(&ok(&["uri", uri, "--json"]));
        assert_eq!(v["authenticator_compatible"], false);
    }
    fails(
        &mfakit(&["enroll", "--issuer", "A:B", "--account", "a"], None),
        "invalid_parameter",
    );
    // A label an authenticator app would show blank is refused before anything is printed.
    for (issuer, account) in [("X", ""), ("X", "  "), ("", "a"), (" ", "a")] {
        fails(
            &mfakit(&["enroll", "--issuer", issuer, "--account", account], None),
            "invalid_parameter",
        );
    }
    fails(
        &mfakit(
            &[
                "enroll",
                "--issuer",
                "X",
                "--account",
                "a",
                "--digits",
                "11",
                "--any-profile",
            ],
            None,
        ),
        "invalid_parameter",
    );
}

#[test]
fn help_mentions_stdin_and_exit_codes() {
    let help = ok(&["code", "--help"]);
    assert!(help.contains("standard input"), "{help}");
    assert!(help.contains("Exit status"), "{help}");
}
