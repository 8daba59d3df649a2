//! The bodies of mfakit's fuzz targets, shared by the libFuzzer binaries (`fuzz_targets/`, one
//! line each) and by the reach replay (`examples/reach.rs`), which runs a corpus through the
//! same code and counts the inputs that got past parsing to the asserts.
//!
//! Each function never panics on hostile input unless mfakit has a bug, and returns whether
//! the input parsed, i.e. whether the round-trip and invariant asserts after parsing ran.
//! Keys are those of the shared vectors (`tests/vectors/*.json`), so that the seeds made from
//! the vectors (`seeds.py`) open, verify and check, not only parse.

use std::sync::OnceLock;

use mfakit_core::{
    mask_email, mask_phone, mask_phone_showing, Algorithm, AttemptLimiter, AttemptPolicy,
    AttemptState, ChallengeKey, ChallengeVerdict, Hotp, Keyring, MfaLevel, OperationClass,
    OtpAuthUri, OtpChallenge, RateLimit, RateLimiter, RateState, RecoveryCodeSet, RecoveryParams,
    SealingKey, Secret, Totp, TotpParams, Window,
};

/// A target's body: runs one input, returns whether it parsed.
pub type Target = fn(&[u8]) -> bool;

/// Every target: its name (as in `Cargo.toml`) and its body.
pub const TARGETS: &[(&str, Target)] = &[
    ("base32", base32),
    ("challenge_state", challenge_state),
    ("code_input", code_input),
    ("level_names", level_names),
    ("limiter_state", limiter_state),
    ("masking", masking),
    ("rate_limit", rate_limit),
    ("recovery_check", recovery_check),
    ("recovery_stored", recovery_stored),
    ("sealed", sealed),
    ("sealing_key", sealing_key),
    ("service_record", service_record),
    ("uri", uri),
];

/// The key of `challenge.json`.
const CHALLENGE_KEY: [u8; 32] = {
    let mut k = [0u8; 32];
    let mut i = 0;
    while i < 32 {
        k[i] = (i * 7) as u8;
        i += 1;
    }
    k
};
/// The keys of `sealed.json`: `k1` is 0x00..0x1f, `k2-2025` is 0xa0..0xbf.
const SEALING_KEYS: [(&str, u8); 2] = [("k1", 0x00), ("k2-2025", 0xa0)];
/// The associated data most `sealed.json` cases use, when an input names none.
const DEFAULT_AD: &str = "user:42";

fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

/// An 8-byte little-endian time, then UTF-8 text.
fn time_and_text(data: &[u8]) -> Option<(u64, &str)> {
    let (time, rest) = data.split_first_chunk::<8>()?;
    Some((u64::from_le_bytes(*time), text(rest)?))
}

/// otpauth:// parsing never panics, and whatever parses builds back to a URI that parses to
/// the same value, or is refused with a typed error (an empty account, a label too long once
/// percent-encoded).
pub fn uri(data: &[u8]) -> bool {
    let Some(text) = text(data) else { return false };
    let Ok(uri) = OtpAuthUri::parse(text) else {
        return false;
    };
    match uri.to_uri() {
        Ok(built) => {
            assert!(
                built.len() <= mfakit_core::MAX_URI_LEN,
                "built URI too long"
            );
            let again = OtpAuthUri::parse(&built).expect("a built URI parses");
            assert_eq!(again, uri, "round trip changed the URI");
            assert_eq!(
                again.to_uri().expect("builds again"),
                built,
                "round trip is not stable"
            );
        }
        Err(e) => assert_eq!(e.code(), "invalid_parameter", "{e}"),
    }
    true
}

/// Base32 secret decoding never panics and round-trips through the canonical form.
pub fn base32(data: &[u8]) -> bool {
    let Some(text) = text(data) else { return false };
    let Ok(secret) = Secret::from_base32(text) else {
        return false;
    };
    let canonical = secret.to_base32();
    let again = Secret::from_base32(&canonical).expect("canonical base32 decodes");
    assert_eq!(again, secret);
    assert_eq!(again.to_base32(), canonical);
    true
}

