//! Runs every OTP file in tests/vectors/ (shared with the Python, Node and Kotlin tests),
//! and after each known answer flips one bit of the input and checks that verification fails.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

use std::path::PathBuf;

use mfakit_core::{
    Algorithm, Hotp, MfaError, OtpAuthUri, OtpKind, Secret, Totp, TotpParams, Window,
};
use serde_json::Value;

fn load(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/vectors")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

fn cases<'a>(doc: &'a Value, key: &str) -> &'a Vec<Value> {
    doc[key]
        .as_array()
        .unwrap_or_else(|| panic!("no `{key}` array"))
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap()
}

fn n(v: &Value) -> u64 {
    v.as_u64().unwrap()
}

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

fn totp_of(case: &Value) -> Result<Totp, mfakit_core::MfaError> {
    let secret = Secret::from_base32(s(&case["secret_base32"]))?;
    let algorithm: Algorithm = s(&case["algorithm"]).parse()?;
    let params = TotpParams {
        algorithm,
        digits: n(&case["digits"]) as u32,
        period: n(&case["period"]),
        t0: case.get("t0").map_or(0, n),
    };
    Totp::new(secret, params)
}

/// Flips one bit of an ASCII digit string while keeping it a digit string of the same length.
fn tamper(code: &str, bit: usize) -> String {
    let mut bytes = code.as_bytes().to_vec();
    let i = bit % bytes.len();
    let digit = bytes[i] - b'0';
    bytes[i] = b'0' + (digit ^ (1 << (bit / bytes.len() % 3))) % 10;
    if bytes == code.as_bytes() {
        bytes[i] = b'0' + (digit + 1) % 10;
    }
    String::from_utf8(bytes).unwrap()
}

#[test]
fn rfc4226_appendix_d() {
    let doc = load("hotp.json");
    for case in cases(&doc, "cases") {
        let secret = Secret::from_bytes(&hex(s(&case["secret_hex"]))).unwrap();
        assert_eq!(secret.to_base32(), s(&case["secret_base32"]));
        let hotp = Hotp::new(
            secret,
            s(&case["algorithm"]).parse().unwrap(),
            n(&case["digits"]) as u32,
        )
        .unwrap();
        let (counter, code) = (n(&case["counter"]), s(&case["code"]));
        assert_eq!(hotp.generate(counter), code, "counter {counter}");
        let m = hotp.verify(code, counter, 0).unwrap().unwrap();
        assert_eq!((m.step, m.drift), (counter, 0));
        // From an earlier counter, look-ahead finds it with the right drift.
        let m = hotp.verify(code, 0, 10).unwrap().unwrap();
        assert_eq!((m.step, m.drift), (counter, counter as i64));
        // Tamper: every one-bit change of the code, and the neighbouring counter, fail.
        for bit in 0..code.len() * 3 {
            let bad = tamper(code, bit);
            if bad != hotp.generate(counter) {
                assert!(
                    hotp.verify(&bad, counter, 0).unwrap().is_none(),
                    "tampered {bad}"
                );
            }
        }
        assert_ne!(hotp.generate(counter ^ 1), code);
    }
}

#[test]
fn rfc6238_appendix_b() {
    let doc = load("totp.json");
    let rows = cases(&doc, "cases");
    assert_eq!(rows.len(), 18);
    for case in rows {
        let totp = totp_of(case).unwrap();
        assert_eq!(
            Secret::from_bytes(&hex(s(&case["secret_hex"]))).unwrap(),
            *totp.secret()
        );
        let (time, code) = (n(&case["time"]), s(&case["code"]));
        assert_eq!(totp.step_at(time).unwrap(), n(&case["step"]));
        assert_eq!(
            totp.generate_at(time).unwrap(),
            code,
            "{} at {time}",
            case["algorithm"]
        );
        let m = totp
            .verify_at(code, time, Window::symmetric(0), None)
            .unwrap()
            .unwrap();
        assert_eq!((m.step, m.drift), (n(&case["step"]), 0));
        for bit in 0..code.len() * 3 {
            let bad = tamper(code, bit);
            assert!(totp
                .verify_at(&bad, time, Window::symmetric(0), None)
                .unwrap()
                .is_none());
        }
        // A one-bit change of the secret gives another code.
        let mut key = hex(s(&case["secret_hex"]));
        key[0] ^= 1;
        let other = Totp::new(Secret::from_bytes(&key).unwrap(), totp.params()).unwrap();
        assert!(other
            .verify_at(code, time, Window::symmetric(0), None)
            .unwrap()
            .is_none());
        // A one-bit change of the time step gives another code.
        let step = n(&case["step"]);
        assert_ne!(totp.generate_step(step ^ 1), code);
    }
}

#[test]
fn verification_cases() {
    let doc = load("verify.json");
    for case in cases(&doc, "cases") {
        let totp = totp_of(case).unwrap();
        let window = Window {
            behind: n(&case["behind"]) as u32,
            ahead: n(&case["ahead"]) as u32,
        };
        let after = case["after_step"].as_u64();
        let got = totp
            .verify_at(s(&case["code"]), n(&case["time"]), window, after)
            .unwrap();
        let want = (!case["match"].is_null()).then(|| {
            (
                n(&case["match"]["step"]),
                case["match"]["drift"].as_i64().unwrap(),
            )
        });
        assert_eq!(got.map(|m| (m.step, m.drift)), want, "{}", case["note"]);
    }
}

