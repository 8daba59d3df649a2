//! `mfakit admin` against real stores: a SQLite file, and the PostgreSQL and Redis servers named
//! by `MFAKIT_TEST_POSTGRES_URL` / `MFAKIT_TEST_REDIS_URL` (`scripts/services.sh start`). Without
//! them the server tests are skipped, unless `MFAKIT_REQUIRE_SERVERS=1`, where they fail.
//!
//! The test enrols users through `mfakit-store` the way an application does, then runs the
//! built binary the way an operator would.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test fails loudly, by design

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};

use mfakit_core::{
    unix_now, ChallengeKey, Keyring, Method, MfaContext, OtpAuthUri, SealingKey, ServicePolicy,
    Verdict,
};
use mfakit_store::{MfaService, StoreOptions};
use serde_json::Value;

/// The application's policy: lockout after 3 failures for an hour, no backoff, cheap argon2.
const POLICY: &str = r#"{"attempts": {"backoff_base_secs": 0, "backoff_factor": 1,
    "backoff_cap_secs": 0, "lockout_after": 3, "lockout_secs": 3600},
    "recovery_params": {"m_cost_kib": 64, "t_cost": 1, "p_cost": 1}}"#;

struct Run {
    status: i32,
    stdout: String,
    stderr: String,
}

/// Runs `mfakit` in `dir` with `env` only (MFAKIT_* of the caller removed).
fn mfakit_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mfakit"));
    cmd.args(args)
        .current_dir(dir)
        .env_remove("MFAKIT_STORE")
        .env_remove("MFAKIT_POLICY_FILE")
        .stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("the mfakit binary runs");
    Run {
        status: out.status.code().expect("mfakit exits normally"),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let run = mfakit_in(dir, args, &[]);
    assert_eq!(run.status, 0, "mfakit {args:?}: {}", run.stderr);
    assert!(run.stderr.is_empty(), "mfakit {args:?}: {}", run.stderr);
    run.stdout
}

fn json(dir: &Path, args: &[&str]) -> Value {
    serde_json::from_str(&ok(dir, args)).unwrap()
}

/// Exit 2 with one line `mfakit: error [code]: ...` on stderr and nothing on stdout.
fn fails(run: &Run, code: &str) {
    assert_eq!(run.status, 2, "stdout {} stderr {}", run.stdout, run.stderr);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(
        run.stderr.starts_with(&format!("mfakit: error [{code}]: ")),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty(), "{}", run.stdout);
}

fn unique() -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!(
        "{}-{nanos:x}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    )
}

fn temp_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mfakit-cli-admin-{}", unique()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn server_url(name: &str) -> Option<String> {
    let var = format!("MFAKIT_TEST_{}_URL", name.to_uppercase());
    match std::env::var(&var) {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var("MFAKIT_REQUIRE_SERVERS").as_deref() == Ok("1") => {
            panic!("{var} is not set but MFAKIT_REQUIRE_SERVERS=1")
        }
        _ => {
            eprintln!("note: {var} not set; skipping the {name} store");
            None
        }
    }
}

/// The application's service on `url`, with its own keys (which the CLI never sees).
fn service(url: &str) -> MfaService {
    let ctx = MfaContext::new(
        Keyring::new("app", SealingKey::from_bytes(&[7; 32]).unwrap()).unwrap(),
        ChallengeKey::from_bytes(&[9; 32]).unwrap(),
        "Example Co",
        ServicePolicy::from_json(POLICY).unwrap(),
    )
    .unwrap();
    MfaService::open(url, ctx, StoreOptions::default()).unwrap()
}

/// A user with a confirmed TOTP, then locked out by three wrong recovery codes. Returns the
/// user, the TOTP secret and the recovery codes (to check that no output shows them).
fn locked_user(svc: &MfaService) -> (String, String, Vec<String>) {
    let user = format!("cli-{}", unique());
    let setup = svc.setup_totp(&user, "alice@example.com", true).unwrap();
    let code = OtpAuthUri::parse(&setup.uri)
        .unwrap()
        .totp()
        .unwrap()
        .generate_at(unix_now())
        .unwrap();
    let ok = svc.confirm_totp(&user, &code).unwrap();
    assert_eq!(ok.verdict, Verdict::Accepted);
    let codes = ok
        .recovery_codes
        .unwrap()
        .iter()
        .map(|c| c.as_str().to_owned())
        .collect();
    for _ in 0..3 {
        let v = svc
            .step_up(&user, Method::RecoveryCode, "aaaa-bbbb-cccc")
            .unwrap();
        assert_eq!(v.verdict, Verdict::Wrong);
    }
    (user, setup.secret.to_string(), codes)
}