/// Verification of attacker-typed codes at arbitrary times and windows never panics, and a
/// match always names a step inside the window after `after_step`. "Parses" here means the
/// code matched, the only case in which the asserts run.
pub fn code_input(data: &[u8]) -> bool {
    let Some((head, rest)) = data.split_first_chunk::<12>() else {
        return false;
    };
    let time = u64::from_le_bytes(head[..8].try_into().expect("8 of 12 bytes"));
    let (behind, ahead) = (u32::from(head[8] % 8), u32::from(head[9] % 8));
    let digits = 6 + u32::from(head[10] % 5);
    let algorithm =
        [Algorithm::Sha1, Algorithm::Sha256, Algorithm::Sha512][usize::from(head[11] % 3)];
    let period = 1 + u64::from(head[10] / 5);
    let Some(code) = text(rest) else { return false };
    let secret = Secret::from_bytes(b"12345678901234567890").expect("valid secret");
    let params = TotpParams {
        algorithm,
        digits,
        period,
        t0: 0,
    };
    let totp = Totp::new(secret.clone(), params).expect("valid params");
    let after = (head[9] & 0x80 != 0).then(|| time / period);
    let mut matched = false;
    if let Ok(Some(m)) = totp.verify_at(code, time, Window { behind, ahead }, after) {
        let current = time / period;
        assert!(m.drift >= -i64::from(behind) && m.drift <= i64::from(ahead));
        assert_eq!(m.step as i128 - current as i128, i128::from(m.drift));
        assert!(after.is_none_or(|a| m.step > a));
        assert_eq!(totp.generate_step(m.step), code.replace([' ', '\t'], ""));
        matched = true;
    }
    let hotp = Hotp::new(secret, algorithm, digits).expect("valid params");
    if let Ok(Some(m)) = hotp.verify(code, time, u32::from(head[8] % 16)) {
        assert!(m.step >= time && m.step - time < 16);
        matched = true;
    }
    let _ = hotp.resync(code, code, time, u32::from(head[9] % 16));
    matched
}

/// A recovery-code set read back from storage someone else may have touched: parsing never
/// panics, and a parsed set writes back to a form that parses to the same set.
pub fn recovery_stored(data: &[u8]) -> bool {
    let Some(text) = text(data) else { return false };
    let _ = mfakit_core::normalize_recovery_code(text);
    let Ok(set) = RecoveryCodeSet::from_stored(text) else {
        return false;
    };
    let stored = set.to_stored();
    let again = RecoveryCodeSet::from_stored(&stored).expect("written form parses");
    assert!(again == set, "round trip changed the set");
    assert_eq!(again.to_stored(), stored);
    true
}

/// `RecoveryCodeSet::check` on a stored set (first line) and a typed code (second line), for
/// sets whose argon2id cost is small (the vectors' m=64 KiB, t=1, p=1, or less): a code is
/// accepted at most once, an accepted check removes exactly its slot, a refused one changes
/// nothing, and input that is not a possible code is refused. Costlier sets are only parsed.
pub fn recovery_check(data: &[u8]) -> bool {
    let Some((set, input)) = recovery_input(data) else {
        return false;
    };
    if !cheap(&set) {
        return true;
    }
    let check = set.check(input).expect("small argon2 parameters evaluate");
    let normalized = mfakit_core::normalize_recovery_code(input);
    if check.accepted {
        let code = normalized.expect("an accepted code is a possible code");
        assert_eq!(check.remaining + 1, set.remaining());
        assert_eq!(check.set.remaining(), check.remaining);
        let stored_after = check.set.to_stored();
        assert_eq!(
            RecoveryCodeSet::from_stored(&stored_after).expect("parses"),
            check.set
        );
        // The slot id (first character) is gone from the stored entries, and nothing else.
        let slot = format!("{}.", &code[..1]);
        let entries = |s: &str| -> Vec<String> {
            let list = s.rsplit_once(':').map_or("", |(_, l)| l);
            list.split(';')
                .filter(|e| !e.is_empty())
                .map(str::to_owned)
                .collect()
        };
        let before = entries(&set.to_stored());
        let after = entries(&stored_after);
        let kept: Vec<String> = before
            .into_iter()
            .filter(|e| !e.starts_with(&slot))
            .collect();
        assert_eq!(after, kept, "an accepted check removes its slot only");
        // Single use: the same input never works twice.
        let again = check.set.check(input).expect("evaluates");
        assert!(!again.accepted, "a recovery code was accepted twice");
    } else {
        assert!(check.set == set, "a refused check changed the set");
        assert_eq!(check.remaining, set.remaining());
    }
    true
}

fn recovery_input(data: &[u8]) -> Option<(RecoveryCodeSet, &str)> {
    let text = text(data)?;
    let (stored, input) = text.split_once('\n').unwrap_or((text, "k7m2-px9q-4rtv"));
    Some((RecoveryCodeSet::from_stored(stored).ok()?, input))
}

