//! Second factors: known-answer vectors shared with every binding (tests/vectors/*.json) and
//! property tests for the limiter math.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use mfakit_core::challenge::ChallengeVerdict;
use mfakit_core::*;
use proptest::prelude::*;
use serde_json::Value;

fn vectors(name: &str) -> Vec<Value> {
    let path = format!("{}/../tests/vectors/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert!(doc["description"].is_string(), "{name} has no description");
    doc["cases"].as_array().unwrap().clone()
}

fn vectors_file(name: &str) -> Value {
    let path = format!("{}/../tests/vectors/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap()
}

fn flip_char(text: &str, at: usize) -> String {
    let mut bytes = text.as_bytes().to_vec();
    bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
    String::from_utf8(bytes).unwrap()
}

// ---------------------------------------------------------------- sealed secrets

fn keyring(case: &Value) -> Keyring {
    let keys = case["keys"].as_array().unwrap();
    let key = |k: &Value| SealingKey::from_bytes(&unhex(s(&k["key_hex"]))).unwrap();
    let mut ring = Keyring::new(s(&keys[0]["id"]), key(&keys[0])).unwrap();
    for k in &keys[1..] {
        ring.add(s(&k["id"]), key(k)).unwrap();
    }
    if let Some(current) = case["current_key_id"].as_str() {
        ring.set_current(current).unwrap();
    }
    ring
}

#[test]
fn sealed_vectors() {
    let cases = vectors("sealed.json");
    assert!(cases.len() >= 8);
    for case in cases {
        let ring = keyring(&case);
        let sealed = s(&case["sealed"]);
        let ad = s(&case["associated_data"]).as_bytes();
        match case["error"].as_str() {
            Some(code) => {
                assert_eq!(ring.open(sealed, ad).unwrap_err().code(), code, "{case}");
            }
            None => {
                let plaintext = unhex(s(&case["plaintext_hex"]));
                let nonce: [u8; 12] = unhex(s(&case["nonce_hex"])).try_into().unwrap();
                assert_eq!(
                    ring.seal_with_nonce(&plaintext, ad, &nonce).unwrap(),
                    sealed
                );
                assert_eq!(&*ring.open(sealed, ad).unwrap(), &plaintext[..]);
                // Flip any character of the ciphertext or nonce: it must not open.
                let ct_at = sealed.rfind(':').unwrap() + 1;
                let nonce_at = sealed[..ct_at - 1].rfind(':').unwrap() + 1;
                for at in [nonce_at, ct_at, sealed.len() - 2] {
                    let tampered = flip_char(sealed, at);
                    assert!(ring.open(&tampered, ad).is_err(), "{tampered}");
                }
                let mut other_ad = ad.to_vec();
                other_ad.push(b'x');
                assert_eq!(
                    ring.open(sealed, &other_ad).unwrap_err(),
                    MfaError::UnsealFailed
                );
            }
        }
    }
}

#[test]
fn sealed_rotation_and_reseal() {
    let mut ring = Keyring::new("old", SealingKey::generate()).unwrap();
    let sealed = ring.seal(b"totp secret", b"user:1").unwrap();
    ring.add("new", SealingKey::generate()).unwrap();
    ring.set_current("new").unwrap();
    assert!(ring.needs_reseal(&sealed).unwrap());
    let resealed = ring.reseal(&sealed, b"user:1").unwrap();
    assert_eq!(sealed::sealed_key_id(&resealed).unwrap(), "new");
    assert!(!ring.needs_reseal(&resealed).unwrap());
    assert_eq!(&*ring.open(&resealed, b"user:1").unwrap(), b"totp secret");
    // Two seals of the same plaintext differ (random nonce).
    assert_ne!(ring.seal(b"x", b"").unwrap(), ring.seal(b"x", b"").unwrap());
    let only_new = Keyring::new("new", SealingKey::generate()).unwrap();
    assert_eq!(
        only_new.open(&sealed, b"user:1").unwrap_err().code(),
        "unknown_key"
    );
    assert_eq!(ring.set_current("nope").unwrap_err().code(), "unknown_key");
    assert!(Keyring::new("bad:id", SealingKey::generate()).is_err());
    assert!(SealingKey::from_bytes(&[0u8; 16]).is_err());
    let k = SealingKey::generate();
    let back = SealingKey::from_base64(&k.to_base64()).unwrap();
    let r1 = Keyring::new("a", k).unwrap();
    let r2 = Keyring::new("a", back).unwrap();
    assert_eq!(&*r2.open(&r1.seal(b"z", b"").unwrap(), b"").unwrap(), b"z");
}

// ---------------------------------------------------------------- masking

#[test]
fn masking_vectors() {
    let cases = vectors("masking.json");
    assert!(cases.len() >= 20);
    for case in cases {
        let input = s(&case["input"]);
        let got = match s(&case["kind"]) {
            "email" => mask_email(input),
            "phone" => mask_phone_showing(input, case["visible"].as_u64().unwrap() as u32),
            other => panic!("unknown kind {other}"),
        };
        match case["masked"].as_str() {
            Some(masked) => assert_eq!(got.unwrap(), masked, "{case}"),
            None => assert_eq!(got.unwrap_err().code(), s(&case["error"]), "{case}"),
        }
    }
    assert_eq!(mask_phone("+14155552671").unwrap(), "+*********71");
}

// ---------------------------------------------------------------- recovery codes

#[test]
fn recovery_vectors() {
    let cases = vectors("recovery.json");
    let mut kinds = std::collections::BTreeSet::new();
    for case in cases {
        let kind = s(&case["kind"]);
        kinds.insert(kind.to_owned());
        match kind {
            "normalize" => {
                let got = normalize_recovery_code(s(&case["input"]));
                assert_eq!(
                    got.as_ref().map(|g| g.as_str()),
                    case["normalized"].as_str(),
                    "{case}"
                );
            }
            "check" => {
                let set = RecoveryCodeSet::from_stored(s(&case["stored"])).unwrap();
                let r = set.check(s(&case["input"])).unwrap();
                assert_eq!(r.accepted, case["accepted"].as_bool().unwrap(), "{case}");
                assert_eq!(r.remaining as u64, case["remaining"].as_u64().unwrap());
                assert_eq!(r.set.to_stored(), s(&case["stored_after"]));
                if r.accepted {
                    // Used once, never again.
                    assert!(!r.set.check(s(&case["input"])).unwrap().accepted);
                }
            }
            "parse" => {
                assert_eq!(
                    RecoveryCodeSet::from_stored(s(&case["stored"]))
                        .unwrap_err()
                        .code(),
                    s(&case["error"])
                );
            }
            other => panic!("unknown kind {other}"),
        }
    }
    assert_eq!(kinds.len(), 3);
}

#[test]
fn recovery_tampered_hash_refuses_the_code() {
    let cases = vectors("recovery.json");
    let case = cases
        .iter()
        .find(|c| c["kind"] == "check" && c["accepted"] == true)
        .unwrap();
    let stored = s(&case["stored"]);
    // Flip the first character of the last hash.
    let at = stored.rfind('.').unwrap() + 1;
    let tampered = flip_char(stored, at);
    let set = RecoveryCodeSet::from_stored(&tampered).unwrap();
    assert!(!set.check("zzzz-zzzz-zzzz").unwrap().accepted);
}

#[test]
fn recovery_generation_shape_and_serde() {
    let params = RecoveryParams {
        m_cost_kib: 32,
        t_cost: 1,
        p_cost: 1,
    };
    let new = RecoveryCodeSet::generate(RecoveryCodeSet::DEFAULT_COUNT, params).unwrap();
    assert_eq!(new.codes.len(), 10);
    assert_eq!(new.set.remaining(), 10);
    let mut slots = std::collections::BTreeSet::new();
    for code in &new.codes {
        let c = code.as_str();
        assert_eq!(c.len(), 14);
        assert_eq!(&c[4..5], "-");
        assert_eq!(&c[9..10], "-");
        assert!(c
            .chars()
            .all(|ch| ch == '-' || recovery::RECOVERY_ALPHABET.contains(ch)));
        assert!(slots.insert(c.as_bytes()[0]), "slot ids are distinct");
    }
    // ≥ 50 bits of secret entropy per code.
    const _: () = assert!(recovery::RECOVERY_SECRET_CHARS * 5 >= 50);
    let json = serde_json::to_string(&new.set).unwrap();
    let back: RecoveryCodeSet = serde_json::from_str(&json).unwrap();
    assert_eq!(back, new.set);
    assert!(serde_json::from_str::<RecoveryCodeSet>("\"mfakit:recovery:v1:nope\"").is_err());
    // Use every code once; then the set is empty, and a regenerated set kills the old codes.
    let mut set = new.set.clone();
    for (i, code) in new.codes.iter().enumerate() {
        let r = set.check(code.as_str()).unwrap();
        assert!(r.accepted);
        assert_eq!(r.remaining, 9 - i);
        set = r.set;
    }
    assert!(set.to_stored().ends_with(':'));
    let fresh = RecoveryCodeSet::generate(3, params).unwrap();
    assert!(!fresh.set.check(new.codes[0].as_str()).unwrap().accepted);
    assert!(!format!("{:?}", new).contains(new.codes[0].as_str()));
    assert!(RecoveryCodeSet::generate(0, params).is_err());
    assert!(RecoveryCodeSet::generate(33, params).is_err());
}

// ---------------------------------------------------------------- challenges

#[test]
fn challenge_vectors() {
    for case in vectors("challenge.json") {
        let key = ChallengeKey::from_bytes(&unhex(s(&case["key_hex"]))).unwrap();
        let ch = OtpChallenge::from_stored(s(&case["stored"])).unwrap();
        assert_eq!(ch.to_stored(), s(&case["stored"]));
        let v = ch.verify(&key, s(&case["input"]), case["now"].as_u64().unwrap());
        assert_eq!(v.verdict.code(), s(&case["result"]["verdict"]), "{case}");
        if let ChallengeVerdict::Wrong { attempts_left } = v.verdict {
            assert_eq!(
                u64::from(attempts_left),
                case["result"]["attempts_left"].as_u64().unwrap()
            );
        }
        assert_eq!(v.challenge.to_stored(), s(&case["stored_after"]));
        if v.verdict.is_accepted() {
            // Another key refuses the same code.
            let other = ChallengeKey::from_bytes(&[0x55; 32]).unwrap();
            let v2 = ch.verify(&other, s(&case["input"]), case["now"].as_u64().unwrap());
            assert!(!v2.verdict.is_accepted());
        }
    }
    let file = vectors_file("challenge.json");
    for case in file["stored_errors"].as_array().unwrap() {
        let err = OtpChallenge::from_stored(s(&case["stored"])).unwrap_err();
        assert_eq!(err.code(), s(&case["error"]), "{case}");
    }
    for case in file["resend_errors"].as_array().unwrap() {
        let key = ChallengeKey::from_bytes(&unhex(s(&case["key_hex"]))).unwrap();
        let ch = OtpChallenge::from_stored(s(&case["stored"])).unwrap();
        let err = ch.resend(&key, case["now"].as_u64().unwrap()).unwrap_err();
        assert_eq!(err.code(), s(&case["error"]), "{case}");
    }
}

/// tests/vectors/stepup.json: future verification times, case folding, unknown operations.
#[test]
fn stepup_vectors() {
    for case in vectors("stepup.json") {
        let mut policy = serde_json::to_value(StepUpPolicy::default()).unwrap();
        for (k, v) in case["policy"].as_object().unwrap() {
            policy[k] = v.clone();
        }
        let policy: StepUpPolicy = serde_json::from_value(policy).unwrap();
        let ctx: AuthContext = serde_json::from_value(case["context"].clone()).unwrap();
        let op = OperationClass::from_name(s(&case["operation"]));
        let d = StepUp::new(policy).decide(&ctx, &op, case["now"].as_u64().unwrap());
        assert_eq!(d.code(), case["code"].as_str(), "{case}");
    }
}

#[test]
fn challenge_lifecycle() {
    let key = ChallengeKey::generate();
    let policy = ChallengePolicy::default();
    let t0 = 1_700_000_000;
    let issued = OtpChallenge::issue(&key, &policy, t0).unwrap();
    let stored = issued.challenge.to_stored();
    let ch = OtpChallenge::from_stored(&stored).unwrap();
    // Resend: refused within the cooldown, then a new code; the old one stops working.
    let err = ch.resend(&key, t0 + 59).unwrap_err();
    assert_eq!(
        err,
        MfaError::RateLimited {
            retry_after: std::time::Duration::from_secs(1)
        }
    );
    let wrong = ch.verify(&key, "not a code", t0 + 10);
    assert_eq!(wrong.verdict, ChallengeVerdict::Wrong { attempts_left: 4 });
    let re = wrong.challenge.resend(&key, t0 + 60).unwrap();
    assert_eq!(
        re.challenge.attempts_left, 4,
        "a resend keeps the attempt count"
    );
    assert_eq!(re.challenge.expires_at, t0 + 60 + 300);
    let old_code = issued.code.as_str().to_owned();
    if old_code != re.code.as_str() {
        assert!(!re
            .challenge
            .verify(&key, &old_code, t0 + 61)
            .verdict
            .is_accepted());
    }
    let ok = re.challenge.verify(&key, re.code.as_str(), t0 + 61);
    assert!(ok.verdict.is_accepted());
    assert!(ok.challenge.resend(&key, t0 + 1000).is_err());
    // Expiry is exclusive of expires_at.
    let late = OtpChallenge::issue(&key, &policy, t0).unwrap();
    assert_eq!(
        late.challenge
            .verify(&key, late.code.as_str(), t0 + 299)
            .verdict,
        ChallengeVerdict::Accepted
    );
    assert_eq!(
        late.challenge
            .verify(&key, late.code.as_str(), t0 + 300)
            .verdict,
        ChallengeVerdict::Expired
    );
    // Serde round trip.
    let json = serde_json::to_string(&late.challenge).unwrap();
    assert_eq!(
        serde_json::from_str::<OtpChallenge>(&json).unwrap(),
        late.challenge
    );
    assert!(OtpChallenge::issue(
        &key,
        &ChallengePolicy {
            digits: 3,
            ..policy
        },
        t0
    )
    .is_err());
    assert!(ChallengeKey::from_bytes(&[0u8; 8]).is_err());
    assert_eq!(format!("{key:?}"), "ChallengeKey(<redacted>)");
}

#[test]
fn challenge_codes_cover_the_range() {
    let key = ChallengeKey::generate();
    let policy = ChallengePolicy {
        digits: 4,
        ..Default::default()
    };
    let mut leading_zero = false;
    for _ in 0..2000 {
        let c = OtpChallenge::issue(&key, &policy, 0).unwrap();
        assert_eq!(c.code.as_str().len(), 4);
        leading_zero |= c.code.as_str().starts_with('0');
    }
    assert!(leading_zero, "codes are zero-padded and may start with 0");
}

// ---------------------------------------------------------------- limiters

fn policy_of(v: &Value) -> AttemptPolicy {
    serde_json::from_value(v.clone()).unwrap()
}

#[test]
fn limiter_vectors() {
    for case in vectors("limiter.json") {
        match s(&case["kind"]) {
            "rate" => {
                let rate: RateLimit = s(&case["rate"]).parse().unwrap();
                assert_eq!(u64::from(rate.limit), case["limit"].as_u64().unwrap());
                let l = RateLimiter::new(rate).unwrap();
                let mut st = RateState::default();
                for ev in case["events"].as_array().unwrap() {
                    let o = l.acquire(&st, ev["now"].as_u64().unwrap());
                    assert_eq!(o.decision.allowed, ev["allowed"].as_bool().unwrap(), "{ev}");
                    assert_eq!(o.decision.retry_after, ev["retry_after"].as_u64().unwrap());
                    assert_eq!(
                        u64::from(o.decision.remaining),
                        ev["remaining"].as_u64().unwrap()
                    );
                    assert_eq!(o.state.to_stored(), s(&ev["stored_after"]));
                    st = RateState::from_stored(s(&ev["stored_after"])).unwrap();
                }
            }
            "attempts" => {
                let l = AttemptLimiter::new(policy_of(&case["policy"])).unwrap();
                let mut st = AttemptState::default();
                for ev in case["events"].as_array().unwrap() {
                    let now = ev["now"].as_u64().unwrap();
                    let d = match s(&ev["action"]) {
                        "check" => l.check(&st, now),
                        "failure" => {
                            let o = l.record_failure(&st, now);
                            assert_eq!(o.state.to_stored(), s(&ev["stored_after"]));
                            st = AttemptState::from_stored(s(&ev["stored_after"])).unwrap();
                            o.decision
                        }
                        "success" => {
                            st = l.record_success();
                            assert_eq!(st.to_stored(), s(&ev["stored_after"]));
                            continue;
                        }
                        other => panic!("unknown action {other}"),
                    };
                    assert_eq!(d.allowed, ev["allowed"].as_bool().unwrap(), "{ev}");
                    assert_eq!(d.retry_after, ev["retry_after"].as_u64().unwrap(), "{ev}");
                    assert_eq!(u64::from(d.remaining), ev["remaining"].as_u64().unwrap());
                    assert_eq!(d.locked, ev["locked"].as_bool().unwrap());
                }
            }
            other => panic!("unknown kind {other}"),
        }
    }
}

#[test]
fn bruteforce_vectors() {
    let cases = vectors("bruteforce.json");
    for case in &cases {
        let policy = policy_of(&case["policy"]);
        let horizon = case["horizon_secs"].as_u64().unwrap();
        assert_eq!(
            max_attacker_guesses(&policy, horizon).unwrap(),
            case["max_guesses"].as_u64(),
            "{case}"
        );
        let p = attacker_success_probability(
            case["digits"].as_u64().unwrap() as u32,
            case["window_size"].as_u64().unwrap(),
            &policy,
            horizon,
        )
        .unwrap();
        let want = case["probability"].as_f64().unwrap();
        assert!((p - want).abs() <= want * 1e-9, "{p} vs {want}");
    }
    // The default policy's promise: ≤ 1 % in a year for 6-digit TOTP with a ±1 window.
    let year = 365 * 86_400;
    let p = attacker_success_probability(6, 3, &AttemptPolicy::default(), year).unwrap();
    println!(
        "default policy, 6-digit TOTP, window ±1, one year: {:.4} %",
        p * 100.0
    );
    assert!(p <= 0.01);
    assert!(attacker_success_probability(0, 3, &AttemptPolicy::default(), year).is_err());
    assert!(attacker_success_probability(6, 0, &AttemptPolicy::default(), year).is_err());
}

#[test]
fn stored_state_round_trips_and_rejects() {
    let st = AttemptState {
        failures: 3,
        last_failure_at: 99,
    };
    assert_eq!(AttemptState::from_stored(&st.to_stored()).unwrap(), st);
    for bad in [
        "",
        "mfakit:attempts:v1:",
        "mfakit:attempts:v1:1",
        "mfakit:attempts:v1:-1:2",
        "mfakit:attempts:v1:1:2:3",
        "mfakit:attempts:v1:99999999999:1",
    ] {
        assert_eq!(
            AttemptState::from_stored(bad).unwrap_err().code(),
            "invalid_stored_value",
            "{bad}"
        );
    }
    let too_many = format!("mfakit:rate:v1:{}", vec!["1"; 1001].join(","));
    for bad in [
        "",
        "mfakit:rate:v1",
        "mfakit:rate:v1:+5",
        "mfakit:rate:v1:-5",
        "mfakit:rate:v1: 5",
        "mfakit:rate:v1:5,",
        "mfakit:rate:v1:,5",
        "mfakit:rate:v1:5,,6",
        "mfakit:rate:v1:5;6",
        "mfakit:rate:v1:6,5",
        "mfakit:rate:v1:0x10",
        "mfakit:rate:v1:18446744073709551616",
        "mfakit:rate:v2:5",
        too_many.as_str(),
    ] {
        assert_eq!(
            RateState::from_stored(bad).unwrap_err().code(),
            "invalid_stored_value",
            "{bad}"
        );
    }
    let most = format!("mfakit:rate:v1:{}", vec!["1"; 1000].join(","));
    assert_eq!(RateState::from_stored(&most).unwrap().to_stored(), most);
    assert_eq!(
        RateState::from_stored("mfakit:rate:v1:").unwrap(),
        RateState::default()
    );
    assert_eq!(
        RateLimiter::new(RateLimit::per(1001, 60))
            .unwrap_err()
            .code(),
        "invalid_parameter"
    );
    assert_eq!(RateLimit::SETUP.to_string(), "3/15m");
    assert_eq!(RateLimit::per_hours(2, 1), RateLimit::DISABLE);
    assert_eq!(RateLimit::per_minutes(5, 15), RateLimit::VERIFY);
}

#[test]
fn error_codes_stay_registered() {
    let e = MfaError::UnsealFailed;
    assert!(MfaError::ALL_CODES.contains(&e.code()));
}

#[test]
fn stepup_decisions_serialise_for_web_helpers() {
    let step = StepUp::default();
    let ctx = AuthContext {
        enrolled_methods: vec!["totp".into(), "recovery_code".into()],
        amr: vec!["pwd".into()],
        ..Default::default()
    };
    let d = step.decide(&ctx, &OperationClass::SignIn, 0);
    assert_eq!(d.code(), Some("mfa_required"));
    assert_eq!(d.http_status(), 401);
    assert_eq!(
        serde_json::to_value(&d).unwrap(),
        serde_json::json!({"decision":"refused","code":"mfa_required","methods":["totp","recovery_code"]})
    );
    let fresh = AuthContext {
        amr: vec!["pwd".into(), "mfa".into()],
        mfa_verified_at: Some(1000),
        ..ctx.clone()
    };
    assert!(step
        .decide(&fresh, &OperationClass::DisableMfa, 1300)
        .is_allowed());
    assert_eq!(
        step.decide(&fresh, &OperationClass::DisableMfa, 1301)
            .code(),
        Some("mfa_stale")
    );
    // Custom classes not in max_age fail closed (unknown_operation_max_age, default 0).
    let custom = OperationClass::from_name("export_data");
    assert_eq!(
        step.decide(&fresh, &custom, 1_000_000).code(),
        Some("mfa_stale")
    );
    assert!(step.decide(&fresh, &custom, 1000).is_allowed());
    let mut policy = StepUpPolicy::default();
    policy.max_age.insert("export_data".into(), 60);
    policy.accepted_acr = vec!["urn:example:mfa".into()];
    let strict = StepUp::new(policy);
    assert_eq!(
        strict.decide(&fresh, &custom, 1001).code(),
        Some("mfa_required")
    );
    let with_acr = AuthContext {
        acr: Some("urn:example:mfa".into()),
        ..fresh.clone()
    };
    assert!(strict.decide(&with_acr, &custom, 1060).is_allowed());
    assert_eq!(
        strict.decide(&with_acr, &custom, 1061).code(),
        Some("mfa_stale")
    );
    // Level none lets anyone through; optional lets the unenrolled through.
    let none = StepUp::new(StepUpPolicy {
        level: MfaLevel::None,
        ..Default::default()
    });
    assert!(none.decide(&ctx, &OperationClass::Payment, 0).is_allowed());
    assert!(step
        .decide(&AuthContext::default(), &OperationClass::Payment, 0)
        .is_allowed());
    assert_eq!(
        "admin-only".parse::<MfaLevel>().unwrap(),
        MfaLevel::AdminOnly
    );
}

/// The attacker of [`max_attacker_guesses`], played against the real limiter: guess whenever
/// allowed, otherwise wait exactly `retry_after`.
fn simulate_attacker(policy: AttemptPolicy, horizon: u64, cap: u64) -> u64 {
    let limiter = AttemptLimiter::new(policy).unwrap();
    let mut state = AttemptState::default();
    let (mut now, mut guesses) = (0u64, 0u64);
    while now < horizon && guesses < cap {
        let d = limiter.check(&state, now);
        if d.allowed {
            guesses += 1;
            state = limiter.record_failure(&state, now).state;
        } else {
            assert!(d.retry_after > 0);
            now += d.retry_after;
        }
    }
    guesses
}

fn any_policy() -> impl Strategy<Value = AttemptPolicy> {
    (0u64..20, 1u32..4, 0u64..400, 0u32..12, 1u64..2000).prop_map(
        |(base, factor, extra, after, secs)| AttemptPolicy {
            backoff_base_secs: base,
            backoff_factor: factor,
            backoff_cap_secs: base + extra,
            lockout_after: after,
            lockout_secs: secs,
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn simulated_attacker_matches_the_bound(policy in any_policy(), horizon in 0u64..50_000) {
        let bound = max_attacker_guesses(&policy, horizon).unwrap();
        let cap = bound.map_or(10_000, |n| n + 1);
        let simulated = simulate_attacker(policy, horizon, cap);
        match bound {
            Some(n) => prop_assert_eq!(simulated, n),
            None => prop_assert_eq!(simulated, cap),
        }
    }

    #[test]
    fn backoff_never_decreases(policy in any_policy(), start in 0u64..1_000_000, n in 1u32..40) {
        let limiter = AttemptLimiter::new(policy).unwrap();
        let mut state = AttemptState::default();
        let mut now = start;
        let mut last = 0u64;
        for k in 1..=n {
            prop_assert!(policy.delay_after(k) >= policy.delay_after(k - 1));
            let o = limiter.record_failure(&state, now);
            prop_assert!(o.decision.retry_after >= last);
            last = o.decision.retry_after;
            state = o.state;
            now += o.decision.retry_after;
        }
    }

    #[test]
    fn lockout_holds_until_it_ends(policy in any_policy(), t in 0u64..1_000_000, probe in 0u64..10_000) {
        prop_assume!(policy.lockout_after > 0);
        let limiter = AttemptLimiter::new(policy).unwrap();
        let state = AttemptState { failures: policy.lockout_after - 1, last_failure_at: 0 };
        let locked = limiter.record_failure(&state, t);
        let end = t + policy.delay_after(policy.lockout_after);
        prop_assert!(end >= t + policy.lockout_secs);
        let at = t + probe;
        let d = limiter.check(&locked.state, at);
        if at < end {
            prop_assert!(!d.allowed && d.locked && d.remaining == 0);
            prop_assert_eq!(d.retry_after, end - at);
        } else {
            prop_assert!(d.allowed);
        }
        // A success ends it at once.
        prop_assert!(limiter.check(&limiter.record_success(), at).allowed);
    }

    #[test]
    fn rate_limit_never_exceeds_its_budget(
        limit in 1u32..8,
        period in 1u64..4000,
        gaps in proptest::collection::vec(
            prop_oneof![3 => 0u64..5, 2 => 0u64..700, 1 => 0u64..5000],
            1..150,
        ),
    ) {
        let rate = RateLimit::per(limit, period);
        let limiter = RateLimiter::new(rate).unwrap();
        let mut state = RateState::default();
        let mut now = 1_000_000u64;
        let mut allowed = Vec::new();
        for gap in gaps {
            now += gap;
            let d = limiter.peek(&state, now);
            let o = limiter.acquire(&state, now);
            prop_assert_eq!(d, o.decision);
            if o.decision.allowed {
                allowed.push(now);
                prop_assert_eq!(o.decision.retry_after, 0);
            } else {
                // retry_after is exact: one second sooner is still refused.
                let r = o.decision.retry_after;
                prop_assert!(r >= 1);
                prop_assert_eq!(o.decision.remaining, 0);
                prop_assert_eq!(&o.state, &state, "a refusal records nothing");
                prop_assert!(limiter.acquire(&state, now + r).decision.allowed);
                prop_assert!(!limiter.acquire(&state, now + r - 1).decision.allowed);
            }
            state = o.state;
        }
        // The strict bound: any `period` seconds hold at most `limit` allowed events.
        let l = limit as usize;
        for (i, &a) in allowed.iter().enumerate() {
            let within = allowed[i..].iter().take_while(|&&b| b < a + period).count();
            prop_assert!(within <= l, "{} events in [{}, {})", within, a, a + period);
        }
        // And `remaining` counts the events really left: taking that many more at the same
        // instant succeeds, one beyond is refused.
        let d = limiter.peek(&state, now);
        if d.allowed {
            let mut s = state.clone();
            for _ in 0..=d.remaining {
                let o = limiter.acquire(&s, now);
                prop_assert!(o.decision.allowed);
                s = o.state;
            }
            prop_assert!(!limiter.peek(&s, now).allowed);
        }
        // From a fresh state, exactly `limit` pass at once.
        let mut fresh = RateState::default();
        for _ in 0..limit {
            let o = limiter.acquire(&fresh, 5);
            prop_assert!(o.decision.allowed);
            fresh = o.state;
        }
        prop_assert!(!limiter.acquire(&fresh, 5).decision.allowed);
    }

    #[test]
    fn rate_limit_survives_a_clock_going_back(
        limit in 1u32..6,
        period in 1u64..500,
        steps in proptest::collection::vec(-600i64..600, 1..100),
    ) {
        // Events counted at the latest time seen so far: a clock going back never frees
        // budget, so at most `limit` are allowed within any `period` of that time.
        let limiter = RateLimiter::new(RateLimit::per(limit, period)).unwrap();
        let mut state = RateState::default();
        let mut now = 1_000_000u64;
        let mut high = 0;
        let mut allowed = Vec::new();
        for step in steps {
            now = now.saturating_add_signed(step);
            high = high.max(now);
            let o = limiter.acquire(&state, now);
            if o.decision.allowed {
                allowed.push(high);
            } else {
                prop_assert!(o.decision.retry_after >= 1);
            }
            state = o.state;
            let text = state.to_stored();
            prop_assert_eq!(RateState::from_stored(&text).unwrap(), state.clone());
        }
        for (i, &a) in allowed.iter().enumerate() {
            let within = allowed[i..].iter().take_while(|&&b| b < a + period).count();
            prop_assert!(within <= limit as usize);
        }
    }

    #[test]
    fn parsers_never_panic(text in "\\PC{0,200}") {
        let _ = AttemptState::from_stored(&text);
        let _ = RateState::from_stored(&text);
        let _ = OtpChallenge::from_stored(&text);
        let _ = RecoveryCodeSet::from_stored(&text);
        let _ = sealed::sealed_key_id(&text);
        let _ = normalize_recovery_code(&text);
        let _ = mask_email(&text);
        let _ = mask_phone(&text);
        let _ = text.parse::<RateLimit>();
        for prefix in ["mfakit:attempts:v1:", "mfakit:rate:v1:", "mfakit:challenge:v1:", "mfakit:recovery:v1:argon2id:m=64,t=1,p=1:", "mfakit:sealed:v1:k1:"] {
            let joined = format!("{prefix}{text}");
            let _ = AttemptState::from_stored(&joined);
            let _ = RateState::from_stored(&joined);
            let _ = OtpChallenge::from_stored(&joined);
            let _ = RecoveryCodeSet::from_stored(&joined);
            let _ = sealed::sealed_key_id(&joined);
        }
    }

    #[test]
    fn recovery_input_variants_normalise(
        code in "[0-9abcdefghjkmnpqrstvwxyz]{12}",
        upper in proptest::collection::vec(any::<bool>(), 12),
        sep in prop_oneof![Just(""), Just("-"), Just(" "), Just(" - ")],
    ) {
        let cased: String = code
            .chars()
            .zip(&upper)
            .map(|(c, &u)| if u { c.to_ascii_uppercase() } else { c })
            .collect();
        let typed = format!("{}{sep}{}{sep}{}", &cased[..4], &cased[4..8], &cased[8..]);
        let normalised = normalize_recovery_code(&typed).unwrap();
        prop_assert_eq!(normalised.as_str(), code.as_str());
        let confusable = typed.replace('0', "O").replace('1', "l");
        let again = normalize_recovery_code(&confusable).unwrap();
        prop_assert_eq!(again.as_str(), code.as_str());
    }

    #[test]
    fn attempt_state_round_trips(failures in any::<u32>(), at in any::<u64>()) {
        let st = AttemptState { failures, last_failure_at: at };
        prop_assert_eq!(AttemptState::from_stored(&st.to_stored()).unwrap(), st);
    }

    #[test]
    fn rate_state_round_trips(mut times in proptest::collection::vec(any::<u64>(), 0..40)) {
        times.sort_unstable();
        let text = format!(
            "mfakit:rate:v1:{}",
            times.iter().map(u64::to_string).collect::<Vec<_>>().join(",")
        );
        let state = RateState::from_stored(&text).unwrap();
        prop_assert_eq!(state.to_stored(), text.clone());
        let json = serde_json::to_string(&state).unwrap();
        prop_assert_eq!(serde_json::from_str::<RateState>(&json).unwrap(), state);
        // Out of order is refused.
        if times.first() < times.last() {
            times.reverse();
            let reversed = format!(
                "mfakit:rate:v1:{}",
                times.iter().map(u64::to_string).collect::<Vec<_>>().join(",")
            );
            prop_assert!(RateState::from_stored(&reversed).is_err());
        }
    }
}
