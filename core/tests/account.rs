//! Properties of the service's pure transitions (core/src/account.rs) over random sequences
//! of operations: nothing panics, every failure is counted exactly once, an accepted TOTP
//! step never verifies again, versions only move forward, the stored form round-trips.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

use mfakit_core::{
    AttemptPolicy, ChallengeKey, Keyring, Method, MfaContext, MfaRecord, OtpAuthUri,
    RecoveryParams, SealingKey, ServicePolicy, Transition, Verdict,
};
use proptest::prelude::*;
use rand::rngs::OsRng;

fn ctx(lockout_after: u32) -> MfaContext {
    let policy = ServicePolicy {
        attempts: AttemptPolicy {
            backoff_base_secs: 0,
            backoff_factor: 1,
            backoff_cap_secs: 0,
            lockout_after,
            lockout_secs: if lockout_after > 0 { 600 } else { 0 },
        },
        recovery_params: RecoveryParams {
            m_cost_kib: 8,
            t_cost: 1,
            p_cost: 1,
        },
        recovery_count: 3,
        ..ServicePolicy::default()
    };
    let ring = Keyring::new("k", SealingKey::from_bytes(&[3; 32]).unwrap()).unwrap();
    MfaContext::new(
        ring,
        ChallengeKey::from_bytes(&[4; 32]).unwrap(),
        "Acme",
        policy,
    )
    .unwrap()
}

#[derive(Debug, Clone)]
enum Op {
    Advance(u64),
    TotpRight,
    TotpWrong(u32),
    TotpPrevious,
    Recovery(usize),
    RecoveryWrong,
    LoginTotp,
    Reenrol,
    ConfirmPending,
    Unlock,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (1u64..120).prop_map(Op::Advance),
        Just(Op::TotpRight),
        (0u32..1_000_000).prop_map(Op::TotpWrong),
        Just(Op::TotpPrevious),
        (0usize..3).prop_map(Op::Recovery),
        Just(Op::RecoveryWrong),
        Just(Op::LoginTotp),
        Just(Op::Reenrol),
        Just(Op::ConfirmPending),
        Just(Op::Unlock),
    ]
}

fn code(uri: &str, t: u64) -> String {
    OtpAuthUri::parse(uri)
        .unwrap()
        .totp()
        .unwrap()
        .generate_at(t)
        .unwrap()
}

/// Applies a transition, checking the version rule and the stored round trip.
fn apply<T>(t: Transition<T>, record: &mut MfaRecord) -> T {
    if t.changed {
        assert_eq!(t.record.version(), record.version() + 1);
    } else {
        assert_eq!(t.record.version(), record.version());
        assert!(t.events.is_empty());
    }
    let stored = t.record.to_stored();
    assert_eq!(MfaRecord::from_stored("u", &stored).unwrap(), t.record);
    for e in &t.events {
        assert_eq!(e.user_id, "u");
    }
    *record = t.record;
    t.outcome
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn random_sequences_keep_the_invariants(ops in proptest::collection::vec(op(), 1..40), lockout in prop_oneof![Just(0u32), 1u32..6]) {
        let ctx = ctx(lockout);
        let mut rng = OsRng;
        let mut now = 1_800_000_000u64;
        let mut record = MfaRecord::new("u").unwrap();
        let setup = apply(record.setup_totp(&ctx, "u@example.com", true, now, &mut rng).unwrap(), &mut record);
        let confirmed = apply(record.confirm_totp(&ctx, &code(&setup.uri, now), now, &mut rng).unwrap(), &mut record);
        prop_assert!(confirmed.accepted());
        let mut uri = setup.uri.to_string();
        let mut pending_uri: Option<String> = None;
        let recovery: Vec<String> = confirmed.recovery_codes.unwrap().iter().map(|c| c.as_str().to_owned()).collect();
        let mut accepted_steps = std::collections::HashSet::new();
        accepted_steps.insert(now / 30);
        let mut spent = std::collections::HashSet::new();
        let mut failures = 0u32;

        for op in ops {
            let before = record.status(&ctx, now);
            let locked = before.locked_until.is_some();
            let verification = match op {
                Op::Advance(s) => { now += s; continue }
                Op::Unlock => { apply(record.unlock(now), &mut record); failures = 0; continue }
                Op::Reenrol => {
                    let s = apply(record.setup_totp(&ctx, "u@example.com", true, now, &mut rng).unwrap(), &mut record);
                    pending_uri = Some(s.uri.to_string());
                    continue
                }
                Op::ConfirmPending => {
                    let Some(p) = pending_uri.clone() else { continue };
                    match record.confirm_totp(&ctx, &code(&p, now), now, &mut rng) {
                        Ok(t) => {
                            let v = apply(t, &mut record);
                            if v.accepted() {
                                uri = p;
                                pending_uri = None;
                                accepted_steps.clear();
                                accepted_steps.insert(now / 30);
                            }
                            v
                        }
                        Err(e) => { prop_assert_eq!(e.code(), "not_enrolled"); pending_uri = None; continue }
                    }
                }
                Op::TotpRight => apply(record.step_up(&ctx, Method::Totp, &code(&uri, now), now).unwrap(), &mut record),
                Op::TotpPrevious => apply(record.step_up(&ctx, Method::Totp, &code(&uri, now.saturating_sub(30)), now).unwrap(), &mut record),
                Op::TotpWrong(n) => apply(record.step_up(&ctx, Method::Totp, &format!("{n:06}"), now).unwrap(), &mut record),
                Op::Recovery(i) => {
                    if !record.methods().contains(&Method::RecoveryCode) { continue }
                    let v = apply(record.step_up(&ctx, Method::RecoveryCode, &recovery[i], now).unwrap(), &mut record);
                    if v.accepted() { prop_assert!(spent.insert(i), "recovery code {} accepted twice", i); }
                    v
                }
                Op::RecoveryWrong => {
                    if !record.methods().contains(&Method::RecoveryCode) { continue }
                    apply(record.step_up(&ctx, Method::RecoveryCode, "zzzz-zzzz-zzzz", now).unwrap(), &mut record)
                }
                Op::LoginTotp => {
                    let login = apply(record.start_login(&ctx, now, &mut rng).unwrap(), &mut record);
                    let v = apply(record.verify_login(&ctx, &login.id, Method::Totp, &code(&uri, now), now).unwrap(), &mut record);
                    if v.accepted() {
                        let again = apply(record.verify_login(&ctx, &login.id, Method::Totp, &code(&uri, now), now).unwrap(), &mut record);
                        prop_assert_eq!(again.verdict, Verdict::Used);
                    }
                    v
                }
            };
            if locked {
                prop_assert_eq!(verification.verdict, Verdict::Locked);
            }
            match verification.verdict {
                Verdict::Accepted => {
                    failures = 0;
                    if verification.method == Method::Totp && !matches!(op, Op::ConfirmPending) {
                        // A step is accepted at most once, and only after every earlier one.
                        let step = if matches!(op, Op::TotpPrevious) { now / 30 - 1 } else { now / 30 };
                        prop_assert!(accepted_steps.iter().all(|&s| s < step), "older or equal step accepted");
                        accepted_steps.insert(step);
                    }
                }
                Verdict::Wrong => failures += 1,
                _ => {}
            }
            prop_assert_eq!(record.status(&ctx, now).failures, failures, "after {:?}", op);
        }
    }
}