/// Whether a set's argon2id cost is small enough to evaluate on every fuzz input.
fn cheap(set: &RecoveryCodeSet) -> bool {
    let RecoveryParams {
        m_cost_kib,
        t_cost,
        p_cost,
    } = set.params();
    m_cost_kib <= 64 && t_cost <= 1 && p_cost <= 2
}

/// Whether `recovery_check` evaluates argon2id for this input (a cheap set and a possible
/// code), for the reach report: parsing alone says little about that target.
pub fn recovery_check_evaluates(data: &[u8]) -> bool {
    recovery_input(data).is_some_and(|(set, input)| {
        cheap(&set) && mfakit_core::normalize_recovery_code(input).is_some()
    })
}

/// Opening attacker-supplied sealed values (first line; the second line is the associated
/// data, `user:42` when absent) never panics: it opens, or fails with a typed error. What
/// opens reseals under the current key and opens again to the same plaintext.
pub fn sealed(data: &[u8]) -> bool {
    let Some(text) = text(data) else { return false };
    let (value, ad) = text.split_once('\n').unwrap_or((text, DEFAULT_AD));
    let ring = keyring();
    let _ = mfakit_core::sealed::sealed_key_id(value);
    let _ = ring.needs_reseal(value);
    let Ok(plain) = ring.open(value, ad.as_bytes()) else {
        return false;
    };
    let resealed = ring
        .reseal(value, ad.as_bytes())
        .expect("an opened value reseals");
    assert_eq!(
        mfakit_core::sealed::sealed_key_id(&resealed).expect("resealed names a key"),
        ring.current_key_id()
    );
    assert!(!ring.needs_reseal(&resealed).expect("resealed parses"));
    assert_eq!(
        *ring.open(&resealed, ad.as_bytes()).expect("resealed opens"),
        *plain
    );
    // Bound to its associated data.
    let other = format!("{ad}!");
    assert!(
        ring.open(value, other.as_bytes()).is_err(),
        "opened with other associated data"
    );
    true
}

fn keyring() -> &'static Keyring {
    static RING: OnceLock<Keyring> = OnceLock::new();
    RING.get_or_init(|| {
        let key = |base: u8| {
            let bytes: Vec<u8> = (0..32u8).map(|i| base + i).collect();
            SealingKey::from_bytes(&bytes).expect("32 bytes")
        };
        let (id1, base1) = SEALING_KEYS[0];
        let (id2, base2) = SEALING_KEYS[1];
        let mut ring = Keyring::new(id1, key(base1)).expect("valid id");
        ring.add(id2, key(base2)).expect("valid id");
        ring.set_current(id2).expect("known id");
        ring
    })
}

