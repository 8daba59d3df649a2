//! Property tests: verification windows, base32 tolerance and otpauth URI round trips.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

use mfakit_core::{Algorithm, MfaError, OtpAuthUri, OtpKind, Secret, Totp, TotpParams, Window};
use proptest::prelude::*;

fn algorithm() -> impl Strategy<Value = Algorithm> {
    prop_oneof![
        Just(Algorithm::Sha1),
        Just(Algorithm::Sha256),
        Just(Algorithm::Sha512)
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// A code from `drift` steps away verifies exactly when the window covers the drift
    /// (or, rarely, when another covered step happens to share the code).
    #[test]
    fn window_accepts_exactly_its_steps(
        key in proptest::collection::vec(any::<u8>(), 10..64),
        algorithm in algorithm(),
        digits in 6u32..=10,
        period in 1u64..300,
        now in 1_000_000u64..4_000_000_000,
        behind in 0u32..4,
        ahead in 0u32..4,
        drift in -6i64..=6,
    ) {
        let totp = Totp::new(Secret::from_bytes(&key).unwrap(), TotpParams { algorithm, digits, period, t0: 0 }).unwrap();
        let current = totp.step_at(now).unwrap();
        let step = current.checked_add_signed(drift).unwrap();
        let code = totp.generate_step(step);
        let got = totp.verify_at(&code, now, Window { behind, ahead }, None).unwrap();
        let covered = -i64::from(behind) <= drift && drift <= i64::from(ahead);
        if covered {
            let m = got.expect("a code inside the window verifies");
            // The nearest step wins; only a code collision can make it differ from `step`.
            prop_assert!(m.step == step || totp.generate_step(m.step) == code);
            prop_assert_eq!(m.step as i64 - current as i64, m.drift);
        } else if let Some(m) = got {
            prop_assert_eq!(totp.generate_step(m.step), code.clone(), "only a collision may match outside the window");
        }
        // after_step at or past the matched step always refuses it.
        if let Some(m) = got {
            let again = totp.verify_at(&code, now, Window { behind, ahead }, Some(m.step)).unwrap();
            prop_assert!(again.is_none_or(|a| a.step > m.step));
        }
    }

    #[test]
    fn base32_round_trip_with_noise(
        key in proptest::collection::vec(any::<u8>(), 10..80),
        lower in any::<bool>(),
        group in 1usize..9,
        sep in prop_oneof![Just(" "), Just("-"), Just("")],
        pad in 0usize..8,
    ) {
        let secret = Secret::from_bytes(&key).unwrap();
        let text = secret.to_base32();
        let mut noisy: String = text
            .as_bytes()
            .chunks(group)
            .map(|c| std::str::from_utf8(c).unwrap().to_owned())
            .collect::<Vec<_>>()
            .join(sep);
        if lower { noisy = noisy.to_lowercase(); }
        noisy.push_str(&"=".repeat(pad));
        let decoded = Secret::from_base32(&noisy).unwrap();
        prop_assert_eq!(decoded.as_bytes(), key.as_slice());
    }

    #[test]
    fn base32_never_panics(text in ".{0,64}") {
        let _ = Secret::from_base32(&text);
    }

    #[test]
    fn uri_round_trip(
        key in proptest::collection::vec(any::<u8>(), 10..64),
        issuer in proptest::option::of("[^:]{0,20}"),
        account in "[^:]{0,30}",
        algorithm in algorithm(),
        digits in 6u32..=10,
        totp in any::<bool>(),
        number in 1u64..u64::MAX,
    ) {
        // Surrounding spaces cannot survive a label round trip; normalise as the parser does.
        // A blank issuer is refused when building, so the round trip uses `None` for it.
        let issuer = issuer.map(|i| i.trim().to_owned()).filter(|i| !i.is_empty());
        let account = account.trim().to_owned();
        let uri = OtpAuthUri {
            kind: if totp { OtpKind::Totp { period: number } } else { OtpKind::Hotp { counter: number } },
            secret: Secret::from_bytes(&key).unwrap(),
            issuer,
            account,
            algorithm,
            digits,
        };
        if uri.account.is_empty() {
            // No URI is built with an empty account.
            let err = uri.to_uri().unwrap_err();
            prop_assert!(
                matches!(err, MfaError::InvalidParameter { name: "account", .. }),
                "{:?}",
                err
            );
            return Ok(());
        }
        let text = uri.to_uri().unwrap();
        let parsed = OtpAuthUri::parse(&text).unwrap();
        prop_assert_eq!(&parsed, &uri);
        prop_assert_eq!(parsed.to_uri().unwrap(), text);
    }

    /// Issue 19: whatever builds parses (no built URI exceeds `MAX_URI_LEN`), and a label
    /// too long once percent-encoded is refused with a typed error naming the label part.
    #[test]
    fn long_labels_build_only_what_parses(
        // 80 bits at least: shorter secrets are refused on import (issue 18).
        key in proptest::collection::vec(any::<u8>(), 10..1024),
        issuer in proptest::option::of("[a-z][^:]{0,1400}"),
        account in "[a-z].{0,2000}",
        totp in any::<bool>(),
    ) {
        let uri = OtpAuthUri {
            kind: if totp { OtpKind::Totp { period: 30 } } else { OtpKind::Hotp { counter: 0 } },
            secret: Secret::from_bytes(&key).unwrap(),
            issuer: issuer.map(|i| i.trim().to_owned()),
            account: account.trim().to_owned(),
            algorithm: Algorithm::Sha1,
            digits: 6,
        };
        match uri.to_uri() {
            Ok(text) => {
                prop_assert!(text.len() <= mfakit_core::MAX_URI_LEN);
                let parsed = OtpAuthUri::parse(&text).unwrap();
                prop_assert_eq!(&parsed, &uri);
                prop_assert_eq!(parsed.to_uri().unwrap(), text);
            }
            Err(err) => prop_assert!(
                matches!(err, MfaError::InvalidParameter { name: "account" | "issuer", .. }),
                "{:?}",
                err
            ),
        }
    }

    #[test]
    fn blank_labels_are_never_built(
        key in proptest::collection::vec(any::<u8>(), 10..64),
        blank in "[ \t\u{a0}\u{3000}]{0,4}",
        other in "[a-z]{1,10}",
        totp in any::<bool>(),
    ) {
        let secret = Secret::from_bytes(&key).unwrap();
        let blank_account = OtpAuthUri {
            kind: if totp { OtpKind::Totp { period: 30 } } else { OtpKind::Hotp { counter: 0 } },
            secret,
            issuer: Some(other.clone()),
            account: blank.clone(),
            algorithm: Algorithm::Sha1,
            digits: 6,
        };
        let err = blank_account.to_uri().unwrap_err();
        prop_assert!(matches!(err, MfaError::InvalidParameter { name: "account", .. }), "{:?}", err);
        let blank_issuer = OtpAuthUri { issuer: Some(blank), account: other, ..blank_account };
        let err = blank_issuer.to_uri().unwrap_err();
        prop_assert!(matches!(err, MfaError::InvalidParameter { name: "issuer", .. }), "{:?}", err);
    }

    #[test]
    fn uri_parse_never_panics(text in "otpauth://[a-z]{0,5}/.{0,40}") {
        let _ = OtpAuthUri::parse(&text);
    }
}
