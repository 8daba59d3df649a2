//! The service's flows and guarantees, on every backend: a real SQLite file, and the
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test
//! PostgreSQL and Redis servers `make test-store` starts (see `common::backends`).

mod common;

use std::sync::Barrier;

use common::*;

/// One test per backend and guarantee, so that `cargo test` counts them per backend.
macro_rules! per_backend {
    ($($test:ident),* $(,)?) => {
        mod sqlite {
            $(#[test] fn $test() { super::$test("sqlite", &super::sqlite_url(stringify!($test))); })*
        }
        mod postgres {
            $(#[test] fn $test() { if let Some(url) = super::server_url("postgres") { super::$test("postgres", &url); } })*
        }
        mod redis {
            $(#[test] fn $test() { if let Some(url) = super::server_url("redis") { super::$test("redis", &url); } })*
        }
        mod redis_cluster {
            $(#[test] fn $test() { if let Some(url) = super::server_url("redis_cluster") { super::$test("redis_cluster", &url); } })*
        }
    };
}

per_backend!(
    totp_login_flow_with_replay_refusal,
    recovery_code_is_single_use_and_step_up_works,
    email_and_sms_codes,
    reenrolment_keeps_the_confirmed_totp_until_the_new_one_is_confirmed,
    disable_needs_a_fresh_step_up_and_operator_commands_work,
    sixteen_threads_one_code_exactly_one_accepted,
    sixty_four_concurrent_wrong_guesses_are_all_counted,
    corrupt_or_newer_records_are_typed_errors_and_left_alone,
    restart_loses_nothing_acknowledged,
    setup_without_verification_is_active_at_once,
    a_write_and_its_audit_rows_land_together_or_not_at_all,
    a_locked_update_writes_what_it_decides_and_loses_no_update,
);

use mfakit_core::{AuditEvent, AuditKind, Method, MfaError, ServicePolicy, Verdict};
use mfakit_store::{open_backend, Decision, MfaService, StoreOptions, StoredRecord};

/// Enrols a confirmed TOTP for a new user at T0; returns (user, uri, recovery codes).
fn enrolled(svc: &MfaService, clock: &TestClock, tag: &str) -> (String, String, Vec<String>) {
    let user = user(tag);
    let setup = svc.setup_totp(&user, "alice@example.com", true).unwrap();
    assert!(!setup.active && setup.recovery_codes.is_none());
    let confirm = svc
        .confirm_totp(&user, &code_at(&setup.uri, clock.now()))
        .unwrap();
    assert_eq!(confirm.verdict, Verdict::Accepted);
    let codes = confirm
        .recovery_codes
        .expect("first confirmation brings recovery codes")
        .iter()
        .map(|c| c.as_str().to_owned())
        .collect();
    (user, setup.uri.to_string(), codes)
}

fn totp_login_flow_with_replay_refusal(name: &str, url: &str) {
    let clock = TestClock::new(T0);
    let svc = open(url, policy(10), &clock);
    let (user, uri, codes) = enrolled(&svc, &clock, "flow");
    assert_eq!(codes.len(), 10, "{name}");
    let status = svc.status(&user).unwrap();
    assert_eq!(
        status.methods,
        vec![Method::Totp, Method::RecoveryCode],
        "{name}"
    );
    assert_eq!(status.recovery_codes_left, 10);

    // The code accepted at enrolment is refused at the next login: used, not counted.
    let login = svc.start_login(&user).unwrap();
    assert_eq!(login.methods, vec![Method::Totp, Method::RecoveryCode]);
    let replay = svc
        .verify(&login.id, Method::Totp, &code_at(&uri, clock.now()))
        .unwrap();
    assert_eq!(replay.verdict, Verdict::Used, "{name}");
    assert_eq!(svc.status(&user).unwrap().failures, 0);

    // The next step's code completes the login and yields claims.
    clock.advance(30);
    let ok = svc
        .verify(&login.id, Method::Totp, &code_at(&uri, clock.now()))
        .unwrap();
    assert_eq!(ok.verdict, Verdict::Accepted, "{name}");
    let claims = ok.claims.unwrap();
    assert_eq!(claims.amr, vec!["otp", "mfa"]);
    assert_eq!(claims.acr, "aal2");
    assert_eq!(claims.auth_time, clock.now());

    // The challenge is consumed: a second verify says used, even with a fresh code.
    clock.advance(30);
    let again = svc
        .verify(&login.id, Method::Totp, &code_at(&uri, clock.now()))
        .unwrap();
    assert_eq!(again.verdict, Verdict::Used, "{name}");

    // An older step than the last accepted one is refused (used), a wrong code is wrong.
    let login = svc.start_login(&user).unwrap();
    let older = svc
        .verify(&login.id, Method::Totp, &code_at(&uri, clock.now() - 30))
        .unwrap();
    assert_eq!(older.verdict, Verdict::Used, "{name}");
    let wrong = svc.verify(&login.id, Method::Totp, "000000").unwrap();
    let wrong = if wrong.verdict == Verdict::Accepted {
        svc.verify(&login.id, Method::Totp, "111111").unwrap()
    } else {
        wrong
    };
    assert_eq!(wrong.verdict, Verdict::Wrong, "{name}");
    assert_eq!(wrong.attempts_left, Some(9));

    // Expired challenge.
    clock.advance(301);
    let late = svc
        .verify(&login.id, Method::Totp, &code_at(&uri, clock.now()))
        .unwrap();
    assert_eq!(late.verdict, Verdict::Expired, "{name}");

    // The audit log has the story, newest first, without secrets.
    let events = svc.audit(&user, 50).unwrap();
    let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds.first(), Some(&"failed"), "{name}: {kinds:?}");
    for k in [
        "enrolled",
        "confirmed",
        "recovery_codes_regenerated",
        "challenge_started",
        "verified",
    ] {
        assert!(kinds.contains(&k), "{name}: {k} missing from {kinds:?}");
    }
    let text = format!("{events:?}");
    assert!(
        !text.contains(&codes[0]) && !text.contains("secret="),
        "{name}"
    );
    assert_eq!(svc.audit(&user, 2).unwrap().len(), 2);
}

fn recovery_code_is_single_use_and_step_up_works(name: &str, url: &str) {
    let clock = TestClock::new(T0);
    let svc = open(url, policy(10), &clock);
    let (user, uri, codes) = enrolled(&svc, &clock, "recovery");
    let login = svc.start_login(&user).unwrap();
    let ok = svc
        .verify(&login.id, Method::RecoveryCode, &codes[3])
        .unwrap();
    assert_eq!(ok.verdict, Verdict::Accepted, "{name}");
    assert_eq!(ok.recovery_codes_left, Some(9));
    let login = svc.start_login(&user).unwrap();
    let again = svc
        .verify(&login.id, Method::RecoveryCode, &codes[3])
        .unwrap();
    assert_eq!(again.verdict, Verdict::Wrong, "{name}");

    // Step-up with TOTP: claims, and the step is recorded like a login's.
    clock.advance(30);
    let code = code_at(&uri, clock.now());
    let up = svc.step_up(&user, Method::Totp, &code).unwrap();
    assert!(up.accepted(), "{name}");
    assert_eq!(
        svc.step_up(&user, Method::Totp, &code).unwrap().verdict,
        Verdict::Used
    );

    // Regenerate: old codes die, new ones work.
    let fresh = svc.regenerate_recovery_codes(&user).unwrap();
    assert_eq!(svc.status(&user).unwrap().recovery_codes_left, 10);
    assert!(!svc
        .step_up(&user, Method::RecoveryCode, &codes[0])
        .unwrap()
        .accepted());
    assert!(svc
        .step_up(&user, Method::RecoveryCode, fresh[0].as_str())
        .unwrap()
        .accepted());
}

fn email_and_sms_codes(name: &str, url: &str) {
    let clock = TestClock::new(T0);
    let svc = open(url, policy(10), &clock);
    let user = user("contact");
    let sent = svc
        .setup_contact(&user, Method::Email, "jane.doe@example.com")
        .unwrap();
    assert_eq!(sent.masked, "j***@example.com");
    assert_eq!(sent.contact.as_str(), "jane.doe@example.com");
    assert!(
        !format!("{sent:?}").contains(sent.code.as_str()),
        "{name}: code in Debug"
    );
    let wrong = svc.confirm_contact(&user, Method::Email, "not-it").unwrap();
    assert_eq!(wrong.verdict, Verdict::Wrong);
    let ok = svc
        .confirm_contact(&user, Method::Email, sent.code.as_str())
        .unwrap();
    assert!(ok.accepted(), "{name}");
    assert_eq!(ok.recovery_codes.as_ref().map(Vec::len), Some(10));

    let sms = svc
        .setup_contact(&user, Method::Sms, "+44 7700 900123")
        .unwrap();
    let ok = svc
        .confirm_contact(&user, Method::Sms, sms.code.as_str())
        .unwrap();
    assert!(ok.accepted() && ok.recovery_codes.is_none(), "{name}");

    let login = svc.start_login(&user).unwrap();
    assert_eq!(
        login.methods,
        vec![Method::Email, Method::Sms, Method::RecoveryCode]
    );
    assert_eq!(login.masked[&Method::Email], "j***@example.com");
    // No code sent yet: nothing to compare.
    assert_eq!(
        svc.verify(&login.id, Method::Email, "123456")
            .unwrap()
            .verdict,
        Verdict::Expired
    );
    let code = svc.send_code(&login.id, Method::Email).unwrap();
    // Resend within the cooldown is rate limited; after it, the old code is dead.
    let err = svc.send_code(&login.id, Method::Email).unwrap_err();
    assert_eq!(err.code(), "rate_limited", "{name}");
    clock.advance(61);
    let code2 = svc.send_code(&login.id, Method::Email).unwrap();
    if code2.code.as_str() != code.code.as_str() {
        assert_eq!(
            svc.verify(&login.id, Method::Email, code.code.as_str())
                .unwrap()
                .verdict,
            Verdict::Wrong
        );
    }
    let ok = svc
        .verify(&login.id, Method::Email, code2.code.as_str())
        .unwrap();
    assert!(ok.accepted(), "{name}");
    assert_eq!(ok.claims.unwrap().acr, "aal1");

    // Step-up by SMS.
    let up = svc.send_step_up_code(&user, Method::Sms).unwrap();
    assert!(
        svc.step_up(&user, Method::Sms, up.code.as_str())
            .unwrap()
            .accepted(),
        "{name}"
    );
    assert_eq!(
        svc.step_up(&user, Method::Sms, up.code.as_str())
            .unwrap()
            .verdict,
        Verdict::Expired
    );

    // Errors are typed.
    assert_eq!(
        svc.send_code("nonsense", Method::Email).unwrap_err().code(),
        "invalid_parameter"
    );
    assert_eq!(
        svc.send_code(&login.id, Method::Totp).unwrap_err().code(),
        "invalid_parameter"
    );
    let nobody = common::user("nobody");
    assert_eq!(svc.start_login(&nobody).unwrap_err().code(), "not_enrolled");
    assert_eq!(
        svc.setup_contact(&user, Method::Email, "nope")
            .unwrap_err()
            .code(),
        "invalid_parameter"
    );
}

fn reenrolment_keeps_the_confirmed_totp_until_the_new_one_is_confirmed(name: &str, url: &str) {
    let clock = TestClock::new(T0);
    let svc = open(url, policy(10), &clock);
    let (user, old_uri, _) = enrolled(&svc, &clock, "reenrol");
    let new = svc.setup_totp(&user, "alice@example.com", true).unwrap();
    assert_ne!(new.uri.as_str(), old_uri);
    clock.advance(30);
    assert!(
        svc.step_up(&user, Method::Totp, &code_at(&old_uri, clock.now()))
            .unwrap()
            .accepted(),
        "{name}"
    );
    assert!(svc.status(&user).unwrap().totp_pending);
    clock.advance(30);
    assert!(svc
        .confirm_totp(&user, &code_at(&new.uri, clock.now()))
        .unwrap()
        .accepted());
    clock.advance(30);
    assert!(
        !svc.step_up(&user, Method::Totp, &code_at(&old_uri, clock.now()))
            .unwrap()
            .accepted(),
        "{name}: old secret still works"
    );
    assert!(svc
        .step_up(&user, Method::Totp, &code_at(&new.uri, clock.now()))
        .unwrap()
        .accepted());
    assert_eq!(
        svc.reveal_totp_uri(&user).unwrap().as_str(),
        new.uri.as_str()
    );
}

fn disable_needs_a_fresh_step_up_and_operator_commands_work(name: &str, url: &str) {
    let clock = TestClock::new(T0);
    let svc = open(url, policy(3), &clock);
    let (user, uri, _) = enrolled(&svc, &clock, "disable");
    assert_eq!(
        svc.disable(&user, Method::Totp).unwrap_err().code(),
        "step_up_required",
        "{name}"
    );
    clock.advance(30);
    assert!(svc
        .step_up(&user, Method::Totp, &code_at(&uri, clock.now()))
        .unwrap()
        .accepted());
    clock.advance(301);
    assert_eq!(
        svc.disable(&user, Method::Totp).unwrap_err().code(),
        "step_up_required"
    );
    assert!(svc
        .step_up(&user, Method::Totp, &code_at(&uri, clock.now()))
        .unwrap()
        .accepted());
    svc.disable(&user, Method::Totp).unwrap();
    let status = svc.status(&user).unwrap();
    assert!(status.methods.is_empty(), "{name}: {status:?}");

    // Lock a user out, then unlock and reset as an operator.
    let (user, _, _) = enrolled(&svc, &clock, "operator");
    for _ in 0..3 {
        svc.step_up(&user, Method::RecoveryCode, "aaaa-bbbb-cccc")
            .unwrap();
    }
    let locked = svc.status(&user).unwrap();
    assert_eq!(locked.locked_until, Some(clock.now() + 3600), "{name}");
    svc.unlock(&user).unwrap();
    assert_eq!(svc.status(&user).unwrap().locked_until, None);
    svc.reset(&user).unwrap();
    assert!(svc.status(&user).unwrap().methods.is_empty());
    let kinds: Vec<String> = svc
        .audit(&user, 10)
        .unwrap()
        .iter()
        .map(|e| e.kind.as_str().to_owned())
        .collect();
    assert_eq!(&kinds[..2], ["reset", "unlocked"], "{name}");
    assert!(kinds.contains(&"locked".to_owned()));
}

/// Runs `threads` verifications at once across `services` (so that the compare-and-swap, not
/// only the in-process queue, decides) and returns their verdicts.
fn race<F>(services: &[MfaService], threads: usize, f: F) -> Vec<Verdict>
where
    F: Fn(&MfaService, usize) -> mfakit_core::Result<mfakit_core::Verification> + Sync,
{
    let barrier = Barrier::new(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|i| {
                let svc = &services[i % services.len()];
                let (barrier, f) = (&barrier, &f);
                s.spawn(move || {
                    barrier.wait();
                    f(svc, i).unwrap().verdict
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

fn count(verdicts: &[Verdict], v: Verdict) -> usize {
    verdicts.iter().filter(|&&x| x == v).count()
}

fn sixteen_threads_one_code_exactly_one_accepted(name: &str, url: &str) {
    let clock = TestClock::new(T0);
    let services: Vec<MfaService> = (0..4).map(|_| open(url, policy(0), &clock)).collect();
    let svc = &services[0];
    let (user, uri, codes) = enrolled(svc, &clock, "race");
    clock.advance(30);

    // One TOTP code, sixteen login challenges.
    let logins: Vec<String> = (0..16)
        .map(|_| svc.start_login(&user).unwrap().id)
        .collect();
    let code = code_at(&uri, clock.now());
    let v = race(&services, 16, |s, i| {
        s.verify(&logins[i % logins.len()], Method::Totp, &code)
    });
    assert_eq!(count(&v, Verdict::Accepted), 1, "{name} totp: {v:?}");

    // One challenge, sixteen verifications with the right code.
    clock.advance(30);
    let login = svc.start_login(&user).unwrap().id;
    let code = code_at(&uri, clock.now());
    let v = race(&services, 16, |s, _| s.verify(&login, Method::Totp, &code));
    assert_eq!(count(&v, Verdict::Accepted), 1, "{name} challenge: {v:?}");
    assert_eq!(count(&v, Verdict::Used), 15, "{name} challenge: {v:?}");

    // One recovery code spent by sixteen step-ups.
    let v = race(&services, 16, |s, _| {
        s.step_up(&user, Method::RecoveryCode, &codes[5])
    });
    assert_eq!(count(&v, Verdict::Accepted), 1, "{name} recovery: {v:?}");
    assert_eq!(svc.status(&user).unwrap().recovery_codes_left, 9);

    // One email code.
    let sent = svc
        .setup_contact(&user, Method::Email, "a@example.com")
        .unwrap();
    svc.confirm_contact(&user, Method::Email, sent.code.as_str())
        .unwrap();
    let login = svc.start_login(&user).unwrap().id;
    let email = svc.send_code(&login, Method::Email).unwrap();
    let v = race(&services, 16, |s, _| {
        s.verify(&login, Method::Email, email.code.as_str())
    });
    assert_eq!(count(&v, Verdict::Accepted), 1, "{name} email: {v:?}");
    eprintln!("{name}: 4 races of 16 threads, exactly one accepted each");
}

fn sixty_four_concurrent_wrong_guesses_are_all_counted(name: &str, url: &str) {
    // No lockout: every guess is compared and counted, none lost.
    let clock = TestClock::new(T0);
    let services: Vec<MfaService> = (0..4).map(|_| open(url, policy(0), &clock)).collect();
    let (user, _, _) = enrolled(&services[0], &clock, "guesses");
    let v = race(&services, 64, |s, i| {
        s.step_up(&user, Method::Totp, &format!("{:06}", 999_000 + i))
    });
    assert_eq!(count(&v, Verdict::Wrong), 64, "{name}: {v:?}");
    assert_eq!(
        services[0].status(&user).unwrap().failures,
        64,
        "{name}: lost update"
    );

    // Lockout after 10: exactly 10 compared, the rest refused, then a right code refused.
    let services: Vec<MfaService> = (0..4).map(|_| open(url, policy(10), &clock)).collect();
    let (user, uri, _) = enrolled(&services[0], &clock, "lockout");
    let logins: Vec<String> = (0..4)
        .map(|_| services[0].start_login(&user).unwrap().id)
        .collect();
    let v = race(&services, 64, |s, i| {
        s.verify(&logins[i % 4], Method::Totp, &format!("{:06}", 999_000 + i))
    });
    assert_eq!(count(&v, Verdict::Wrong), 10, "{name}: {v:?}");
    assert_eq!(count(&v, Verdict::Locked), 54, "{name}: {v:?}");
    let status = services[0].status(&user).unwrap();
    assert_eq!(status.failures, 10);
    assert!(status.locked_until.is_some());
    clock.advance(30);
    let login = services[0].start_login(&user).unwrap().id;
    let right = services[0]
        .verify(&login, Method::Totp, &code_at(&uri, clock.now()))
        .unwrap();
    assert_eq!(right.verdict, Verdict::Locked, "{name}");
    assert!(right.retry_after > 3500);
    eprintln!("{name}: 64 concurrent guesses counted; lockout at 10");
}

fn corrupt_or_newer_records_are_typed_errors_and_left_alone(name: &str, url: &str) {
    let clock = TestClock::new(T0);
    let svc = open(url, policy(10), &clock);
    let backend = open_backend(url, StoreOptions::default()).unwrap();
    for (i, text) in [
        "{not json",
        r#"{"schema":99,"whatever":true}"#,
        r#"{"schema":1,"user_id":"someone-else"}"#,
    ]
    .into_iter()
    .enumerate()
    {
        let user = user(&format!("corrupt{i}"));
        let stored = StoredRecord {
            record: text.to_owned(),
            version: 1,
        };
        assert!(backend.compare_and_swap(&user, 0, &stored, &[]).unwrap());
        for err in [
            svc.status(&user).unwrap_err(),
            svc.setup_totp(&user, "a", true).unwrap_err(),
            svc.start_login(&user).unwrap_err(),
        ] {
            assert_eq!(err.code(), "invalid_stored_value", "{name}: {err}");
        }
        if i == 1 {
            let err = svc.status(&user).unwrap_err();
            assert!(err.to_string().contains("newer"), "{name}: {err}");
        }
        assert_eq!(
            backend.load(&user).unwrap(),
            Some(stored),
            "{name}: overwritten"
        );
    }
}

fn restart_loses_nothing_acknowledged(name: &str, url: &str) {
    let clock = TestClock::new(T0);
    let svc = open(url, policy(10), &clock);
    let (user, uri, codes) = enrolled(&svc, &clock, "restart");
    clock.advance(30);
    assert!(svc
        .step_up(&user, Method::RecoveryCode, &codes[0])
        .unwrap()
        .accepted());
    assert!(svc
        .step_up(&user, Method::Totp, &code_at(&uri, clock.now()))
        .unwrap()
        .accepted());
    let before = svc.record(&user).unwrap();
    drop(svc);
    let svc = open(url, policy(10), &clock);
    assert_eq!(svc.record(&user).unwrap(), before, "{name}");
    assert!(!svc
        .step_up(&user, Method::RecoveryCode, &codes[0])
        .unwrap()
        .accepted());
    assert_eq!(
        svc.step_up(&user, Method::Totp, &code_at(&uri, clock.now()))
            .unwrap()
            .verdict,
        Verdict::Used
    );
}

fn setup_without_verification_is_active_at_once(name: &str, url: &str) {
    let clock = TestClock::new(T0);
    let svc = open(url, ServicePolicy { ..policy(10) }, &clock);
    let user = user("direct");
    let setup = svc.setup_totp(&user, "bob", false).unwrap();
    assert!(setup.active, "{name}");
    assert_eq!(setup.recovery_codes.as_ref().map(Vec::len), Some(10));
    assert!(!format!("{setup:?}").contains(setup.secret.as_str()));
    let login = svc.start_login(&user).unwrap();
    assert!(svc
        .verify(&login.id, Method::Totp, &code_at(&setup.uri, clock.now()))
        .unwrap()
        .accepted());
}

#[test]
fn bad_input_is_a_typed_error() {
    let clock = TestClock::new(T0);
    let svc = open("sqlite::memory:", policy(10), &clock);
    for bad in ["", "a\nb", &"x".repeat(256)] {
        assert_eq!(svc.status(bad).unwrap_err().code(), "invalid_parameter");
    }
    assert_eq!(svc.audit("u", 0).unwrap_err().code(), "invalid_parameter");
    assert_eq!(
        svc.confirm_totp("u", "123456").unwrap_err().code(),
        "not_enrolled"
    );
    assert_eq!(
        svc.verify("abc.def", Method::Totp, "1").unwrap_err().code(),
        "invalid_parameter"
    );
    for url in [
        "mysql://x",
        "sqlite://",
        "sqlite://x.db?cache=weird",
        "nonsense",
    ] {
        let err = MfaService::open(url, context(policy(1)), StoreOptions::default()).unwrap_err();
        assert_eq!(err.code(), "invalid_parameter", "{url}");
    }
    let err = MfaService::open(
        "postgres://nobody@127.0.0.1:1/none",
        context(policy(1)),
        StoreOptions {
            timeout: std::time::Duration::from_secs(1),
            ..StoreOptions::default()
        },
    )
    .unwrap_err();
    assert_eq!(err.code(), "storage_unavailable");
    let err = MfaService::open(
        "redis://127.0.0.1:1/0",
        context(policy(1)),
        StoreOptions {
            timeout: std::time::Duration::from_secs(1),
            ..StoreOptions::default()
        },
    )
    .unwrap_err();
    assert_eq!(err.code(), "storage_unavailable");
    let _ = MfaError::Conflict;
}

/// Four processes on one SQLite file, four threads each, one TOTP code: exactly one accepted.
/// The test binary runs itself as the children (`child_verifies_from_env`).
#[test]
fn sqlite_four_processes_one_code_exactly_one_accepted() {
    let url = sqlite_url("processes");
    let clock = TestClock::new(T0);
    let svc = open(
        &url,
        ServicePolicy {
            max_open_logins: 16,
            ..policy(0)
        },
        &clock,
    );
    let (user, uri, _) = enrolled(&svc, &clock, "processes");
    let at = T0 + 30;
    clock.set(at);
    let logins: Vec<String> = (0..16)
        .map(|_| svc.start_login(&user).unwrap().id)
        .collect();
    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = (0..4)
        .map(|p| {
            std::process::Command::new(&exe)
                .args([
                    "--exact",
                    "child_verifies_from_env",
                    "--nocapture",
                    "--test-threads=1",
                ])
                .env("MFAKIT_CHILD_URL", &url)
                .env("MFAKIT_CHILD_AT", at.to_string())
                .env("MFAKIT_CHILD_CODE", code_at(&uri, at))
                .env("MFAKIT_CHILD_LOGINS", logins[p * 4..p * 4 + 4].join(" "))
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut verdicts = Vec::new();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success());
        let text = String::from_utf8(out.stdout).unwrap();
        // libtest writes "test … ... " before the child's first line: search, don't anchor.
        verdicts.extend(
            text.lines()
                .filter_map(|l| l.split_once("VERDICT="))
                .map(|(_, v)| v.trim().to_owned()),
        );
    }
    assert_eq!(verdicts.len(), 16, "{verdicts:?}");
    assert_eq!(
        verdicts.iter().filter(|v| *v == "accepted").count(),
        1,
        "{verdicts:?}"
    );
}

#[test]
fn child_verifies_from_env() {
    let Ok(url) = std::env::var("MFAKIT_CHILD_URL") else {
        return; // only meaningful as a child of the test above
    };
    let at: u64 = std::env::var("MFAKIT_CHILD_AT").unwrap().parse().unwrap();
    let code = std::env::var("MFAKIT_CHILD_CODE").unwrap();
    let logins = std::env::var("MFAKIT_CHILD_LOGINS").unwrap();
    let logins: Vec<&str> = logins.split(' ').collect();
    let clock = TestClock::new(at);
    let services: Vec<MfaService> = (0..4).map(|_| open(&url, policy(0), &clock)).collect();
    let verdicts = race(&services, 4, |s, i| {
        s.verify(logins[i], Method::Totp, &code)
    });
    for v in verdicts {
        println!("VERDICT={}", v.as_str());
    }
}

/// `?wait=1` on a Redis without replicas: the write happens but no replica confirms it, so the
/// call reports `storage_unavailable` instead of claiming durability it does not have.
#[test]
fn redis_wait_reports_unconfirmed_writes() {
    let Some(url) = server_url("redis") else {
        return;
    };
    let options = StoreOptions {
        timeout: std::time::Duration::from_millis(300),
        ..StoreOptions::default()
    };
    let backend = open_backend(&format!("{url}?wait=1"), options).unwrap();
    let stored = StoredRecord {
        record: "{}".to_owned(),
        version: 1,
    };
    let err = backend
        .compare_and_swap(&user("wait"), 0, &stored, &[])
        .unwrap_err();
    assert_eq!(err.code(), "storage_unavailable");
    assert!(err.to_string().contains("0 of 1 replicas"), "{err}");
    let err = open_backend(&format!("{url}?wait=x"), options)
        .err()
        .unwrap();
    assert_eq!(err.code(), "invalid_parameter");
}

/// The backend's conditional write directly: a write's events appear in their order (newest
/// first when read), a write that loses (a stale version, an existing user) leaves neither the
/// record nor any audit row, and an event without a method reads back as such.
fn a_write_and_its_audit_rows_land_together_or_not_at_all(name: &str, url: &str) {
    let backend = open_backend(url, StoreOptions::default()).unwrap();
    let user = user("cas-audit");
    let event = |at: u64, kind: AuditKind, method: Option<Method>, outcome: &str| AuditEvent {
        at,
        user_id: user.clone(),
        kind,
        method,
        outcome: outcome.to_owned(),
    };
    let record = |text: &str, version: u64| StoredRecord {
        record: text.to_owned(),
        version,
    };
    let first = [
        event(T0, AuditKind::Enrolled, Some(Method::Totp), "pending"),
        event(T0, AuditKind::Confirmed, Some(Method::Totp), "accepted"),
        event(T0, AuditKind::Unlocked, None, "operator"),
    ];
    assert!(backend
        .compare_and_swap(&user, 0, &record("{\"v\":1}", 1), &first)
        .unwrap());
    // A second insert of the same user loses, and so do its events.
    let lost = [event(
        T0 + 1,
        AuditKind::Disabled,
        Some(Method::Sms),
        "lost-insert",
    )];
    assert!(!backend
        .compare_and_swap(&user, 0, &record("{\"v\":9}", 1), &lost)
        .unwrap());
    // An update from a stale version loses; one from the current version wins.
    let stale = [event(
        T0 + 2,
        AuditKind::Disabled,
        Some(Method::Email),
        "lost-update",
    )];
    assert!(!backend
        .compare_and_swap(&user, 7, &record("{\"v\":8}", 8), &stale)
        .unwrap());
    let second = [
        event(T0 + 3, AuditKind::Failed, Some(Method::Totp), "wrong"),
        event(T0 + 3, AuditKind::Locked, None, "locked"),
    ];
    assert!(backend
        .compare_and_swap(&user, 1, &record("{\"v\":2}", 2), &second)
        .unwrap());
    // No events at all is a write too.
    assert!(backend
        .compare_and_swap(&user, 2, &record("{\"v\":3}", 3), &[])
        .unwrap());
    assert_eq!(
        backend.load(&user).unwrap(),
        Some(record("{\"v\":3}", 3)),
        "{name}"
    );
    let read = backend.audit(&user, 50).unwrap();
    let got: Vec<(u64, &str, Option<Method>, &str)> = read
        .iter()
        .map(|e| (e.at, e.kind.as_str(), e.method, e.outcome.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (T0 + 3, "locked", None, "locked"),
            (T0 + 3, "failed", Some(Method::Totp), "wrong"),
            (T0, "unlocked", None, "operator"),
            (T0, "confirmed", Some(Method::Totp), "accepted"),
            (T0, "enrolled", Some(Method::Totp), "pending"),
        ],
        "{name}"
    );
}

/// `Backend::update_locked` directly: where a backend has it (SQLite), what `decide` returns is
/// written with its events, `Unchanged` and an error write nothing, and 8 threads × 25
/// increments under it lose none (no compare-and-swap, no retry). Elsewhere it declines
/// without calling `decide`, and the service uses compare-and-swap.
fn a_locked_update_writes_what_it_decides_and_loses_no_update(name: &str, url: &str) {
    let backend = open_backend(url, StoreOptions::default()).unwrap();
    let user = user("locked");
    let mut called = false;
    let first = backend
        .update_locked(&user, &mut |stored| {
            called = true;
            assert_eq!(stored, None);
            Ok(Decision::Write(
                StoredRecord {
                    record: "0".into(),
                    version: 1,
                },
                vec![AuditEvent {
                    at: T0,
                    user_id: user.clone(),
                    kind: AuditKind::Unlocked,
                    method: None,
                    outcome: "operator".into(),
                }],
            ))
        })
        .unwrap();
    if name != "sqlite" {
        assert_eq!((first, called), (None, false), "{name}");
        return;
    }
    assert_eq!(first, Some(true));
    let stored = |text: &str, version: u64| {
        Some(StoredRecord {
            record: text.into(),
            version,
        })
    };
    assert_eq!(backend.load(&user).unwrap(), stored("0", 1));
    assert_eq!(backend.audit(&user, 10).unwrap().len(), 1);
    // Unchanged and an error write nothing.
    assert_eq!(
        backend
            .update_locked(&user, &mut |_| Ok(Decision::Unchanged))
            .unwrap(),
        Some(true)
    );
    let err = backend
        .update_locked(&user, &mut |_| Err(MfaError::stored("decided to fail")))
        .unwrap_err();
    assert_eq!(err.code(), "invalid_stored_value");
    assert_eq!(backend.load(&user).unwrap(), stored("0", 1));
    // Concurrent increments, each a load and a write under the lock.
    std::thread::scope(|s| {
        for _ in 0..8 {
            s.spawn(|| {
                for _ in 0..25 {
                    let done = backend
                        .update_locked(&user, &mut |stored| {
                            let stored = stored.unwrap();
                            let n: u64 = stored.record.parse().unwrap();
                            Ok(Decision::Write(
                                StoredRecord {
                                    record: (n + 1).to_string(),
                                    version: stored.version + 1,
                                },
                                Vec::new(),
                            ))
                        })
                        .unwrap();
                    assert_eq!(done, Some(true));
                }
            });
        }
    });
    assert_eq!(backend.load(&user).unwrap(), stored("200", 201));
    assert_eq!(backend.audit(&user, 10).unwrap().len(), 1);
}