/// A sealing key from base64 text never panics; a key that parses writes back to 43
/// characters of unpadded base64url that parse to the same key, and a key is 32 bytes,
/// whichever base64 alphabet and padding it came in.
pub fn sealing_key(data: &[u8]) -> bool {
    let Some(text) = text(data) else { return false };
    let Ok(key) = SealingKey::from_base64(text) else {
        return false;
    };
    let canonical = key.to_base64();
    assert_eq!(canonical.len(), 43, "32 bytes are 43 base64 characters");
    assert!(canonical
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    let again = SealingKey::from_base64(&canonical).expect("canonical form parses");
    assert_eq!(again.to_base64(), canonical);
    // Same key in the standard alphabet, padded.
    let standard = format!("{}=", canonical.replace('-', "+").replace('_', "/"));
    assert_eq!(
        SealingKey::from_base64(&standard)
            .expect("standard form parses")
            .to_base64(),
        canonical
    );
    true
}

/// `mask_email` and `mask_phone` never panic, and a mask shows no more than it should: the
/// first character of the local part and the domain, or `+`, stars and the last 2 to 4
/// digits of the number. The first byte picks the number of visible digits.
pub fn masking(data: &[u8]) -> bool {
    let Some((&visible, rest)) = data.split_first() else {
        return false;
    };
    let Some(text) = text(rest) else { return false };
    let mut parsed = false;
    if let Ok(masked) = mask_email(text) {
        let (local, domain) = text.trim().split_once('@').expect("a masked email has `@`");
        let first = local.chars().next().expect("a non-empty local part");
        assert_eq!(masked, format!("{first}***@{domain}"));
        assert!(!masked.chars().any(|c| c.is_whitespace() || c.is_control()));
        parsed = true;
    }
    let visible = u32::from(visible % 6);
    let shown = if visible == 0 {
        mask_phone(text).map(|m| (m, 2))
    } else {
        mask_phone_showing(text, visible).map(|m| (m, visible as usize))
    };
    if let Ok((masked, shown)) = shown {
        let digits: String = text.chars().filter(char::is_ascii_digit).collect();
        assert!((8..=15).contains(&digits.len()));
        let stars = digits.len() - shown;
        assert_eq!(
            masked,
            format!("+{}{}", "*".repeat(stars), &digits[stars..])
        );
        parsed = true;
    }
    parsed
}

/// `MfaLevel`, `Algorithm` and `OperationClass` names never panic, and a name that parses
/// writes back to the canonical name, which parses to the same value.
pub fn level_names(data: &[u8]) -> bool {
    let Some(text) = text(data) else { return false };
    let mut parsed = false;
    if let Ok(level) = text.parse::<MfaLevel>() {
        assert_eq!(
            level.as_str().parse::<MfaLevel>().expect("canonical"),
            level
        );
        parsed = true;
    }
    if let Ok(algorithm) = text.parse::<Algorithm>() {
        assert_eq!(algorithm.to_string(), algorithm.as_str());
        assert_eq!(
            algorithm.as_str().parse::<Algorithm>().expect("canonical"),
            algorithm
        );
        parsed = true;
    }
    let op = OperationClass::from_name(text);
    assert_eq!(op.as_str(), text);
    assert_eq!(OperationClass::from_name(op.as_str()), op);
    parsed
}

/// The rate-limit string: whatever parses is a valid limiter and Displays to a string that
/// parses to the same rate (parse → Display → parse); and, the other way, any valid rate
/// made from the first 12 bytes Displays to a string that parses back to it.
pub fn rate_limit(data: &[u8]) -> bool {
    let mut parsed = false;
    if let Some(text) = text(data) {
        if let Ok(rate) = text.parse::<RateLimit>() {
            RateLimiter::new(rate).expect("a parsed rate is valid");
            let shown = rate.to_string();
            assert_eq!(shown.parse::<RateLimit>().expect("Display parses"), rate);
            assert_eq!(
                shown.parse::<RateLimit>().expect("parses").to_string(),
                shown
            );
            parsed = true;
        }
    }
    if let Some((head, _)) = data.split_first_chunk::<12>() {
        let limit = u32::from_le_bytes(head[..4].try_into().expect("4 bytes"));
        let period = u64::from_le_bytes(head[4..].try_into().expect("8 bytes"));
        let rate = RateLimit::per(limit, period);
        if RateLimiter::new(rate).is_ok() {
            let shown = rate.to_string();
            assert_eq!(
                shown.parse::<RateLimit>().expect("Display parses"),
                rate,
                "{shown}"
            );
        }
    }
    parsed
}

/// A stored email/SMS challenge read back from storage (8-byte time, the stored form, a
/// newline, the typed code): parsing never panics and round trips; a verification spends an
/// attempt or uses the challenge, never both, and an accepted code never works twice; a
/// resent code verifies.
pub fn challenge_state(data: &[u8]) -> bool {
    let Some((now, text)) = time_and_text(data) else {
        return false;
    };
    let (stored, input) = text.split_once('\n').unwrap_or((text, "123456"));
    let Ok(challenge) = OtpChallenge::from_stored(stored) else {
        return false;
    };
    let written = challenge.to_stored();
    assert!(OtpChallenge::from_stored(&written).expect("written form parses") == challenge);
    let key = ChallengeKey::from_bytes(&CHALLENGE_KEY).expect("valid key");
    let outcome = challenge.verify(&key, input, now);
    let after = &outcome.challenge;
    assert!(
        OtpChallenge::from_stored(&after.to_stored()).expect("parses") == *after,
        "verified state round trip"
    );
    match outcome.verdict {
        ChallengeVerdict::Accepted => {
            assert!(challenge.attempts_left > 0 && !challenge.used && now < challenge.expires_at);
            assert!(after.used && after.attempts_left == challenge.attempts_left);
            let again = after.verify(&key, input, now);
            assert_eq!(again.verdict, ChallengeVerdict::Used, "a code worked twice");
        }
        ChallengeVerdict::Wrong { attempts_left } => {
            assert_eq!(attempts_left + 1, challenge.attempts_left);
            assert_eq!(after.attempts_left, attempts_left);
            assert!(!after.used);
        }
        _ => assert!(
            *after == challenge,
            "a refused verification changed the state"
        ),
    }
    let _ = challenge.resend_available_in(now);
    if let Ok(issued) = challenge.resend(&key, now) {
        let fresh = issued.challenge.verify(&key, issued.code.as_str(), now);
        assert_eq!(
            fresh.verdict.is_accepted(),
            now < issued.challenge.expires_at,
            "a resent code does not verify"
        );
    }
    true
}

/// Stored attempt and rate-limit states read back from storage (8-byte time, then the stored
/// form): parsing never panics, round trips, and decisions at any time never panic; peek and
/// acquire agree.
pub fn limiter_state(data: &[u8]) -> bool {
    let Some((now, text)) = time_and_text(data) else {
        return false;
    };
    let mut parsed = false;
    if let Ok(state) = AttemptState::from_stored(text) {
        assert_eq!(
            AttemptState::from_stored(&state.to_stored()).expect("round trip"),
            state
        );
        let limiter = AttemptLimiter::new(AttemptPolicy::default()).expect("default policy");
        let _ = limiter.check(&state, now);
        let _ = limiter.record_failure(&state, now);
        parsed = true;
    }
    if let Ok(state) = RateState::from_stored(text) {
        assert_eq!(
            RateState::from_stored(&state.to_stored()).expect("round trip"),
            state
        );
        let limiter = RateLimiter::new(RateLimit::VERIFY).expect("valid rate");
        let peek = limiter.peek(&state, now);
        let outcome = limiter.acquire(&state, now);
        assert_eq!(peek, outcome.decision, "peek and acquire disagree");
        parsed = true;
    }
    parsed
}

/// The keys of the service-record seeds (`examples/service_seeds.rs` writes them).
pub fn service_context() -> &'static mfakit_core::MfaContext {
    static CTX: OnceLock<mfakit_core::MfaContext> = OnceLock::new();
    CTX.get_or_init(|| {
        let ring = Keyring::new("k1", SealingKey::from_bytes(&[5u8; 32]).expect("32 bytes"))
            .expect("valid key id");
        let policy = mfakit_core::ServicePolicy {
            recovery_params: RecoveryParams {
                m_cost_kib: 8,
                t_cost: 1,
                p_cost: 1,
            },
            ..mfakit_core::ServicePolicy::default()
        };
        mfakit_core::MfaContext::new(
            ring,
            ChallengeKey::from_bytes(&[6u8; 32]).expect("valid key"),
            "Fuzz",
            policy,
        )
        .expect("valid context")
    })
}