#[test]
fn configuration_errors() {
    let doc = load("config_errors.json");
    for case in cases(&doc, "cases") {
        let err = totp_of(case).unwrap_err();
        assert_eq!(err.code(), s(&case["error"]), "{}", case["note"]);
    }
}

#[test]
fn base32_cases() {
    let doc = load("base32.json");
    for case in cases(&doc, "cases") {
        let got = Secret::from_base32(s(&case["input"]));
        match case["error"].as_str() {
            Some(code) => assert_eq!(got.unwrap_err().code(), code, "{}", case["note"]),
            None => assert_eq!(
                got.unwrap().as_bytes(),
                hex(s(&case["hex"])),
                "{}",
                case["note"]
            ),
        }
    }
}

fn check_fields(uri: &OtpAuthUri, f: &Value) {
    assert_eq!(uri.secret.to_base32(), s(&f["secret_base32"]));
    assert_eq!(uri.issuer.as_deref(), f["issuer"].as_str());
    assert_eq!(uri.account, s(&f["account"]));
    assert_eq!(uri.algorithm.as_str(), s(&f["algorithm"]));
    assert_eq!(u64::from(uri.digits), n(&f["digits"]));
    match (s(&f["type"]), uri.kind) {
        ("totp", OtpKind::Totp { period }) => assert_eq!(period, n(&f["period"])),
        ("hotp", OtpKind::Hotp { counter }) => assert_eq!(counter, n(&f["counter"])),
        (t, k) => panic!("type {t} but parsed {k:?}"),
    }
}

fn uri_from_fields(f: &Value) -> OtpAuthUri {
    OtpAuthUri {
        kind: if s(&f["type"]) == "totp" {
            OtpKind::Totp {
                period: n(&f["period"]),
            }
        } else {
            OtpKind::Hotp {
                counter: n(&f["counter"]),
            }
        },
        secret: Secret::from_base32(s(&f["secret_base32"])).unwrap(),
        issuer: f["issuer"].as_str().map(str::to_owned),
        account: s(&f["account"]).to_owned(),
        algorithm: s(&f["algorithm"]).parse().unwrap(),
        digits: n(&f["digits"]) as u32,
    }
}

#[test]
fn uri_cases() {
    let doc = load("uri.json");
    for case in cases(&doc, "parse") {
        let got = OtpAuthUri::parse(s(&case["uri"]));
        match case["error"].as_str() {
            Some(code) => assert_eq!(got.unwrap_err().code(), code, "{}", case["note"]),
            None => {
                let uri = got.unwrap_or_else(|e| panic!("{}: {e}", case["note"]));
                check_fields(&uri, &case["expect"]);
                if let Some(code) = case["rebuild_error"].as_str() {
                    // Accepted on parse, refused on build.
                    let err = uri.to_uri().unwrap_err();
                    assert_eq!(err.code(), code, "{}", case["note"]);
                    assert_eq!(
                        param_name(&err),
                        s(&case["rebuild_field"]),
                        "{}",
                        case["note"]
                    );
                    continue;
                }
                // Stable round trip: build, parse, build gives the same text.
                let text = uri.to_uri().unwrap();
                assert_eq!(OtpAuthUri::parse(&text).unwrap(), uri);
            }
        }
    }
    for case in cases(&doc, "build") {
        let uri = uri_from_fields(&case["fields"]);
        let text = uri.to_uri().unwrap();
        assert_eq!(text, s(&case["uri"]), "{}", case["note"]);
        check_fields(&OtpAuthUri::parse(&text).unwrap(), &case["fields"]);
    }
    for case in cases(&doc, "build_errors") {
        let f = &case["fields"];
        let uri = uri_from_fields(f);
        let err = uri.to_uri().unwrap_err();
        assert_eq!(err.code(), s(&case["error"]), "{}", case["note"]);
        assert_eq!(param_name(&err), s(&case["field"]), "{}", case["note"]);
        // The typed constructors refuse the same label up front.
        let (issuer, account) = (f["issuer"].as_str(), s(&f["account"]));
        let typed = match uri.kind {
            OtpKind::Totp { .. } => OtpAuthUri::for_totp(&uri.totp().unwrap(), issuer, account),
            OtpKind::Hotp { counter } => {
                OtpAuthUri::for_hotp(&uri.hotp().unwrap().0, counter, issuer, account)
            }
        };
        assert_eq!(typed.unwrap_err(), err, "{}", case["note"]);
    }
}

/// The parameter an `invalid_parameter` error names.
fn param_name(err: &MfaError) -> &'static str {
    match err {
        MfaError::InvalidParameter { name, .. } => name,
        other => panic!("not invalid_parameter: {other:?}"),
    }
}

#[test]
fn fuzz_regressions() {
    let doc = load("fuzz_regressions.json");
    for case in cases(&doc, "cases") {
        let input = s(&case["input"]);
        let err = match s(&case["kind"]) {
            "rate_limit" => input.parse::<mfakit_core::RateLimit>().unwrap_err(),
            "uri" => OtpAuthUri::parse(input).unwrap_err(),
            "base32" => Secret::from_base32(input).unwrap_err(),
            other => panic!("unknown kind {other}"),
        };
        assert_eq!(err.code(), s(&case["error"]), "{}", case["note"]);
    }
}