/// status → unlock → audit → reset → status, in text and JSON, on one store.
fn operator_session(url: &str, dir: &Path) {
    let policy = dir.join("policy.json");
    std::fs::write(&policy, POLICY).unwrap();
    let policy = policy.to_str().unwrap();
    let svc = service(url);
    let (user, secret, codes) = locked_user(&svc);
    let admin = |rest: &[&str]| -> Vec<String> {
        let mut args = vec!["admin", "--store", url, "--policy-file", policy];
        args.extend_from_slice(rest);
        args.into_iter().map(str::to_owned).collect()
    };
    let run = |rest: &[&str]| {
        let args = admin(rest);
        ok(dir, &args.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let run_json = |rest: &[&str]| -> Value { serde_json::from_str(&run(rest)).unwrap() };
    let mut shown = String::new();

    let text = run(&["status", &user]);
    assert!(
        text.contains(&format!("user:           {user}\n")),
        "{text}"
    );
    assert!(
        text.contains("methods:        totp, recovery_code\n"),
        "{text}"
    );
    assert!(text.contains("recovery codes: 10 left\n"), "{text}");
    assert!(text.contains("failures:       3\n"), "{text}");
    assert!(text.contains("locked:         until 20"), "{text}");
    shown.push_str(&text);

    let status = run_json(&["status", &user, "--json"]);
    assert_eq!(status["user_id"], user.as_str());
    assert_eq!(
        status["methods"],
        serde_json::json!(["totp", "recovery_code"])
    );
    assert_eq!(status["failures"], 3);
    assert_eq!(status["recovery_codes_left"], 10);
    assert!(status["locked_until"].as_u64().unwrap() > unix_now() + 3000);

    assert_eq!(run(&["unlock", &user]), format!("unlocked {user}\n"));
    let status = run_json(&["--json", "status", &user]);
    assert_eq!(status["locked_until"], Value::Null);
    assert_eq!(status["failures"], 0);
    // The application sees the unlock at once.
    assert_eq!(svc.status(&user).unwrap().locked_until, None);

    let events = run_json(&["audit", &user, "--limit", "3", "--json"]);
    let events = events.as_array().unwrap();
    assert_eq!(events.len(), 3);
    assert_eq!(events[0]["kind"], "unlocked");
    assert_eq!(events[0]["outcome"], "operator");
    assert_eq!(events[1]["kind"], "locked");
    let text = run(&["audit", &user]);
    let first = text.lines().next().unwrap();
    assert!(
        first.contains(" unlocked ") && first.ends_with("operator"),
        "{text}"
    );
    assert!(text
        .lines()
        .any(|l| l.contains("confirmed") && l.contains("totp")));
    shown.push_str(&text);

    let reset = run(&["reset", &user]);
    assert_eq!(
        reset,
        format!("reset {user} (removed: totp, recovery_code)\n")
    );
    let status = run_json(&["status", &user, "--json"]);
    assert_eq!(status["methods"], serde_json::json!([]));
    assert!(
        svc.start_login(&user).is_err(),
        "nothing left to log in with"
    );
    let events = run_json(&["audit", &user, "--json"]);
    assert_eq!(events[0]["kind"], "reset");
    let again = run_json(&["reset", &user, "--json"]);
    assert_eq!(again["action"], "reset");
    assert_eq!(again["removed"], serde_json::json!([]));
    shown.push_str(&run(&["audit", &user, "--json"]));

    for s in std::iter::once(&secret).chain(&codes) {
        assert!(!shown.contains(s.as_str()), "`{s}` in output");
    }
}

#[test]
fn operator_commands_on_a_sqlite_file() {
    let dir = temp_dir();
    let url = format!("sqlite://{}", dir.join("mfa.db").display());
    operator_session(&url, &dir);
}

#[test]
fn operator_commands_on_postgres() {
    if let Some(url) = server_url("postgres") {
        operator_session(&url, &temp_dir());
    }
}

#[test]
fn operator_commands_on_redis() {
    if let Some(url) = server_url("redis") {
        operator_session(&url, &temp_dir());
    }
}

#[test]
fn store_from_env_then_default_and_migrate() {
    let dir = temp_dir();
    // No --store, no MFAKIT_STORE: sqlite://mfakit.db in the working directory, which
    // `status` refuses to create and `migrate` creates.
    let run = mfakit_in(&dir, &["admin", "status", "alice"], &[]);
    fails(&run, "storage_unavailable");
    assert!(run.stderr.contains("mfakit.db"), "{}", run.stderr);
    assert!(!dir.join("mfakit.db").exists());
    assert_eq!(
        ok(&dir, &["admin", "migrate"]),
        "migrated: sqlite store at schema 1\n"
    );
    assert!(dir.join("mfakit.db").exists());
    let migrated = json(&dir, &["admin", "migrate", "--json"]);
    assert_eq!(
        migrated,
        serde_json::json!({"store": "sqlite", "schema": 1})
    );
    let status = json(&dir, &["admin", "status", "alice", "--json"]);
    assert_eq!(status["methods"], serde_json::json!([]));
    assert_eq!(status["locked_until"], Value::Null);
    assert!(ok(&dir, &["admin", "audit", "alice"]).contains("no audit events for alice"));

    // MFAKIT_STORE names another store; --store wins over it.
    let other = dir.join("other.db");
    let other_url = format!("sqlite://{}", other.display());
    let svc = service(&other_url);
    let (user, _, _) = locked_user(&svc);
    let run = mfakit_in(
        &dir,
        &["admin", "status", &user, "--json"],
        &[("MFAKIT_STORE", &other_url)],
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    let status: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(status["failures"], 3);
    // The default policy (lockout after 10) only backs off a few seconds after 3 failures;
    // the application's policy, from MFAKIT_POLICY_FILE, locks for an hour.
    let until = status["locked_until"].as_u64();
    assert!(until.is_none_or(|t| t <= unix_now() + 60), "{status}");
    let policy = dir.join("policy.json");
    std::fs::write(&policy, POLICY).unwrap();
    let run = mfakit_in(
        &dir,
        &["admin", "status", &user, "--json"],
        &[
            ("MFAKIT_STORE", &other_url),
            ("MFAKIT_POLICY_FILE", policy.to_str().unwrap()),
        ],
    );
    let status: Value = serde_json::from_str(&run.stdout).unwrap();
    assert!(
        status["locked_until"].as_u64().unwrap() > unix_now() + 3000,
        "{status}"
    );
    let run = mfakit_in(
        &dir,
        &[
            "admin",
            "--store",
            "sqlite://mfakit.db",
            "status",
            &user,
            "--json",
        ],
        &[("MFAKIT_STORE", &other_url)],
    );
    let status: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(status["methods"], serde_json::json!([]));
}

#[test]
fn errors_are_one_line_with_a_code() {
    let dir = temp_dir();
    let url = format!("sqlite://{}", dir.join("mfa.db").display());
    ok(&dir, &["admin", "--store", &url, "migrate"]);
    let admin = |rest: &[&str]| {
        let mut args = vec!["admin", "--store", url.as_str()];
        args.extend_from_slice(rest);
        mfakit_in(&dir, &args, &[])
    };
    fails(&admin(&["status", ""]), "invalid_parameter");
    fails(&admin(&["unlock", "a\u{1}b"]), "invalid_parameter");
    fails(
        &admin(&["audit", "alice", "--limit", "0"]),
        "invalid_parameter",
    );
    fails(
        &admin(&["audit", "alice", "--limit", "1001"]),
        "invalid_parameter",
    );
    fails(
        &mfakit_in(&dir, &["admin", "--store", "mysql://x", "status", "a"], &[]),
        "invalid_parameter",
    );
    fails(
        &mfakit_in(&dir, &["admin", "--store", "mysql://x", "migrate"], &[]),
        "invalid_parameter",
    );
    std::fs::write(dir.join("bad.json"), r#"{"totp_window": 99}"#).unwrap();
    fails(
        &admin(&[
            "--policy-file",
            dir.join("bad.json").to_str().unwrap(),
            "status",
            "a",
        ]),
        "invalid_parameter",
    );
    fails(
        &admin(&[
            "--policy-file",
            dir.join("missing.json").to_str().unwrap(),
            "status",
            "a",
        ]),
        "io",
    );
    let down = mfakit_in(
        &dir,
        &[
            "admin",
            "--store",
            "postgres://nobody:hunter2@127.0.0.1:1/none",
            "status",
            "a",
        ],
        &[],
    );
    fails(&down, "storage_unavailable");
    assert!(!down.stderr.contains("hunter2"), "{}", down.stderr);
    fails(
        &mfakit_in(
            &dir,
            &["admin", "--store", "redis://127.0.0.1:1/0", "reset", "a"],
            &[],
        ),
        "storage_unavailable",
    );
    // A usage error is clap's (exit 2, usage on stderr).
    let run = mfakit_in(&dir, &["admin", "status"], &[]);
    assert_eq!(run.status, 2);
    let help = ok(&dir, &["admin", "--help"]);
    for word in [
        "status",
        "audit",
        "unlock",
        "reset",
        "migrate",
        "MFAKIT_STORE",
    ] {
        assert!(help.contains(word), "{word} missing from\n{help}");
    }
}