/// The service's stored per-user record read back from a store (8-byte time, the record,
/// a newline, a method byte and a typed code): parsing never panics and round trips; a step-up
/// with any method and code never panics, moves the version by exactly one when it changes
/// the record, and leaves a record that parses again; a lockout refuses without comparing.
pub fn service_record(data: &[u8]) -> bool {
    use mfakit_core::{Method, MfaRecord, Verdict};
    let Some((now, text)) = time_and_text(data) else {
        return false;
    };
    let (stored, rest) = text.split_once('\n').unwrap_or((text, ""));
    let Ok(record) = MfaRecord::from_stored("fuzz-user", stored) else {
        return false;
    };
    let again = MfaRecord::from_stored("fuzz-user", &record.to_stored()).expect("round trip");
    assert!(again == record, "stored record round trip");
    let ctx = service_context();
    let status = record.status(ctx, now);
    let mut chars = rest.chars();
    let method = match chars.next() {
        Some('e') => Method::Email,
        Some('s') => Method::Sms,
        Some('r') => Method::RecoveryCode,
        _ => Method::Totp,
    };
    let code: String = chars.collect();
    if let Ok(t) = record.step_up(ctx, method, &code, now) {
        if t.changed {
            assert_eq!(
                t.record.version(),
                record.version() + 1,
                "version moves by one"
            );
        }
        let parsed = MfaRecord::from_stored("fuzz-user", &t.record.to_stored()).expect("parses");
        assert!(parsed == t.record, "transition result round trip");
        if status.locked_until.is_some() {
            assert_eq!(
                t.outcome.verdict,
                Verdict::Locked,
                "a locked user was compared"
            );
        }
    }
    let _ = record.disable(ctx, method, now);
    let _ = record.start_login(ctx, now, &mut rand::rngs::OsRng);
    true
}
